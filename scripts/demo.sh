#!/usr/bin/env bash
# `npm run demo`: the main job. Sets the machine up if needed, rebuilds the benchmark summary,
# runs the notebooks (outputs in notebooks/*.out.ipynb), and writes every figure to figures/
# plus a report for whatever runs exist (the baselines always).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export JUPYTER_PATH="$PWD/.jupyter/share/jupyter"
svlab() { node bin/svlab.mjs "$@"; }
echo "== benchmark"
svlab dataset
echo "== notebooks"
nbs=(); for f in notebooks/*.ipynb; do case "$f" in *.out.ipynb) ;; *) nbs+=("$f") ;; esac; done
/usr/bin/python3 scripts/run_notebooks.py "${nbs[@]}"
echo "== figures"
svlab figures
if svlab report --help >/dev/null 2>&1; then
  echo "== report"
  svlab report --results "${SVLAB_RESULTS:-results}"
fi
