# Quick start: `make run` serves the site at http://127.0.0.1:8000/, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Local development: .env (git-ignored, written once) turns debug on with a generated key;
# manage.py reads it, real environment variables win, production never reads it.
DEV_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}
PG_URL ?= postgres://postgres@127.0.0.1:5432/liverqa

.PHONY: install run serve test test-postgres lint format bench clean validators

install: $(STAMP)

# Reinstall only when the dependencies change, so a second `make run` starts at once.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP) .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_initial_content
	$(BIN)/python manage.py rebuild_indexes --if-empty
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production mode on this machine: debug off, no .env, gunicorn (gunicorn.conf.py) with
# WhiteNoise serving compressed, content-hashed static files. HOST and PORT override the
# address; DATABASE_URL and REDIS_URL are honoured; DJANGO_SECRET_KEY is required. Served over
# HTTPS (directly or behind a TLS proxy), add DJANGO_HTTPS=1: see README, Security headers.
PROD_ENV := LIVERQA_DOTENV= DJANGO_DEBUG=0
serve: $(STAMP)
	$(PROD_ENV) $(BIN)/python manage.py check --deploy --fail-level ERROR
	$(PROD_ENV) $(BIN)/python manage.py migrate --noinput
	$(PROD_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(PROD_ENV) $(BIN)/python manage.py load_initial_content
	$(PROD_ENV) $(BIN)/python manage.py rebuild_indexes --if-empty
	$(PROD_ENV) $(BIN)/gunicorn --config gunicorn.conf.py liverqa.wsgi

# Written once, never overwritten: an editor's key and settings survive the next `make run`.
.env:
	umask 077 && $(PYTHON) -c "import secrets; print('DJANGO_DEBUG=1'); print('DJANGO_SECRET_KEY=' + secrets.token_urlsafe(50))" > .env

# The validators that tests/test_validators.py runs (Nu Html Checker, axe-core, Lighthouse),
# pinned in package-lock.json; without them those tests are skipped. Needs Node 20 and Java 17.
validators: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

test: $(STAMP)
	$(BIN)/pytest

# The same suite against PostgreSQL (the test database is created and dropped by pytest).
test-postgres: $(STAMP)
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# Builds 1k/10k/100k-article databases and prints the README's benchmark tables, readers'
# pages and editors' (~20 minutes); benchmarks/run.py --database-url measures existing ones.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles node_modules
