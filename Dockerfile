# syntax=docker/dockerfile:1
#
# connect-telemetry as a container: runs beside Redpanda Connect, reads the
# same config file and reports which components it uses.
#
#   docker build -t connect-telemetry .
#   docker run --rm --read-only -v "$PWD/examples:/etc/connect:ro" \
#     connect-telemetry --dry-run --config /etc/connect/pipeline.yaml
#
# scripts/image-smoke.sh builds this file from a clean checkout and runs the
# image (CI runs it); scripts/package-smoke.sh repeats the same install steps
# without a container engine, as a quicker check.

ARG NODE_IMAGE=node:22-bookworm-slim

# --- build: compile with dev dependencies, then pack exactly what npm would publish
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json README.md LICENSE CHANGELOG.md ./
COPY bin ./bin
COPY src ./src
# The build's second step (npm run build: tsc, then the bundler).
COPY scripts/bundle.ts ./scripts/
# Shipped in the package ("files"): the configs `simulate` and `demo` use.
COPY examples/demo ./examples/demo
# `npm pack` runs the prepack script (the build) and applies package.json "files".
RUN npm pack --pack-destination /tmp \
 && mkdir /app \
 && tar -xzf /tmp/connect-telemetry-*.tgz -C /app --strip-components=1 \
 && cp package-lock.json /app/
# Production dependencies only, pinned by the lockfile; no install scripts.
WORKDIR /app
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm package-lock.json \
 && npm cache clean --force

# --- run: the packed app and its production dependencies, nothing else
FROM ${NODE_IMAGE} AS runtime
ARG UID=10001
ARG GID=10001
RUN groupadd --system --gid "${GID}" connect-telemetry \
 && useradd --system --uid "${UID}" --gid "${GID}" --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin connect-telemetry \
 && mkdir -p /var/lib/connect-telemetry /data \
 && chown "${UID}:${GID}" /var/lib/connect-telemetry /data \
 && chmod 0700 /var/lib/connect-telemetry /data
COPY --from=build --chown=root:root /app /app

ENV NODE_ENV=production \
    CONNECT_TELEMETRY_STATE_DIR=/var/lib/connect-telemetry \
    NODE_COMPILE_CACHE=/var/lib/connect-telemetry/.compile-cache
# The only place the sidecar writes at run time: the instance ID, first start
# time and lock, and Node's compile cache (so a restart starts faster). (/data is for the collector's database when the same image
# runs `collect`; mount a volume there.)
VOLUME ["/var/lib/connect-telemetry"]
WORKDIR /app
# Numeric so Kubernetes can check runAsNonRoot without reading /etc/passwd.
USER ${UID}:${GID}

LABEL org.opencontainers.image.title="connect-telemetry" \
      org.opencontainers.image.description="Sidecar that reports which Redpanda Connect components a config uses" \
      org.opencontainers.image.licenses="Apache-2.0"

# Exec form: node is PID 1 and receives SIGTERM directly.
ENTRYPOINT ["node", "/app/bin/connect-telemetry.js"]
CMD ["run"]
