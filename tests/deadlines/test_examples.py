"""The worked examples of docs/deadlines.md, exactly (default calendar, 2023)."""

from __future__ import annotations

import pytest

from deadlines.calendar import Calendar
from deadlines.policy import Stage, default_policy, due_dates_for_detection
from deadlines.worktime import add_working, add_working_days, subtract_working
from tests.deadlines.conftest import local

EXAMPLES = [
    # detected, route, answer, draft
    (local(2023, 2, 22, 16, 30), local(2023, 2, 27, 9, 30), local(2023, 2, 28, 16, 30), local(2023, 2, 28, 11, 30)),
    (local(2023, 2, 25, 11, 0), local(2023, 2, 27, 10, 0), local(2023, 2, 28, 18, 0), local(2023, 2, 28, 14, 0)),
    (local(2023, 2, 27, 13, 30), local(2023, 2, 27, 15, 0), local(2023, 3, 1, 13, 0), local(2023, 3, 1, 9, 0)),
]


@pytest.mark.parametrize(("detected", "route", "answer", "draft"), EXAMPLES)
def test_worktime_reproduces_design_examples(cal: Calendar, detected, route, answer, draft) -> None:
    assert add_working(cal, detected, 60) == route
    assert add_working_days(cal, detected, 2) == answer
    assert subtract_working(cal, answer, 4 * 60) == draft


@pytest.mark.parametrize(("detected", "route", "answer", "draft"), EXAMPLES)
def test_policy_reproduces_design_examples(detected, route, answer, draft) -> None:
    due = due_dates_for_detection(default_policy(), detected)
    assert due == {Stage.route: route, Stage.answer: answer, Stage.draft: draft}
    assert all(str(moment.tzinfo) == "Europe/Samara" for moment in due.values())
