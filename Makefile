# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format countries bench soak eval-extraction clean

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c requirements.lock -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed
	$(PY) manage.py ensure_dev_admin --site http://$(HOST):$(PORT)
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# The pre-commit hooks (.pre-commit-config.yaml): ruff, django-upgrade, djade,
# djhtml and file checks; they fix what they can. CI runs the same.
lint: install
	$(VENV)/bin/pre-commit run --all-files

format: lint

# Regenerate fixtures/countries.json from pycountry and country_converter.
countries: install
	$(PY) manage.py build_countries

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache

# A synthetic database (100k projects, 2M figures by default) served as in production
# (gunicorn.conf.py, throwaway PostgreSQL and cache); every public page under wrk,
# the CSV exports and the dashboard's bytes in Chromium. Writes bench.json.
bench: install
	$(PY) scripts/bench.py $(BENCH_ARGS)

# Hostile requests, load, a database outage, login guessing and import bombs
# against the seeded app served as in production; prints each target met or missed.
soak: install
	$(PY) scripts/soak.py $(SOAK_ARGS)

# The figure extractor scored on the development set (tests/data/extraction-devset)
# and the seed releases, with and without publication dates; see the README.
eval-extraction: install
	$(PY) manage.py eval_extraction
