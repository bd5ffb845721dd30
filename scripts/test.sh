#!/usr/bin/env bash
# The whole test suite: setup, typecheck, lint, then the unit and integration vitest projects.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
tsc -p tsconfig.json --noEmit
biome check --error-on-warnings .
mkdir -p test-output
status=0
vitest run --reporter=default --reporter=json --outputFile.json=test-output/vitest.json "$@" || status=$?
# One plain closing line that any CI log reader understands.
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-output/vitest.json", "utf8"));
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' || true
exit $status
