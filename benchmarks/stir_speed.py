"""The paper's four-metric analysis of one (pretrained, finetuned) pair with `stir_ft.metrics.finetuning_metrics`,
against a plain fp32 implementation and the reference STIR package (`stir-invariance`), on the same device in one run.

What is measured
----------------
The workload is the one the four metrics need, for L layers (13 for a 12-block ViT), k seeds, N images, `iters`
inversion steps: per seed, the pretrained model's L layers are inverted (serving STIR(pt[i] | pt[i]), the
forgetting terms and the L x L invariance-flow matrix) and the finetuned model's L layers (serving STIR(ft[i] | ft[i])
and the learning terms): L^2 + 3L STIR values per seed (208 for L = 13).

* package: `finetuning_metrics(pt, ft, x, seeds, iters)`, default settings (truncated forward, frozen weights, the k
  seeds of a layer inverted as one batch, bf16 autocast + TF32 on CUDA, float32 scoring). Timed end to end.
* package, fp32 (`precision='fp32'`): the same call in float32 (on CPU this is what 'auto' does already).
* plain fp32: one inversion per STIR value (the way a per-pair STIR function works), each step running the whole
  model to the logits (`inversion_speed.plain_invert`), weights frozen, then linear CKA of the target layer on X and
  X' in float64. Only `--plain-cells` values are timed (a reduced workload): the ratio is per unit of work, i.e.
  seconds per STIR value, and the full-analysis time is extrapolated from it (and says so).
* reference: `stir.stir._stir` from PyPI `stir-invariance` (nvedant07/STIR), on the same models, images, layers and
  settings, through an adapter defined here (the interface its `AttackerModel` expects: `model(x, with_latent=,
  layer_num=, ...)` returning (logits, flattened layer); the adapter runs the whole network at every call, as the
  reference's own models do). Its starting noise is replaced by the package's (`start_noise(shape, seed)`, normal
  noise clamped to [0, 1]) so that both start from the same images. `--reference-cells` values are timed; again a
  per-value ratio. On CPU the reference's hard-coded `cuda:` devices are redirected (it was written for GPUs only).
* cache: a second finetuned model scored against the same pretrained model with `cache=<folder>`: the pretrained
  model's inversions are read back instead of recomputed. Printed: cold time (computing and writing every
  inversion), warm time (second pair), and the time saved.
* agreement: the largest |difference| between the default path and the fp32 path over every STIR value of the
  analysis; between the package (fp32) and the plain implementation on the values plain computed (same noise);
  between the package (fp32) and the reference on the values the reference computed (same noise).
* FLOPs: `torch.utils.flop_counter` counts one forward + backward step of one image at every layer (the package's
  truncated forward); times 2 models x k seeds x N images x iters gives the model FLOPs of the inversions (scoring
  forwards not counted). On CUDA the achieved rate is printed as a fraction of the device's dense bf16 peak
  (a table below; H100 SXM 989 TFLOP/s).

Run (from the repository root, `pip install stir-invariance --no-deps` for the reference part, which imports only
torch, numpy, scikit-learn, joblib, tqdm, torchvision; without it that part is skipped and says so):

    python benchmarks/stir_speed.py                      # CPU scale: tiny 12-block ViT, 32 px, 24 images, 10 steps, 3 seeds
    python benchmarks/stir_speed.py --scale paper        # ViT-B/32 at 224 (random init), 500 images, 50 steps, 3 seeds (GPU)
"""
from __future__ import annotations
import argparse, copy, sys, tempfile, time, types
from contextlib import contextmanager
import numpy as np
import torch
from torch import nn
from stir_ft.metrics import finetuning_metrics
from stir_ft.inversion import start_noise, resolve_precision
from stir_ft.layers import read_layers, default_layers
from stir_ft.cka import linear_cka
from _timing import timed, contention_note, describe_device    # benchmarks/_timing.py
from inversion_speed import build_model, plain_invert           # benchmarks/inversion_speed.py

SCALES = {'cpu': dict(model='tiny', images=24, iters=10, seeds=3),
          'paper': dict(model='vit_base_patch32_224', images=500, iters=50, seeds=3)}
