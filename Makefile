# Two commands matter: `make run` and `make test`. Both set up what they need first (idempotently).
.PHONY: run test unit setup lint bench deploy threat-model

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

# The built-in threat model of triage/threats.py, trained again on the development sets (docs/triage.md): after
# editing triage/lexicon.json, or when a held-out round of labelled sets becomes development data.
threat-model: setup
	@.venv/bin/python -m triage train-threats --out triage/threat_model.json --version threats-$$(date +%Y.%m.%d) \
		$$(.venv/bin/python bench/triage.py --training-sets)

# Deploy to Google Cloud (docs/deploy.md): make deploy PROJECT=otklik-udm REGION=europe-west1 [DRY_RUN=1]
# [SMTP_HOST=... SMTP_PORT=... SMTP_USER=... MAIL_FROM=...]; the SMTP password comes on stdin.
deploy: setup
	@test -n "$(PROJECT)" -a -n "$(REGION)" || { echo "usage: make deploy PROJECT=<gcp project> REGION=<region> [DRY_RUN=1]"; exit 2; }
	@.venv/bin/python scripts/deploy.py --project "$(PROJECT)" --region "$(REGION)" $(if $(DRY_RUN),--dry-run) \
		$(if $(SMTP_HOST),--smtp-host "$(SMTP_HOST)") $(if $(SMTP_PORT),--smtp-port "$(SMTP_PORT)") \
		$(if $(SMTP_USER),--smtp-user "$(SMTP_USER)") $(if $(MAIL_FROM),--mail-from "$(MAIL_FROM)")
