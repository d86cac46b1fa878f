# gainsight-api-server as a container: a build stage with the compilers better-sqlite3 may need
# (when no prebuilt binary fits), and a slim runtime stage that runs as the unprivileged `node`
# user with only the production dependencies and the built program.
#
#   docker build -t gainsight-api .
#   docker run -p 8080:8080 -v gainsight-data:/data -e GS_ACCESS_KEY=... gainsight-api
#
# CI does not build this image (there is no Docker where CI runs); see the README.

FROM node:20-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Dependencies first, so that they stay cached while only the sources change. Install scripts
# are skipped (the root package's `prepare` would build before the sources are here); the two
# packages that need theirs (the native SQLite driver, the bundler) are rebuilt explicitly.
COPY package.json package-lock.json ./
COPY packages/client/package.json packages/client/package.json
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 esbuild
COPY tsconfig.json tsconfig.build.json ./
COPY scripts scripts
COPY spec spec
COPY schemas schemas
COPY src src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATABASE_URL=sqlite:/data/gainsight.db
WORKDIR /app
# Owned by root and read-only to the server; only /data is the server's to write.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/spec ./spec
COPY --from=build /app/schemas ./schemas
RUN mkdir -p /data && chown node:node /data
USER node
# The SQLite database (with its -wal and -shm files). Unused with a PostgreSQL DATABASE_URL.
VOLUME ["/data"]
EXPOSE 8080
# node:20-slim has no curl or wget: Node's own fetch asks /healthz (200 once the database answers).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM lets in-flight requests finish before the process exits (up to 10 s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--max-semi-space-size=8", "dist/cli/main.js"]
CMD ["serve"]
