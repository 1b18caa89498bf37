#!/usr/bin/env bash
# Register svlab's Jupyter kernel, "TypeScript (svlab)" (name: svlab), which starts tslab at the
# project root wherever a front end starts it (bin/svlab-kernel.cjs).
#   scripts/register-kernel.sh          project-local: .jupyter/share/jupyter/kernels/svlab, found
#                                       through JUPYTER_PATH (our npm scripts export it)
#   scripts/register-kernel.sh --user   user-wide, for your own Jupyter, JupyterLab or VS Code
#                                       (Jupyter's data dir: `jupyter --data-dir`, else ~/.local/share/jupyter)
#   scripts/register-kernel.sh --check  exit 0 when the project-local spec is current, else 1
# kernel.json holds absolute paths (this folder, the node that runs setup), so it is rewritten when
# either changes. Written directly: `tslab install` also wants IPython.
set -euo pipefail
cd "$(dirname "$0")/.."
node_bin=$(command -v node)
mode=${1:-local}
case "$mode" in
  local|--check) data="$PWD/.jupyter/share/jupyter" ;;
  --user)
    if [ -n "${JUPYTER_DATA_DIR:-}" ]; then data=$JUPYTER_DATA_DIR
    elif command -v jupyter >/dev/null && d=$(jupyter --data-dir 2>/dev/null); then data=$d
    elif [ "$(uname)" = Darwin ]; then data="$HOME/Library/Jupyter"
    else data="${XDG_DATA_HOME:-$HOME/.local/share}/jupyter"; fi ;;
  *) echo "usage: scripts/register-kernel.sh [--user|--check]" >&2; exit 2 ;;
esac
spec_dir="$data/kernels/svlab"
spec=$(node -e '
  const [node, wrapper] = process.argv.slice(1);
  process.stdout.write(JSON.stringify({
    argv: [node, wrapper, "{connection_file}"],
    display_name: "TypeScript (svlab)",
    language: "typescript",
    metadata: { svlab: { project: require("path").dirname(require("path").dirname(wrapper)) } },
  }, null, 1) + "\n");
' "$node_bin" "$PWD/bin/svlab-kernel.cjs")
if [ "$mode" = --check ]; then
  [ -f "$spec_dir/kernel.json" ] && [ "$(cat "$spec_dir/kernel.json")" = "$spec" ]
  exit
fi
mkdir -p "$spec_dir"
printf '%s' "$spec" > "$spec_dir/kernel.json"
# The kernel spec of earlier versions (name "tslab", kernel started wherever the front end chose).
[ "$mode" = local ] && rm -rf .jupyter/share/jupyter/kernels/tslab
echo "registered kernel \"TypeScript (svlab)\" → $spec_dir/kernel.json (node: $node_bin)"
