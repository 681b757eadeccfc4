# valuekit — every target does its own set-up on a fresh machine (Python 3.11 and this repo).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
STORE  ?= .valuekit/valuekit.duckdb

.PHONY: demo test lint format store sample clean help chromium reports dashboard

help:
	@echo "make demo       set up, build the store from data/samples/, summarise the portfolio, build every report"
	@echo "make reports    build (or bring up to date) the reports in reports/, listed in reports/index.html"
	@echo "make dashboard  set up, build the store, serve the stakeholder dashboards at http://127.0.0.1:8866/"
	@echo "make test       set up (with test extras), lint, and run the whole test suite"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $(STAMP)

# Debian's Chromium prints PDFs and drives the browser tests; Playwright's own browser download is never used.
chromium:
	@command -v chromium > /dev/null && command -v pdftoppm > /dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils > /dev/null; }

SAMPLES := $(wildcard data/samples/*.csv)

# the store is rebuilt only when the sample tables (or the installation) are newer than it
$(STORE): $(SAMPLES) $(STAMP)
	$(BIN)/valuekit import data/samples --store $(STORE) --replace
	@touch $(STORE)

store: $(STORE)

demo: store
	$(BIN)/valuekit info --store $(STORE)
	@echo
	$(BIN)/valuekit summary --store $(STORE)
	@echo
	$(MAKE) --no-print-directory reports

# Voila over notebooks/dashboards/ only, on 127.0.0.1:8866 (Ctrl-C stops it)
dashboard: store
	$(BIN)/valuekit dashboard --store $(STORE)

# one client-ready report per relationship × cycle, and the portfolio; up-to-date reports are skipped
reports: store
	$(BIN)/valuekit report --all --store $(STORE) --out reports

sample: $(STAMP)
	$(BIN)/valuekit sample --out data/samples

LINTED := $(wildcard valuekit tests benchmarks notebooks)

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

format: $(STAMP)
	$(BIN)/ruff format $(LINTED)
	$(BIN)/ruff check --fix $(LINTED)

test: lint chromium
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup tests
	$(BIN)/python -m pytest -q --nbval-lax notebooks/

clean:
	rm -rf $(VENV) .valuekit .pytest_cache .ruff_cache
