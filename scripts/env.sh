# Sourced by the other scripts: puts the project's own tools first on PATH.
STEWARD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$STEWARD_ROOT/.tools/bin:$STEWARD_ROOT/node_modules/.bin:$PATH"
