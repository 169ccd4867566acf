"""Speed of the all-pairs linear CKA matrix (`stir_ft.cka.cka_matrix`) against a plain per-pair loop.

What is measured
----------------
Two lists of L random "layers" (model A and model B), each a float32 tensor (n, tokens, width) like a ViT's
token output (default 13 layers of 500 x 50 x 768, i.e. 38,400 features per sample). Layers are correlated
like real ones: layer i = Z_i @ W + isotropic noise, where the latent codes Z_i (n, `--rank`) start from a base
shared by both models and take one random-walk step per layer (so neighbouring layers are more similar), and
W (rank, features) is a random projection of each model. (Plain i.i.d. features with far more features than
samples would give CKA ~ 1 for every pair; the low-rank part gives a realistic spread of values.)

* `cka_matrix(xs, ys)`: the L x L matrix in one call (biased HSIC; and once more with `debiased=True`).
* the plain loop `[[linear_cka(x, y) for y in ys] for x in xs]`: L*L pairs, each recomputing two Gram
  matrices. On a CPU the full loop takes minutes, so only `--loop-rows` rows (default 1 row = L pairs) are
  timed and the time per pair is extrapolated to all L*L pairs; the output says so.

Agreement: the looped entries are compared with the same entries of the matrix (max abs difference, must be
below `--tol`; the script exits with status 1 otherwise), and one debiased pair with the debiased matrix.

Timing: `time.perf_counter`, one untimed full-size warm-up call of each function first, and
`torch.cuda.synchronize()` around every timed region on CUDA. Thread count is torch's default. On CPU the
`cores` column is process CPU seconds / wall seconds of each timed region: about the thread count on an idle
machine, about 1 when other processes compete for the CPU (torch's threads then share one core and spin-wait
for each other, which slows small operations by far more than 2x). A parallel matmul check before and after
the run prints a warning when it gets clearly fewer cores than torch has threads.

Run: `python benchmarks/cka_speed.py [--device cpu|cuda] [--n 500 --tokens 50 --width 768 --layers 13]`
"""
from __future__ import annotations
import argparse, sys
import torch
from stir_ft.cka import cka_matrix, linear_cka
from _timing import timed, contention_note, describe_device   # benchmarks/_timing.py


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=' '.join(__doc__.split('\n\n')[0].split()))
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--n', type=int, default=500, help='samples (inputs) per layer')
    p.add_argument('--tokens', type=int, default=50, help='tokens per sample')
    p.add_argument('--width', type=int, default=768, help='features per token')
    p.add_argument('--layers', type=int, default=13, help='layers per model (the matrix is layers x layers)')
    p.add_argument('--rank', type=int, default=64, help='dimension of the latent codes shared across layers')
    p.add_argument('--loop-rows', type=int, default=1, help='rows of the per-pair loop actually timed')
    p.add_argument('--tol', type=float, default=1e-10, help='largest allowed |matrix - loop| entry')
    p.add_argument('--seed', type=int, default=0)
    return p.parse_args(argv)


def make_layers(z_base, shape, layers, gen, device, step=0.3, noise=1.0):
    "One model's layers, float32 `shape` (n, tokens, width): layer i = (Z_base + i+1 random-walk steps) @ W + noise."
    n, rank = z_base.shape
    w = torch.randn(rank, shape[1] * shape[2], generator=gen, device=device) / rank ** 0.5
    z, out = z_base.clone(), []
    for _ in range(layers):
        z += step * torch.randn(z.shape, generator=gen, device=device)
        h = z @ w + noise * torch.randn(n, w.shape[1], generator=gen, device=device)
        out.append(h.view(shape))
    return out


def make_models(args):
    "Layers of model A and model B (same latent base, independent walks, projections and noise)."
    gen = torch.Generator(device=args.device).manual_seed(args.seed)
    shape = (args.n, args.tokens, args.width)
    z_base = torch.randn(args.n, args.rank, generator=gen, device=args.device)
    xs = make_layers(z_base, shape, args.layers, gen, args.device)
    ys = make_layers(z_base, shape, args.layers, gen, args.device)
    return xs, ys


