# tinhso: two commands. `make run` serves the platform, `make test` tests it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT

.PHONY: run test install lint format messages clean system-deps security mypy mypy-baseline

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependency pins change.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,spark]'
	touch $@

install: $(VENV)/.installed

# Local demo: development settings (DEBUG=1, a generated secret key kept in var/),
# reference data for the province, demo accounts, then the real server.
run: install
	DEBUG=$${DEBUG:-1} $(BIN)/tinhso bootstrap --demo
	DEBUG=$${DEBUG:-1} $(BIN)/tinhso serve

# What the tests need from Debian: Chromium (Playwright drives it; never a browser
# download) and poppler-utils (pdfsig, pdftotext). Installed only when missing.
system-deps:
	@command -v chromium >/dev/null && command -v pdfsig >/dev/null || { \
	  echo "installing chromium and poppler-utils from Debian"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; }

# The whole suite on SQLite, then again on PostgreSQL when DATABASE_URL names one,
# then the end-to-end journeys in a real browser against a real server. The two suites
# spread over TEST_WORKERS processes (pytest-xdist; default: one per core), each with
# its own test database and var directory; the journeys share one server, in order.
TEST_WORKERS ?= auto
test: install system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(MAKE) --no-print-directory mypy
	$(BIN)/python tinhso/locale/check_translations.py
	$(MAKE) --no-print-directory security
	env -u DATABASE_URL $(BIN)/pytest -n $(TEST_WORKERS)
	@if [ -n "$$DATABASE_URL" ]; then echo "== again on $$DATABASE_URL"; $(BIN)/pytest -n $(TEST_WORKERS) -m "not e2e and not database_free"; fi
	env -u DATABASE_URL $(BIN)/pytest -m e2e

# Static security checks: bandit on the code (skips justified in pyproject.toml; the
# findings reviewed and accepted are in .ci/bandit-baseline.json, any new one fails) and
# pip-audit on the pinned dependencies (skipped, loudly, when its data is unreachable).
security: install
	$(BIN)/bandit -c pyproject.toml -r tinhso -q -x '*/tests/*,*/e2e/*,*/conftest.py,*/testing/*' \
	  -b .ci/bandit-baseline.json
	.ci/audit-dependencies

# mypy with django-stubs over the apps (pyproject.toml [tool.mypy]); the errors known
# when it was added are in .ci/mypy-baseline.txt, any new one fails. The baseline only
# shrinks: after fixing errors (or moving files), `make mypy-baseline` rewrites it.
mypy: install
	$(BIN)/python .ci/mypy-check

mypy-baseline: install
	$(BIN)/python .ci/mypy-check --update

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the translation catalogues after changing user-facing text.
messages: install
	cd tinhso && ../$(BIN)/tinhso makemessages -l en --no-obsolete && ../$(BIN)/tinhso compilemessages
	$(BIN)/python tinhso/locale/check_translations.py

clean:
	rm -rf $(VENV) var/*.sqlite3*
