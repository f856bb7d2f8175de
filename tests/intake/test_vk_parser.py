"""VK Callback API parser: real payload shapes in, the intake contract out (§6)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.events import (
    BadPayload,
    DeletedMessage,
    EditedMessage,
    Ignored,
    NewMessage,
    VkConfirmation,
    VkEnvelope,
)
from intake.models import Network
from intake.vk import parse_vk

PAYLOADS = Path(__file__).parent / "payloads"
GROUP = 218637425


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / f"vk_{name}.json").read_text(encoding="utf-8"))
    return data


def body(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def envelope(name: str) -> VkEnvelope:
    parsed = parse_vk((PAYLOADS / f"vk_{name}.json").read_bytes())
    assert isinstance(parsed, VkEnvelope)
    return parsed


def event(name: str) -> Any:
    return envelope(name).event


def test_confirmation_names_the_community() -> None:
    assert parse_vk((PAYLOADS / "vk_confirmation.json").read_bytes()) == VkConfirmation(group_id=GROUP)


def test_confirmation_needs_no_event_id() -> None:
    assert parse_vk(b'{"type": "confirmation", "group_id": 1}') == VkConfirmation(group_id=1)


def test_envelope_carries_community_secret_type_and_version() -> None:
    env = envelope("wall_post_new")
    assert (env.group_id, env.secret, env.event_type, env.extra) == (
        GROUP,
        "Zq3kTd9sWp",
        "wall_post_new",
        {"v": "5.199"},
    )


def test_secret_may_be_absent() -> None:
    data = payload("wall_post_new")
    del data["secret"]
    parsed = parse_vk(body(data))
    assert isinstance(parsed, VkEnvelope) and parsed.secret is None


def test_wall_post_becomes_a_new_message() -> None:
    new = event("wall_post_new")
    assert isinstance(new, NewMessage)
    assert new.delivery_id == payload("wall_post_new")["event_id"]
    msg = new.message
    assert msg.network is Network.vk
    assert msg.external_id == f"wall-{GROUP}_4512"
    assert str(msg.url) == f"https://vk.com/wall-{GROUP}_4512"
    assert msg.text.startswith("Когда отремонтируют дорогу на улице Пушкинской в Ижевске?")
    assert msg.posted_at == datetime(2024, 5, 20, 10, 13, 20, tzinfo=UTC)
    assert (msg.author.name, str(msg.author.url), msg.author.external_id) == (
        "",
        "https://vk.com/id512345678",
        "512345678",
    )
    assert msg.engagement.model_dump() == {"likes": 17, "reposts": 3, "comments": 2, "views": 412}
    assert msg.parent is None


def test_wall_post_photo_is_its_largest_size() -> None:
    [photo] = event("wall_post_new").message.attachments
    assert photo.type == "photo"
    assert "size=1440x1920" in str(photo.url)


def test_wall_reply_links_to_the_comment_and_its_post() -> None:
    msg = event("wall_reply_new").message
    assert msg.external_id == f"wall-{GROUP}_4512_r4520"
    assert str(msg.url) == f"https://vk.com/wall-{GROUP}_4512?reply=4520"
    assert msg.parent is not None
    assert msg.parent.external_id == f"wall-{GROUP}_4512"
    assert str(msg.parent.url) == f"https://vk.com/wall-{GROUP}_4512"


def test_wall_reply_attachments_keep_link_doc_and_name_the_unknown() -> None:
    link, doc, sticker = event("wall_reply_new").message.attachments
    assert (link.type, str(link.url), link.title) == (
        "link",
        "https://www.izh.ru/i/info/15427.html",
        "Ремонт дорог в 2024 году",
    )
    assert doc.type == "doc" and str(doc.url).startswith("https://vk.com/doc623456789_668000001?hash=")
    assert doc.title == "Обращение.pdf"
    assert (sticker.type, sticker.url, sticker.title) == ("other", None, "sticker")


def test_video_attachment_gets_vk_video_link() -> None:
    [video] = event("video_comment_new").message.attachments
    assert (video.type, str(video.url), video.title) == (
        "video",
        "https://vk.com/video-198765432_456239046",
        "Остановка ночью",
    )


def test_community_author_links_to_club() -> None:
    author = event("video_comment_new").message.author
    assert (str(author.url), author.external_id) == ("https://vk.com/club198765432", "-198765432")


KINDS = {
    "wall_reply": (
        f"wall-{GROUP}_4512_r4520",
        f"https://vk.com/wall-{GROUP}_4512?reply=4520",
        f"wall-{GROUP}_4512",
    ),
    "board_post": (
        f"board-{GROUP}_49821112_c57",
        f"https://vk.com/topic-{GROUP}_49821112?post=57",
        f"board-{GROUP}_49821112",
    ),
    "photo_comment": (
        f"photo-{GROUP}_457240001_c12",
        f"https://vk.com/photo-{GROUP}_457240001",
        f"photo-{GROUP}_457240001",
    ),
    "video_comment": (
        f"video-{GROUP}_456239045_c7",
        f"https://vk.com/video-{GROUP}_456239045",
        f"video-{GROUP}_456239045",
    ),
    "market_comment": (
        f"market-{GROUP}_8712345_c3",
        f"https://vk.com/product-{GROUP}_8712345",
        f"market-{GROUP}_8712345",
    ),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_new_comment_ids_and_links(kind: str) -> None:
    external_id, url, parent = KINDS[kind]
    new = event(f"{kind}_new")
    assert isinstance(new, NewMessage)
    assert new.message.external_id == external_id
    assert str(new.message.url) == url
    assert new.message.parent is not None and new.message.parent.external_id == parent


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_edit_is_the_same_message_with_new_text(kind: str) -> None:
    new, edit = event(f"{kind}_new"), event(f"{kind}_edit")
    assert isinstance(edit, EditedMessage)
    assert edit.message.external_id == new.message.external_id
    assert edit.message.case_id() == new.message.case_id()
    assert edit.message.text != new.message.text
    assert edit.edited_at is None
    assert edit.delivery_id == payload(f"{kind}_edit")["event_id"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_delete_names_the_same_message(kind: str) -> None:
    new, gone = event(f"{kind}_new"), event(f"{kind}_delete")
    assert isinstance(gone, DeletedMessage)
    assert gone.network is Network.vk
    assert gone.external_id == new.message.external_id
    assert gone.delivery_id == payload(f"{kind}_delete")["event_id"]


@pytest.mark.parametrize(
    ("kind", "deleter"),
    [
        ("wall_reply", "623456789"),
        ("photo_comment", "100200300"),
        ("market_comment", "956789012"),
        ("board_post", None),
    ],
)
def test_delete_says_who_deleted(kind: str, deleter: str | None) -> None:
    assert event(f"{kind}_delete").deleted_by == deleter


def test_board_topic_owner_is_the_community_whatever_its_sign() -> None:
    data = payload("board_post_delete")
    data["object"]["topic_owner_id"] = GROUP
    parsed = parse_vk(body(data))
    assert isinstance(parsed, VkEnvelope) and isinstance(parsed.event, DeletedMessage)
    assert parsed.event.external_id == f"board-{GROUP}_49821112_c57"


def test_wall_reply_owner_may_come_as_post_owner_id_only() -> None:
    data = payload("wall_reply_new")
    del data["object"]["owner_id"]
    assert parse_vk(body(data)).event.message.external_id == f"wall-{GROUP}_4512_r4520"  # type: ignore[union-attr]


def test_market_item_named_photo_id_as_in_vk_schema() -> None:
    data = payload("market_comment_new")
    data["object"]["photo_id"] = data["object"].pop("item_id")
    assert parse_vk(body(data)).event.message.external_id == f"market-{GROUP}_8712345_c3"  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["wall_reply_restore", "group_join", "message_new"])
def test_other_events_are_ignored_by_type(name: str) -> None:
    data = payload(name)
    assert event(name) == Ignored(kind=data["type"], delivery_id=data["event_id"])


@pytest.mark.parametrize("kind", ["wall_repost", "like_add", "wall_schedule_post_new", "some_future_event"])
def test_unknown_or_unhandled_types_need_no_object(kind: str) -> None:
    parsed = parse_vk(body({"type": kind, "group_id": GROUP, "event_id": "e1"}))
    assert isinstance(parsed, VkEnvelope) and parsed.event == Ignored(kind=kind, delivery_id="e1")


def test_extra_fields_are_ignored() -> None:
    data = payload("wall_reply_new")
    data["object"]["something_new"] = {"x": [1, 2]}
    data["new_top_level"] = True
    assert isinstance(parse_vk(body(data)), VkEnvelope)


def test_text_is_verbatim() -> None:
    data = payload("wall_reply_new")
    data["object"]["text"] = "  Ямы!\n\n<b>не HTML</b> &amp; 🚧  "
    assert parse_vk(body(data)).event.message.text == data["object"]["text"]  # type: ignore[union-attr]


def test_comment_without_text_or_likes_is_accepted() -> None:
    data = {
        "type": "photo_comment_new",
        "group_id": 1,
        "event_id": "e",
        "object": {"id": 1, "from_id": 2, "date": 0, "photo_owner_id": -1, "photo_id": 3},
    }
    msg = parse_vk(body(data)).event.message  # type: ignore[union-attr]
    assert (msg.text, msg.engagement.likes, msg.attachments) == ("", 0, [])


def test_odd_attachments_keep_the_message() -> None:
    data = payload("wall_reply_new")
    data["object"]["attachments"] = [{"type": "link", "link": {"url": "not a url", "title": "Сайт"}}, {}]
    attachments = parse_vk(body(data)).event.message.attachments  # type: ignore[union-attr]
    assert [(a.type, a.url, a.title) for a in attachments] == [
        ("link", None, "Сайт"),
        ("other", None, "other"),
    ]


# --- malformed input ---------------------------------------------------------------------------


def bad(raw: bytes) -> BadPayload:
    with pytest.raises(BadPayload) as caught:
        parse_vk(raw)
    return caught.value


def with_object(name: str, **changes: Any) -> bytes:
    data = payload(name)
    for key, value in changes.items():
        if value is ...:
            del data["object"][key]
        else:
            data["object"][key] = value
    return body(data)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "not valid JSON"),
        (b"{", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b'{"type": "confirmation", "group_id": NaN}', "NaN is not a JSON number"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b'{"group_id": ' + b"9" * 5000 + b"}", "not valid JSON"),
        (b"[]", "must be a JSON object, not an array"),
        (b'"confirmation"', "must be a JSON object, not a string"),
        (b"42", "must be a JSON object, not a number"),
        (b"null", "must be a JSON object, not null"),
    ],
)
def test_bodies_that_are_not_json_objects(raw: bytes, reason: str) -> None:
    assert reason in bad(raw).reason


def test_invalid_json_has_its_own_code() -> None:
    assert bad(b"{oops").code == "bad_json"
    assert bad(b"[]").code == "bad_payload"


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"group_id": 1}, "type: Field required"),
        ({"type": "confirmation"}, "group_id: Field required"),
        ({"type": 5, "group_id": 1}, "type: Input should be a valid string"),
        ({"type": "", "group_id": 1}, "type: String should match pattern"),
        ({"type": "Wall Post New", "group_id": 1}, "type: String should match pattern"),
        ({"type": "confirmation", "group_id": "218637425"}, "group_id: Input should be a valid integer"),
        (
            {"type": "confirmation", "group_id": "99999999999999999999999"},
            "group_id: Input should be a valid integer",
        ),
        ({"type": "confirmation", "group_id": 2**64}, "group_id: Input should be less than or equal to"),
        ({"type": "confirmation", "group_id": -5}, "group_id: Input should be greater than or equal to 1"),
        ({"type": "confirmation", "group_id": 1.5}, "group_id: Input should be a valid integer"),
        ({"type": "confirmation", "group_id": True}, "group_id: Input should be a valid integer"),
        ({"type": "group_join", "group_id": 1, "secret": 123}, "secret: Input should be a valid string"),
        ({"type": "group_join", "group_id": 1, "event_id": 7}, "event_id: Input should be a valid string"),
        ({"type": "group_join", "group_id": 1, "object": []}, "object: Input should be a valid dictionary"),
        ({"type": "wall_reply_new", "group_id": 1}, "a 'wall_reply_new' event needs an 'object'"),
        ({"type": "wall_reply_delete", "group_id": 1, "object": None}, "needs an 'object'"),
    ],
)
def test_malformed_envelopes(data: dict[str, Any], where: str) -> None:
    assert where in bad(body(data)).reason


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (with_object("wall_post_new", id=...), "object.id: Field required"),
        (
            with_object("wall_post_new", owner_id="-218637425"),
            "object.owner_id: Input should be a valid integer",
        ),
        (with_object("wall_post_new", date=-1), "object.date: Input should be greater than or equal to 0"),
        (with_object("wall_post_new", date=10**15), "object.date: Input should be less than or equal to"),
        (with_object("wall_post_new", text=None), "object.text: Input should be a valid string"),
        (
            with_object("wall_post_new", text="я" * 100_001),
            "object.text: String should have at most 100000 characters",
        ),
        (
            with_object("wall_post_new", likes={"count": -1}),
            "object.likes.count: Input should be greater than or equal to 0",
        ),
        (with_object("wall_post_new", views=5), "object.views: Input should be a valid dictionary"),
        (
            with_object("wall_post_new", attachments={"type": "photo"}),
            "object.attachments: Input should be a valid list",
        ),
        (
            with_object("wall_post_new", attachments=["photo"]),
            "object.attachments.0: Input should be a valid dictionary",
        ),
        (with_object("wall_reply_new", from_id=...), "object.from_id: Field required"),
        (
            with_object("wall_reply_new", from_id="623456789"),
            "object.from_id: Input should be a valid integer",
        ),
        (with_object("wall_reply_new", post_id=...), "object.post_id: Field required"),
        (with_object("wall_reply_new", owner_id=..., post_owner_id=...), "object.owner_id: Field required"),
        (with_object("board_post_new", topic_id=...), "object.topic_id: Field required"),
        (with_object("photo_comment_new", photo_owner_id=...), "object.photo_owner_id: Field required"),
        (
            with_object("video_comment_new", video_id=0),
            "object.video_id: Input should be greater than or equal to 1",
        ),
        (with_object("market_comment_new", item_id=...), "object.item_id: Field required"),
        (with_object("wall_reply_delete", post_id=...), "object.post_id: Field required"),
        (with_object("board_post_delete", topic_owner_id=...), "object.topic_owner_id: Field required"),
        (with_object("photo_comment_delete", owner_id=...), "object.owner_id: Field required"),
        (
            with_object("video_comment_delete", deleter_id="100200300"),
            "object.deleter_id: Input should be a valid integer",
        ),
        (with_object("market_comment_delete", id=...), "object.id: Field required"),
    ],
)
def test_malformed_objects(raw: bytes, where: str) -> None:
    assert where in bad(raw).reason


def test_reason_counts_the_other_problems() -> None:
    assert bad(body({"type": 1, "group_id": "x"})).reason.endswith("(and 1 more)")


@given(st.binary(max_size=200))
def test_any_bytes_give_a_value_or_bad_payload(raw: bytes) -> None:
    try:
        result = parse_vk(raw)
    except BadPayload as err:
        assert err.reason and err.code in ("bad_json", "bad_payload")
        return
    data = json.loads(raw)  # random bytes that happen to be a VK request: the group id is kept as sent
    assert isinstance(result, VkConfirmation | VkEnvelope) and result.group_id == data["group_id"]


@given(
    st.dictionaries(
        st.sampled_from(["id", "from_id", "date", "text", "owner_id", "post_id", "likes"]),
        st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.integers(), max_size=2)),
    )
)
def test_any_reply_object_gives_a_value_or_bad_payload(obj: dict[str, Any]) -> None:
    try:
        result = parse_vk(body({"type": "wall_reply_new", "group_id": 1, "object": obj}))
    except BadPayload as err:
        assert "object" in err.reason, err.reason
        return
    assert isinstance(result, VkEnvelope) and result.group_id == 1
    event = result.event
    assert isinstance(event, NewMessage | Ignored)
    if isinstance(event, NewMessage):  # a comment: its own id under its post, and its text as sent
        assert event.message.text == (obj.get("text") or "")
        assert event.message.external_id.endswith(f"_{obj['id']}")
