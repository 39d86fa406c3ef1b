# Two commands do everything on a fresh machine with Python 3.11+ and pip:
#   make demo   set up .venv and run the main job on the embedded default
#   make test   set up .venv and run ruff, mypy and pytest
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck pytest bench clean venv generate evidence

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/pattern-quality demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python tools/async_to_sync.py --check

# Rewrite the sync modules generated from their async sources (tools/async_to_sync.py).
generate: $(STAMP)
	$(BIN)/python tools/async_to_sync.py

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest

test: lint typecheck pytest

BENCHES := $(basename $(notdir $(wildcard tests/benchmarks/bench_*.py)))

# Each benchmark runs as a module from the repository root: python -m tests.benchmarks.NAME
bench: $(STAMP)
	@set -e; for b in $(BENCHES); do \
		echo "== tests.benchmarks.$$b"; $(BIN)/python -m tests.benchmarks.$$b; \
	done

# The evidence on real platform code (docs/rubric.md): downloads the pinned wheels into the
# cache dir on first use, so it is not part of `make test`.
evidence: $(STAMP)
	$(BIN)/python -m tests.evidence.corpus build
	$(BIN)/python -m tests.evidence.evaluate

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis dist build
