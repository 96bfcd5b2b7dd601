# Set-up is part of every target: a fresh machine needs only Python 3.11 and make.
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed
# Test processes (pytest-xdist), each with its own databases. The tests mostly wait (on
# subprocesses, sockets, the database): four beat two on the 2-core machines.
# `make test TEST_WORKERS=0` runs them serially.
TEST_WORKERS ?= 4

.PHONY: run test lint demo bench bench-docs model

run: $(STAMP)
	$(VENV)/bin/atelier run

demo: $(STAMP)
	$(VENV)/bin/atelier demo

test: $(STAMP)
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist worksteal

bench: $(STAMP)
	$(VENV)/bin/python -m bench.run

# The tables of docs/benchmarks.md, written from bench/published.json (never typed by hand).
bench-docs: $(STAMP)
	$(VENV)/bin/python -m bench.report

model: $(STAMP)
	$(VENV)/bin/python -m tools.train_intents

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)
