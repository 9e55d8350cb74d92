# Two commands take a fresh clone to a running demo (`make run`) and to a full test run (`make test`).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
export PORT
WEB_WORKERS ?= 2
# One or two threads per worker measured fastest for intake (bench/README.md); more only adds contention.
WEB_THREADS ?= 2
# Task workers (db_worker processes) beside the web server: auto = one per core, at most 4 (bench/README.md).
WORKERS ?= auto
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install install-dev run test lint check-migrations assets messages clean

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

assets: node_modules/.installed

messages:
	$(PY) manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules --ignore=var

install: $(VENV)/.installed assets
	@mkdir -p var
	@if command -v msgfmt >/dev/null 2>&1; then $(MAKE) --no-print-directory messages; fi
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0

run: install
	$(PY) manage.py seed_demo --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT), chat sockets on port $${CHAT_WS_PORT:-$$(($(PORT)+1))}, chat demo at http://127.0.0.1:$(PORT)/chat/demo/ (analyser, task workers and scheduler beside it). One Ctrl-C stops them all."
	@LOG_JSON=$${LOG_JSON:-false} SORIDAM_REQUIRE_2FA=$${SORIDAM_REQUIRE_2FA:-false} exec $(PY) -m soridam.lib.supervisor $(PORT) $(WEB_WORKERS) $(WEB_THREADS) $(WORKERS)

install-dev: $(VENV)/.installed-dev assets
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="chromium"; \
	command -v msgcmp >/dev/null 2>&1 || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then echo "Installing Debian packages for the tests:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; fi
	@mkdir -p var
	@$(MAKE) --no-print-directory messages
	$(PY) manage.py collectstatic --noinput -v 0

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy soridam
	$(VENV)/bin/lint-imports

check-migrations: install-dev
	$(PY) manage.py makemigrations --check --dry-run

test: install-dev lint check-migrations
	DB_CONN_MAX_AGE=0 $(VENV)/bin/pytest -q

clean:
	rm -rf $(VENV) node_modules var/static
