#!/usr/bin/env bash
# The quick start: installs what is missing, builds, and runs Steward's main job on the embedded default: the
# sandbox API server (admin kubeconfig in ./sandbox.kubeconfig), a local Git server serving examples/, and the
# agent applying it. The working clone to edit is .steward/quickstart/repo. Extra arguments go to
# `steward quickstart` (npm start -- --help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
tsc -p tsconfig.build.json
exec node dist/cli/main.js quickstart "$@"
