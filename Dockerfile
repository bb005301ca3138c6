# One image recipe for every Monitor app; the build arg PROJECT names the app's project folder:
#   workers/Monitor.Ingestion, workers/Monitor.Tagging, workers/Monitor.Persistence, workers/Monitor.Alerts,
#   dashboard/Monitor.Dashboard
#
#   docker build --build-arg PROJECT=workers/Monitor.Tagging -t monitor-tagging .
#
# docker-compose.yml builds all five from here and configures them through environment variables only.

# ---------------------------------------------------------------- build
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build

# Node.js and npm: building the dashboard runs `npm ci` (dashboard/Monitor.Dashboard/npm.targets), which
# asks for Node.js 20 or later. The image is Ubuntu 24.04, whose own nodejs is 18, so the apt source is
# NodeSource's repository for the NODE_MAJOR line: 24, the active LTS line (20 reached its end of life in April 2026).
ARG NODE_MAJOR=24
RUN set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates curl gnupg; \
    install -d -m 0755 /etc/apt/keyrings; \
    curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key \
      | gpg --dearmor -o /etc/apt/keyrings/nodesource.gpg; \
    echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_${NODE_MAJOR}.x nodistro main" \
      > /etc/apt/sources.list.d/nodesource.list; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs; \
    rm -rf /var/lib/apt/lists/*; \
    node --version; \
    npm --version

ENV DOTNET_NOLOGO=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1

WORKDIR /src
COPY . .

# One restore for every app (the dashboard references all the workers). It comes before ARG PROJECT, so
# this layer is the same for the five images and is built once.
RUN dotnet restore dashboard/Monitor.Dashboard/Monitor.Dashboard.csproj

ARG PROJECT
# The app's assembly is named after its .csproj; a tiny generated entrypoint runs it.
RUN set -eu; \
    if [ -z "${PROJECT:-}" ]; then echo "build arg PROJECT is required (e.g. workers/Monitor.Tagging)" >&2; exit 1; fi; \
    csproj="$(find "$PROJECT" -maxdepth 1 -name '*.csproj' | head -n 1)"; \
    if [ -z "$csproj" ]; then echo "no .csproj in $PROJECT" >&2; exit 1; fi; \
    name="$(basename "$csproj" .csproj)"; \
    dotnet publish "$csproj" -c Release -o /app --no-restore -p:UseAppHost=false; \
    test -f "/app/$name.dll"; \
    printf '#!/bin/sh\nexec dotnet /app/%s.dll "$@"\n' "$name" > /app/entrypoint.sh; \
    chmod 0755 /app/entrypoint.sh; \
    cat /app/entrypoint.sh

# ---------------------------------------------------------------- runtime
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime

# curl serves the compose healthcheck (GET /health/ready); DejaVu Sans is the font of the briefing's PDF export.
RUN set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl fonts-dejavu-core; \
    rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY --from=build /app ./
# Writable for the non-root user in case an app runs with its embedded SQLite default (data/monitor.db).
RUN mkdir -p /app/data && chown "$APP_UID" /app/data

ENV ASPNETCORE_URLS=http://+:8080 \
    DOTNET_NOLOGO=1
EXPOSE 8080

# The image's built-in unprivileged user.
USER $APP_UID
ENTRYPOINT ["/app/entrypoint.sh"]
