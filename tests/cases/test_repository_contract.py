"""One contract, two implementations: the case repository in memory and on the Firestore emulator.

Whatever the fake lets the unit tests rely on, Firestore does too: one atomic write of the case and its
events per command, versions compared after the actor is authorised, nothing written on a refusal,
derived fields absent rather than null, exactly one winner among concurrent writers, the sweep's queries,
and the outbox's undispatched events in order.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cases.commands import accept, detect, mark_significant, route
from cases.errors import NotAllowed, NotFound
from cases.escalation import Wake, escalate
from cases.memory import InMemoryCases, InMemoryStaff
from cases.ports import CaseRepository, SideDocument, Unchanged, VersionConflict
from cases.transitions import authorize
from tests.cases import CURATOR, EXEC_A, EXEC_B, PLANNER, T0, FakePlanner, call

STAFF = InMemoryStaff({"cur1": ("curator", None)})


@pytest.fixture(params=["memory", pytest.param("firestore", marks=pytest.mark.emulator)])
def repo(request: pytest.FixtureRequest) -> CaseRepository:
    if request.param == "memory":
        return InMemoryCases()
    from adapters.firestore_cases import FirestoreCases

    db = request.getfixturevalue("db")
    return FirestoreCases(lambda: db)


def new(repo: CaseRepository, case_id: str = "vk-1", at: datetime = T0, **document: Any) -> str:
    case, events = detect(case_id, at, PLANNER)
    assert repo.create({"id": case_id, "message": {"text": "Яма"}, **document}, case, events)
    return case_id


def run(repo: CaseRepository, case_id: str, command: Any, actor: Any, *args: Any, seen: int | None = None,
        now: datetime = T0 + timedelta(minutes=20), **kw: Any) -> Any:
    return repo.execute(case_id, seen, lambda case: call(command, case, actor, *args, now=now, **kw),
                        authorize=lambda case: authorize(command.__name__, case, actor))


def test_create_writes_the_case_and_its_first_event_once(repo: CaseRepository) -> None:
    case_id = new(repo, raw={"write_id": "w-1"})
    doc = repo.get(case_id)
    assert (doc["state"], doc["version"], doc["message"]) == ("detected", 1, {"text": "Яма"})
    assert set(doc["deadlines"]) == {"route", "answer", "draft"} and doc["unscheduled"] is True
    assert doc["next_due"] == doc["deadlines"]["route"]["due"]  # a 1-hour stage: no warning
    assert all(field not in doc for field in ("provisional_years", "deadlines_error"))  # absent, not null
    [event] = repo.events(case_id)
    assert (event["type"], event["version"], event["dispatched"]) == ("CaseDetected", 1, False)
    case, events = detect(case_id, T0, PLANNER)
    assert repo.create({"id": case_id, "raw": {"write_id": "w-2"}}, case, events) is False  # someone else's
    assert repo.create({"id": case_id, "raw": {"write_id": "w-1"}}, case, events) is True  # our retried write
    assert len(repo.events(case_id)) == 1 and repo.exists(case_id) and not repo.exists("vk-none")


def test_a_side_document_makes_the_create_all_or_nothing(repo: CaseRepository) -> None:
    case, events = detect("vk-2", T0, PLANNER)
    side = SideDocument("intake_deliveries", "vk-abc", {"event_id": "abc"})
    payload = SideDocument("raw_payloads", "vk-2", {"payload": "{}"})
    assert repo.create({"id": "vk-2"}, case, events, (payload, side)) is True
    other, other_events = detect("vk-3", T0, PLANNER)
    assert repo.create({"id": "vk-3"}, other, other_events, (side,)) is False  # the same sender event
    assert not repo.exists("vk-3")


def test_new_cases_get_the_next_short_numbers_of_their_year_in_order_of_detection(repo: CaseRepository) -> None:
    from zoneinfo import ZoneInfo

    year = T0.astimezone(ZoneInfo("Europe/Samara")).year
    for index in range(25):  # created out of order: numbered by detection
        new(repo, f"vk-{index}", at=T0 + timedelta(minutes=(index * 7) % 25))
    assert repo.get("vk-3").get("number") is None and repo.get("vk-3")["unnumbered"] is True
    run(repo, "vk-3", route, CURATOR, ["A"])  # a command on an unnumbered case keeps it unnumbered
    assert repo.give_numbers(500) == 25 and repo.give_numbers(500) == 0
    by_detection = sorted(range(25), key=lambda i: (i * 7) % 25)
    assert [repo.get(f"vk-{i}")["number"] for i in by_detection] == [f"{year}-{n:05d}" for n in range(1, 26)]
    assert "unnumbered" not in repo.get("vk-3") and {"1", f"{year}-00001"} <= set(repo.get("vk-0")["search_words"])
    run(repo, "vk-0", route, CURATOR, ["A"])
    assert repo.get("vk-0")["number"] == f"{year}-00001", "a command keeps the number"

    new(repo, "vk-dup", raw={"write_id": "w-a"})
    case, events = detect("vk-dup", T0, PLANNER)
    assert repo.create({"id": "vk-dup", "raw": {"write_id": "w-other"}}, case, events) is False  # a duplicate
    for index in range(12):
        new(repo, f"vk-t{index}")
    outcomes: list[int] = []
    threads = [threading.Thread(target=lambda: outcomes.append(repo.give_numbers(5))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    repo.give_numbers(500)  # what concurrent runs left
    numbers = sorted(repo.get(i)["number"] for i in ["vk-dup", *(f"vk-t{n}" for n in range(12))])
    assert numbers == [f"{year}-{n:05d}" for n in range(26, 39)], "none given twice, none skipped"
    new(repo, "vk-next-year", at=datetime(year + 1, 1, 1, 0, 30, tzinfo=ZoneInfo("Europe/Samara")))
    repo.give_numbers(500)
    assert repo.get("vk-next-year")["number"] == f"{year + 1}-00001"  # each year counts from 1, Izhevsk time


def test_a_command_writes_the_case_and_its_event_together(repo: CaseRepository) -> None:
    case_id = new(repo)
    committed = run(repo, case_id, route, CURATOR, ["A"], seen=1)
    doc = repo.get(case_id)
    assert committed.case.version == doc["version"] == 2 and doc["state"] == "assigned"
    assert doc["updated_at"] == T0 + timedelta(minutes=20) and doc["agency_ids"] == ["A"]
    assert [e["type"] for e in repo.events(case_id)] == ["CaseDetected", "Routed"]
    assert repo.events(case_id)[1]["agency_ids"] == ["A"]  # for the rules' list queries
    assert committed.fields["deadlines"]["return_not_competent"]["task"]


def test_refusals_write_nothing_and_a_stranger_learns_nothing(repo: CaseRepository) -> None:
    case_id = new(repo)
    run(repo, case_id, route, CURATOR, ["A"], seen=1)
    before = (repo.get(case_id), repo.events(case_id))
    with pytest.raises(NotAllowed):  # another agency's executor, with a stale version: refused as a stranger
        run(repo, case_id, accept, EXEC_B, seen=1)
    with pytest.raises(VersionConflict) as conflict:
        run(repo, case_id, accept, EXEC_A, seen=1)
    assert (conflict.value.version, conflict.value.state) == (2, "assigned")
    with pytest.raises(Unchanged):
        repo.execute(case_id, None, lambda case: (_ for _ in ()).throw(Unchanged("nothing")))
    with pytest.raises(NotFound):
        run(repo, "vk-none", accept, EXEC_A)
    assert (repo.get(case_id), repo.events(case_id)) == before


def test_of_concurrent_writers_each_sees_the_others_write(repo: CaseRepository) -> None:
    case_id = new(repo)
    due = repo.get(case_id)["deadlines"]["route"]["due"]
    outcomes: list[str] = []

    def miss() -> None:
        try:
            repo.execute(case_id, None, lambda case: escalate(case, Wake("route", due), due + timedelta(minutes=1),
                                                              STAFF))
            outcomes.append("missed")
        except Unchanged as unchanged:
            outcomes.append(unchanged.reason)

    threads = [threading.Thread(target=miss) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["missed", "not_pending", "not_pending", "not_pending"]
    assert [e["type"] for e in repo.events(case_id)] == ["CaseDetected", "DeadlineMissed"]
    assert repo.get(case_id)["version"] == 2


def test_the_sweeps_queries(repo: CaseRepository) -> None:
    early, late = new(repo, "vk-early", T0), new(repo, "vk-late", T0 + timedelta(days=1))
    run(repo, early, mark_significant, CURATOR, "важно")
    first = repo.get(early)["next_due"]
    assert repo.due(first, 10) == [early] and repo.due(first - timedelta(seconds=1), 10) == []
    assert repo.due(T0 + timedelta(days=30), 10) == [early, late]  # earliest first
    assert sorted(repo.unscheduled(10)) == [early, late]
    names = {d[slot] for d in repo.get(early)["deadlines"].values() for slot in ("task", "warn_task") if slot in d}
    assert repo.confirm_scheduled(early, names - {next(iter(names))}) is False  # one is still owed
    assert repo.confirm_scheduled(early, names) is True and repo.unscheduled(10) == [late]
    assert repo.with_provisional_years([2028], 10) == [] and repo.without_deadlines(10) == []


def test_provisional_years_and_cases_without_deadlines_are_found(repo: CaseRepository) -> None:
    planner = FakePlanner(provisional_from=2028)
    case, events = detect("vk-ny", datetime(2027, 12, 31, 9, 0, tzinfo=UTC), planner)
    assert repo.create({"id": "vk-ny"}, case, events)
    bare, bare_events = detect("vk-bare", T0, None)
    assert repo.create({"id": "vk-bare"}, bare.model_copy(update={"deadlines_error": "no data"}), bare_events)
    assert repo.get("vk-ny")["provisional_years"] == [2028]
    assert repo.with_provisional_years([2027, 2028], 10) == ["vk-ny"] and repo.with_provisional_years([2029], 10) == []
    assert repo.without_deadlines(10) == [("vk-bare", "no data")]


def test_the_outbox_sees_undispatched_events_in_order(repo: CaseRepository) -> None:
    case_id = new(repo)
    run(repo, case_id, route, CURATOR, ["A"])
    run(repo, case_id, accept, EXEC_A, now=T0 + timedelta(minutes=25))
    assert [e["version"] for e in repo.undispatched(case_id)] == [1, 2, 3]
    assert repo.with_undispatched_events(10) == [case_id]
    repo.mark_dispatched(case_id, 1)
    repo.mark_dispatched(case_id, 2)
    assert [e["version"] for e in repo.undispatched(case_id)] == [3]
    repo.mark_dispatched(case_id, 3)
    assert repo.undispatched(case_id) == [] and repo.with_undispatched_events(10) == []
