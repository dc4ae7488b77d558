# syntax=docker/dockerfile:1.7
# One image recipe for every MultiVAC function; the build argument FUNCTION selects which.
#   docker build --build-arg FUNCTION=question -t question .
# skaffold.yaml builds one artifact per function through this file.
#
# Stage 1 runs the esbuild step (`npm run build -- <name>`): one self-contained CommonJS bundle,
# dist/<name>/index.cjs. Stage 2 is distroless Node with that bundle and nothing else: no npm, no
# node_modules, no shell, a non-root user, started with `node` directly.

ARG NODE_VERSION=24.22.3

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
# Dependencies first, without FUNCTION in scope: this layer is shared by every function's image.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
ARG FUNCTION
RUN test -n "${FUNCTION}" || { echo 'build with --build-arg FUNCTION=<name>' >&2; exit 1; }
RUN npm run build -- "${FUNCTION}" && test -s "dist/${FUNCTION}/index.cjs"

FROM gcr.io/distroless/nodejs24-debian12:nonroot
ARG FUNCTION
LABEL org.opencontainers.image.title="multivac-${FUNCTION}" \
      org.opencontainers.image.description="MultiVAC function ${FUNCTION}"
ENV NODE_ENV=production
WORKDIR /app
# Only the bundle (and its source map: NODE_OPTIONS=--enable-source-maps turns it on), owned by
# root, so the process can read it and change nothing.
COPY --from=build --chown=0:0 /src/dist/${FUNCTION}/ /app/
# distroless' nonroot user.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/nodejs/bin/node"]
CMD ["/app/index.cjs"]
