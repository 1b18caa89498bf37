#!/usr/bin/env bash
# `npm test`: set the machine up if needed, lint, type-check, then run every test — unit, CLI, real
# llama.cpp, real Chromium, and every notebook through the real tslab kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export JUPYTER_PATH="$PWD/.jupyter/share/jupyter"
# Lint only for now: the format check (`biome check`) joins once the tree has been formatted in one commit.
echo "== lint (biome lint)"
node_modules/.bin/biome lint
echo "== type-check (tsc --noEmit)"
node_modules/.bin/tsc --noEmit
echo "== tests"
# --test-concurrency=1: real Chromium, llama.cpp and the kernel each want a core; 2 cores in CI.
exec node --import tsx --test --test-concurrency=1 "$@" test/*.test.ts
