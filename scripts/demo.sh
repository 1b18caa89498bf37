#!/usr/bin/env bash
# `npm run demo`: the main job. Sets the machine up if needed, shows the benchmark, runs the
# notebooks (outputs in notebooks/*.out.ipynb), asks every configured model (SVLAB_MODELS, comma-
# separated specs; SVLAB_DEMO_LIMIT pairs each, default all 10,177 OOD pairs), then writes every
# figure to figures/ and a report for all runs present — the baselines always.
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
if [ -n "${SVLAB_MODELS:-}" ]; then
  IFS=',' read -r -a models <<< "$SVLAB_MODELS"
  for m in "${models[@]}"; do
    echo "== run $m (ood)"
    svlab run --model "$m" --split ood ${SVLAB_DEMO_LIMIT:+--limit "$SVLAB_DEMO_LIMIT"}
  done
else
  echo "(no SVLAB_MODELS configured: the report shows the baselines; e.g. SVLAB_MODELS=openai:gpt-4.1-mini or"
  echo " SVLAB_MODELS='openai-compatible:http://127.0.0.1:8000/v1#qwen2.5-7b-instruct,llama:/models/x.gguf')"
fi
echo "== figures"
svlab figures
echo "== report"
svlab report
