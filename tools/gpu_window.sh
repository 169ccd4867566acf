#!/usr/bin/env bash
# Run on the GPU machine, from the repository root (the device tool's working tree), with .gpu and .whl carried:
#   bash tools/gpu_window.sh [budget seconds, default 450]
# It runs `python -m stir_ft.reproduce --scale gpu` for the budget, reading the results of earlier windows from
# stored_results/ (committed), and packs what must come back into $OUT: the log, the summary and reproduce.tgz
# (the new results' JSON, the executed notebooks, the benchmark output). No weights, checkpoints or inversions.
set -uo pipefail
budget=${1:-450}
scale=${STIR_FT_WINDOW_SCALE:-gpu}     # smoke: a rehearsal of the whole window on any machine
OUT=${OUT:-/tmp/gpu_out}; mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1
(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo "no GPU") | tee "$OUT/device.txt"
python3 -c "import torch, timm; print('torch', torch.__version__, 'timm', timm.__version__)" | tee -a "$OUT/device.txt"
run=${STIR_FT_WINDOW_DIR:-$PWD/reproduce_out}     # in the checkout (git-ignored), so the notebooks print it as ../reproduce_out
python3 -m stir_ft.reproduce --scale "$scale" --budget "$budget" --out $run --arrays .gpu/cifar_prefix.npz --stored stored_results 2>&1 | tee "$OUT/log.txt"
cp $run/summary.md "$OUT/" 2>/dev/null
tar czf "$OUT/reproduce.tgz" -C $run summary.json summary.md stored_results notebooks benchmarks logs 2>/dev/null
ls -la "$OUT"
