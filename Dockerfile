# The portal's image: one image, three process types (web = gunicorn, worker, beat); see docker-compose.yml.
# Debian bookworm, like the machines `make` supports, so fonts and libraries are the same packages.

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm gettext \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt ./
RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt
COPY package.json package-lock.json ./
# Front-end packages from the npm registry (Bootstrap, the ALTCHA widget, PurgeCSS); the test-only ones (axe-core) stay out.
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error
COPY . .
RUN find . -path ./node_modules -prune -o -name django.po -print \
    | while read -r po; do msgfmt --check -o "${po%.po}.mo" "$po" || exit 1; done
# Only the Bootstrap CSS the templates use (tools/purge_css.mjs, as `make assets` does), before collectstatic.
RUN PYTHON=/venv/bin/python node tools/purge_css.mjs
# collectstatic runs with production storage (hashed names); the key only exists during this step.
RUN DEBUG=False ALLOWED_HOSTS=build SECRET_KEY="build-$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    /venv/bin/python manage.py collectstatic --noinput

FROM python:3.11-slim-bookworm
# Arabic fonts and HarfBuzz subsetting for WeasyPrint's PDFs (issued documents, receipts).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      fonts-noto-core fonts-hosny-amiri libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 1000 --home-dir /app --shell /usr/sbin/nologin portal \
 && mkdir -p /data && chown portal:portal /data
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=portal.settings DEBUG=False DATA_DIR=/data
COPY --from=build /venv /venv
COPY --from=build --chown=portal:portal /app /app
WORKDIR /app
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 CMD ["python", "-m", "portal.healthcheck"]
# portal/gunicorn_config.py: bind, workers (GUNICORN_WORKERS), timeout, and /metrics across the workers
# (prometheus-client's multiprocess folder below, emptied at start, dead workers marked). JSON log lines.
ENV PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus LOG_FORMAT=json
CMD ["gunicorn", "portal.wsgi:application", "-c", "portal/gunicorn_config.py"]
