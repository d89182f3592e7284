# tinhso: two commands. `make run` serves the platform, `make test` tests it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT

.PHONY: run test install lint format messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependency pins change.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Local demo: development settings (DEBUG=1, a generated secret key kept in var/),
# reference data for the province, demo accounts, then the real server.
run: install
	DEBUG=$${DEBUG:-1} $(BIN)/tinhso bootstrap --demo
	DEBUG=$${DEBUG:-1} $(BIN)/tinhso serve

# The whole suite on SQLite, then again on PostgreSQL when DATABASE_URL names one.
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python tinhso/locale/check_translations.py
	env -u DATABASE_URL $(BIN)/pytest
	@if [ -n "$$DATABASE_URL" ]; then echo "== again on $$DATABASE_URL"; $(BIN)/pytest; fi

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
