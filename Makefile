# The two commands of the README: `make run` and `make test`. Everything they need is
# installed here, so they work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
PORT ?= 8000

.PHONY: run test lint format check-deploy bench messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-* && touch $@

# Debian's chromium for the browser tests; Playwright never downloads a browser of its own.
/usr/bin/chromium:
	(apt-get install -y -qq chromium >/dev/null 2>&1) || \
	  (apt-get update -qq && apt-get install -y -qq chromium) || \
	  (sudo apt-get update -qq && sudo apt-get install -y -qq chromium)

# PostgreSQL's own dump and restore tools, for manage.py backup/restore and their tests on
# PostgreSQL (Debian's client of the server's major version).
/usr/bin/pg_dump:
	(apt-get install -y -qq postgresql-client >/dev/null 2>&1) || \
	  (apt-get update -qq && apt-get install -y -qq postgresql-client) || \
	  (sudo apt-get update -qq && sudo apt-get install -y -qq postgresql-client)

# Debian's nginx (and curl, which speaks HTTP/2 to it) for the test of the production
# configuration in deploy/nginx (tests/rendering/test_nginx.py).
/usr/sbin/nginx /usr/bin/curl:
	(apt-get install -y -qq nginx curl >/dev/null 2>&1) || \
	  (apt-get update -qq && apt-get install -y -qq nginx curl) || \
	  (sudo apt-get update -qq && sudo apt-get install -y -qq nginx curl)

# The local demo speaks plain http, also to other Fediverse servers on this machine.
DEMO := RATHAUS_HTTPS=false RATHAUS_FEDERATION_ALLOW_HTTP=true \
	RATHAUS_FEDERATION_DOMAIN=$${RATHAUS_FEDERATION_DOMAIN:-127.0.0.1:$(PORT)}

run: $(STAMP)
	$(DEMO) $(BIN)/python manage.py migrate --no-input -v 0
	$(DEMO) $(BIN)/python manage.py collectstatic --no-input -v 0
	$(DEMO) $(BIN)/python manage.py load_demo --port $(PORT)
	$(DEMO) $(BIN)/python manage.py run --port $(PORT)

test: $(STAMP) /usr/bin/chromium /usr/bin/pg_dump /usr/sbin/nginx /usr/bin/curl
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run -v 0
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

check-deploy: $(STAMP)
	RATHAUS_SECRET_KEY=$$(head -c 60 /dev/urandom | base64 -w0) RATHAUS_ALLOWED_HOSTS=presse.example.de \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

bench: $(STAMP)
	$(BIN)/python -m bench.newsroom_load
	$(BIN)/python -m bench.publish_latency
	$(BIN)/python -m bench.search
	$(BIN)/python -m bench.inbox_ingest
	$(BIN)/python -m bench.federation_fanout
	$(BIN)/python -m bench.connectors_fanout
	$(BIN)/python -m bench.oparl_import

messages: $(STAMP)
	cd rathaus && ../$(BIN)/django-admin makemessages -l de -l en --no-obsolete --ignore "*/migrations/*"
	cd rathaus && ../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) var
