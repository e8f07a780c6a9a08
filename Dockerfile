# syntax=docker/dockerfile:1
# careerdata: one image for the worker (default command) and the API server (`serve`).
# Build stage compiles TypeScript and drops dev dependencies; the runtime stage holds only what runs.

# Node 24 LTS, pinned to an exact release (bump deliberately; CI runs the suite on Node 24 too).
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so source edits do not invalidate the npm layer. `prepare` (tsc) needs the
# sources, so scripts are skipped here and the build runs explicitly below.
COPY package.json package-lock.json ./
COPY patches ./patches
# patch-package applies patches/ (the backported undici fix, see docs/dependencies.md) that `postinstall` would.
RUN npm ci --ignore-scripts --no-audit --no-fund && npx patch-package
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY jobs ./jobs
COPY fixtures ./fixtures
COPY data ./data
COPY bin ./bin
RUN npm run build && npm prune --omit=dev

FROM node:24.22.3-bookworm-slim AS runtime
ENV NODE_ENV=production \
    LOG_FORMAT=json \
    SNAPSHOT_DIR=/var/lib/careerdata/snapshots \
    CACHE_DIR=/var/lib/careerdata/cache \
    RUNS_DIR=/var/lib/careerdata/runs
WORKDIR /app
RUN groupadd --system careerdata && useradd --system --gid careerdata --home /app careerdata \
 && mkdir -p /var/lib/careerdata && chown careerdata:careerdata /var/lib/careerdata
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/data ./data
# The offline fixtures (`--offline`, smoke tests of an image); small.
COPY --from=build /app/fixtures/generated ./fixtures/generated
COPY --from=build /app/fixtures/careeronestop ./fixtures/careeronestop
USER careerdata
VOLUME ["/var/lib/careerdata"]
# SIGTERM reaches node directly (exec form): the worker finishes or hands back its jobs within
# SHUTDOWN_TIMEOUT; give the container runtime a longer stop grace period than that.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/careerdata.js"]
CMD ["worker"]
