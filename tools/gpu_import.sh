#!/usr/bin/env bash
# Bring a GPU window's results into the repository: bash tools/gpu_import.sh <folder holding reproduce.tgz>
# - stored_results/: the JSON of every result (read by the section notebooks' ResultStore; committed)
# - nbs/: the executed section notebooks (their outputs are the GPU run's; nbdev_clean normalises them)
# - benchmarks/results/: the speed benchmark's output, named by device
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(cd "$1" && pwd)
tmp=$(mktemp -d); tar xzf "$src/reproduce.tgz" -C "$tmp"
mkdir -p stored_results && cp -r "$tmp"/stored_results/. stored_results/
for nb in "$tmp"/notebooks/*.ipynb; do [ -e "$nb" ] && cp "$nb" nbs/; done
for b in "$tmp"/benchmarks/*.txt; do [ -e "$b" ] && cp "$b" benchmarks/results/; done
scale=$(python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['scale'])" "$tmp/summary.json")
cp "$tmp/summary.md" "stored_results/summary-$scale.md"
nbdev_clean
git status --short stored_results nbs benchmarks/results
echo "review the notebooks' outputs, then commit stored_results/, nbs/ and benchmarks/results/"
