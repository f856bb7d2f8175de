"""Helpers for escalation's unit tests: a recording task queue, the test staff, and cases seeded with
exactly the deadlines a test needs (valid cases, through the repository's own create)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from cases.memory import InMemoryStaff
from cases.model import Case, Deadline
from cases.ports import CaseRepository
from infra.tasks import TaskRequest, TasksUnavailable

SAMARA = ZoneInfo("Europe/Samara")
BASE = "http://127.0.0.1:9"
STAFF = {"cur-1": ("curator", None), "cur-2": ("curator", None), "lead-health": ("agency_lead", "minzdrav"),
         "lead-roads": ("agency_lead", "mintrans"), "exec-1": ("executor", "minzdrav")}


def samara(*args: int) -> datetime:
    return datetime(*args, tzinfo=SAMARA)  # type: ignore[misc]


DETECTED = samara(2023, 2, 22, 16, 30)


class FakeQueue:
    """Remembers every task; ``down`` makes it refuse them as Cloud Tasks would in an outage."""

    def __init__(self) -> None:
        self.tasks: list[TaskRequest] = []
        self.down = False

    def create(self, task: TaskRequest) -> bool:
        if self.down:
            raise TasksUnavailable("switched off by the test")
        self.tasks.append(task)
        return True


def staff(people: dict[str, tuple[str, str | None]] | None = None) -> InMemoryStaff:
    return InMemoryStaff(dict(STAFF if people is None else people))


def seed(repo: CaseRepository, case_id: str, deadlines: dict[str, dict[str, Any]], **fields: Any) -> str:
    """A case at version 3 (state ``assigned`` unless given) with these deadlines (pending unless given)."""
    entries = {key: Deadline.model_validate({"started_at": DETECTED, **entry}) for key, entry in deadlines.items()}
    workflow = {k: v for k, v in fields.items() if k in Case.model_fields}
    case = Case.model_validate({"id": case_id, "detected_at": DETECTED, "version": 3, "state": "assigned",
                                "deadlines": entries, **workflow})
    assert repo.create({"id": case_id, **{k: v for k, v in fields.items() if k not in workflow}}, case, [])
    return case_id
