#!/usr/bin/env bash
# The quick start: installs what is missing, builds, and runs Steward's main job on the embedded default.
# For now that is the sandbox API server with an admin kubeconfig in ./sandbox.kubeconfig.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
tsc -p tsconfig.build.json
exec node dist/cli/main.js sandbox --kubeconfig sandbox.kubeconfig "$@"
