# Ouendan: `make demo` runs it, `make test` checks it. Everything installs into .venv.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/ouendan
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
PYTEST_WORKERS ?= 2

export PYTHONDONTWRITEBYTECODE := 1
# Tests that need Redis read this (they skip without it outside CI, and fail without it in CI).
export OUENDAN_TEST_REDIS_URL ?= $(REDIS_TEST_URL)

.PHONY: install messages demo demo-reset test lint typecheck test-sqlite test-postgres browser-deps pdf-deps \
        services makemessages run-web run-worker run-scheduler benchmark clean

$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 is required: install python3.11"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
	  { echo "Python 3.11 is required, $(PYTHON) is $$($(PYTHON) --version 2>&1)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade "pip>=25"
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) messages pdf-deps

# Compiled catalogs are built, not committed (Babel: no system gettext needed).
messages: $(STAMP)
	@for po in src/ouendan/locale/*/LC_MESSAGES/*.po; do \
	  [ -e "$$po" ] || continue; \
	  $(BIN)/pybabel compile --use-fuzzy -i "$$po" -o "$${po%.po}.mo" >/dev/null || exit 1; \
	done

# Regenerate the catalogs after changing strings (needs GNU gettext's xgettext).
makemessages: $(STAMP)
	cd src/ouendan && OUENDAN_DEMO=1 ../../$(BIN)/python ../../manage.py makemessages -l ja --no-obsolete

# Migrate, seed once, print the sign-ins, then web + worker + scheduler until Ctrl-C.
# `exec`: the demo supervisor receives Ctrl-C itself and stops its three children.
demo: install
	OUENDAN_DEMO=1 PORT=$(PORT) exec $(BIN)/python manage.py demo

demo-reset: install
	OUENDAN_DEMO=1 $(BIN)/python manage.py demo_reset --yes
	$(MAKE) demo

browser-deps:
	@bash scripts/ensure-browser.sh

# PDF reports: Pango, HarfBuzz's subsetter and Noto Sans CJK JP, from Debian when missing.
pdf-deps:
	@bash scripts/ensure-pdf-deps.sh

# CI=true: PostgreSQL and Redis must answer (started here when they are installed but stopped).
services: $(STAMP)
	@bash scripts/ensure-services.sh "$(PG_URL)" "$(OUENDAN_TEST_REDIS_URL)" "$(BIN)/python"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	OUENDAN_DEMO=1 $(BIN)/mypy src

# The whole suite, browser tests included, on the embedded default (SQLite), whatever the shell has.
test-sqlite: install
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python scripts/run_pytest.py -n $(PYTEST_WORKERS) --dist loadgroup

test-postgres: install
	@if $(BIN)/python scripts/service_check.py postgres "$(PG_URL)"; then \
	  echo "env -u REDIS_URL DATABASE_URL=$(PG_URL) pytest -m 'not browser and not processes'"; \
	  env -u REDIS_URL DATABASE_URL="$(PG_URL)" $(BIN)/python scripts/run_pytest.py \
	    -n $(PYTEST_WORKERS) --dist loadgroup -m "not browser and not processes"; \
	elif [ "$${CI:-}" = "true" ]; then \
	  echo "CI=true: PostgreSQL at $(PG_URL) is required and not reachable"; exit 1; \
	else \
	  echo "SKIPPED the PostgreSQL run: nothing answers at $(PG_URL) (CI runs it)"; \
	fi

test: install browser-deps services lint typecheck test-sqlite test-postgres
	@echo "make test: all checks passed"

run-web: install
	$(BIN)/python manage.py serve web
run-worker: install
	$(BIN)/python manage.py serve worker
run-scheduler: install
	$(BIN)/python manage.py serve scheduler

# Server choice: granian vs uvicorn on the same pages (about a minute; see docs/PERFORMANCE.md).
benchmark: install
	$(BIN)/python benchmarks/server_choice.py

clean:
	rm -rf $(VENV) var/static .mypy_cache .ruff_cache
