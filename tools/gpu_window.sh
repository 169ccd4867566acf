#!/usr/bin/env bash
# One GPU window, on the GPU machine, in the copied checkout (no network needed; notebook 15, "A GPU window"):
#   bash tools/gpu_window.sh [SECONDS, default 450] [OUT, default reproduce_out/window] [SCALE, default gpu]
# Installs the wheels of .gpu/wheels (if any) into .gpu/site, records the device, runs `stir-ft reproduce` for SECONDS
# (reading the results of earlier windows from stored_results/, the CIFAR arrays from .gpu/cifar.npz) and packs into
# OUT what comes back: reproduce.tgz (the results' JSON, the executed notebooks, the benchmark output, the logs), with
# log.txt, device.txt and summary.md beside it. No weights, checkpoints or inversions. Bring reproduce.tgz back and
# run `stir-ft import reproduce.tgz` in your checkout. SCALE smoke rehearses the whole window on any machine.
set -uo pipefail
budget=${1:-450}
out=${2:-reproduce_out/window}; mkdir -p "$out"; out=$(cd "$out" && pwd)      # relative to the folder it is called from
scale=${3:-gpu}
cd "$(dirname "$0")/.."
if compgen -G ".gpu/wheels/*.whl" > /dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target .gpu/site .gpu/wheels/*.whl || exit 1
fi
export PYTHONPATH=$PWD/.gpu/site:$PWD${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1
(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo "no GPU") | tee "$out/device.txt"
python3 -c "import torch, timm; print('torch', torch.__version__, 'timm', timm.__version__)" | tee -a "$out/device.txt"
arrays=${STIR_FT_ARRAYS:-.gpu/cifar.npz}
extra=(); [ -f "$arrays" ] && extra=(--arrays "$arrays")
run=$PWD/reproduce_out     # in the checkout (git-ignored), so the notebooks print it as ../reproduce_out
python3 -m stir_ft.reproduce --scale "$scale" --budget "$budget" --out "$run" --stored stored_results "${extra[@]}" 2>&1 | tee "$out/log.txt"
cp "$run/summary.md" "$out/" 2>/dev/null
packed=(); for f in summary.json summary.md stored_results notebooks benchmarks logs; do [ -e "$run/$f" ] && packed+=("$f"); done
tar czf "$out/reproduce.tgz" -C "$run" "${packed[@]}"
ls -la "$out"
