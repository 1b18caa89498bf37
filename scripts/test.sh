#!/usr/bin/env bash
# `npm test`: set the machine up if needed, lint, type-check, then run every test — unit, CLI, real
# llama.cpp, real Chromium, and every notebook through the real tslab kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export JUPYTER_PATH="$PWD/.jupyter/share/jupyter"
echo "== lint and format check (biome check; npm run format fixes formatting)"
node_modules/.bin/biome check
echo "== type-check (tsc --noEmit)"
node_modules/.bin/tsc --noEmit
echo "== tests"
# --test-concurrency=1: real Chromium, llama.cpp and the kernel each want a core; 2 cores in CI.
exec node --import tsx --test --test-concurrency=1 "$@" test/*.test.ts
