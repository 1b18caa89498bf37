#!/usr/bin/env bash
# Make this machine ready for svlab, idempotently: Debian's Jupyter (nbclient to run notebooks,
# Jupyter Notebook and nbconvert as the real front ends), Chromium for figures, npm packages, and
# the svlab kernel registered inside the project (.jupyter/). Used by `npm test`, `npm run demo`,
# `npm run notebook` and .ci/run. Safe to run again; does nothing when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
/usr/bin/python3 -c "import nbclient, nbformat, jupyter_client" 2>/dev/null || need_apt+=(python3-nbclient jupyter-client)
[ -x /usr/bin/jupyter-notebook ] || need_apt+=(jupyter-notebook)
[ -x /usr/bin/jupyter-nbconvert ] || need_apt+=(jupyter-nbconvert)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ "${SVLAB_BENCH_PANDAS:-}" = 1 ]; then /usr/bin/python3 -c "import pandas" 2>/dev/null || need_apt+=(python3-pandas); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing from Debian: ${need_apt[*]}"
    echo "       (about 150 MB with Chromium; 1–3 minutes on a fresh machine; a line every 15 s while it runs)"
    export DEBIAN_FRONTEND=noninteractive
    log=$(mktemp)
    ( apt-get update -qq && apt-get install -y -q --no-install-recommends "${need_apt[@]}" ) >"$log" 2>&1 &
    pid=$!; start=$SECONDS
    while kill -0 "$pid" 2>/dev/null; do
      sleep 1
      if (( (SECONDS - start) % 15 == 0 )); then
        # apt's latest step (e.g. "Unpacking chromium …"), without debconf's harmless apt-utils notice.
        step=$(grep -vE '^debconf: |^$' "$log" | tail -n 1 | cut -c1-80)
        echo "setup: … $((SECONDS - start)) s: ${step:-downloading}"
      fi
    done
    if ! wait "$pid"; then
      grep -v '^debconf: ' "$log" | tail -n 20 >&2; rm -f "$log"
      echo "setup: apt-get failed (above); try it by hand: apt-get install --no-install-recommends ${need_apt[*]}" >&2
      exit 1
    fi
    rm -f "$log"
    echo "setup: installed in $((SECONDS - start)) s"
  else
    echo "setup: missing system packages: ${need_apt[*]}" >&2
    echo "       install them as root: apt-get install --no-install-recommends ${need_apt[*]}" >&2
    exit 1
  fi
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci (about 1.3 GB, 30–60 s)…"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The kernel spec holds absolute paths (this folder, this node): rewritten when either changed.
bash scripts/register-kernel.sh --check || bash scripts/register-kernel.sh
