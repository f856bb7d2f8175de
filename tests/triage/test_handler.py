"""The case-created event's triage handler (outbox/registry.py): an outage is retried with the event; any
other fault in triage is logged and leaves the case untriaged, so that the surge count and the
notifications after it still run."""

from __future__ import annotations

from typing import Any

import pytest

from cases.ports import StoreUnavailable
from outbox.registry import EVENT_HANDLERS, Ports, _triage


def ports(triage: Any) -> Ports:
    return Ports(inbox=None, staff=None, cases=None, triage=triage)  # type: ignore[arg-type]


def test_a_fault_in_triage_is_logged_and_the_next_handlers_run(caplog: pytest.LogCaptureFixture) -> None:
    def broken(case_id: str) -> None:
        raise ValueError("a model's weights do not parse")

    _triage({"case_id": "vk-1"}, ports(broken))  # no exception: the surge count runs next
    assert "triage failed for case vk-1" in caplog.text
    assert EVENT_HANDLERS["CaseDetected"][0] is _triage  # first, so the count sees its municipality and topic


def test_an_outage_in_triage_is_retried_with_the_event() -> None:
    def down(case_id: str) -> None:
        raise StoreUnavailable("firestore: Unavailable")

    with pytest.raises(StoreUnavailable):
        _triage({"case_id": "vk-1"}, ports(down))
