# One image for core (api / worker), the local Upstash bridge and the edge under wrangler dev
# (wrangler is a dev dependency, so the image keeps them). Node 20, as in package.json's engines,
# .nvmrc and the README. Runs as the image's `node` user.
ARG NODE_IMAGE=node:20.20-bookworm-slim

# Build: compilers and Debian's FAISS, so scripts/ensure-faiss.mjs (npm ci's postinstall) builds the
# faiss-node binding without apt-get; OpenBLAS so the binding links the fast BLAS.
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends libfaiss-dev libopenblas0-pthread python3 make g++ ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY scripts ./scripts
RUN npm ci && npm cache clean --force
COPY . .

# Runtime: only the shared libraries the binding loads (BLAS/LAPACK through OpenBLAS, OpenMP).
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends libopenblas0-pthread liblapack3 libgomp1 ca-certificates \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /data \
  && chown node:node /data
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
ENV NODE_ENV=production HOST=0.0.0.0 APFA_DATA_DIR=/data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=300s --retries=3 \
  CMD ["node", "scripts/container-health.mjs", "http", "http://127.0.0.1:8080/ready"]
CMD ["node_modules/.bin/tsx", "core/main.ts", "api"]
