#!/usr/bin/env bash
# `npm run notebook`: explore in Jupyter Notebook (Debian's classic Notebook 6) with svlab's kernel.
# Sets the machine up like the other commands, then serves notebooks/ on 127.0.0.1 only and prints
# the URL to open. Extra arguments go to `jupyter notebook` (e.g. --port=9000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export JUPYTER_PATH="$PWD/.jupyter/share/jupyter"
# The first free port from 8888 (SVLAB_NOTEBOOK_PORT to choose), so the URL printed below is exact.
port=$(node -e '
  const net = require("net");
  const tryPort = (p) => { const s = net.createServer(); s.once("error", () => tryPort(p + 1));
    s.listen(p, "127.0.0.1", () => s.close(() => console.log(p))); };
  tryPort(Number(process.env.SVLAB_NOTEBOOK_PORT || 8888));')
token=$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')
dir=${SVLAB_NOTEBOOKS:-notebooks}   # the folder to serve (tests serve a copy)
echo "svlab: Jupyter Notebook on $dir/ with the kernel \"TypeScript (svlab)\"; Ctrl-C stops it."
echo "svlab: open  http://127.0.0.1:$port/tree?token=$token"
exec jupyter notebook --no-browser --ip=127.0.0.1 --port="$port" --NotebookApp.port_retries=0 \
  --NotebookApp.token="$token" --notebook-dir="$dir" $( [ "$(id -u)" = 0 ] && echo --allow-root ) "$@"
