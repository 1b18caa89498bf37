#!/usr/bin/env bash
# Make this machine ready for svlab, idempotently: npm packages, Jupyter's runner (nbclient),
# Chromium for figure export, and the tslab kernel registered inside the project (.jupyter/).
# Used by `npm test`, `npm run demo` and .ci/run. Safe to run again; does nothing when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
/usr/bin/python3 -c "import nbclient, nbformat, jupyter_client" 2>/dev/null || need_apt+=(python3-nbclient jupyter-client)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ "${SVLAB_BENCH_PANDAS:-}" = 1 ]; then /usr/bin/python3 -c "import pandas" 2>/dev/null || need_apt+=(python3-pandas); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${need_apt[*]} from Debian (apt-get)…"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "setup: missing system packages: ${need_apt[*]}" >&2
    echo "       install them as root: apt-get install --no-install-recommends ${need_apt[*]}" >&2
    exit 1
  fi
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci…"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Register tslab project-locally; kernel.json holds absolute paths, so redo it when the folder moved.
spec=.jupyter/share/jupyter/kernels/tslab/kernel.json
if [ ! -f "$spec" ] || ! grep -q "$PWD/node_modules/.bin/tslab" "$spec"; then
  echo "setup: registering the tslab kernel in .jupyter/"
  # Written directly (what `tslab install` writes) because tslab's installer also wants IPython.
  rm -rf .jupyter && mkdir -p "$(dirname "$spec")"
  printf '{"argv": ["%s", "kernel", "--config-path", "{connection_file}"], "display_name": "TypeScript", "language": "typescript"}\n' \
    "$PWD/node_modules/.bin/tslab" > "$spec"
fi
