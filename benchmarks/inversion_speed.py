"""Speed of representation inversion with a truncated forward (`stir_ft.inversion.invert`) against a plain
implementation that runs the whole model at every step.

What is measured
----------------
For each requested layer of a ViT, the same inversion (noise start `start_noise(x.shape, seed)`, loss
||f(x') - f(x)|| / ||f(x)|| per image, per-image normalised gradient step of `--step-size`, clamp to [0, 1],
best of the `iters + 1` iterates kept) is run three ways:

* package: `stir_ft.inversion.invert(model, x, layer, iters=...)`. It reads the layer with `read_layers`,
  which stops after the requested block, and freezes the parameters (no weight gradients).
* plain: written below. A forward hook on the layer's module records its output while the full
  `model(x)` runs to the logits at every step; parameters have `requires_grad=False`, `model.eval()`.
* plain + weight grads: the same, but with parameter gradients left on (`requires_grad=True`, as naive
  code would), so every backward pass also computes the weight gradients of the blocks up to the layer.

Layer k < depth is the output of `blocks[k]` (all tokens, flattened); layer `depth` is the pooled
pre-logits, which needs every block, so its ratio is ~1 by construction. Agreement: the images and losses
of both plain variants are compared with the package's (max abs difference, float32: 0 when both run the
same kernels in the same order, as on CPU; otherwise rounding differences, ~1e-5, that the iterations can grow).

Timing: `time.perf_counter`, one warm-up run of each method (1 iteration) before timing, and
`torch.cuda.synchronize()` around every timed region on CUDA. Thread count is torch's default. On CPU the
`cores` column is process CPU seconds / wall seconds (fewest of the row's runs): about the thread count on an
idle machine, about 1 when other processes compete for the CPU (torch's threads then share one core and
spin-wait for each other, which slows everything by far more than 2x). A parallel matmul check before and
after the run prints a warning when it gets clearly fewer cores than torch has threads.

Run: `python benchmarks/inversion_speed.py [--device cpu|cuda] [--images 16 --iters 10 --layers 0,3,6,9,12]
[--model tiny|vit_base_patch32_224]`
"""
from __future__ import annotations
import argparse, sys
from contextlib import contextmanager
import torch
from stir_ft.inversion import invert, start_noise
from stir_ft.layers import NormalizedModel, tiny_vit
from _timing import timed, contention_note, describe_device   # benchmarks/_timing.py


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=' '.join(__doc__.split('\n\n')[0].split()))
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--model', default='tiny', help="'tiny' (random 12-block ViT, width 192, 32 px, 4 px patches) "
                   "or a timm model name, e.g. vit_base_patch32_224 (random weights, 224 px)")
    p.add_argument('--images', type=int, default=16)
    p.add_argument('--iters', type=int, default=10)
    p.add_argument('--layers', default='0,3,6,9,12', help="comma-separated layer indices, or 'all'")
    p.add_argument('--step-size', type=float, default=0.5)
    p.add_argument('--repeats', type=int, default=1, help='time each method this many times and keep the fastest')
    p.add_argument('--seed', type=int, default=0)
    return p.parse_args(argv)


# ---------------------------------------------------------------------------------------------- setup
def build_model(name, device):
    "The ViT wrapped in NormalizedModel (takes [0, 1] images), in eval mode, and its input size."
    if name == 'tiny':
        model, size = tiny_vit(depth=12, width=192, img_size=32, patch_size=4, num_heads=3), 32
    else:
        import timm
        model = NormalizedModel.from_timm(timm.create_model(name, pretrained=False))
        size = model.model.pretrained_cfg.get('input_size', (3, 224, 224))[-1]
    return model.to(device).eval(), size


def parse_layers(spec, depth):
    layers = list(range(depth + 1)) if spec == 'all' else [int(s) for s in spec.split(',')]
    bad = [l for l in layers if not 0 <= l <= depth]
    if bad: raise SystemExit(f"layers {bad} out of range: this model has layers 0..{depth}")
    return layers


def layer_module(model, layer):
    "The module whose output (hook) or input (pre-hook) is `layer`: blocks[layer], or the head's input (pre-logits)."
    vit = model.model
    if layer < len(vit.blocks): return vit.blocks[layer], False
    return vit.head, True


@contextmanager
def recording(module, pre: bool):
    "Record the output of `module` (or its input, `pre=True`) in the yielded dict under 'h' at every forward."
    rec = {}
    if pre: handle = module.register_forward_pre_hook(lambda m, inp: rec.__setitem__('h', inp[0]))
    else: handle = module.register_forward_hook(lambda m, inp, out: rec.__setitem__('h', out))
    try: yield rec
    finally: handle.remove()


