"""Shared helpers for the case-workflow unit tests: a fake planner, actors and a story runner."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from cases.commands import accept, approve, detect, publish, route, submit_draft
from cases.events import CaseEvent
from cases.model import Actor, Case, Role

T0 = datetime(2023, 3, 1, 9, 0, tzinfo=UTC)

HOURS = {
    "route": 1,
    "return_not_competent": 0.5,
    "answer": 48,
    "review": 1,
    "rework": 2,
    "publish": 1,
    "final_answer": 7 * 24,
    "joint_contribution": 3,
}


class FakePlanner:
    """Plain clock hours; ``draft`` is 4 hours before the answer deadline it is given. Years from
    ``provisional_from`` on are provisional; ``later_by`` moves every other deadline (a published year
    that differs from what the statute said)."""

    def __init__(self, provisional_from: int | None = None, later_by: timedelta = timedelta()) -> None:
        self.calls: list[tuple[str, datetime]] = []
        self.provisional_from = provisional_from
        self.later_by = later_by

    def due(self, stage: str, start: datetime) -> datetime:
        self.calls.append((stage, start))
        if stage == "draft":
            return start - timedelta(hours=4)
        return start + timedelta(hours=HOURS[stage]) + self.later_by

    def warning_at(self, stage: str, due: datetime) -> datetime:
        return due - timedelta(hours=1)

    def provisional_years(self, stage: str, *moments: datetime) -> tuple[int, ...]:
        if self.provisional_from is None:
            return ()
        first, last = min(m.year for m in moments), max(m.year for m in moments)
        return tuple(y for y in range(first, last + 1) if y >= self.provisional_from)


PLANNER = FakePlanner()

CURATOR = Actor(uid="cur1", role=Role.curator, name="Куратор")
CURATOR2 = Actor(uid="cur2", role=Role.curator)
EXEC_A = Actor(uid="exA", role=Role.executor, agency_id="A")
EXEC_A2 = Actor(uid="exA2", role=Role.executor, agency_id="A")
LEAD_A = Actor(uid="leadA", role=Role.agency_lead, agency_id="A")
EXEC_B = Actor(uid="exB", role=Role.executor, agency_id="B")
LEAD_B = Actor(uid="leadB", role=Role.agency_lead, agency_id="B")
EXEC_C = Actor(uid="exC", role=Role.executor, agency_id="C")
SUPERVISOR = Actor(uid="head", role=Role.supervisor)
ADMIN = Actor(uid="root", role=Role.admin)
STRAY_EXECUTOR = Actor(uid="nobody", role=Role.executor)  # no agency claim


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


class Story:
    """Runs commands one after another on one case, advancing a fixed clock; keeps every event."""

    def __init__(self, at: datetime = T0, case_id: str = "vk-1") -> None:
        self.now = at
        self.case, self.events = detect(case_id, at, PLANNER)

    def tick(self, minutes: float) -> Story:
        self.now += timedelta(minutes=minutes)
        return self

    def do(self, command: Callable[..., tuple[Case, list[CaseEvent]]], actor: Actor, *args: Any, **kw: Any) -> Story:
        self.case, events = call(command, self.case, actor, *args, now=self.now, **kw)
        self.events.extend(events)
        return self

    @property
    def last(self) -> CaseEvent:
        return self.events[-1]


def call(command: Callable[..., Any], case: Case, actor: Actor, *args: Any, now: datetime, **kw: Any) -> Any:
    """Calls a command with ``now`` and, when it takes one, the planner."""
    if "planner" in inspect.signature(command).parameters:
        kw["planner"] = PLANNER
    return command(case, actor, *args, now=now, **kw)


def draft_args(text: str = "Ответ по существу", **kw: Any) -> dict[str, Any]:
    return {"text": text, "attachments": [], "intermediate": False, "measures_taken": None} | kw


# Canonical paths to each state, single agency A.
def at_assigned(story: Story | None = None) -> Story:
    return (story or Story()).tick(20).do(route, CURATOR, ["A"])


def at_in_progress(story: Story | None = None) -> Story:
    return at_assigned(story).tick(10).do(accept, EXEC_A)


def at_in_review(story: Story | None = None, **draft: Any) -> Story:
    return at_in_progress(story).tick(60).do(submit_draft, EXEC_A, **draft_args(**draft))


def at_approved(story: Story | None = None, **draft: Any) -> Story:
    return at_in_review(story, **draft).tick(30).do(approve, CURATOR, 5)


def at_published(story: Story | None = None) -> Story:
    """The final answer published: the case is closed."""
    return at_approved(story).tick(20).do(publish, EXEC_A, "https://vk.com/wall-1_2?reply=3")


def at_answered(story: Story | None = None) -> Story:
    """Published, then reopened by the curator: answered, to be closed again."""
    from cases.commands import reopen

    return at_published(story).tick(30).do(reopen, CURATOR)

