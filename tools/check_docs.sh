#!/usr/bin/env bash
# Build the docs site as CI does: tools/check_site.py (what the committed notebooks will show: no raw pipe tables or
# local paths in outputs, no stray $ in prose, no visible printing cell without its output), nbdev_proc_nbs (fails
# when a notebook cannot be processed), then, where the offline Quarto of ../shared/tools/quarto is available (or a
# quarto is on PATH), render the site from _proc and fail on errors. README.md is left alone
# (tools/make_readme.py writes it). The site lands in _proc/_docs.
# Usage: bash tools/check_docs.sh [folder to install the offline Quarto in, default .quarto]
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
QUARTO_SRC=../shared/tools/quarto
DEST=${1:-$PWD/.quarto}
if ! command -v quarto >/dev/null 2>&1 && [ -x "$QUARTO_SRC/install" ]; then
  [ -x "$DEST/bin/quarto" ] || "$QUARTO_SRC/install" "$DEST" >/dev/null
  export PATH="$DEST/bin:$PATH"
fi
python3 tools/check_site.py
# (without a quarto on PATH nbdev_proc_nbs tries to install one with sudo and carries on without it)
nbdev_proc_nbs
if ! command -v quarto >/dev/null 2>&1; then
  echo "docs: notebooks processed; no Quarto here (none on PATH or in $QUARTO_SRC), so the site was not rendered"; exit 0
fi
log=$(mktemp)
if ! quarto render _proc >"$log" 2>&1; then cat "$log" >&2; echo "docs: quarto render failed" >&2; exit 1; fi
if grep -E "^(ERROR|WARN(ING)?)" "$log" >&2; then echo "docs: quarto reported the problems above" >&2; exit 1; fi
echo "docs: $(ls _proc/_docs/*.html | wc -l) pages rendered in _proc/_docs in $((SECONDS - start)) s"
