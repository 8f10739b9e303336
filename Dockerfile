# syntax=docker/dockerfile:1
# Wijkradar for a server: the app on port 8501, its data folder on the volume /data, every
# setting and secret from environment variables (docker/entrypoint.sh). With PostgreSQL+PostGIS
# and backups: `docker compose up -d --build` (compose.yaml). README section "Hosten".

# 1. Leaflet from the npm registry, pinned and integrity-checked by package-lock.json.
FROM node:22-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --omit=dev --no-audit --no-fund

# 2. Wheels of Wijkradar (with Leaflet, profiles and app pages, see setup.py) and its dependencies.
FROM python:3.12-slim-bookworm AS build
WORKDIR /src
COPY . .
COPY --from=assets /src/node_modules ./node_modules
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[postgres]"

# 3. The image: Python and the installed wheels only (no node, compilers or sources).
FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WIJKRADAR_DATA_DIR=/data \
    WIJKRADAR_PORT=8501 \
    WIJKRADAR_ADDRESS=0.0.0.0
# --no-index: only the wheels built above can be installed, so pinning versions adds nothing
# hadolint ignore=DL3013
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links /wheels "wijkradar[postgres]"
RUN groupadd --system --gid 10001 wijkradar \
    && useradd --system --uid 10001 --gid wijkradar --create-home --home-dir /home/wijkradar \
       --shell /usr/sbin/nologin wijkradar \
    && mkdir -p /data \
    && chown wijkradar:wijkradar /data
COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/wijkradar-entrypoint
USER 10001:10001
WORKDIR /home/wijkradar
VOLUME ["/data"]
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/_stcore/health' % os.environ.get('WIJKRADAR_PORT', '8501'), timeout=4)"]
ENTRYPOINT ["wijkradar-entrypoint"]
