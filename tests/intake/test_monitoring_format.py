from __future__ import annotations

import json

import pytest

from intake.events import BadPayload
from intake.monitoring import MAX_ITEMS, ParsedItem, RejectedItem, parse_batch
from tests.intake.helpers import batch, item


def rejected_reason(body: bytes) -> str:
    (only,) = parse_batch(body).items
    assert isinstance(only, RejectedItem)
    return only.reason


def test_a_valid_item_becomes_a_message_with_its_raw_json() -> None:
    parsed = parse_batch(batch(item("wall-1_7", detected_at="2024-03-01T07:00:00Z"), source="mon"))
    assert parsed.source_id == "mon"
    (only,) = parsed.items
    assert isinstance(only, ParsedItem)
    assert only.event.message.external_id == "wall-1_7"
    assert only.event.message.text == "Во дворе не убран снег"
    assert only.event.detected_at is not None and only.event.detected_at.isoformat() == "2024-03-01T07:00:00+00:00"
    assert json.loads(only.raw)["external_id"] == "wall-1_7"


@pytest.mark.parametrize("body, code", [
    (b"{not json", "bad_json"),
    (b"\xff\xfe", "bad_json"),
    (b"[]", "invalid_batch"),
    (b'{"messages": {}}', "invalid_batch"),
    (b'{"messages": []}', "invalid_batch"),
    (b'{"source": 5, "messages": [{}]}', "invalid_batch"),
    (b'{"messages": [{}], "extra": 1}', "invalid_batch"),
])
def test_a_bad_envelope_refuses_the_whole_batch(body: bytes, code: str) -> None:
    with pytest.raises(BadPayload) as err:
        parse_batch(body)
    assert err.value.code == code


def test_more_than_500_items_refuses_the_batch() -> None:
    assert len(parse_batch(batch(*[item(f"id{i}") for i in range(MAX_ITEMS)])).items) == MAX_ITEMS
    with pytest.raises(BadPayload) as err:
        parse_batch(batch(*[item(f"id{i}") for i in range(MAX_ITEMS + 1)]))
    assert err.value.code == "too_many_items"


@pytest.mark.parametrize("change, reason", [
    ({"network": "myspace"}, "network"),
    ({"external_id": ""}, "external_id"),
    ({"external_id": 42}, "external_id"),
    ({"text": 5}, "text"),
    ({"posted_at": "2024-03-01T10:00:00"}, "posted_at"),
    ({"posted_at": None}, "posted_at"),
    ({"detected_at": "yesterday"}, "detected_at"),
    ({"engagement": {"likes": -1}}, "engagement.likes"),
    ({"url": "not a url"}, "url"),
    ({"colour": "red"}, "colour"),
])
def test_a_bad_item_is_rejected_with_its_field_named(change: dict[str, object], reason: str) -> None:
    assert reason in rejected_reason(batch(item(**change)))  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["network", "external_id", "text", "posted_at"])
def test_required_fields(field: str) -> None:
    doc = item()
    del doc[field]
    assert rejected_reason(batch(doc)) == f"missing fields: {field}"


def test_one_bad_item_does_not_spoil_the_others() -> None:
    parsed = parse_batch(batch(item("a"), "not an object", item("b", text=None)))  # type: ignore[arg-type]
    kinds = [type(i).__name__ for i in parsed.items]
    assert kinds == ["ParsedItem", "RejectedItem", "RejectedItem"]
    assert [i.index for i in parsed.items] == [0, 1, 2]