def plain_invert(model, x, layer, iters, step_size, start, weight_grads=False):
    "Inversion that runs the whole model to the logits at every step; returns (best images, best losses)."
    model.eval()
    flags = [(p, p.requires_grad) for p in model.parameters()]
    for p, _ in flags: p.requires_grad_(weight_grads)
    try:
        with recording(*layer_module(model, layer)) as rec:
            with torch.no_grad():
                model(x)
                target = rec['h'].flatten(1)
            tnorm = target.norm(dim=1)
            xa, best_x = start.clone(), start.clone()
            best = torch.full((len(x),), float('inf'), device=x.device)
            for t in range(iters + 1):
                xa.requires_grad_(True)
                model(xa)                                   # all blocks and the head, every step
                loss = (rec['h'].flatten(1) - target).norm(dim=1) / tnorm
                with torch.no_grad():
                    better = loss < best
                    best = torch.where(better, loss, best)
                    best_x[better] = xa[better]
                if t == iters: break
                model.zero_grad(set_to_none=True)
                loss.sum().backward()
                g = xa.grad
                gnorm = g.flatten(1).norm(dim=1).view(-1, 1, 1, 1)
                with torch.no_grad():
                    xa = (xa - step_size * g / torch.where(gnorm > 0, gnorm, torch.ones_like(gnorm))).clamp(0, 1)
        return best_x, best
    finally:
        model.zero_grad(set_to_none=True)
        for p, f in flags: p.requires_grad_(f)


# ----------------------------------------------------------------------------------------- benchmark
def run_layer(model, x, start, layer, args):
    "Time the three methods on one layer; return seconds and the max abs differences from the package."
    dev, r = args.device, args.repeats
    pkg, t_pkg, c1 = timed(lambda: invert(model, x, layer, iters=args.iters, step_size=args.step_size, seed=args.seed), dev, r)
    plain, t_plain, c2 = timed(lambda: plain_invert(model, x, layer, args.iters, args.step_size, start), dev, r)
    plainw, t_plainw, c3 = timed(lambda: plain_invert(model, x, layer, args.iters, args.step_size, start, True), dev, r)
    dx = max((pkg.x - r[0]).abs().max().item() for r in (plain, plainw))
    dl = max((pkg.loss - r[1]).abs().max().item() for r in (plain, plainw))
    return dict(layer=layer, pkg=t_pkg, plain=t_plain, plainw=t_plainw, dx=dx, dl=dl, loss=pkg.loss.mean().item(),
                cores=min(c1, c2, c3))


def warm_up(model, x, start, layer, args):
    "One iteration of each method, not timed."
    invert(model, x, layer, iters=1, step_size=args.step_size, seed=args.seed)
    plain_invert(model, x, layer, 1, args.step_size, start)
    plain_invert(model, x, layer, 1, args.step_size, start, True)


def print_table(rows, cuda):
    head = (f"{'layer':>5} {'package s':>10} {'plain s':>9} {'plain/pkg':>9} {'plain+wgrad s':>13} {'wgrad/pkg':>9}"
            f" {'max|dx|':>9} {'max|dloss|':>10} {'mean loss':>9} {'cores':>6}")
    print(head); print('-' * len(head))
    for r in rows:
        print(f"{r['layer']:>5} {r['pkg']:10.3f} {r['plain']:9.3f} {r['plain'] / r['pkg']:8.2f}x {r['plainw']:13.3f}"
              f" {r['plainw'] / r['pkg']:8.2f}x {r['dx']:9.1e} {r['dl']:10.1e} {r['loss']:9.4f}"
              f" {'-' if cuda else format(r['cores'], '.2f'):>6}")
    tot = {k: sum(r[k] for r in rows) for k in ('pkg', 'plain', 'plainw')}
    print('-' * len(head))
    print(f"{'sum':>5} {tot['pkg']:10.3f} {tot['plain']:9.3f} {tot['plain'] / tot['pkg']:8.2f}x {tot['plainw']:13.3f}"
          f" {tot['plainw'] / tot['pkg']:8.2f}x")


def main(argv=None):
    args = parse_args(argv)
    dev = args.device
    model, size = build_model(args.model, dev)
    vit, depth = model.model, len(model.model.blocks)
    layers = parse_layers(args.layers, depth)
    x = torch.rand(args.images, 3, size, size, generator=torch.Generator().manual_seed(args.seed + 1)).to(dev)
    start = start_noise(x.shape, args.seed).to(dev)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"inversion, model {args.model}: {depth} blocks, width {vit.embed_dim}, {vit.patch_embed.num_patches} patches"
          f" + {vit.num_prefix_tokens} prefix token(s), {n_params / 1e6:.2f} M parameters, {size} px; "
          f"{args.images} images, {args.iters} iterations, step {args.step_size}; torch {torch.__version__}")
    line, busy = describe_device(dev)
    print(line)
    warm_up(model, x, start, layers[0], args)
    rows = [run_layer(model, x, start, l, args) for l in layers]
    print(f"\nseconds per inversion of {args.images} images ({args.iters} iterations"
          f"{f', fastest of {args.repeats} runs' if args.repeats > 1 else ''}); ratios = plain / package, same run")
    print("package: truncated forward, frozen weights; plain: whole model every step, frozen weights; "
          "plain+wgrad: whole model, weight gradients on")
    print("max|dx|, max|dloss|: largest difference of the returned images / losses between the package and both plain variants")
    print("mean loss: the package's mean best relative loss; cores: fewest CPU cores (CPU s / wall s) of the row's timed runs\n")
    print_table(rows, torch.device(dev).type == 'cuda')
    if depth in layers:
        print(f"\nlayer {depth} (pooled pre-logits) needs every block, so its plain/pkg ratio is ~1 by construction")
    note = contention_note(dev, [busy])
    if note: print(note)
    return 0


if __name__ == '__main__':
    sys.exit(main())
