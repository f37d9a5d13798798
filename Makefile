# The commands the README names. `make demo` and `make test` work on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := crawl,analysis,dashboard,dev
DEMO_DB := data/demo.db

.PHONY: install demo test bench lint docs serve screenshots

install: $(STAMP)

# Re-runs only when pyproject.toml changes; a second `make install` takes no time.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $(STAMP)

# The samples are served as a website on loopback and crawled with the real spiders.
# Then every stage runs on it (each skips work already done), and the dashboard opens.
demo: install
	$(BIN)/nhscuts demo --db $(DEMO_DB)
	$(BIN)/nhscuts extract --db $(DEMO_DB)
	$(BIN)/nhscuts embed --db $(DEMO_DB)
	$(BIN)/nhscuts frames --db $(DEMO_DB)
	$(BIN)/nhscuts stats --db $(DEMO_DB)
	$(BIN)/nhscuts serve --db $(DEMO_DB)

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/bench_search.py
	$(BIN)/python bench/bench_extract.py
	$(BIN)/python bench/bench_pages.py
	$(BIN)/python bench/bench_crawl.py
	$(BIN)/python bench/bench_embed.py
	$(BIN)/python bench/bench_frames.py
	$(BIN)/python bench/bench_dashboard.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

docs: install
	$(BIN)/python -m nhscuts.cli_reference > docs/cli.md

# The dashboard on the demo corpus, at http://127.0.0.1:8501/ (Ctrl-C stops it).
serve: install
	$(BIN)/nhscuts serve --db $(DEMO_DB)

# A screenshot of each dashboard page, taken by the browser test (needs /usr/bin/chromium).
screenshots: install
	NHSCUTS_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/dashboard/test_browser.py
