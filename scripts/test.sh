#!/usr/bin/env bash
# The whole test suite: setup, typecheck, lint, then the unit and integration vitest projects.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
tsc -p tsconfig.json --noEmit
biome check --error-on-warnings .
vitest run "$@"
