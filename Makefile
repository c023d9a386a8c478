# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PORT ?= 5000
export FLASK_APP := app.py

.PHONY: run test lint format assets chromium bench screenshots faults

# What WeasyPrint (PDFs) needs from the system and pip cannot install: Pango, HarfBuzz's font
# subsetter and a font, Debian's package names.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

# uv installs the dependencies (from PyPI) in a few seconds where pip takes half a minute; each
# module is compiled to bytecode when it is first imported.
$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check 'uv>=0.13,<0.14'
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	@if $(BIN)/python -c "import weasyprint" >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES) >/dev/null; \
	elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES) >/dev/null; \
	else \
		echo "WeasyPrint needs Pango 1.44 or later from the system: install it and run make again."; exit 1; \
	fi
	touch $@

## run: set up, upgrade the database, add demo data to an empty one, serve on 127.0.0.1:$(PORT)
run: $(INSTALLED)
	AP_FIELD_ENV=development $(BIN)/flask db upgrade
	AP_FIELD_ENV=development $(BIN)/flask demo seed --if-empty
	AP_FIELD_ENV=development $(BIN)/flask push init --if-missing
	AP_FIELD_ENV=development $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

## test: set up, make sure Chromium is there, run the whole suite with the browser tests, one
## worker per core (pytest-xdist; each worker has its own database), in random order
## (pytest-randomly prints the seed: `.venv/bin/pytest -n auto --dist loadscope --randomly-seed=N`
## replays that order)
test: $(INSTALLED) chromium
	$(BIN)/pytest -n auto --dist loadscope

## chromium: Debian's chromium and its headless shell (what most browser tests run in; the
## push tests need the full browser) where apt is available, Playwright's own build elsewhere
CHROMIUM_PACKAGES := chromium chromium-headless-shell
chromium: $(INSTALLED)
	@if command -v chromium >/dev/null 2>&1 && command -v chromium-headless-shell >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(CHROMIUM_PACKAGES) >/dev/null; \
	elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(CHROMIUM_PACKAGES) >/dev/null; \
	else \
		$(BIN)/playwright install chromium; \
	fi

## faults: the fault-injection sweep (tests/browser/test_faults.py) over FAULT_RUNS seeds, 200
## unless told, on SQLite or on the database in TEST_DATABASE_URL; prints how many submissions
## were lost, duplicated and stuck, and the seeds that failed (FAULT_SEEDS=3,17 replays them)
faults: $(INSTALLED) chromium
	rm -f fault-report.jsonl
	status=0; FAULT_RUNS=$${FAULT_RUNS:-200} FAULT_REPORT=fault-report.jsonl \
		$(BIN)/pytest -n auto -p no:randomly -q tests/browser/test_faults.py || status=$$?; \
	$(BIN)/python -m tests.browser.faults fault-report.jsonl; exit $$status

## bench: measure against the budgets in docs/architecture.md: builds 100, 1,000 and 10,000 pupils
## (flask demo scale; BENCH_SIZES picks others) in a throwaway folder, serves them with gunicorn on
## SQLite and, when it answers, PostgreSQL (BENCH_POSTGRES_URL, default
## postgresql://postgres@127.0.0.1/postgres; it makes bench_100, bench_1000 and bench_10000 there),
## prints a table per database and size, writes bench-results.json, fails naming each budget exceeded
bench: $(INSTALLED) chromium tests/bench/lighthouse/node_modules/.package-lock.json
	$(BIN)/python -m tests.bench.run

# Lighthouse for the bench, apart from the root package.json that `make lint` installs in CI.
tests/bench/lighthouse/node_modules/.package-lock.json: tests/bench/lighthouse/package-lock.json
	npm ci --prefix tests/bench/lighthouse --no-audit --no-fund

## lint: ruff for the Python, ESLint for our JavaScript, and a check that the committed
## static/build is what static/js builds to (needs Node and npm)
lint: $(INSTALLED) node_modules/.package-lock.json
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	npx --no-install eslint static/js static/sw.js eslint.config.js
	bash assets/build_scripts.sh --check

node_modules/.package-lock.json: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## assets: rebuild the committed CSS, htmx, icons and our minified JavaScript (static/build,
## from static/js) (needs Node and npm)
assets: $(INSTALLED)
	bash assets/build.sh

## screenshots: the main screens at phone size, from the demo programme, into docs/screenshots/
screenshots: $(INSTALLED) chromium
	$(BIN)/python -m tests.screenshots
