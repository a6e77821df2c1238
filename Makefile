# The two commands a newcomer needs: `make run` and `make test`.
# Everything else here is a helper for developers.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails and PDFs (built without a request) point where `make run` serves.
SITE_URL ?= http://$(HOST):$(PORT)

# The test run: DEBUG off as in production, a throwaway key, assets from the finders.
TEST_ENV := SECRET_KEY=$${SECRET_KEY:-test-only-insecure-key} FIELD_ENCRYPTION_KEY=$${FIELD_ENCRYPTION_KEY:-test-only-field-key} STATIC_MANIFEST=0 SECURE_SSL_REDIRECT=0

# The suite runs in parallel, one process per CPU (pytest-xdist), then the tests on services the
# whole machine shares (PostgreSQL roles and databases, the Celery broker a real worker reads) run
# one after another in a second, serial run (they skip without DATABASE_URL/CELERY_BROKER_URL).
# `make test TEST_WORKERS=0` runs the first part in one process; PYTEST_ARGS adds options to both.
TEST_WORKERS ?= auto
PYTEST_ARGS ?=

.PHONY: run test install lint format check migrate demo messages worker beat bench clean mutate prodshape

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required (looked for $(PYTHON))."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py migrate --noinput
	DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py load_demo
	@echo ""
	@echo "  Serving on $(SITE_URL)/  (Ctrl-C to stop)"
	@echo ""
	DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(TEST_ENV) $(BIN)/python manage.py check
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/python manage.py interchange_schema --check
	$(TEST_ENV) $(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not (postgres or redis)" $(PYTEST_ARGS)
	$(TEST_ENV) $(BIN)/python -m pytest -m "postgres or redis" $(PYTEST_ARGS)

# Mutation testing (slow; not part of `make test`). Which files are mutated and which tests run
# against each mutant: [tool.mutmut] in pyproject.toml. MUTANTS narrows the run to some functions,
# e.g. make mutate MUTANTS='coordination.actions.referrals.x_transition*'. Results: .venv/bin/mutmut results.
MUTANTS ?=
mutate: $(STAMP)
	$(TEST_ENV) $(BIN)/mutmut run --max-children 2 $(MUTANTS)
	$(BIN)/mutmut results

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(BIN)/python manage.py load_demo

APPS := accounts services coordination matching volunteers cms bureau
MAKEMESSAGES := makemessages -l zh_Hans --no-obsolete --no-location

# Needs GNU gettext (apt-get install gettext). Each app's strings go to its own catalogue
# (run from inside the app); templates/ and config/ go to locale/.
messages: $(STAMP)
	for app in $(APPS); do (cd $$app && DEBUG=1 ../$(BIN)/python ../manage.py $(MAKEMESSAGES)) || exit 1; done
	DEBUG=1 $(BIN)/python manage.py $(MAKEMESSAGES) $(foreach app,$(APPS),--ignore=$(app)) --ignore=.venv --ignore=bench --ignore=tests --ignore=var --ignore=scripts
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

worker: $(STAMP)
	$(BIN)/celery -A config worker -l info

beat: $(STAMP)
	$(BIN)/celery -A config beat -l info

# Needs PostgreSQL (postgres@127.0.0.1) and Redis; PRODSHAPE_PG / PRODSHAPE_REDIS to change them.
prodshape: $(STAMP)
	$(BIN)/python scripts/prodshape.py

clean:
	rm -rf $(VENV) var/db.sqlite3 staticfiles .pytest_cache .ruff_cache mutants
