"""The staff API fuzzed from its own OpenAPI document (schemathesis): for every role, every operation with
generated bodies, paths and queries answers below 500, and a refused request changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import ROOT, World, samara

pytestmark = [pytest.mark.emulator, pytest.mark.slow, pytest.mark.soak]

SCHEMA = schemathesis.openapi.from_path(ROOT / "docs" / "openapi-api.json")
ROLES = ("curator", "supervisor", "executor_minstroy", "lead_minstroy", "admin", None)
EXAMPLES = 6  # per operation and role: 32 operations × 6 roles


def stored(world: World) -> dict[str, Any]:
    case = world.case("vk-1")
    return {"version": case.get("version"), "state": case.get("state")}


def fuzz(world: World, operation: Any, role: str | None, seen: dict[int, int]) -> None:
    """One operation as one role (None: no token), with generated input."""
    auth = world.people.header(role) if role else {}

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(), ours=st.booleans())
    def probe(case: Any, ours: bool) -> None:
        if ours and "caseId" in (case.path_parameters or {}):
            case.path_parameters["caseId"] = "vk-1"  # half of them at the real case
        before = stored(world)
        body = None if type(case.body).__name__ == "NotSet" else case.body  # no body generated
        response = world.client.open(case.formatted_path, method=case.method, json=body, query_string=case.query,
                                     headers={**(case.headers or {}), **auth})
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert response.status_code < 500, (role, case.method, case.formatted_path, case.body,
                                            response.get_data(as_text=True)[:300])
        if response.status_code >= 400:
            assert stored(world) == before, (role, case.method, case.formatted_path, case.body)

    probe()


def test_no_operation_answers_5xx_and_refusals_change_nothing(world: World) -> None:
    world.detect("vk-1", samara(2026, 12, 10, 10, 0))
    world.ok("curator", "vk-1", "route", agency_ids=["minstroy"])
    seen: dict[int, int] = {}
    for result in SCHEMA.get_all_operations():
        for role in ROLES:
            fuzz(world, result.ok(), role, seen)
    assert sum(seen.values()) >= 32 * len(ROLES) and any(code >= 400 for code in seen)