def warm_up(xs, ys):
    """Untimed: one full-size call of each function (the first large call also pays for BLAS / CUDA set-up and for
    growing the process's memory, a noticeable part of the matrix time on CPU), and the debiased variants on a small input."""
    cka_matrix(xs, ys); linear_cka(xs[0], ys[0])
    small = [x[:, :2] for x in xs[:2]], [y[:, :2] for y in ys[:2]]
    cka_matrix(*small, debiased=True); linear_cka(small[0][0], small[1][0], debiased=True)


def loop_rows(xs, ys, rows):
    "The plain per-pair loop, restricted to the first `rows` rows."
    return [[linear_cka(x, y) for y in ys] for x in xs[:rows]]


def main(argv=None):
    args = parse_args(argv)
    dev, L = args.device, args.layers
    rows = max(1, min(args.loop_rows, L))
    xs, ys = make_models(args)
    print(f"linear CKA, {L} x {L} layers; each layer {args.n} x {args.tokens} x {args.width} float32 "
          f"({args.tokens * args.width:,} features per sample); torch {torch.__version__}")
    line, busy = describe_device(dev)
    print(line)
    warm_up(xs, ys)

    mat, t_mat, c_mat = timed(lambda: cka_matrix(xs, ys), dev)
    mat_d, t_mat_d, c_mat_d = timed(lambda: cka_matrix(xs, ys, debiased=True), dev)
    loop, t_loop, c_loop = timed(lambda: loop_rows(xs, ys, rows), dev)
    k, total = rows * L, L * L
    per_pair = t_loop / k
    t_extra = per_pair * total

    diff = (mat[:rows].cpu() - torch.tensor(loop, dtype=torch.float64)).abs().max().item()
    diff_d = abs(mat_d[0, -1].item() - linear_cka(xs[0], ys[-1], debiased=True))

    w, cuda = 58, torch.device(dev).type == 'cuda'
    cores = lambda c: f"{'-' if cuda else f'{c:.2f}':>6}"
    print(f"\n{'':{w}} {'seconds':>9} {'s / pair':>9} {'cores':>6}")
    print(f"{f'cka_matrix, biased ({total} pairs, 1 call)':{w}} {t_mat:9.3f} {t_mat / total:9.4f} {cores(c_mat)}")
    print(f"{f'cka_matrix, debiased ({total} pairs, 1 call)':{w}} {t_mat_d:9.3f} {t_mat_d / total:9.4f} {cores(c_mat_d)}")
    print(f"{f'linear_cka loop, MEASURED on {k} pairs ({rows} row(s))':{w}} {t_loop:9.3f} {per_pair:9.4f} {cores(c_loop)}")
    print(f"{f'linear_cka loop, EXTRAPOLATED to {total} pairs (from {k})':{w}} {t_extra:9.3f} {per_pair:9.4f}")
    print(f"\nratio  extrapolated loop / cka_matrix (biased):  {t_extra / t_mat:8.1f}x")
    print(f"ratio  cka_matrix debiased / biased:             {t_mat_d / t_mat:8.2f}x")
    print(f"(Gram matrices (n x n) computed: cka_matrix {2 * L}, the loop 2 per pair = {2 * total})")
    print(f"\nagreement  max |cka_matrix - loop| over the {k} looped entries: {diff:.2e}  (tolerance {args.tol:g})")
    print(f"agreement  |cka_matrix(debiased)[0, {L - 1}] - linear_cka(debiased)|: {diff_d:.2e}")
    print(f"CKA values (model A x model B): diagonal {mat.diagonal().min().item():.3f} .. {mat.diagonal().max().item():.3f},"
          f" all {mat.min().item():.3f} .. {mat.max().item():.3f}")
    note = contention_note(dev, [busy])
    if note: print(note)
    ok = diff < args.tol and diff_d < args.tol
    if not ok: print("FAIL: the matrix and the loop disagree beyond the tolerance")
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
