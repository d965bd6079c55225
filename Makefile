# guestid: `make run` starts the service on the embedded default, `make test` runs every check.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench-quality clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/guestid serve --host 127.0.0.1 --port 8000

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check app connectors tests bench
	$(BIN)/ruff format --check app connectors tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

bench-quality: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run_quality.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
