"""152-FZ in the domain: erasing a case's personal data keeps its course and is done once."""

from __future__ import annotations

import pytest

from cases.commands import accept, route, submit_draft
from cases.message import ERASED, erase_personal_data
from cases.ports import Unchanged
from tests.cases import CURATOR, EXEC_A, Story, draft_args


def test_personal_data_go_the_course_stays() -> None:
    s = Story()
    s.case = s.case.model_copy(update={"message": {
        "network": "vk", "text": "Яма у дома 5", "author": {"name": "Иван Петров", "url": "https://vk.com/id1"},
        "url": "https://vk.com/wall-1_2", "edits": [{"text": "Яма"}], "posted_at": "2026-12-01T10:00:00+04:00"}})
    s.do(route, CURATOR, ["A"]).do(accept, EXEC_A).do(submit_draft, EXEC_A, **draft_args("Иван, заделаем."))
    before = s.case
    erased, [event] = erase_personal_data(before, "retention", s.now)
    assert erased.message == {"network": "vk", "text": ERASED, "author": {"name": ERASED}, "attachments": [],
                              "edits": [], "posted_at": "2026-12-01T10:00:00+04:00"}
    assert erased.drafts[0].text == ERASED and not erased.personal_data and erased.erased_at == s.now
    assert (erased.state, erased.deadlines, erased.agency_ids) == (before.state, before.deadlines, before.agency_ids)
    assert (event.type, event.payload) == ("PersonalDataErased", {"reason": "retention", "request": None})
    with pytest.raises(Unchanged):
        erase_personal_data(erased, "retention", s.now)
