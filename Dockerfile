# syntax=docker/dockerfile:1.7
# One image recipe for every MultiVAC function; the build argument FUNCTION selects which.
#   docker build --build-arg FUNCTION=question -t question .
# skaffold.yaml builds one artifact per function through this file.
#
# Stage 1 runs the esbuild step (`npm run build -- <name>`): dist/<name>/ holds the function's
# self-contained CommonJS bundle (function.cjs) and the start-up that runs it (index.cjs).
# Stage 2 makes the bundle's V8 code cache with the very Node binary of the final image (V8 ignores
# a cache made by another build): the function runs once against a real Redis and a real
# MongoDB-wire server (FerretDB), answers a first caller's requests and writes what V8 compiled —
# the drivers' code for a connection, a command and its reply included — so that a cold start
# skips parsing and compiling it.
# Stage 3 is distroless (glibc and libstdc++, no shell) with that Node binary and the function's
# directory and nothing else: no npm, no node_modules, a non-root user, started with `node`
# directly. One pinned Node (NODE_VERSION) builds, trains and runs the function.

ARG NODE_VERSION=24.22.3
ARG FERRETDB_VERSION=1.24.2

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
# Dependencies first, without FUNCTION in scope: this layer is shared by every function's image.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
ARG FUNCTION
RUN test -n "${FUNCTION}" || { echo 'build with --build-arg FUNCTION=<name>' >&2; exit 1; }
RUN npm run build -- "${FUNCTION}" --no-code-cache && test -s "dist/${FUNCTION}/function.cjs"

# FerretDB's release image: one static binary, /ferretdb.
FROM ghcr.io/ferretdb/ferretdb:${FERRETDB_VERSION} AS ferretdb

FROM node:${NODE_VERSION}-bookworm-slim AS codecache
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/*
COPY --from=ferretdb /ferretdb /usr/local/bin/ferretdb
ARG FUNCTION
COPY --from=build /src/dist/${FUNCTION}/ /app/
# The broker starts from its trigger table (mounted from a ConfigMap when it runs).
COPY --from=build /src/knative/base/triggers.yaml /code-cache/triggers.yaml
ENV MULTIVAC_TRIGGERS_FILE=/code-cache/triggers.yaml
# Both servers live only for this step, on loopback, with their data in /tmp; the start-up waits
# until they accept connections, adds the function's own flags (its manifest's args, in
# node-flags.json) and makes the cache with them.
RUN mkdir -p /tmp/ferretdb \
 && redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
 && { ferretdb --handler=sqlite --sqlite-url=file:/tmp/ferretdb/ --state-dir=/tmp/ferretdb \
        --listen-addr=127.0.0.1:27017 --debug-addr=- --telemetry=disable --log-level=error & } \
 && REDIS_URL=redis://127.0.0.1:6379 MONGODB_URI=mongodb://127.0.0.1:27017/ \
    node --liftoff-only /app/index.cjs --write-code-cache

FROM gcr.io/distroless/cc-debian12:nonroot
ARG FUNCTION
LABEL org.opencontainers.image.title="multivac-${FUNCTION}" \
      org.opencontainers.image.description="MultiVAC function ${FUNCTION}"
ENV NODE_ENV=production
WORKDIR /app
# The Node that made the code cache, where distroless' Node images keep theirs.
COPY --from=codecache /usr/local/bin/node /nodejs/bin/node
# The start-up, the bundle, its code cache and source map (NODE_OPTIONS=--enable-source-maps
# turns it on), owned by root, so the process can read them and change nothing.
COPY --from=codecache --chown=0:0 /app/ /app/
# distroless' nonroot user.
USER 65532:65532
EXPOSE 8080
# Node's flags (shared/runtime/node-flags.ts), the same as when the code cache was made: V8 takes
# the cache only from a Node started with the same code-generation flags. A manifest whose
# function has flags of its own names them in `args`, before /app/index.cjs.
ENTRYPOINT ["/nodejs/bin/node", "--liftoff-only"]
CMD ["/app/index.cjs"]
