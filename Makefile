# The two commands: `make run` (serve the portal on http://127.0.0.1:8000) and `make test`.
# Both install what is missing first: Debian packages (as root), a virtualenv with the pinned
# requirements, the front-end packages from the npm registry, and compiled translations.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian's own python3 has no `venv`/ensurepip until python3-venv is installed.
VENV_PACKAGE := $(shell $(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1 || echo python3-venv)
# Node.js may come from elsewhere (NodeSource's nodejs bundles npm, and conflicts with Debian's npm):
# ask apt for it only when there is no npm on the PATH. Defined before APT_PACKAGES, which `:=` expands now.
NODE_PACKAGES := $(shell command -v npm >/dev/null 2>&1 || echo nodejs npm)
APT_PACKAGES := fonts-noto-core fonts-hosny-amiri libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
	gettext poppler-utils $(NODE_PACKAGES) $(VENV_PACKAGE)
# haproxy: the proxy in front of the two web nodes of load/tests/test_nodes.py (and of `make load --nodes 2`).
APT_TEST_PACKAGES := chromium docker-compose haproxy
# `make load` only: the reverse proxy of `--nodes N` (load/nodes.py).
LOAD_PACKAGES := haproxy
# App folders keep their own catalogues; the project catalogue (locale/) is portal/ and templates/.
APP_DIRS := $(filter-out portal,$(patsubst %/apps.py,%,$(wildcard */apps.py)))

.PHONY: run test deps system-deps system-test-deps load-deps venv assets messages makemessages migrate demo \
	check compose-check bench load lighthouse lint format

run: deps migrate demo
	@echo "Serving the portal on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: deps system-test-deps
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest $(PYTEST_ARGS)

deps: system-deps venv assets messages

# Debian packages: installed when missing and we are root (CI and fresh machines); otherwise we
# say what is missing and carry on, so a developer without root still gets a clear message.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "WARNING: missing Debian packages:$$missing (run as root or: sudo apt-get install$$missing)"; fi; \
	fi
endef

system-deps:
	$(call apt_install,$(APT_PACKAGES))

system-test-deps:
	$(call apt_install,$(APT_TEST_PACKAGES))

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt | system-deps
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

assets: node_modules/.installed static-build/.built

node_modules/.installed: package.json package-lock.json | system-deps
	@command -v npm >/dev/null || { echo "ERROR: npm is missing: install Node.js and npm (apt-get install nodejs npm), then run make again." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Only the Bootstrap CSS the templates use is shipped: PurgeCSS over Bootstrap's RTL and LTR builds into the
# git-ignored static-build/ (served as vendor/bootstrap/dist/css/, portal/settings.py), rebuilt when a template,
# the Python or the scripts change (tools/purge_css.mjs says what it reads).
PURGE_SOURCES := $(shell find templates portal $(APP_DIRS) \( -name '*.html' -o -name '*.py' -o -name '*.js' \) 2>/dev/null)
static-build/.built: node_modules/.installed tools/purge_css.mjs $(PURGE_SOURCES) | venv
	PYTHON=$(PY) node tools/purge_css.mjs
	touch $@

messages: venv | system-deps
	@command -v msgfmt >/dev/null || { echo "ERROR: msgfmt is missing: install gettext (apt-get install gettext), then run make again." >&2; exit 1; }
	@find . -path ./.venv -prune -o -path ./node_modules -prune -o -name django.po -print | while read po; do \
	  mo=$${po%.po}.mo; if [ ! -f "$$mo" ] || [ "$$po" -nt "$$mo" ]; then msgfmt --check -o "$$mo" "$$po" || exit 1; fi; done

# Refresh the project catalogue (locale/) from portal/ and templates/; each app runs makemessages in its own folder.
makemessages: venv
	$(PY) manage.py makemessages -l ar -l en $(foreach d,$(APP_DIRS) .venv node_modules staticfiles var test-artifacts bench tests,--ignore=$(d))

migrate: deps
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# ruff, migrations, Django's deployment checklist (plus the portal's own: portal/checks.py) with production
# settings, bandit (high severity fails; config in pyproject.toml), and the security tests (marker
# `security`: every URL swept, staff MFA, audit trail, retention; see README "Security").
check: deps lint
	$(PY) manage.py makemigrations --check --dry-run
	DEBUG=False SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(64))') ALLOWED_HOSTS=portal.example \
	  $(PY) manage.py check --deploy --fail-level WARNING
	$(VENV)/bin/bandit -c pyproject.toml -r . --severity-level high -q
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -m "security and not browser" -p randomly $(PYTEST_ARGS)

compose-check: system-test-deps
	docker-compose -f docker-compose.yml config -q

bench: deps
	$(PY) -m bench $(BENCH_ARGS)

# gunicorn + PostgreSQL + Redis + a Celery worker under a mixed load for LOAD_ARGS (default --duration 60),
# then checks every payment was applied once and every SMS sent once (README "Load and fault tests").
# LOAD_ARGS="--nodes 2": 1 then 2 gunicorn nodes behind HAProxy on a shared S3 server, then one node killed.
load: deps load-deps
	$(PY) -m load $(LOAD_ARGS)

load-deps:
	$(call apt_install,$(LOAD_PACKAGES))

# Lighthouse 12 (npm) on a phone with Debian's Chromium against the portal served as in production (gunicorn,
# whitenoise, DEBUG off, a throwaway seeded database): the four category scores of six pages and the target
# (100 each) met / not met (README "Benchmarks"). LIGHTHOUSE_ARGS: --runs 3, --lang en, --pages home,card, --strict.
lighthouse: deps system-test-deps
	$(PY) tools/lighthouse.py $(LIGHTHOUSE_ARGS)
