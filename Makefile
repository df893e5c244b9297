# SafeRound: `make run` starts the demo, `make test` runs every test. Both install what they need.
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
# Only this machine can reach the demo: its passwords are public. HOST=0.0.0.0 opens it to the LAN.
HOST   ?= 127.0.0.1
PIP    := $(BIN)/pip install --quiet --disable-pip-version-check --require-hashes
# requirements*.txt say what SafeRound needs; make lock pins it, with hashes, in requirements*.lock
# (every platform's files, Python 3.11 and later), and only the locks are ever installed.
LOCK   := UV_CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/uv pip compile --quiet --generate-hashes \
	--universal --python-version 3.11
CATALOGS := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
export FLASK_APP := wsgi.py
# The demo and the tests run as development; a server sets SAFEROUND_ENV=production (the default).
export SAFEROUND_ENV ?= development

.PHONY: run test setup test-setup system-packages translations icons update-translations bench \
	lock lock-upgrade

## Install, upgrade the database, load the demo hospital and serve it on $(HOST):$(PORT).
run: setup
	@$(BIN)/flask db upgrade > .venv/migrate.log 2>&1 || { cat .venv/migrate.log; \
		echo "The database upgrade failed (above); SafeRound was not started."; exit 1; }
	@$(BIN)/flask demo load
	@echo "SafeRound on http://$(HOST):$(PORT) — demo accounts in README.md"
	@$(BIN)/gunicorn -c gunicorn.conf.py --bind $(HOST):$(PORT) wsgi:app

## Install everything the tests need (Chromium, CJK fonts, PostgreSQL), then lint, check the
## import contracts in pyproject.toml, and test (one pytest worker per core: they are independent;
## tests sharing an expensive fixture name an xdist_group and run on one worker). Every test of
## the app runs on SQLite and on a PostgreSQL each worker starts (tests/conftest.py); the browser
## tests run once, on SQLite.
test: test-setup
	@$(BIN)/ruff check --quiet .
	@$(BIN)/lint-imports --no-cache > .venv/lint-imports.log || { cat .venv/lint-imports.log; exit 1; }
	@$(BIN)/pytest -n auto --dist loadgroup

setup: $(VENV)/.installed system-packages translations icons
test-setup: $(VENV)/.installed-dev system-packages translations icons

system-packages:
	@bash .ci/system-packages

$(BIN)/python:
	@python3 -m venv $(VENV)

$(VENV)/.installed: requirements.lock | $(BIN)/python
	@$(PIP) -r requirements.lock
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	@$(PIP) -r requirements-dev.lock
	@touch $@

## After changing requirements.txt or requirements-dev.txt: pin what they name, and what that
## needs, into the locks. Pins already there stay; lock-upgrade moves all to the newest allowed.
## The test tools are locked on top of the runtime's pins, so both locks agree.
lock: $(VENV)/.installed-dev
	@$(LOCK) requirements.txt -o requirements.lock
	@$(LOCK) requirements-dev.txt -c requirements.lock -o requirements-dev.lock

lock-upgrade: $(VENV)/.installed-dev
	@$(LOCK) --upgrade requirements.txt -o requirements.lock
	@$(LOCK) --upgrade requirements-dev.txt -c requirements.lock -o requirements-dev.lock

translations: $(CATALOGS:.po=.mo)

# The app icons (static/icons/*.png) are drawn, not committed; says something only when it draws.
icons: $(VENV)/.installed
	@$(BIN)/python -m app.pwa.icons

%.mo: %.po $(VENV)/.installed
	@$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ 2>/dev/null

## After changing user-visible text: re-extract and merge into both catalogs.
update-translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs=".*" --no-location \
		--sort-output --omit-header -o app/translations/messages.pot .
	$(BIN)/pybabel update -N --ignore-obsolete -i app/translations/messages.pot \
		-d app/translations

bench: test-setup
	@for f in bench/*.py; do $(BIN)/python $$f; done
