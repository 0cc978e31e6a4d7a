# Set-up and checks. `make demo` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= demo-out

.PHONY: demo test lint bench busy clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/convening demo --out $(OUT) --force

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/mypy

# Every benchmark; each rewrites its own section of benchmarks/RESULTS.md (1,700 cities: add
# `$(BIN)/python benchmarks/run_agenda.py 1700`, about 5 minutes; 50 cities over other seeds:
# `run_agenda.py --spread 50`, about 3 minutes; the upper bound on the 50-city score:
# `placement_bound.py 50`, about 20 minutes).
bench: $(STAMP)
	$(BIN)/python benchmarks/run_agenda.py 4 50 500
	$(BIN)/python benchmarks/run_tables.py
	$(BIN)/python benchmarks/run_replan.py

# Reproducibility next to CPU burners, as on a busy CI machine (BUSY=--suite: every test).
busy: $(STAMP)
	$(BIN)/python benchmarks/busy_check.py $(BUSY)

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info src/*.egg-info
