# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
CARBONPEAK := $(BIN)/carbonpeak

.PHONY: run test lint typecheck importlint pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "make: '$(PYTHON) -m venv' failed; on Debian: apt-get install python3-venv" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

## Install, prepare the embedded SQLite database with the bundled plan and demo data, start the main job:
## the web app in demo mode on http://127.0.0.1:8000/ (demo accounts and passwords are printed).
run: $(VENV)/.installed
	$(CARBONPEAK) init --demo
	$(CARBONPEAK) plan overview
	CARBONPEAK_MODE=demo $(CARBONPEAK) serve

## Install the dev extras and what the tests need from Debian's packages (scripts/test-services.sh), run
## every check: ruff, mypy, import-linter, pytest (which starts a throwaway PostgreSQL unless
## CARBONPEAK_TEST_POSTGRES_URL names a server; docs/decisions/0004-tests-start-their-servers.md).
test: $(VENV)/.installed-dev
	bash scripts/test-services.sh
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
