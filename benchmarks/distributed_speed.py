"""Work per second of `stir_ft.distributed.measure_many` on 1 and 2 processes (torchrun, gloo, loopback), against the
plain single-process way (a `finetuning_metrics` loop sharing one inversion cache), in one run on one machine.

What is measured
----------------
The workload is a small sweep: one pretrained model and M finetuned stand-ins (copies with their later blocks
perturbed), all L layers, k seeds, N images, `iters` inversion steps. Its units of work are the inversions the metrics
need, (1 + M) x L units of k seeds each (the pretrained model's shared by every pair); every configuration starts
from an empty cache and computes all of them, then scores the M pairs.

* plain: this process, `[finetuning_metrics(pt, ft, x, cache=folder) for ft in fts]`.
* torchrun, 1 process: `measure_many` under `torchrun --nproc_per_node=1`.
* torchrun, 2 processes: the same on 2 ranks.
Every process runs `--threads` torch threads (default 1). One thread each because on a shared machine several
threads per process spin-wait for each other whenever another job takes a core, which slows them many-fold and would
make any ratio meaningless (a first version of this benchmark, 1 process x 2 threads against 2 x 1, measured a
20-fold "speed-up" that was only that).

For the torchrun rows two times are printed: *inside* (rank 0's seconds from the start of `measure_many` to the
gathered results: inversions, the barrier, scoring, gathering) and *launch* (the whole command: interpreter start,
imports, joining the group, building the models, the run, tearing down). Work per second is units / inside seconds; the
launch overhead is launch - inside. Each rank's seconds in the inversion phase show the balance (the others wait at the
barrier for the slowest).

What the ratios mean here: torchrun with 1 process against the plain loop is the overhead of the distributed path
(the two phases, the shared-folder check, gathering). 2 processes against 1 could at best be 2 on an idle 2-core
machine; this one is shared with other developers' jobs (the CPU checks say how much), so the ratio measures the
overhead of distributing under contention, not the speed-up N GPUs give, where each rank has its own device and the
inversion phase, nearly all the cost, divides by N.

Run (from the repository root):

    python benchmarks/distributed_speed.py              # tiny-12 ViT (13 layers), 3 finetuned models, 24 images, 10 steps, 2 seeds, 1 thread
    python benchmarks/distributed_speed.py --finetuned 7 --images 48
"""
from __future__ import annotations
import argparse, copy, json, os, sys, tempfile, time
from pathlib import Path
import numpy as np
import torch
from stir_ft.models import create_vit
from stir_ft.metrics import finetuning_metrics
from stir_ft.distributed import measure_many, launch, session, is_main
from _timing import timed, contention_note, describe_device    # benchmarks/_timing.py


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=' '.join(__doc__.split('\n\n')[0].split()))
    p.add_argument('--model', default='tiny-12', help="a TINY_CONFIGS name or a timm name (random init)")
    p.add_argument('--finetuned', type=int, default=3, help='finetuned models M')
    p.add_argument('--images', type=int, default=24); p.add_argument('--iters', type=int, default=10)
    p.add_argument('--seeds', type=int, default=2)
    p.add_argument('--threads', type=int, default=1, help='torch threads of every process')
    p.add_argument('--worker', help=argparse.SUPPRESS)     # internal: run as a torchrun worker, write rank 0's results here
    return p.parse_args(argv)


