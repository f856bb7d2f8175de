"""Escalation's decision table on the in-memory repository (milliseconds): however many times, how early,
how late or whether at all a deadline's task arrives, one warning and one miss, each an audit event with
a new version, and the notifications that follow from the event through the outbox."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from cases.escalation import Action
from cases.memory import InMemoryCases
from cases.wakeups import iso, task_name
from escalation.handler import DeadlineTask, handle_deadline_task
from escalation.sweep import sweep
from escalation.tasks import schedule_case
from notify.inbox import InMemoryInbox
from outbox.dispatch import dispatch
from outbox.registry import Ports
from tests.escalation.world import BASE, FakeQueue, samara, seed, staff

DUE = samara(2023, 2, 27, 9, 30)  # route of a message detected Wed 22 Feb 16:30
ANSWER_DUE = samara(2023, 2, 28, 16, 30)


class World:
    def __init__(self, staff_uids: dict[str, tuple[str, str | None]] | None = None) -> None:
        self.repo, self.queue, self.inbox = InMemoryCases(), FakeQueue(), InMemoryInbox()
        self.staff = staff(staff_uids)

    def deliver(self, case_id: str, key: str = "route", due: Any = DUE, kind: str = "due", now: Any = DUE) -> Any:
        task = DeadlineTask(case_id=case_id, key=key, due=due, kind=kind)
        outcome = handle_deadline_task(self.repo, self.staff, self.queue, task, now, BASE)
        self.dispatch(case_id)  # the outbox's task, run at once
        return outcome

    def dispatch(self, case_id: str) -> int:
        return dispatch(self.repo, case_id, Ports(inbox=self.inbox, staff=self.staff, cases=self.repo))

    def case(self, case_id: str) -> dict[str, Any]:
        return self.repo.get(case_id)

    def notifications(self, case_id: str) -> list[dict[str, Any]]:
        found = [n for n in self.inbox.docs.values() if n.get("case_id") == case_id]
        return sorted(found, key=lambda n: (n["kind"], n["recipient_uid"]))

    def route_case(self, case_id: str = "vk-route", **route: Any) -> str:
        return seed(self.repo, case_id, {
            "route": {"stage": "route", "due": DUE, "warned": True, **route},
            "answer": {"stage": "answer", "due": ANSWER_DUE, "warn_at": samara(2023, 2, 28, 15, 30)},
        }, state="detected")


def test_delivered_twice_marks_missed_once_with_an_event_and_notifies_once() -> None:
    w = World()
    case_id = w.route_case()
    first = w.deliver(case_id, now=DUE + timedelta(seconds=1))
    second = w.deliver(case_id, now=DUE + timedelta(minutes=3))

    assert (first.action, second.action) == (Action.missed, Action.not_pending)
    route = w.case(case_id)["deadlines"]["route"]
    assert route["state"] == "missed" and route["missed_at"] == DUE + timedelta(seconds=1)
    assert route["escalation"] == {"responsible_uids": ["cur-1", "cur-2"],  # a curators' stage: no agency
                                   "notified_uids": ["cur-1", "cur-2"], "at": DUE + timedelta(seconds=1)}
    # §20: the miss is an audit event with a new version, naming who answered for the deadline
    [event] = w.repo.events(case_id)
    assert (event["type"], event["version"], event["actor_uid"]) == ("DeadlineMissed", 4, "system")
    assert event["payload"]["responsible_uids"] == ["cur-1", "cur-2"] and event["payload"]["key"] == "route"
    assert [(c["key"], c["change"]) for c in event["deadlines"]] == [("route", "missed")]
    assert w.case(case_id)["version"] == 4 and event["dispatched"] is True
    sent = w.notifications(case_id)
    assert [(n["recipient_uid"], n["kind"]) for n in sent] == [("cur-1", "deadline_missed"),
                                                              ("cur-2", "deadline_missed")]
    assert sent[0]["text"] == ("Просрочен срок «Направление в исполнительный орган (п. 8)» по обращению "
                               "№2023-00001 (срок истёк 27.02.2023 в 09:30).")
    assert sent[0]["read"] is False and sent[0]["created_at"] == DUE + timedelta(seconds=1)
    assert w.case(case_id)["next_due"] == samara(2023, 2, 28, 15, 30)  # the answer's warning is next


def test_concurrent_duplicates_mark_missed_once() -> None:
    w = World()
    case_id = w.route_case()
    outcomes: list[Action] = []

    def run() -> None:
        outcomes.append(w.deliver(case_id, now=DUE + timedelta(seconds=5)).action)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == [Action.missed] + [Action.not_pending] * 2
    assert len(w.notifications(case_id)) == 2 and len(w.repo.events(case_id)) == 1


def test_late_delivery_marks_missed_with_the_time_it_was_found() -> None:
    w = World()
    case_id = seed(w.repo, "tg-late", {"answer": {"stage": "answer", "due": ANSWER_DUE, "warned": True}},
                   agency_id="minzdrav", agency_ids=["minzdrav"], executor_uid="exec-1")
    late = ANSWER_DUE + timedelta(days=2, hours=3)
    assert w.deliver(case_id, key="answer", due=ANSWER_DUE, now=late).action is Action.missed
    answer = w.case(case_id)["deadlines"]["answer"]
    assert answer["missed_at"] == late
    assert answer["escalation"]["responsible_uids"] == ["exec-1"] and answer["escalation"]["agency_id"] == "minzdrav"
    assert answer["escalation"]["notified_uids"] == ["exec-1", "lead-health", "cur-1", "cur-2"]
    assert sorted(n["recipient_uid"] for n in w.notifications(case_id)) == ["cur-1", "cur-2", "exec-1", "lead-health"]
    assert "next_due" not in w.case(case_id)


def test_early_delivery_is_requeued_at_the_due_moment_and_marks_nothing() -> None:
    w = World()
    case_id = w.route_case()
    early = DUE - timedelta(minutes=10)
    outcome = w.deliver(case_id, now=early)

    assert outcome.action is Action.rescheduled and outcome.retry_at == DUE
    assert w.case(case_id)["deadlines"]["route"]["state"] == "pending" and w.repo.events(case_id) == []
    [task] = w.queue.tasks
    assert task.payload == {"case_id": case_id, "key": "route", "due": iso(DUE), "kind": "due"} and task.at == DUE
    assert task.name == task_name(case_id, "route", iso(DUE), "due", "early", iso(early))
    assert task.url == BASE + "/tasks/deadline"


def test_after_the_stage_was_met_or_moved_or_the_case_is_gone_nothing_happens() -> None:
    w = World()
    met = w.route_case("vk-met", state="met", met_at=DUE - timedelta(minutes=5))
    moved = w.route_case("vk-moved")  # route restarted after a return (§9): a new due replaced the old
    w.repo.give_numbers(10)  # as the outbox did after their writes
    before = (w.case(met), w.case(moved))
    outcomes = (w.deliver(met, now=DUE + timedelta(minutes=1)),
                w.deliver(moved, due=DUE - timedelta(days=1), now=DUE + timedelta(hours=1)),
                w.deliver("vk-nobody", now=DUE + timedelta(hours=1)))

    assert [o.action for o in outcomes] == [Action.not_pending, Action.moved, Action.dropped]
    assert (w.case(met), w.case(moved)) == before
    assert w.notifications(met) == w.notifications(moved) == [] and w.queue.tasks == []


def test_lost_task_is_caught_by_the_sweep_and_a_later_delivery_changes_nothing() -> None:
    w = World()
    case_id = w.route_case()
    not_yet = seed(w.repo, "vk-later", {"route": {"stage": "route", "due": DUE + timedelta(hours=1), "warned": True}})
    swept_at = DUE + timedelta(minutes=4)
    run = lambda at: sweep(w.repo, w.staff, w.queue, at, BASE, dispatch=w.dispatch)  # noqa: E731

    assert run(swept_at) == {"cases_due": 1, "missed": 1, "events_dispatched": 1}
    assert run(swept_at + timedelta(minutes=5)) == {}  # next_due moved on to the answer's warning
    assert w.deliver(case_id, now=swept_at + timedelta(minutes=7)).action is Action.not_pending
    assert w.case(case_id)["deadlines"]["route"]["missed_at"] == swept_at
    assert len(w.notifications(case_id)) == 2
    assert w.case(not_yet)["deadlines"]["route"]["state"] == "pending"


def test_warning_goes_once_to_the_responsible_person() -> None:
    w = World()
    warn_at = samara(2023, 2, 28, 15, 30)
    case_id = seed(w.repo, "vk-warn", {"answer": {"stage": "answer", "due": ANSWER_DUE, "warn_at": warn_at}},
                   agency_id="minzdrav", agency_ids=["minzdrav"])  # no executor yet: the agency's lead
    deliver = lambda at: w.deliver(case_id, key="answer", due=ANSWER_DUE, kind="warning", now=at)  # noqa: E731
    outcomes = [deliver(warn_at - timedelta(minutes=1)), deliver(warn_at), deliver(warn_at + timedelta(minutes=1))]

    assert [o.action for o in outcomes] == [Action.rescheduled, Action.warned, Action.nothing]
    answer = w.case(case_id)["deadlines"]["answer"]
    assert answer["warned"] is True and answer["warned_at"] == warn_at and answer["state"] == "pending"
    assert w.case(case_id)["next_due"] == ANSWER_DUE and w.case(case_id)["version"] == 4
    [event] = w.repo.events(case_id)
    assert event["type"] == "DeadlineWarned" and event["payload"]["responsible_uids"] == ["lead-health"]
    sent = w.notifications(case_id)
    assert [(n["recipient_uid"], n["kind"]) for n in sent] == [("lead-health", "deadline_warning")]
    assert sent[0]["text"] == ("Истекает срок «Размещение ответа (п. 10)» по обращению №2023-00001: "
                               "выполнить до 28.02.2023 16:30.")


def test_sweep_sends_an_owed_warning_and_skips_it_once_the_deadline_is_missed() -> None:
    w = World()
    warned = seed(w.repo, "vk-w1", {"answer": {"stage": "answer", "due": ANSWER_DUE,
                                               "warn_at": samara(2023, 2, 28, 15, 30)}},
                  agency_id="minzdrav", executor_uid="exec-1")
    overdue = seed(w.repo, "vk-w2", {"rework": {"stage": "rework", "due": samara(2023, 2, 28, 10, 0),
                                                "warn_at": samara(2023, 2, 28, 9, 0)}},
                   agency_id="mintrans", agency_ids=["mintrans"])

    counts = sweep(w.repo, w.staff, w.queue, samara(2023, 2, 28, 15, 45), BASE, dispatch=w.dispatch)

    assert counts == {"cases_due": 2, "missed": 1, "warned": 1, "events_dispatched": 2}
    assert [(n["recipient_uid"], n["kind"]) for n in w.notifications(warned)] == [("exec-1", "deadline_warning")]
    assert [(n["recipient_uid"], n["kind"]) for n in w.notifications(overdue)] == [
        ("cur-1", "deadline_missed"), ("cur-2", "deadline_missed"), ("lead-roads", "deadline_missed")]


def test_joint_contribution_escalates_to_that_agency() -> None:
    w = World()
    key, due = "joint_contribution:minzdrav", samara(2023, 2, 27, 15, 0)
    case_id = seed(w.repo, "vk-joint", {key: {"stage": "joint_contribution", "due": due, "agency_id": "minzdrav",
                                              "warned": True}},
                   agency_id="minzdrav", agency_ids=["minzdrav", "mintrans"], route_order=["minzdrav", "mintrans"])
    outcome = w.deliver(case_id, key=key, due=due, now=due)

    assert outcome.action is Action.missed and outcome.notified == ("lead-health", "cur-1", "cur-2")
    assert {n["text"] for n in w.notifications(case_id)} == {
        "Просрочен срок «Информация для общего ответа (п. 16), орган minzdrav» по обращению "
        "№2023-00001 (срок истёк 27.02.2023 в 15:00)."}


def test_no_curators_still_marks_missed() -> None:
    w = World(staff_uids={})
    case_id = w.route_case()
    outcome = w.deliver(case_id)
    assert outcome.action is Action.missed and outcome.notified == ()
    assert w.case(case_id)["deadlines"]["route"]["escalation"]["notified_uids"] == []


def test_schedule_case_creates_the_stored_names_and_clears_the_mark() -> None:
    w = World()
    case_id = w.route_case(warned=False, warn_at=samara(2023, 2, 22, 16, 30))
    w.repo.docs[case_id]["unscheduled"] = True
    stored = w.case(case_id)["deadlines"]

    assert schedule_case(w.repo, w.queue, case_id, BASE) is True
    assert "unscheduled" not in w.case(case_id)
    assert {t.name for t in w.queue.tasks} == {stored["route"]["task"], stored["route"]["warn_task"],
                                               stored["answer"]["task"], stored["answer"]["warn_task"]}
    assert stored["route"]["task"] == task_name(case_id, "route", iso(DUE), "due")
    w.queue.down = True
    w.repo.docs[case_id]["unscheduled"] = True
    assert schedule_case(w.repo, w.queue, case_id, BASE) is False and w.case(case_id)["unscheduled"] is True


def test_a_malformed_case_does_not_block_the_sweep() -> None:
    w = World()
    w.repo.docs["vk-bad"] = {"id": "vk-bad", "next_due": samara(2023, 2, 1, 9, 0),  # by hand, a bug, an old version
                             "deadlines": {"route": {"stage": "route", "due": "tomorrow", "state": "pending"}}}
    case_id = w.route_case()
    counts = sweep(w.repo, w.staff, w.queue, DUE, BASE)
    assert counts == {"cases_due": 2, "malformed": 1, "missed": 1, "numbered": 1}
    assert w.case(case_id)["deadlines"]["route"]["state"] == "missed"
