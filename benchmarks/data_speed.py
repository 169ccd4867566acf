"""One epoch of training batches and one of evaluation batches, the paper's way and the device way, in one run.

* plain: `ArrayDataset(images, labels, paper_transforms(train, size))` through a torch `DataLoader` (what the CPU
  scales use): every image decoded, resized and augmented on its own, in Python, on the CPU, then copied to the
  device.
* device: `DeviceData(images, labels, size, train, device)` (`stir_ft.device_data`, what the `gpu` scale uses): the
  uint8 images live on the device; each batch is resized (and augmented) by a few batched tensor operations there.

Both produce float batches (B, 3, size, size) in [0, 1] on `--device`; the timed loop only touches each batch (a sum,
synchronised), so the times are the input pipeline's alone. Agreement: the evaluation batches of the two paths, the
largest |difference| (one grey level of rounding is expected). The training batches are random on both paths (the
same family of augmentations, not the same draws), so only their shape and range are checked.

    python benchmarks/data_speed.py                    # 2048 CIFAR-sized images to 224 px, batch 128, on cuda if available
    python benchmarks/data_speed.py --device cpu --images 512
"""
import argparse, sys
import numpy as np
import torch
from torch.utils.data import DataLoader
from stir_ft.data import ArrayDataset, paper_transforms
from stir_ft.device_data import DeviceData
from _timing import timed, describe_device, contention_note


def epoch(batches, device):
    "Touch every batch on the device (the sum keeps the work from being skipped); the number of images."
    n, acc = 0, torch.zeros((), device=device)
    for x, _ in batches:
        x = x.to(device, non_blocking=True); acc += x.sum(); n += len(x)
    float(acc)
    return n


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--images', type=int, default=2048); p.add_argument('--source', type=int, default=32)
    p.add_argument('--size', type=int, default=224); p.add_argument('--batch-size', type=int, default=128)
    p.add_argument('--workers', type=int, default=0, help='DataLoader workers of the plain path')
    a = p.parse_args(argv)
    dev = torch.device(a.device)
    line, busy = describe_device(dev); print(line)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (a.images, a.source, a.source, 3), dtype=np.uint8); y = rng.integers(0, 10, a.images)
    print(f"{a.images} images {a.source} px -> {a.size} px, batch {a.batch_size}, DataLoader workers {a.workers}")
    rows = []
    for train in (True, False):
        plain = ArrayDataset(x, y, paper_transforms(train=train, size=a.size))
        ours = DeviceData(x, y, a.size, train=train, device=dev)
        loader = lambda: DataLoader(plain, batch_size=a.batch_size, shuffle=train, num_workers=a.workers,
                                    generator=torch.Generator().manual_seed(0))
        epoch(ours.batches(a.batch_size), dev)                                   # warm-up (kernels, allocator)
        _, t_plain, c_plain = timed(lambda: epoch(loader(), dev), dev)
        _, t_ours, c_ours = timed(lambda: epoch(ours.batches(a.batch_size, shuffle=train, generator=torch.Generator().manual_seed(0)), dev), dev, repeats=3)
        rows.append(('train (augmented)' if train else 'eval (resized)', t_plain, c_plain, t_ours, c_ours))
    print(f"\n{'batches':<18} {'plain s':>8} {'cores':>6} {'img/s':>9} {'device s':>9} {'cores':>6} {'img/s':>9} {'ratio':>7}")
    for name, tp, cp, to, co in rows:
        print(f"{name:<18} {tp:8.3f} {cp:6.2f} {a.images / tp:9.0f} {to:9.3f} {co:6.2f} {a.images / to:9.0f} {tp / to:6.1f}x")
    print("ratio: plain seconds / device seconds (higher = the device path is faster)")
    ref = torch.cat([b for b, _ in DataLoader(ArrayDataset(x[:256], y[:256], paper_transforms(train=False, size=a.size)), batch_size=64)])
    got = torch.cat([b.cpu() for b, _ in DeviceData(x[:256], y[:256], a.size, device=dev).batches(64)])
    diff = (ref - got).abs().max().item()
    xb = next(iter(DeviceData(x[:64], y[:64], a.size, train=True, device=dev).batches(64, True, torch.Generator().manual_seed(0))))[0]
    ok = diff <= 1 / 255 + 1e-6 and tuple(xb.shape) == (64, 3, a.size, a.size) and 0 <= xb.min() and xb.max() <= 1
    print(f"agreement: evaluation batches, max |plain - device| = {diff * 255:.2f} grey levels (<= 1 expected); "
          f"training batch shape {tuple(xb.shape)}, range [{xb.min():.2f}, {xb.max():.2f}] -> {'ok' if ok else 'FAIL'}")
    note = contention_note(dev, [busy] if busy is not None else [])
    if note: print(note)
    return 0 if ok else 1


if __name__ == '__main__': sys.exit(main())