def sweep(a):
    "The pretrained model, M finetuned stand-ins and the images, built identically in every process."
    pt = create_vit(a.model, seed=0)
    def finetuned(seed):
        ft, g = copy.deepcopy(pt), torch.Generator().manual_seed(seed)
        with torch.no_grad():
            for p in ft.model.blocks[len(ft.model.blocks) // 2:].parameters(): p.add_(0.05 * torch.randn(p.shape, generator=g))
        return ft
    size = pt.model.patch_embed.img_size[0]
    x = torch.rand(a.images, 3, size, size, generator=torch.Generator().manual_seed(3))
    return pt, [finetuned(1 + k) for k in range(a.finetuned)], x


def settings(a): return dict(seeds=tuple(range(a.seeds)), iters=a.iters, progress=False)


def worker(a):
    "One rank: the sweep through measure_many; rank 0 writes its inside time, the per-rank stats and the metrics."
    torch.set_num_threads(a.threads)
    with session():
        pt, fts, x = sweep(a)
        stats = {}
        t0 = time.perf_counter()
        res = measure_many(pt, fts, x, cache=Path(a.worker).parent/'cache', stats=stats, **settings(a))
        inside = time.perf_counter() - t0
        if is_main():
            Path(a.worker).write_text(json.dumps(dict(inside=inside, stats=stats, metrics=[m.to_dict() for m in res])))


def metrics_arrays(ds):
    return np.concatenate([np.ravel(d[k]['values']) for d in ds for k in ('forgetting', 'learning', 'invariance_flow')])


def main(argv=None):
    a = parse_args(argv)
    if a.worker: return worker(a)
    torch.set_num_threads(a.threads)
    threads = a.threads
    line, busy = describe_device('cpu')
    print(line.replace('(default)', f'(--threads {threads})'))
    load0 = os.getloadavg()[0]
    pt, fts, x = sweep(a)
    L, K, M = len(pt.model.blocks) + 1, a.seeds, a.finetuned
    units = (1 + M) * L
    print(f"model {a.model} ({L} layers, {x.shape[-1]} px), {M} finetuned models, |X| = {a.images}, {a.iters} steps, {K} seeds: "
          f"{units} units of work ((1 + {M}) models x {L} layers), {units * K} inversions, then {M} pairs scored\n")
    rows, results = [], {}
    with tempfile.TemporaryDirectory() as d:
        res, secs, cores = timed(lambda: [finetuning_metrics(pt, ft, x, cache=Path(d)/'plain', **settings(a)) for ft in fts], 'cpu')
        results['plain'] = metrics_arrays([m.to_dict() for m in res])
        rows.append((f'plain loop, 1 process', secs, None, cores, None))
        for nproc in (1, 2):
            out = Path(d)/f'run{nproc}'/'result.json'; out.parent.mkdir()
            t0 = time.perf_counter()
            p = launch([__file__, '--worker', out, '--model', a.model, '--finetuned', M, '--images', a.images, '--iters', a.iters,
                        '--seeds', K, '--threads', threads], nproc=nproc, threads=threads, timeout=3600)
            wall = time.perf_counter() - t0
            if p.returncode != 0: sys.exit(f"torchrun with {nproc} process(es) failed:\n{p.stderr[-3000:]}")
            r = json.loads(out.read_text())
            results[nproc] = metrics_arrays(r['metrics'])
            rows.append((f'measure_many, torchrun, {nproc} process{"es" * (nproc > 1)}',
                         r['inside'], wall, None, r['stats']['per_rank']))
    print(f"{'configuration':<44} {'inside, s':>10} {'units/s':>8} {'launch, s':>10} {'overhead, s':>12}  inversion phase per rank, s")
    for name, secs, wall, cores, per in rows:
        ranks = ', '.join(f"{p['inversion_s']:.2f} ({p['units']} units)" for p in per) if per else '-'
        print(f"{name:<44} {secs:10.2f} {units / secs:8.2f} {wall if wall else float('nan'):10.2f} "
              f"{wall - secs if wall else float('nan'):12.2f}  {ranks}")
    one, two = rows[1][1], rows[2][1]
    print(f"\nratios of work per second: torchrun 1 process / plain loop {rows[0][1] / one:.2f}x (the distributed path's overhead); "
          f"\n2 processes / 1 process {one / two:.2f}x inside measure_many, {rows[1][2] / rows[2][2]:.2f}x with the launch.")
    print(f"This machine ({os.cpu_count()} cores) is shared with other jobs (load average, 1 min: {load0:.1f} before the run, "
          f"{os.getloadavg()[0]:.1f} after):\n"
          "2 processes compete with them for the cores, so the 2/1 ratio measures the overhead of distributing under\n"
          "contention, not a speed-up (at best 2 on an idle machine). On N GPUs, one per rank, the inversion phase divides\n"
          "by N while there are more units than ranks; the launch, the barrier and the scoring do not.")
    print("\nagreement (largest absolute difference over every per-seed value of forgetting, learning and invariance flow):")
    print(f"  torchrun, 1 process vs plain loop (same threads):                  {np.abs(results[1] - results['plain']).max():.2e}")
    print(f"  torchrun, 2 processes vs 1 process:                                {np.abs(results[2] - results[1]).max():.2e}")
    note = contention_note('cpu', [busy] if busy is not None else [])
    if note: print(note)


if __name__ == '__main__':
    main()
