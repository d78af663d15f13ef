# One image for core (api / worker), the local Upstash bridge and the edge under wrangler dev.
FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends libfaiss-dev python3 make g++ ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY scripts ./scripts
RUN npm ci
COPY . .
ENV HOST=0.0.0.0
EXPOSE 8080
CMD ["npx", "tsx", "core/main.ts", "api"]
