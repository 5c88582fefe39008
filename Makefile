# Journeymail developer commands. See DESIGN.md, section "Commands".
#
#   make run           install runtime deps, migrate, seed demo if empty, serve on 127.0.0.1:5000
#   make test          whole suite on SQLite, then again on a throwaway PostgreSQL
#   make test-sqlite   SQLite only
#   make test-postgres PostgreSQL only (scripts/with-postgres)
#   make bench         benchmark table
#   make lint          ruff: unused or undefined names, syntax errors
#   make clean         remove local databases and caches (keeps .venv)
#   make distclean     clean + remove .venv
#
# Extra pytest arguments: make test PYTEST_ARGS='-k campaign -x'

SHELL := bash

PYTHON := python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
FLASK  := $(PY) -m flask --app wsgi

HOST := 127.0.0.1
PORT := 5000

PYTEST_ARGS ?=

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: venv install install-dev run test test-sqlite test-postgres bench lint clean distclean

# --- virtualenv and dependency stamps ---------------------------------------

$(PY):
	$(PYTHON) -m venv $(VENV)

venv: $(PY)

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
	$(FLASK) run --host $(HOST) --port $(PORT)

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

# --- benchmark --------------------------------------------------------------

bench: install-dev
	$(PY) -m bench

# --- housekeeping -----------------------------------------------------------

clean:
	rm -f instance/*.db instance/*.db-journal instance/*.db-wal instance/*.db-shm
	rm -rf .pytest_cache build .coverage htmlcov
	find . -path ./$(VENV) -prune -o -path ./.git -prune -o \
		\( -name __pycache__ -type d -prune -exec rm -rf {} + \) -o \
		\( -name '*.py[co]' -type f -exec rm -f {} + \)

distclean: clean
	rm -rf $(VENV)
