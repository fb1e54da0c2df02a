# Quick start: `make run` serves the site at http://127.0.0.1:8000/, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Local development runs in debug mode with a throwaway key; production sets both variables.
DEV_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}
PG_URL ?= postgres://postgres@127.0.0.1:5432/liverqa

.PHONY: install run test test-postgres lint format bench clean

install: $(STAMP)

# Reinstall only when the dependencies change, so a second `make run` starts at once.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py load_initial_content
	$(DEV_ENV) $(BIN)/python manage.py rebuild_search_index --if-empty
	$(DEV_ENV) $(BIN)/python manage.py rebuild_related --if-empty
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/pytest

# The same suite against PostgreSQL (the test database is created and dropped by pytest).
test-postgres: $(STAMP)
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# Builds 1k/10k/100k-article databases and prints the README's benchmark table (~5 minutes).
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
