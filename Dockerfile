# Clawgate gateway image. Build: docker compose build   Run: docker compose up -d
# The gateway binds 0.0.0.0 *inside* the container so the published port reaches it; the bind rule
# still holds (a non-loopback bind needs a token), so the entrypoint makes one on first start and
# keeps it in the state volume. compose.yaml publishes 127.0.0.1:18789 only.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied, and Node 24 uses node:sqlite,
# so the optional native better-sqlite3 is never compiled (no compiler in the image). Optional
# dependencies stay installed for the build: esbuild's and Vite's native binaries are optional
# packages; the prune below drops them with the rest of the build tools.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY bin ./bin
COPY ui ./ui
RUN npx tsc -p tsconfig.json && node scripts/bundle.mjs && npm run build:ui && npm prune --omit=dev --omit=optional

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    CLAWGATE_STATE_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/clawgate.mjs /app/dist/clawgate.mjs.map ./dist/
COPY --from=build /app/dist/chunks ./dist/chunks/
COPY --from=build /app/dist/webui ./dist/webui
COPY --from=build /app/bin ./bin
# bin/clawgate.js asks it which SQLite engine this Node has (Node 24: node:sqlite, always).
COPY --from=build /app/scripts/sqlite-engine.mjs ./scripts/
COPY docker/entrypoint.sh /usr/local/bin/clawgate-entrypoint
RUN ln -s /app/bin/clawgate.js /usr/local/bin/clawgate \
 && mkdir -p /data && chown node:node /data && chmod 0700 /data
# The image's unprivileged user (uid 1000); the state volume is owned by it.
USER node
VOLUME ["/data"]
EXPOSE 18789
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:18789/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["clawgate-entrypoint"]
CMD ["gateway", "run", "--bind", "lan"]
