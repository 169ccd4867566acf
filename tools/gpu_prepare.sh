#!/usr/bin/env bash
# Prepare what a GPU window needs, here (with network to the package registry): the CIFAR array file and the one wheel
# the GPU machine lacks (fastcore, for the notebooks' test cells), in git-ignored folders that the device call carries.
# Usage: bash tools/gpu_prepare.sh [array file, default ../shared/data/cifar_prefix.npz]
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:-../shared/data/cifar_prefix.npz}
mkdir -p .gpu .whl
cp "$src" .gpu/cifar_prefix.npz
v=$(python3 -c "import fastcore; print(fastcore.__version__)" 2>/dev/null || echo 1.14.5)
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 -d .whl "fastcore==$v"
du -sh .gpu .whl
echo "carry: [\".gpu\", \".whl\"]; command: bash tools/gpu_window.sh 450   (see benchmarks/README.md, 'A GPU window')"
