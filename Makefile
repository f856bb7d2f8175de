# Two commands matter: `make run` and `make test`. Both set up what they need first (idempotently).
.PHONY: run test setup lint bench

setup:
	@bash scripts/setup.sh

run: setup
	@.venv/bin/python -m devstack run

test: setup
	@.venv/bin/python -m pytest -q

lint: setup
	@.venv/bin/ruff check . && .venv/bin/mypy

bench: setup
	@for b in bench/*.py; do .venv/bin/python $$b || exit 1; done
