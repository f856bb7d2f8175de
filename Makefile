# Two commands matter: `make run` and `make test`. Both set up what they need first (idempotently).
.PHONY: run test unit setup lint bench

setup:
	@bash scripts/setup.sh

run: setup
	@.venv/bin/python -m devstack run

# The import contracts (pyproject.toml, docs/architecture.md), then every test.
test: setup
	@.venv/bin/lint-imports --no-cache > .state/lint-imports.log || { cat .state/lint-imports.log; exit 1; }
	@grep -E "^Contracts:" .state/lint-imports.log
	@.venv/bin/python -m pytest -q

# The tests that need no emulator (the domain, the engine, the parsers): seconds. A test that starts an
# emulator without its `emulator` mark fails here. Compiled modules are cached even where the machine says
# PYTHONDONTWRITEBYTECODE, so that a second run does not compile everything again.
unit: setup
	@PYTHONDONTWRITEBYTECODE= OTKLIK_UNIT_ONLY=1 .venv/bin/python -m pytest -q -m "not emulator"

lint: setup
	@.venv/bin/ruff check . && .venv/bin/mypy

bench: setup
	@for b in bench/*.py; do .venv/bin/python $$b || exit 1; done
