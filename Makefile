# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test venv setup demo lint lock clean bench

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever the lock file changes.
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	@touch $@

venv: $(VENV)/.installed

# Migrate and load the reference content and the demo clinic (each step is idempotent).
setup: venv
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_library
	DEBUG=1 $(BIN)/python manage.py collectstatic --noinput -v0
	DEBUG=1 $(BIN)/python manage.py seed_demo

run: setup
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite runs on every core (pytest-xdist); `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n auto
test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Speed figures on generated data served by gunicorn, against PostgreSQL (not part of `make test`):
# `make bench BENCH_ARGS="--reuse --large 4x100x90"`; see `manage.py bench --help`.
# Then PostgreSQL's plan of every query of those pages on the large data set: no sequential scan
# of the session tables.
BENCH_ARGS ?=
BENCH_DB ?= postgres://postgres@127.0.0.1:5432/bench
bench: venv
	DEBUG=1 $(BIN)/python manage.py bench --database-url $(BENCH_DB) $(BENCH_ARGS)
	DEBUG=1 DATABASE_URL=$(BENCH_DB)_large $(BIN)/python manage.py check_plans

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# Regenerate requirements.lock from pyproject.toml (needs network access to PyPI).
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --universal \
		--python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache
