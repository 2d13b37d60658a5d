# The two commands: `make run` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-fast test-browser install install-dev assets lint format messages demo bench-import bench-import-indicators bench-onboard onboard-walk bench-data bench fuzz clean

$(VENV)/.base: requirements/pip.txt requirements/base.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/pip.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.dev: $(VENV)/.base requirements/dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/base.txt -r requirements/dev.txt
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.base frontend/node_modules/.installed
install-dev: $(VENV)/.dev frontend/node_modules/.installed
assets: frontend/node_modules/.installed

# --- Demo and benchmark apps (issue 13): `dangjian.demo` and `dangjian.scale` are installed only
# when DANGJIAN_DEMO=1 (dangjian/settings.py), so the targets that load the demo or a benchmark
# dataset set it for their commands.
run demo bench-import bench-import-indicators bench-onboard bench-data bench load: export DANGJIAN_DEMO = 1

# The background jobs run under `manage.py run_workers`: one worker process per queue
# (JOB_WORKERS), time limits, heartbeats (docs/operations.md). `make load` starts the same.
WORKERS := run_workers
run: install
	DEBUG=1 $(PY) manage.py migrate --no-input -v 0
	DEBUG=1 $(PY) manage.py load_demo
	@echo "Serving http://$(HOST):$(PORT)/ with the background workers (Ctrl-C stops both)"
	DEBUG=1 $(PY) manage.py $(WORKERS) & \
	  trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite: unit, page, API and browser tests. Browser tests need Debian's chromium;
# scripts/system-deps installs it (and the CJK fonts) when we are root, as on CI.
# The suite runs on every core (pytest-xdist; TEST_WORKERS=0 runs it in one process). Tests that
# share an expensive fixture are kept on one worker by their xdist_group mark.
TEST_WORKERS ?= auto
XDIST = -n $(TEST_WORKERS) --dist loadgroup
test: install-dev
	./scripts/system-deps
	$(PY) -m pytest -q $(XDIST) -m "not alone" $(PYTEST_ARGS)
	$(PY) -m pytest -q -m alone $(PYTEST_ARGS) || [ $$? -eq 5 ]  # 5: nothing "alone" among the tests asked for

test-fast: install-dev
	$(PY) -m pytest -q $(XDIST) -m "not browser and not alone" $(PYTEST_ARGS)
	$(PY) -m pytest -q -m alone $(PYTEST_ARGS) || [ $$? -eq 5 ]  # 5: nothing "alone" among the tests asked for

test-browser: install-dev
	./scripts/system-deps
	$(PY) -m pytest -q $(XDIST) -m browser $(PYTEST_ARGS)

# Lint: style (ruff), the layering contracts in pyproject.toml (import-linter) and the types of
# services, selectors, rules and access (mypy with django-stubs; docs/architecture.md).
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Developers: refresh the catalogue after changing strings, translate, then compile.
messages: install-dev
	cd dangjian && DEBUG=1 ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete --no-location
	cd dangjian && DEBUG=1 ../$(PY) ../manage.py compilemessages -l zh_Hans

demo: install
	DEBUG=1 $(PY) manage.py migrate --no-input -v 0
	DEBUG=1 $(PY) manage.py load_demo

# Time and peak memory of a 100,000-row roster import, on a throwaway SQLite database. DEBUG is
# off (it would keep the last 9,000 SQL statements in memory); the keys are the local ones.
BENCH_ENV = DATABASE_URL=sqlite:///var/bench.sqlite3 SECRET_KEY="$$(cat var/secret_key)" FIELD_ENCRYPTION_KEY="$$(cat var/field_encryption_key)"
bench-import: install
	rm -f var/bench.sqlite3
	DEBUG=1 DATABASE_URL=sqlite:///var/bench.sqlite3 $(PY) manage.py migrate --no-input -v 0
	$(BENCH_ENV) $(PY) manage.py bench_import --rows $(or $(ROWS),100000) --generate var/bench-roster.xlsx
	$(BENCH_ENV) $(PY) manage.py bench_import --file var/bench-roster.xlsx

# The same for a production indicator sheet: TEAMS × MONTHS × 6 figures (100,800 by default),
# imported, then imported again (every figure unchanged).
# A county's onboarding from its own staff's files through import_roster, step by step, and its
# login sheets (docs/onboarding.md): ENTERPRISES=1500 PEOPLE=400000 COUNTIES=8 for a prefecture.
bench-onboard: install
	rm -f var/bench.sqlite3
	DEBUG=1 DATABASE_URL=sqlite:///var/bench.sqlite3 $(PY) manage.py migrate --no-input -v 0
	$(BENCH_ENV) $(PY) manage.py bench_onboard --counties $(or $(COUNTIES),1) --enterprises $(or $(ENTERPRISES),68) --people $(or $(PEOPLE),2400)

# The article's county (68 enterprises, 2,400 people) onboarded through the pages in Chromium,
# on a phone in Chinese and a wide screen in English, with the time each walk took.
onboard-walk: install-dev
	./scripts/system-deps
	DANGJIAN_WALK=1 $(PY) -m pytest -q -p no:randomly -s -m browser dangjian/onboarding/tests/test_browser_walk.py -k articles

bench-import-indicators: install
	rm -f var/bench.sqlite3
	DEBUG=1 DATABASE_URL=sqlite:///var/bench.sqlite3 $(PY) manage.py migrate --no-input -v 0
	$(BENCH_ENV) $(PY) manage.py bench_import --kind indicators --teams $(or $(TEAMS),700) --months $(or $(MONTHS),24)

# Generated datasets and benchmarks against their floors (docs/benchmarks.md). Each scale lives
# in a database of its own, var/bench/SCALE.sqlite3 unless BENCH_DB names another (PostgreSQL:
# BENCH_DB=postgres://…). The dataset is generated once; BENCH_ARGS go to `manage.py benchmark`
# (e.g. --short, --only page,api, --json var/bench/figures.json).
SCALE ?= county
BENCH_DB ?= sqlite:///var/bench/$(SCALE).sqlite3
BENCH_KEYS = SECRET_KEY="$$(cat var/secret_key)" FIELD_ENCRYPTION_KEY="$$(cat var/field_encryption_key)"
bench-data: install
	mkdir -p var/bench
	DEBUG=1 DATABASE_URL=$(BENCH_DB) $(PY) manage.py migrate --no-input -v 0
	$(BENCH_KEYS) DATABASE_URL=$(BENCH_DB) $(PY) manage.py generate_dataset --scale $(SCALE) --if-missing

bench: bench-data
	$(BENCH_KEYS) DATABASE_URL=$(BENCH_DB) $(PY) manage.py benchmark --scale $(SCALE) $(BENCH_ARGS)

# --- Load test (issue 12): 50 users for 5 minutes on gunicorn (4 workers) and PostgreSQL --------
# LOAD_DB=postgres://… or, as root, a throwaway PostgreSQL (scripts/load). LOAD_WORKER is the
# task worker's manage.py command, the one `make run` starts.
.PHONY: load
LOAD_USERS ?= 50
LOAD_SECONDS ?= 300
LOAD_WORKER ?= $(WORKERS)
load: install-dev
	LOAD_USERS=$(LOAD_USERS) LOAD_SECONDS=$(LOAD_SECONDS) LOAD_WORKER="$(LOAD_WORKER)" ./scripts/load

# --- API fuzzing ------------------------------------------------------------------------------
# schemathesis over every API operation against the site served as in production, on an EMPTY
# throwaway database (docs/api.md): FUZZ_DB=postgres://…/fuzz, else a fresh var/fuzz.sqlite3.
# Fails on any 5xx, undocumented status or content type, or answer off its schema.
FUZZ_DB ?= sqlite:///var/fuzz.sqlite3
FUZZ_ARGS ?= --max-time 150
fuzz: install-dev
	mkdir -p var && rm -f var/fuzz.sqlite3
	DATABASE_URL=$(FUZZ_DB) $(PY) scripts/fuzz-api $(FUZZ_ARGS)

clean:
	rm -rf $(VENV) frontend/node_modules staticfiles var/test
