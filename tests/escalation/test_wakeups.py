"""``next_due``, task names and a fresh deadline's warning moment: pure, no emulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cases.model import Stage
from cases.schedule import Ledger
from cases.wakeups import iso, next_wakeup, task_name, wakeup_task_name, wakeups
from deadlines.policy import default_policy
from tests.escalation.conftest import samara

POLICY = default_policy()


def test_nothing_pending_has_no_wakeup() -> None:
    due = samara(2023, 2, 27, 9, 30)
    assert next_wakeup({}) is None
    assert next_wakeup({"route": {"stage": "route", "due": due, "state": "met"},
                        "answer": {"stage": "answer", "due": due, "state": "cancelled"}}) is None


def test_the_earliest_of_unsent_warnings_and_dues_wins() -> None:
    deadlines = {
        "answer": {"stage": "answer", "due": samara(2023, 2, 28, 16, 30), "state": "pending",
                   "warn_at": samara(2023, 2, 28, 15, 30), "warned": False},
        "route": {"stage": "route", "due": samara(2023, 2, 27, 9, 30), "state": "pending",
                  "warn_at": samara(2023, 2, 22, 16, 30), "warned": True},
        "draft": {"stage": "draft", "due": samara(2023, 2, 27, 9, 0), "state": "missed"},
    }
    assert next_wakeup(deadlines) == samara(2023, 2, 27, 9, 30)  # route's warning is sent already
    deadlines["route"]["warned"] = False
    assert next_wakeup(deadlines) == samara(2023, 2, 22, 16, 30)
    assert [(w.key, w.kind) for w in wakeups(deadlines)] == [
        ("route", "warning"), ("route", "due"), ("answer", "warning"), ("answer", "due")]


def test_a_fresh_deadline_warns_on_the_calendar() -> None:
    # Detected Wed 22 Feb 16:30 (a shortened day): the answer (§10) is due Tue 28 Feb 16:30 and warned a
    # working hour before; the route (§8), an hour's stage, is due Mon 27 09:30 and warned 15 working
    # minutes before, at 09:15.
    ledger = Ledger({}, POLICY)
    detected = samara(2023, 2, 22, 16, 30)
    answer = ledger.start(Stage.answer, Stage.answer, detected)
    route = ledger.start(Stage.route, Stage.route, detected)
    assert (answer.due, answer.warn_at) == (samara(2023, 2, 28, 16, 30), samara(2023, 2, 28, 15, 30))
    assert (route.due, route.warn_at) == (samara(2023, 2, 27, 9, 30), samara(2023, 2, 27, 9, 15))
    assert next_wakeup({"route": route, "answer": answer}) == samara(2023, 2, 27, 9, 15)


def test_no_warning_when_the_stage_is_shorter_than_the_warning() -> None:
    from deadlines.settings import policy_from_settings

    ledger = Ledger({}, policy_from_settings({"stages": {"return_not_competent": {"warn_before": 30}}}))
    start = samara(2023, 2, 27, 10, 0)
    deadline = ledger.start(Stage.return_not_competent, Stage.return_not_competent, start, "minzdrav")  # §9: 30 min
    assert deadline.warn_at is None and deadline.agency_id == "minzdrav"  # it would be the very start
    assert next_wakeup({"return_not_competent": deadline}) == samara(2023, 2, 27, 10, 30)
    assert Ledger({}, POLICY).start(Stage.return_not_competent, Stage.return_not_competent, start).warn_at == \
        samara(2023, 2, 27, 10, 15)  # the default: 15 minutes before


def test_a_wakeups_task_name_is_fixed_by_what_it_wakes() -> None:
    due = samara(2023, 2, 27, 9, 30)
    [warning, at_due] = wakeups({"route": {"stage": "route", "due": due, "state": "pending",
                                           "warn_at": samara(2023, 2, 22, 16, 30)}})
    assert wakeup_task_name("vk-1", at_due) == task_name("vk-1", "route", iso(due), "due")
    assert wakeup_task_name("vk-1", warning) != wakeup_task_name("vk-1", at_due)
    assert iso(due) == "2023-02-27T05:30:00.000000+00:00"  # the same instant, whatever its zone, one text
    with pytest.raises(ValueError, match="naive"):
        wakeups({"route": {"stage": "route", "due": datetime(2023, 3, 1, 13, 0), "state": "pending"}})  # noqa: DTZ001


def test_iso_is_one_text_per_instant() -> None:
    moment = samara(2023, 2, 27, 9, 30)
    assert iso(moment) == iso(moment.astimezone(UTC)) == "2023-02-27T05:30:00.000000+00:00"
    assert iso(moment + timedelta(microseconds=7)).endswith(".000007+00:00")


def test_objects_with_attributes_count_too() -> None:
    class Deadline:  # the workflow's pydantic model has attributes, not keys
        def __init__(self, due: datetime, state: str) -> None:
            self.due, self.state, self.warned, self.warn_at = due, state, False, None

    assert next_wakeup({"route": Deadline(samara(2023, 2, 27, 9, 30), "pending")}) == samara(2023, 2, 27, 9, 30)
