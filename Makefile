# Journeymail developer commands. See DESIGN.md, section "Commands".
#
#   make run           install runtime deps, migrate, seed demo if empty, serve on 127.0.0.1:5000 with the job worker
#   make test          whole suite on SQLite, then again on a throwaway PostgreSQL
#   make test-sqlite   SQLite only
#   make test-postgres PostgreSQL only (scripts/with-postgres)
#   make bench         benchmark table, quick subset of the campaign grid, then the contacts part (a few minutes)
#   make bench-full    the whole grid, then the HTTP load under gunicorn (long: see bench/__main__.py)
#   make bench-http    the HTTP load alone
#   make bench-contacts the contacts part alone (import 100,000 rows through the CLI; count, export 1,000,000)
#   make lint          ruff: unused or undefined names, syntax errors
#   make translations  extract the messages, add the new ones to the German catalog, compile it
#   make vendor        rebuild static/vendor/codemirror.js from frontend/ (needs npm; the result is committed)
#   make clean         remove local databases and caches (keeps .venv)
#   make distclean     clean + remove .venv
#
# Extra pytest arguments: make test PYTEST_ARGS='-k campaign -x'

SHELL := bash

# Python 3.13 or 3.12: CPython 3.11 has a use-after-free in its dict code that crashes large requests
# (see the README). The first of these that runs and is new enough; pyenv users get 3.13 from
# .python-version. Override with `make PYTHON=/path/to/python3.13 ...`.
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for p in python3.13 python3.12 python3; do \
	  if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo $$p; break; fi; \
	done)
endif
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
FLASK  := $(PY) -m flask --app wsgi

HOST := 127.0.0.1
PORT := 5000

PYTEST_ARGS ?=

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: check-python venv install install-dev run test test-sqlite test-postgres bench bench-full bench-http bench-contacts lint translations vendor clean distclean

# --- virtualenv and dependency stamps ---------------------------------------

# A virtualenv made by an older Python (say 3.11, before the switch) is replaced, not used.
$(PY): check-python
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		echo "$(VENV) was made with $$($(PY) --version 2>&1); making it again with $(PYTHON)."; \
		rm -rf $(VENV); \
	fi
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)

venv: $(PY)

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Journeymail needs Python 3.12 or newer (3.13 recommended): CPython 3.11 crashes large requests."; \
		echo "Found none of python3.13, python3.12, or a python3 >= 3.12 on PATH."; \
		echo "Install one (e.g. 'pyenv install 3.13', then this folder's .python-version picks it),"; \
		echo "or run: make PYTHON=/path/to/python3.13 ..."; \
		exit 1; \
	fi

# Reinstall only when a requirements file is newer than its stamp.
$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -q -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# --- app --------------------------------------------------------------------

# A throwaway SECRET_KEY is fine on your own machine; production (gunicorn) must set one.
run: export JOURNEYMAIL_ENV := development
run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo "==> Open http://$(HOST):$(PORT)/login and sign in with the address and password above."
	@echo "==> The background-job worker runs beside the server (jobs queue: instance/jobs.db unless JOBS_URL is set)."
	scripts/run-with-worker $(FLASK) run --host $(HOST) --port $(PORT)

# --- German and English ------------------------------------------------------
# Every message the code and the templates show, extracted (no file positions: the catalog changes only
# when a message does); new ones join translations/de/LC_MESSAGES/messages.po untranslated (the suite
# fails until they are translated), and the compiled .mo beside it is what the app reads. Both are committed.
PYBABEL := $(VENV)/bin/pybabel
MESSAGE_SOURCES := accounts campaigns contacts emails exports jobs journeymail previews segments templates

translations: install
	@mkdir -p build
	$(PYBABEL) extract -F babel.cfg -k _l --no-location --sort-output --project Journeymail -o build/messages.pot $(MESSAGE_SOURCES)
	$(PYBABEL) update -i build/messages.pot -d translations -l de --no-fuzzy-matching --ignore-obsolete
	$(PYBABEL) compile -d translations -l de

# --- tests ------------------------------------------------------------------

test: install-dev lint
	@echo "==> pytest on SQLite"
	env -u TEST_DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)
	@if scripts/with-postgres --check; then \
		echo "==> pytest on PostgreSQL"; \
		echo "scripts/with-postgres $(PY) -m pytest $(PYTEST_ARGS)"; \
		scripts/with-postgres $(PY) -m pytest $(PYTEST_ARGS); \
	else \
		echo ""; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!!! WARNING: PostgreSQL run SKIPPED: server tools (initdb/pg_ctl) not found."; \
		echo "!!! Install Debian's 'postgresql' package (.ci/run does) to test on PostgreSQL."; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi

test-sqlite: install-dev
	env -u TEST_DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install-dev
	scripts/with-postgres $(PY) -m pytest $(PYTEST_ARGS)

# --- lint -------------------------------------------------------------------

lint: install-dev
	$(PY) -m ruff check .

# --- vendored browser code -------------------------------------------------

# The editor's CodeMirror bundle, from the exact versions in frontend/package-lock.json. Only needed after
# changing frontend/: running or testing the app uses the committed static/vendor/ files, never npm.
vendor:
	cd frontend && npm ci --no-audit --no-fund && node build.mjs

# --- benchmark --------------------------------------------------------------

# Campaigns are built once into build/bench/ and reused; extra arguments: make bench BENCH_ARGS='--repeats 3'
BENCH_ARGS ?=

bench: install-dev
	$(PY) -m bench $(BENCH_ARGS)

bench-full: install-dev
	$(PY) -m bench --full $(BENCH_ARGS)

bench-http: install-dev
	$(PY) -m bench.http

bench-contacts: install-dev
	$(PY) -m bench.contacts

# --- housekeeping -----------------------------------------------------------

clean:
	rm -f instance/*.db instance/*.db-journal instance/*.db-wal instance/*.db-shm
	rm -rf .pytest_cache build .coverage htmlcov
	find . -path ./$(VENV) -prune -o -path ./.git -prune -o \
		\( -name __pycache__ -type d -prune -exec rm -rf {} + \) -o \
		\( -name '*.py[co]' -type f -exec rm -f {} + \)

distclean: clean
	rm -rf $(VENV)
