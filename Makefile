# Two commands do all set-up on a fresh machine:
#   make demo   - build .venv, install, run the whole pipeline offline
#   make test   - build .venv, install, check the house rules (make lint), start what
#                 the tests need, run them
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench venv clean

$(BIN)/evidencewatch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,postgres]"
	@touch $@

venv: $(BIN)/evidencewatch

demo: venv
	$(BIN)/evidencewatch demo

test: venv lint
	bash scripts/test.sh

# The house rules, all checked in CI (make test runs this first): style, types,
# the layer contracts, module and function sizes, and who may commit.
lint: venv
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_sizes.py
	$(BIN)/python scripts/check_transactions.py

bench: venv
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_web.py
	$(BIN)/python benchmarks/bench_digest.py

clean:
	rm -rf $(VENV) evidencewatch-demo .pytest_cache
