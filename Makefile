# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test venv setup demo lint lock clean bench messages

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever the lock file changes.
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	@touch $@

venv: $(VENV)/.installed

# Interface text in other languages: the message files (locale/<language>/LC_MESSAGES/django.po)
# are committed and compiled here, with GNU gettext's msgfmt. `make messages` gathers text newly
# marked for translation into them; a translator then fills in each msgstr.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
%.mo: %.po
	msgfmt --check-format -o $@ $<

# Text that msgmerge only guessed (fuzzy) is emptied: a translator writes it, nothing unchecked
# reaches a patient.
messages: venv
	DEBUG=1 $(BIN)/python manage.py makemessages --all --no-obsolete --add-location file \
		--ignore .venv --ignore staticfiles --ignore tests
	for po in $(PO_FILES); do msgattrib --clear-fuzzy --empty --clear-previous -o $$po $$po; done

# Migrate and load the reference content and the demo clinic (each step is idempotent).
setup: venv $(MO_FILES)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_library
	DEBUG=1 $(BIN)/python manage.py collectstatic --noinput -v0
	DEBUG=1 $(BIN)/python manage.py seed_demo

run: setup
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite runs on every core (pytest-xdist); `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n auto
test: venv $(MO_FILES)
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