BF16_PEAK = {'H100': 989e12, 'H200': 989e12, 'H800': 989e12, 'GH200': 989e12, 'B200': 2250e12, 'A100': 312e12,
             'L40S': 362e12, 'A10': 125e12, 'L4': 121e12}   # dense bf16 tensor-core FLOP/s (SXM parts)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=' '.join(__doc__.split('\n\n')[0].split()))
    p.add_argument('--scale', choices=list(SCALES), default='cpu')
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--model', help="override the scale's model: 'tiny' or a timm name (random init)")
    p.add_argument('--images', type=int); p.add_argument('--iters', type=int); p.add_argument('--seeds', type=int)
    p.add_argument('--plain-cells', type=int, default=2, help='STIR values the plain implementation computes')
    p.add_argument('--reference-cells', type=int, default=2, help='STIR values the reference package computes')
    p.add_argument('--batch-size', type=int, default=None, help='inversion chunk (default: all k x N at once)')
    p.add_argument('--no-cache-check', action='store_true'); p.add_argument('--no-fp32-check', action='store_true')
    p.add_argument('--fp32-seeds', type=int, default=None, help='compare default vs fp32 on the first k seeds only (a shorter GPU run)')
    p.add_argument('--flops-only', action='store_true', help='print the FLOP count of the analysis and stop')
    a = p.parse_args(argv)
    for k, v in SCALES[a.scale].items():
        if getattr(a, k) is None: setattr(a, k, v)
    return a


def finetuned_copy(pt, scale, seed):
    "A stand-in for a finetuned model: pt with the later half of its blocks and the final norm perturbed."
    ft = copy.deepcopy(pt)
    g = torch.Generator().manual_seed(seed)
    depth = len(ft.model.blocks)
    with torch.no_grad():
        for name, p in ft.model.named_parameters():
            if name.startswith(tuple(f'blocks.{b}.' for b in range(depth // 2, depth)) + ('norm.',)):
                p.add_(torch.randn(p.shape, generator=g).to(p) * scale * p.std().clamp_min(0.02))
    return ft


def inversion_flops(model, x1, layers):
    "FLOPs of one inversion step (forward to the layer + backward to the input) of one image, summed over `layers`."
    from torch.utils.flop_counter import FlopCounterMode
    from stir_ft.inversion import frozen
    total = 0
    with frozen(model):                    # as in the package: input gradients only, no weight gradients
        for layer in layers:
            xa = x1.clone().requires_grad_(True)
            with FlopCounterMode(display=False) as fc:
                torch.autograd.grad(read_layers(model, xa, layer).float().norm(), xa)
            total += fc.get_total_flops()
    return total


# ------------------------------------------------------------------------------------------ plain fp32 path
def plain_stir(target, reference, x, r, t, iters, seed):
    "One STIR value the plain way: a whole-model inversion of reference layer r, then float64 linear CKA at target layer t."
    xi, _ = plain_invert(reference, x, r, iters, 0.5, start_noise(x.shape, seed).to(x.device))
    with torch.no_grad():
        return float(linear_cka(read_layers(target, x, t).double(), read_layers(target, xi, t).double()))


# ------------------------------------------------------------------------------------------ reference adapter
class ReferenceInterface(nn.Module):
    """A stir_ft model (NormalizedModel around a timm ViT, images in [0, 1]) seen through the interface the reference
    STIR code calls: `model(x, with_latent=, fake_relu=, no_relu=, layer_num=, return_possible_layers=)` returning
    (logits, layer) with the layer flattened; layer_num None means the pre-logits. Every call runs every block."""
    def __init__(self, model):
        super().__init__(); self.m = model; self.layers = list(default_layers(model))
    def forward(self, x, with_latent=False, fake_relu=False, no_relu=False, layer_num=None, return_possible_layers=False):
        feats = read_layers(self.m, x, self.layers)               # the whole network
        logits = self.m.model.head(feats[-1])
        if not with_latent and layer_num is None: return logits
        return logits, feats[self.layers[-1] if layer_num is None else layer_num].flatten(1)


class _Moveless:
    "A tensor stand-in whose .to() is a no-op (the reference moves a loss log to 'cuda:N', which a CPU cannot)."
    def __init__(self, t): self.t = t
    def to(self, *a, **k): return self.t


@contextmanager
def reference_patched(device, seed):
    """The reference's starting noise replaced by the package's; on CPU its hard-coded CUDA devices redirected."""
    import stir.stir as S, stir.attack.attacker as A
    saved = S.get_seed_images, S.torch, A.ch
    S.get_seed_images = lambda _seed, shape, verbose, inputs=None: start_noise(shape, seed)
    if torch.device(device).type != 'cuda':
        S.torch = types.SimpleNamespace(device=lambda spec: torch.device(device), cuda=torch.cuda)
        A.ch = types.SimpleNamespace(**{k: getattr(torch, k) for k in dir(torch) if not k.startswith('__')})
        A.ch.tensor = lambda *a, **k: _Moveless(torch.tensor(*a, **k))
    try: yield S
    finally: S.get_seed_images, S.torch, A.ch = saved


def reference_stir(target, reference, x, r, t, iters, seed, device):
    "STIR(target[t] | reference[r]) computed by the reference package's `_stir`."
    from stir.attack.attacker import AttackerModel
    from stir.attack.losses import LPNormLossSingleModel
    from stir.helper import DummyArgs
    ve = dict(custom_loss=LPNormLossSingleModel(DummyArgs(('lpnorm_type', 2., float))), constraint='unconstrained',
              eps=1000, step_size=0.5, iterations=iters, targeted=True, do_tqdm=False, should_normalize=True, use_best=True)
    m1, m2 = (AttackerModel(ReferenceInterface(m), nn.Identity()).to(device) for m in (reference, target))
    idx = torch.device(device).index or 0
    with reference_patched(device, seed) as S:
        value, _ = S._stir(m1, m2, [(x, torch.arange(len(x)))], len(x), [idx], ve, 2., 'super-noise', False,
                           'linear_CKA', False, r, t)
    return float(value)


# ------------------------------------------------------------------------------------------------ main
def main(argv=None):
    a = parse_args(argv)
    dev = torch.device(a.device)
    line, busy = describe_device(dev)
    print(line)
    torch.manual_seed(0)
    pt, size = build_model(a.model, dev)
    ft, ft2 = finetuned_copy(pt, 0.5, 1), finetuned_copy(pt, 0.5, 2)
    g = torch.Generator().manual_seed(0)
    x = torch.nn.functional.interpolate(torch.rand(a.images, 3, 8, 8, generator=g), size=size, mode='bilinear',
                                        align_corners=False).clamp(0, 1).to(dev)
    layers = list(default_layers(pt)); L, K, N = len(layers), a.seeds, a.images
    seeds = tuple(range(K)); values_per_seed = L * L + 3 * L
    prec = resolve_precision('auto', dev)
    print(f"model {a.model} ({sum(p.numel() for p in pt.parameters()) / 1e6:.1f} M parameters, {size} px), "
          f"{L} layers, |X| = {N}, {a.iters} steps, {K} seeds; default precision on {dev.type}: {prec}")
    kw = dict(seeds=seeds, iters=a.iters, batch_size=a.batch_size, progress=False)

    flops = 2 * K * N * a.iters * inversion_flops(pt, x[:1], layers)
    if a.flops_only:
        print(f"inversion model FLOPs of the analysis: {flops:.3e}")
        for name, peak in BF16_PEAK.items():
            if name in ('H100', 'A100'): print(f"  at 100% / 40% of {name} dense bf16 peak: {flops / peak:.1f} s / {flops / (0.4 * peak):.1f} s")
        return
    finetuning_metrics(pt, ft, x[:3], seeds=(0,), iters=1, progress=False)          # warm-up (3 images: CKA needs 3) (kernels, allocator)
    res, t_pkg, cores = timed(lambda: finetuning_metrics(pt, ft, x, **kw), dev)
    rows = [('package, four metrics (default path)', t_pkg, values_per_seed * K, 'measured')]
    print(f"\ninversion model FLOPs of the analysis: {flops:.3e} (2 models x {K} seeds x {N} images x {a.iters} steps x "
          f"one forward+backward at each of the {L} layers)")
    rate = flops / t_pkg
    peak = next((v for k, v in BF16_PEAK.items() if dev.type == 'cuda' and k in torch.cuda.get_device_name(dev)), None)
    print(f"achieved {rate / 1e12:.3f} TFLOP/s" + (f" = {100 * rate / peak:.1f}% of the dense bf16 peak "
          f"({peak / 1e12:.0f} TFLOP/s assumed for {torch.cuda.get_device_name(dev)})" if peak else
          " (no bf16 peak figure for this device)"))

    agree = []
    if not a.no_fp32_check:
        if prec == 'fp32':   # on CPU the default is fp32 already: show what bf16 would change instead
            other, t_other, _ = timed(lambda: finetuning_metrics(pt, ft, x, precision='bf16', **kw), dev)
            rows.append(('package, bf16 forced (CPU)', t_other, values_per_seed * K, 'measured'))
            res32, other_name = res, 'bf16 (forced) vs fp32'
        elif a.fp32_seeds and a.fp32_seeds < K:   # both paths on the first k seeds (the default path again, to compare like with like)
            kw32 = dict(kw, seeds=seeds[:a.fp32_seeds])
            base = finetuning_metrics(pt, ft, x, **kw32)
            other, t_other, _ = timed(lambda: finetuning_metrics(pt, ft, x, precision='fp32', **kw32), dev)
            rows.append((f'package, fp32 path ({a.fp32_seeds} seed(s))', t_other, values_per_seed * a.fp32_seeds, 'measured'))
            res32, other_name = other, f'{prec} (default) vs fp32'
        else:
            other, t_other, _ = timed(lambda: finetuning_metrics(pt, ft, x, precision='fp32', **kw), dev)
            rows.append(('package, fp32 path', t_other, values_per_seed * K, 'measured'))
            res32, other_name = other, f'{prec} (default) vs fp32'
        stir_vals = lambda m: np.concatenate([m.stir_from_pt[0].diagonal().ravel(), m.stir_from_pt[1].values.ravel(),
                                              m.stir_from_ft[0].diagonal().ravel(), m.stir_from_ft[1].diagonal().ravel()])
        ref = base if prec != 'fp32' and a.fp32_seeds and a.fp32_seeds < K else res
        agree.append((f'package {other_name}, all {len(stir_vals(other))} STIR values', np.abs(stir_vals(ref) - stir_vals(other)).max()))
    else: res32 = res if prec == 'fp32' else None

    cells = [(L // 2, L // 2), (L - 1, 1), (1, L - 1), (0, 0)]
    if a.plain_cells:
        got, t_plain = [], 0.
        for r, t in cells[:a.plain_cells]:
            v, s, _ = timed(lambda: plain_stir(ft, pt, x, r, t, a.iters, 0), dev)
            got.append(v); t_plain += s
        rows.append((f'plain fp32, {a.plain_cells} STIR values', t_plain, a.plain_cells, 'measured (reduced workload)'))
        if res32 is not None:
            pkg = [res32.stir_from_pt[1].values[0, r, t] for r, t in cells[:a.plain_cells]]
            agree.append((f'package fp32 vs plain fp32, {a.plain_cells} values (seed 0)', np.abs(np.array(got) - pkg).max()))

    if a.reference_cells:
        try:
            import stir.stir  # noqa: F401  (PyPI stir-invariance)
        except ImportError as e:
            print(f"\nreference package not importable ({e}): `pip install stir-invariance --no-deps` to include it")
        else:
            got, t_ref = [], 0.
            for r, t in cells[:a.reference_cells]:
                v, s, _ = timed(lambda: reference_stir(ft, pt, x, r, t, a.iters, 0, dev), dev)
                got.append(v); t_ref += s
            rows.append((f'reference stir-invariance, {a.reference_cells} STIR values', t_ref, a.reference_cells, 'measured (reduced workload)'))
            if res32 is not None:
                pkg = [res32.stir_from_pt[1].values[0, r, t] for r, t in cells[:a.reference_cells]]
                agree.append((f'package fp32 vs reference, {a.reference_cells} values (seed 0, same noise)', np.abs(np.array(got) - pkg).max()))

    print(f"\n{'method':<48} {'seconds':>9} {'STIR values':>11} {'s / value':>10} {'full analysis, s':>17} {'ratio':>8}")
    per_pkg = t_pkg / (values_per_seed * K)
    for name, secs, n, how in rows:
        per = secs / n
        full = per * values_per_seed * K
        print(f"{name:<48} {secs:9.2f} {n:11d} {per:10.4f} {full:17.1f}{'' if how == 'measured' and n == values_per_seed * K else '*':1} {per / per_pkg:7.1f}x")
    print("ratio: seconds per STIR value relative to the package's default path (higher = slower than the package)."
          "\n* extrapolated from the values timed: seconds per value x the analysis's "
          f"{values_per_seed} values per seed x {K} seeds")

    if not a.no_cache_check:
        with tempfile.TemporaryDirectory() as d:
            cold, t_cold, _ = timed(lambda: finetuning_metrics(pt, ft, x, cache=d, **kw), dev)
            warm, t_warm, _ = timed(lambda: finetuning_metrics(pt, ft2, x, cache=d, **kw), dev)
            again, t_again, _ = timed(lambda: finetuning_metrics(pt, ft, x, cache=d, **kw), dev)
            from stir_ft.stir import InversionCache
            mb = InversionCache(d).size() / 2 ** 20
        print(f"\ncache: first pair (computes and stores every inversion) {t_cold:.2f} s, inversions {cold.inversions};"
              f"\n       second finetuned model vs the same pretrained model {t_warm:.2f} s, inversions {warm.inversions};"
              f"\n       time saved on the second pair: {t_cold - t_warm:.2f} s ({100 * (1 - t_warm / t_cold):.0f}%); "
              f"{mb:.1f} MiB on disk; without a cache one pair takes {t_pkg:.2f} s;"
              f"\n       the first pair again, every inversion read from disk: {t_again:.2f} s, inversions {again.inversions}")
        agree.append(('first pair read from the cache vs computed without one, all metrics', max(
            np.abs(getattr(again, k).values - getattr(res, k).values).max() for k in ('forgetting', 'learning', 'invariance_flow'))))

    print("\nagreement (largest absolute difference of STIR values):")
    for name, d in agree: print(f"  {name:<70} {d:.2e}")
    note = contention_note(dev, [busy] if busy is not None else [])
    if note: print(note)


if __name__ == '__main__':
    main()
