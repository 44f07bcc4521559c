# Two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
# This machine's pip configuration names local indexes that may be absent; say nothing of them.
QUIET_PIP := 2>&1 | { grep -v "^WARNING: Location" || true; }
.DEFAULT_GOAL := help
PY := .venv/bin/python
PROD_ENV := SECRET_KEY=check-deploy-$$(printf '%064d' 0)-not-a-real-key \
	MFA_ENCRYPTION_KEYS=check-deploy-not-a-real-key-$$(printf '%015d' 0)= \
	ALLOWED_HOSTS=talent.example.nhs.uk DJANGO_SETTINGS_MODULE=talentportal.settings.production

.PHONY: help deps venv node services stop migrate demo run test lint checks pytest totp backup restore loadtest bench screenshots

help:
	@echo "make run       set everything up and serve the portal with demo data"
	@echo "make test      set everything up and run the whole test suite"
	@echo "make services  start only PostgreSQL and Redis (prints DATABASE_URL and REDIS_URL)"
	@echo "make stop      stop PostgreSQL and Redis"
	@echo "make totp      the current two-factor code of the demo staff accounts"
	@echo "make backup    dump the database to backups/ (or FILE=...), pg_dump custom format"
	@echo "make restore FILE=backups/...dump   restore a backup into the database"
	@echo "make screenshots  every role's main pages at 1280 and 390 px into screenshots/ (index.html)"
	@echo "make bench     issue 7's benchmark at 10 million bookings (BOOKINGS=...); writes bench/results.json"

deps:
	@scripts/system-deps.sh

.venv/.installed: pyproject.toml constraints.txt
	@python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed (python3 is $$(python3 -V))" >&2; exit 1; }
	@test -x $(PY) || python3 -m venv .venv
	@.venv/bin/pip install -q --disable-pip-version-check "pip==25.3" $(QUIET_PIP)
	@.venv/bin/pip install -q --disable-pip-version-check -c constraints.txt --group test $(QUIET_PIP)
	@touch $@

venv: deps .venv/.installed

node_modules/.installed: package.json package-lock.json
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node: deps node_modules/.installed

services: deps
	@scripts/services.sh start

stop:
	@scripts/services.sh stop

migrate: venv services
	@$(PY) manage.py migrate --no-input -v 0

run: venv node migrate
	@$(PY) manage.py load_demo --if-empty
	@scripts/run.sh

lint: venv
	@.venv/bin/ruff check . && .venv/bin/ruff format --check -q .

checks: venv node services
	@$(PY) manage.py makemigrations --check --dry-run -v 0 --settings=talentportal.settings.test
	@env $(PROD_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	@env $(PROD_ENV) $(PY) manage.py collectstatic --no-input -v 0

pytest: venv node services
	@.venv/bin/pytest -n 2 $(PYTEST_ARGS)

test: lint checks pytest

# Signs in as every demo role in the tests' Chromium and saves each main page (tests/gallery.py).
screenshots: venv node services
	@rm -rf screenshots && SCREENSHOTS=$(CURDIR)/screenshots .venv/bin/pytest -q -p no:xdist \
		tests/test_gallery.py && echo "Open screenshots/index.html"

totp: venv
	@$(PY) manage.py demo_totp

# DATABASE_URL as for every other target; see scripts/backup.sh.
backup: services
	@scripts/backup.sh backup "$(FILE)"

restore: services
	@scripts/backup.sh restore "$(FILE)"

# 50 people browsing and booking against gunicorn for 60 s (USERS=, SECONDS=); not in `make test`.
loadtest: venv services
	@set -a; eval "$$(scripts/services.sh env)"; set +a; $(PY) scripts/loadtest.py

# The national-scale benchmark (docs/performance.md): fills talentportal_bench with the
# generator if it does not hold BOOKINGS bookings yet, then measures. Not in `make test`.
bench: venv node services
	@set -a; eval "$$(scripts/services.sh env)"; set +a; $(PY) scripts/bench.py
