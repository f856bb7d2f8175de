"""The outbox on the in-memory repository: every write's events reach their handlers once, in order per
case; a failing handler stops the case there and the next dispatch resumes from it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from cases.commands import accept, route
from cases.memory import InMemoryCases, InMemoryStaff
from notify.inbox import InMemoryInbox
from outbox.dispatch import dispatch
from outbox.registry import EVENT_HANDLERS, Ports
from tests.cases import CURATOR, EXEC_A, PLANNER, T0, call
from tests.escalation.world import BASE, FakeQueue
from workflow.service import CaseService


def service(repo: InMemoryCases, queue: FakeQueue) -> CaseService:
    from deadlines.policy import default_policy

    return CaseService(repo, default_policy, queue, lambda: T0, BASE, lambda: {"A"})


def opened(repo: InMemoryCases) -> str:
    from cases.commands import detect

    case, events = detect("vk-1", T0, PLANNER)
    repo.create({"id": "vk-1"}, case, events)
    for command, actor, args in ((route, CURATOR, (["A"],)), (accept, EXEC_A, ())):
        repo.execute("vk-1", None, lambda c, cmd=command, a=actor, x=args: call(cmd, c, a, *x,
                                                                             now=T0 + timedelta(minutes=5)))
    return "vk-1"


class Recorder:
    def __init__(self, fail_on: str | None = None) -> None:
        self.seen: list[tuple[str, int]] = []
        self.fail_on = fail_on

    def __call__(self, event: dict[str, Any], ports: Ports) -> None:
        if event["type"] == self.fail_on:
            raise RuntimeError("a handler failed")
        self.seen.append((event["type"], event["version"]))


def test_each_event_reaches_its_handlers_once_in_order() -> None:
    repo = InMemoryCases()
    case_id = opened(repo)
    record = Recorder()
    handlers = {t: (record,) for t in ("CaseDetected", "Routed", "Accepted")}
    assert dispatch(repo, case_id, Ports(InMemoryInbox(), InMemoryStaff(), repo), handlers) == 3
    assert dispatch(repo, case_id, Ports(InMemoryInbox(), InMemoryStaff(), repo), handlers) == 0  # a repeated task finds nothing
    assert record.seen == [("CaseDetected", 1), ("Routed", 2), ("Accepted", 3)]
    assert all(e["dispatched"] for e in repo.events(case_id))


def test_a_failing_handler_stops_the_case_there_and_the_next_dispatch_resumes() -> None:
    repo = InMemoryCases()
    case_id = opened(repo)
    failing = Recorder(fail_on="Routed")
    handlers = {t: (failing,) for t in ("CaseDetected", "Routed", "Accepted")}
    with pytest.raises(RuntimeError):
        dispatch(repo, case_id, Ports(InMemoryInbox(), InMemoryStaff(), repo), handlers)
    assert failing.seen == [("CaseDetected", 1)]
    assert [e["version"] for e in repo.undispatched(case_id)] == [2, 3]  # not 3 before 2
    failing.fail_on = None
    assert dispatch(repo, case_id, Ports(InMemoryInbox(), InMemoryStaff(), repo), handlers) == 2
    assert failing.seen == [("CaseDetected", 1), ("Routed", 2), ("Accepted", 3)]


def test_every_write_of_the_service_asks_the_outbox_once() -> None:
    repo, queue = InMemoryCases(), FakeQueue()
    case_id = opened(repo)
    service(repo, queue).execute(case_id, EXEC_A, "submit_draft", {"version": 3, "text": "Ответ"})
    outbox = [t for t in queue.tasks if t.url == BASE + "/tasks/events"]
    assert [(t.payload, t.at) for t in outbox] == [({"case_id": case_id}, T0)]
    queue.down = True  # Cloud Tasks is down after the write: the sweep dispatches, nothing is lost
    service(repo, queue).execute(case_id, EXEC_A, "flag_exclusion", {"version": 4, "reason": "угрозы"})
    assert repo.with_undispatched_events(10) == [case_id]


def test_the_registry_names_handlers_for_real_event_types_only() -> None:
    from cases.events import EVENT_TYPES

    assert set(EVENT_HANDLERS) <= set(EVENT_TYPES)
    assert {"DeadlineWarned", "DeadlineMissed"} <= set(EVENT_HANDLERS)
