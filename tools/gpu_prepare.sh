#!/usr/bin/env bash
# Prepare a GPU window, on a machine with network to the package index, in the checkout (notebook 15, "A GPU window"):
#   bash tools/gpu_prepare.sh ARRAYS.npz [PACKAGE ...]
# copies the CIFAR array file to .gpu/cifar.npz and downloads into .gpu/wheels/ the wheels of the packages the GPU
# machine lacks (default: fastcore, which the notebooks' test cells use; $GPU_PYTHON, e.g. 3.12, picks the wheels for
# that Python where it differs from this one). .gpu/ is git-ignored; copy the checkout with it to the GPU machine.
set -euo pipefail
if [ $# -lt 1 ] || [ ! -f "$1" ]; then
  echo "usage: bash tools/gpu_prepare.sh ARRAYS.npz [PACKAGE ...]: ARRAYS.npz is the CIFAR array file (notebook 15 says how to make it)" >&2
  exit 2
fi
arrays=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); shift
cd "$(dirname "$0")/.."
mkdir -p .gpu/wheels
rm -f .gpu/cifar.npz; cp "$arrays" .gpu/cifar.npz; chmod u+w .gpu/cifar.npz
if [ $# -eq 0 ]; then
  v=$(python3 -c "import fastcore; print(fastcore.__version__)" 2>/dev/null || true)
  set -- "fastcore${v:+==$v}"
  [ -n "$v" ] || set -- "fastcore<1.15"
fi
python3 -m pip download -q --no-deps --only-binary=:all: ${GPU_PYTHON:+--python-version "$GPU_PYTHON"} -d .gpu/wheels "$@"
du -sh .gpu/cifar.npz .gpu/wheels
echo "next: copy this checkout (with .gpu/) to the GPU machine and run there: bash tools/gpu_window.sh SECONDS"
