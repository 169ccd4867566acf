#!/usr/bin/env bash
# Bring a GPU window's reproduce.tgz into this checkout (stir-ft import, notebook 15): bash tools/gpu_import.sh TARBALL [options]
PYTHONPATH="$(cd "$(dirname "$0")/.." && pwd)${PYTHONPATH:+:$PYTHONPATH}" exec python3 -m stir_ft.reproduce import --repo "$(cd "$(dirname "$0")/.." && pwd)" "$@"
