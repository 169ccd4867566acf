"""Timing helpers shared by the benchmark scripts: synchronised wall-clock timing with a CPU-cores reading, and a
check for other processes competing for the CPU (which inflates every timing on a small machine)."""
import time
import torch


def sync(device):
    if torch.device(device).type == 'cuda': torch.cuda.synchronize(device)


def timed(fn, device, repeats=1):
    """Run `fn()` `repeats` times; return (its last result, fastest wall seconds, cores of that run).
    cores = process CPU seconds / wall seconds: about the torch thread count on an idle CPU, about 1 when other
    jobs push torch's threads onto one core (then every operation waits for its threads and timings blow up)."""
    best = (float('inf'), float('nan'))
    for _ in range(max(1, repeats)):
        sync(device); c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        sync(device)
        wall = time.perf_counter() - t0
        best = min(best, (wall, (time.process_time() - c0) / wall))
    return (out, *best)


def busy_cores(seconds=0.5):
    "Cores (CPU seconds per wall second) used by a parallel matmul loop: the thread count unless other jobs compete."
    a = torch.randn(512, 512)
    return timed(lambda: [a @ a for _ in range(int(seconds * 200))], 'cpu')[-1]


def contention_note(device, checks):
    """On CPU: the cores of a parallel matmul check run again after the benchmark, and a warning when this or the
    check before it (`checks`) got clearly fewer cores than torch has threads."""
    if torch.device(device).type == 'cuda': return ''
    checks = [*checks, busy_cores()]
    nt = torch.get_num_threads()
    line = f"CPU check after the run: a parallel matmul used {checks[-1]:.2f} cores"
    if min(checks) >= 0.75 * nt: return line
    return (line + f"\nWARNING: a parallel matmul got {min(checks):.2f} cores for {nt} torch threads: other processes were "
            "using the CPU, so the timings (and ratios) are inflated, those of rows with a low `cores` value most; "
            "re-run on an idle machine")


def describe_device(device):
    """A line naming the device and, on CPU, the cores a parallel matmul gets right now (other jobs slow every
    timing); and that number (None on CUDA)."""
    if torch.device(device).type == 'cuda': return f"device {device} ({torch.cuda.get_device_name(device)})", None
    busy = busy_cores()
    return (f"device cpu, {torch.get_num_threads()} torch threads (default), a parallel matmul uses {busy:.2f} "
            "cores just now"), busy


# ---------------------------------------------------------------------------- plain implementation
