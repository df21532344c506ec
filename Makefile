# Every target creates .venv and installs the project from pyproject.toml when needed.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench clean schema server

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,flows,export]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)  ## the Prefect demo: sample site + API stand-ins on 127.0.0.1, both flows
	$(BIN)/python -m evidencemine_demo.flows_demo

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests flows benchmarks
	$(BIN)/ruff format --check src tests flows benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache

schema: $(STAMP)  ## regenerate the checked-in JSON Schema from the models
	$(BIN)/python -c "from evidencemine.output import write_schema_file; print(write_schema_file())"

server: $(STAMP)  ## a local Prefect server on 127.0.0.1:4200 (SQLite under PREFECT_HOME), telemetry off
	DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false exec $(BIN)/prefect server start --host 127.0.0.1 --port 4200
