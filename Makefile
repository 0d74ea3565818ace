# Two commands matter: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

# The browser tests drive Debian's chromium (never a browser that Playwright would download).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

.PHONY: run test bench clean messages catalogues check-catalogues compile chromium venue lint audit fuzz servers

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# The catalogues compiled for the app: every .po under translations/ beside its .mo (never in git).
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

compile: $(COMPILED)

run: $(VENV)/.installed $(COMPILED)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# The venue: the app over HTTPS on every interface, so check-in phones on the local network get the camera.
venue: $(VENV)/.installed $(COMPILED)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	$(BIN)/flask checkin certificate
	$(BIN)/gunicorn -w 2 -b 0.0.0.0:8443 --certfile instance/venue-tls/cert.pem --keyfile instance/venue-tls/key.pem wsgi:app

# Where apt-get exists (Debian, CI) chromium is installed if missing; elsewhere the browser tests skip.
chromium:
	@test -x $(CHROMIUM) || ! command -v apt-get >/dev/null \
	  || ($(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)

test: $(VENV)/.installed-dev $(COMPILED) chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Ruff's default rules and bandit's security rules (pyproject.toml); any finding fails.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check --no-cache .

# Known vulnerabilities in the pinned requirements and what they pull in: pip-audit online, else the
# vendored PyPA advisory snapshot in security/advisories (the output says how old it is).
audit: $(VENV)/.installed-dev
	$(BIN)/python scripts/audit.py

# schemathesis against /api/v1/openapi.json of a fresh demo instance, as an organiser (FUZZ_EXAMPLES, FUZZ_SEED).
fuzz: $(VENV)/.installed-dev $(COMPILED)
	$(BIN)/python scripts/fuzz_api.py

# Two gunicorn instances on one PostgreSQL (database servers_check, made afresh) and Redis (db 11, flushed)
# answer as one system (scripts/two_servers.py says what it checks).
servers: $(VENV)/.installed-dev $(COMPILED)
	$(BIN)/python scripts/two_servers.py

bench: $(VENV)/.installed-dev $(COMPILED)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance/eventhub.db* $(COMPILED)

# Extract every translatable string into translations/messages.pot (README, Languages).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output \
	  --project EventHub --msgid-bugs-address "" -o translations/messages.pot .

# After `make messages`: merge the template into each language's catalogue. New strings arrive empty and
# changed ones marked fuzzy; the catalogue test (tests/test_catalogues.py) fails until translators fill them.
catalogues: messages
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-wrap --ignore-obsolete

# Every string of the code translated in every catalogue, placeholders intact (also part of `make test`).
check-catalogues: $(VENV)/.installed-dev $(COMPILED)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_catalogues.py
