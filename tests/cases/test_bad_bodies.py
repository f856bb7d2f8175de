"""A request body that does not fit its command is refused in Russian, naming the field: never with
pydantic's English (an empty route used to say "List should have at least 1 item")."""

from __future__ import annotations

import re

import pytest

from cases.api_models import COMMANDS, BulkDismiss
from workflow.service import BadBody, parse_body

CASES = [
    (COMMANDS["route"].body, {"version": 1, "agency_ids": []}, "agency_ids", "хотя бы 1"),
    (COMMANDS["route"].body, {"version": 1}, "agency_ids", "Не заполнено обязательное поле"),
    (COMMANDS["route"].body, {"version": 0, "agency_ids": ["a"]}, "version", "не меньше 1"),
    (COMMANDS["route"].body, {"version": "x", "agency_ids": ["a"]}, "version", "целое число"),
    (COMMANDS["route"].body, {"version": 1, "agency_ids": "a"}, "agency_ids", "список"),
    (COMMANDS["approve"].body, {"version": 1, "rating": "пять"}, "rating", "целое число"),
    (COMMANDS["publish"].body, {"version": 1, "url": "x" * 2001}, "url", "не длиннее 2000"),
    (COMMANDS["dismiss"].body, {"version": 1, "reason": ""}, "reason", "не заполнено"),
    (COMMANDS["submit_draft"].body, {"version": 1, "intermediate": "может быть"}, "intermediate", "да или нет"),
    (COMMANDS["accept"].body, {"version": 1, "extra": 1}, "extra", "Лишнее поле"),
    (BulkDismiss, {"cases": [{"id": "a"}], "reason": "spam"}, "cases.0.version", "Не заполнено"),
]


@pytest.mark.parametrize(("model", "body", "field", "says"), CASES)
def test_refusals_are_russian(model, body, field, says) -> None:
    with pytest.raises(BadBody) as err:
        parse_body(model, body)
    assert err.value.field == field
    assert says.lower() in err.value.message.lower()
    assert not re.search(r"[A-Za-z]{4,}", err.value.message.replace(field, "")), err.value.message
