# The commands the README names. `make demo` and `make test` work on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := crawl,analysis,dashboard,dev
DEMO_DB := data/demo.db

.PHONY: install demo test bench lint docs

install: $(STAMP)

# Re-runs only when pyproject.toml changes; a second `make install` takes no time.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $(STAMP)

demo: install
	$(BIN)/nhscuts add corpus/samples --db $(DEMO_DB)
	$(BIN)/nhscuts extract --db $(DEMO_DB)
	$(BIN)/nhscuts stats --db $(DEMO_DB)

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/bench_search.py
	$(BIN)/python bench/bench_extract.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

docs: install
	$(BIN)/python -m nhscuts.cli_reference > docs/cli.md
