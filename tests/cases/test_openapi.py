from __future__ import annotations

import json
from pathlib import Path

from cases.api_models import COMMANDS
from cases.openapi import build
from cases.transitions import TRANSITIONS

ROOT = Path(__file__).resolve().parents[2]


def test_every_command_of_the_workflow_has_an_endpoint_and_a_body_schema() -> None:
    doc = build()
    assert set(COMMANDS) == set(TRANSITIONS)
    for name, command in COMMANDS.items():
        post = doc["paths"][f"/api/cases/{{caseId}}/{name}"]["post"]
        assert post["operationId"] == name and {"401", "403", "409", "422"} <= set(post["responses"])
        assert "version" in doc["components"]["schemas"][command.body.__name__]["required"]


def test_the_checked_in_document_is_the_generated_one() -> None:
    """docs/openapi-api.json is regenerated with `python -m admin openapi > docs/openapi-api.json`."""
    assert json.loads((ROOT / "docs" / "openapi-api.json").read_text(encoding="utf-8")) == build()

