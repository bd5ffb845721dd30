#!/usr/bin/env bash
# npm run bench: builds the agent and the bench, then runs the bench with the project's Node and kubectl.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
tsc -p tsconfig.build.json
tsc -p bench/tsconfig.json
exec node bench/dist/bench/run.js "$@"
