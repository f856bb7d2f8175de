"""Telegram Bot API parser: real update shapes in, the intake contract out (§6)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.events import BadPayload, EditedMessage, Ignored, NewMessage
from intake.models import Message, Network
from intake.telegram import parse_telegram

PAYLOADS = Path(__file__).parent / "payloads"
CHANNEL = -1001567890123  # public @izhevsk_live
GROUP = -1001678901234  # its public discussion group @izhevsk_live_chat
PRIVATE_CHANNEL = -1002233445566
PRIVATE_GROUP = -1002233445577


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / f"tg_{name}.json").read_text(encoding="utf-8"))
    return data


def body(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def parsed(name: str) -> NewMessage | EditedMessage | Ignored:
    return parse_telegram((PAYLOADS / f"tg_{name}.json").read_bytes())


def message(name: str) -> Message:
    event = parsed(name)
    assert isinstance(event, NewMessage | EditedMessage), event
    return event.message


def test_channel_post_is_a_new_message() -> None:
    event = parsed("channel_post")
    assert isinstance(event, NewMessage)
    assert event.delivery_id == "904512301"
    msg = event.message
    assert msg.network is Network.telegram
    assert msg.external_id == f"{CHANNEL}:812"
    assert str(msg.url) == "https://t.me/izhevsk_live/812"
    assert msg.text.startswith("Дорожники обещают начать ремонт улицы Пушкинской")
    assert msg.posted_at == datetime(2024, 5, 21, 14, 0, tzinfo=UTC)
    assert (msg.author.name, str(msg.author.url), msg.author.external_id) == (
        "Ижевск Live",
        "https://t.me/izhevsk_live",
        str(CHANNEL),
    )
    assert msg.parent is None


def test_edited_channel_post_keeps_the_id_and_says_when() -> None:
    new, edited = parsed("channel_post"), parsed("edited_channel_post")
    assert isinstance(new, NewMessage) and isinstance(edited, EditedMessage)
    assert edited.message.external_id == new.message.external_id
    assert edited.message.text.endswith("UPD: сроки перенесли на июль.")
    assert edited.edited_at == datetime(2024, 5, 21, 14, 10, tzinfo=UTC)
    assert edited.delivery_id == "904512310"


def test_automatic_forward_into_the_discussion_group_is_ignored() -> None:
    assert parsed("automatic_forward") == Ignored(kind="automatic_forward", delivery_id="904512302")


def test_edited_automatic_forward_is_ignored_too() -> None:
    data = payload("automatic_forward")
    data["edited_message"] = dict(data.pop("message"), edit_date=1716300700)
    assert parse_telegram(body(data)) == Ignored(kind="automatic_forward", delivery_id="904512302")


def test_discussion_comment_hangs_under_the_channel_post() -> None:
    msg = message("discussion_comment")
    assert msg.external_id == f"{GROUP}:5307"
    assert str(msg.url) == "https://t.me/izhevsk_live/812?comment=5307"
    assert msg.parent is not None
    assert msg.parent.external_id == f"{CHANNEL}:812"
    assert msg.parent.external_id == message("channel_post").external_id
    assert str(msg.parent.url) == "https://t.me/izhevsk_live/812"
    assert msg.text == "Когда отремонтируют дорогу на улице Пушкинской в Ижевске? У дома 154 яма уже месяц."
    assert (msg.author.name, str(msg.author.url), msg.author.external_id) == (
        "Анна Кузнецова",
        "https://t.me/anna_kuz",
        None,  # a person's Telegram id is not kept (152-FZ)
    )


def test_discussion_comment_before_bot_api_7_is_linked_the_same_way() -> None:
    msg = message("discussion_comment_legacy")
    assert msg.parent is not None and msg.parent.external_id == f"{CHANNEL}:812"
    assert str(msg.url) == "https://t.me/izhevsk_live/812?comment=5308"


def test_edited_discussion_comment() -> None:
    new, edited = parsed("discussion_comment"), parsed("edited_discussion_comment")
    assert isinstance(new, NewMessage) and isinstance(edited, EditedMessage)
    assert edited.message.external_id == new.message.external_id
    assert edited.message.case_id() == new.message.case_id()
    assert edited.message.url == new.message.url and edited.message.parent == new.message.parent
    assert edited.edited_at == datetime(2024, 5, 21, 14, 25, tzinfo=UTC)


def test_comment_under_a_private_channel_uses_member_links() -> None:
    msg = message("private_discussion_comment")
    assert msg.external_id == f"{PRIVATE_GROUP}:79"
    assert str(msg.url) == "https://t.me/c/2233445577/79"
    assert msg.parent is not None
    assert msg.parent.external_id == f"{PRIVATE_CHANNEL}:41"
    assert str(msg.parent.url) == "https://t.me/c/2233445566/41"
    assert (msg.author.name, msg.author.url) == ("Иван", None)


def test_comment_in_a_public_group_of_a_private_channel_links_to_the_group() -> None:
    data = payload("private_discussion_comment")
    data["message"]["chat"]["username"] = "pushkinskaya_chat"
    msg = parse_telegram(body(data)).message  # type: ignore[union-attr]
    assert str(msg.url) == "https://t.me/pushkinskaya_chat/79"


def test_reply_in_a_group_has_the_replied_message_as_parent() -> None:
    msg = message("reply_in_group")
    assert msg.parent is not None
    assert msg.parent.external_id == f"{GROUP}:5320"
    assert str(msg.parent.url) == "https://t.me/izhevsk_live_chat/5320"
    assert str(msg.url) == "https://t.me/izhevsk_live_chat/5321"


def test_forum_topic_opening_is_not_a_parent() -> None:
    data = payload("reply_in_group")
    data["message"]["reply_to_message"] = {
        "message_id": 2,
        "date": 1716000000,
        "chat": data["message"]["chat"],
        "forum_topic_created": {"name": "Дороги", "icon_color": 7322096},
    }
    assert parse_telegram(body(data)).message.parent is None  # type: ignore[union-attr]


def test_photo_caption_is_the_text() -> None:
    msg = message("group_photo")
    assert msg.text.startswith("Открытый люк на перекрёстке")
    assert [(a.type, a.url, a.title) for a in msg.attachments] == [("photo", None, "")]
    assert str(msg.url) == "https://t.me/izhevsk_live_chat/5320"


def test_private_supergroup_message_links_for_members() -> None:
    assert str(message("private_supergroup_message").url) == "https://t.me/c/2233445577/88"


def test_private_chat_with_the_bot_has_no_link() -> None:
    msg = message("private_chat_document")
    assert msg.url is None
    assert msg.external_id == "6234567890:14"
    assert msg.author.name == "Иван" and msg.author.url is None
    assert [(a.type, a.title) for a in msg.attachments] == [("doc", "Жалоба_на_ЖКХ.pdf")]


def test_basic_group_has_no_link() -> None:
    msg = message("basic_group_message")
    assert msg.url is None and msg.external_id == "-4012345678:301"


def test_message_on_behalf_of_a_chat_is_authored_by_that_chat() -> None:
    author = message("anonymous_admin_message").author
    assert (author.name, str(author.url), author.external_id) == (
        "Ижевск Live — обсуждение",
        "https://t.me/izhevsk_live_chat",
        str(GROUP),
    )


def test_animation_is_one_video_not_a_document_too() -> None:
    data = payload("private_chat_document")
    gif = {"file_id": "CgACAgIAAxkBAAMPZmX", "file_unique_id": "AgADAQ", "file_name": "yama.mp4"}
    data["message"].update(animation=gif, document=gif)
    attachments = parse_telegram(body(data)).message.attachments  # type: ignore[union-attr]
    assert [(a.type, a.title) for a in attachments] == [("video", "yama.mp4")]


def test_location_and_voice_are_kept() -> None:
    data = payload("private_chat_document")
    del data["message"]["document"]
    data["message"]["voice"] = {"file_id": "AwACAgIAAxkBAAMQ", "file_unique_id": "AgADAg", "duration": 12}
    data["message"]["location"] = {"latitude": 56.852676, "longitude": 53.2045}
    attachments = parse_telegram(body(data)).message.attachments  # type: ignore[union-attr]
    assert [(a.type, a.title) for a in attachments] == [
        ("audio", ""),
        ("other", "location 56.852676, 53.204500"),
    ]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("service_new_member", "service_message"),
        ("album_item", "media_group_item"),
        ("callback_query", "callback_query"),
        ("my_chat_member", "my_chat_member"),
    ],
)
def test_ignored_updates(name: str, kind: str) -> None:
    assert parsed(name) == Ignored(kind=kind, delivery_id=str(payload(name)["update_id"]))


def test_sticker_alone_is_nothing_to_read() -> None:
    data = payload("reply_in_group")
    del data["message"]["text"]
    data["message"]["sticker"] = {"file_id": "CAACAgIAAxkBAAMR", "file_unique_id": "AgADAw", "emoji": "👍"}
    assert parse_telegram(body(data)) == Ignored(kind="service_message", delivery_id="904512307")


def test_captioned_album_item_is_a_message() -> None:
    data = payload("album_item")
    data["message"]["caption"] = "Три фото ямы на Пушкинской"
    assert isinstance(parse_telegram(body(data)), NewMessage)


def test_update_with_only_an_id_is_ignored() -> None:
    assert parse_telegram(b'{"update_id": 1}') == Ignored(kind="empty", delivery_id="1")


def test_unknown_fields_are_ignored() -> None:
    data = payload("discussion_comment")
    data["message"]["some_future_field"] = {"a": 1}
    data["message"]["chat"]["is_forum"] = True
    assert isinstance(parse_telegram(body(data)), NewMessage)


# --- malformed input ---------------------------------------------------------------------------


def bad(raw: bytes) -> BadPayload:
    with pytest.raises(BadPayload) as caught:
        parse_telegram(raw)
    return caught.value


def changed(name: str, path: str, value: Any) -> bytes:
    """The payload with the dotted `path` set to `value` (or removed, for `...`)."""
    data = payload(name)
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[key]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return body(data)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "not valid JSON"),
        (b'{"update_id": 1,}', "not valid JSON"),
        (b"\x80\x81", "not valid JSON"),
        (b'{"update_id": Infinity}', "Infinity is not a JSON number"),
        (b"{" * 50_000, "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b'{"update_id": ' + b"1" * 4301 + b"}", "not valid JSON"),
        (b"[{}]", "must be a JSON object, not an array"),
        (b"true", "must be a JSON object, not a boolean"),
        (b"3.5", "must be a JSON object, not a number"),
    ],
)
def test_bodies_that_are_not_json_objects(raw: bytes, reason: str) -> None:
    assert reason in bad(raw).reason


def test_invalid_json_has_its_own_code() -> None:
    assert bad(b"<html>").code == "bad_json"
    assert bad(b"{}").code == "bad_payload"


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (b"{}", "update_id: Field required"),
        (b'{"message": {}}', "update_id: Field required"),
        (b'{"update_id": "904512301"}', "update_id: Input should be a valid integer"),
        (b'{"update_id": -1}', "update_id: Input should be greater than or equal to 0"),
        (b'{"update_id": 1.0}', "update_id: Input should be a valid integer"),
        (b'{"update_id": 99999999999999999999999}', "update_id: Input should be less than or equal to"),
        (b'{"update_id": 1, "message": []}', "message: Input should be a valid dictionary"),
        (changed("channel_post", "channel_post.message_id", ...), "channel_post.message_id: Field required"),
        (
            changed("channel_post", "channel_post.message_id", "812"),
            "channel_post.message_id: Input should be a valid integer",
        ),
        (
            changed("channel_post", "channel_post.message_id", 0),
            "channel_post.message_id: Input should be greater than",
        ),
        (changed("channel_post", "channel_post.date", ...), "channel_post.date: Field required"),
        (
            changed("channel_post", "channel_post.date", 1e9),
            "channel_post.date: Input should be a valid integer",
        ),
        (changed("channel_post", "channel_post.chat", ...), "channel_post.chat: Field required"),
        (
            changed("channel_post", "channel_post.chat.id", "-1001567890123"),
            "channel_post.chat.id: Input should be a valid integer",
        ),
        (
            changed("channel_post", "channel_post.chat.id", -(2**70)),
            "channel_post.chat.id: Input should be greater than",
        ),
        (
            changed("channel_post", "channel_post.chat.username", "izh/../evil"),
            "channel_post.chat.username: String should match",
        ),
        (
            changed("channel_post", "channel_post.text", 42),
            "channel_post.text: Input should be a valid string",
        ),
        (
            changed("channel_post", "channel_post.text", "я" * 100_001),
            "channel_post.text: String should have at most 100000",
        ),
        (
            changed("discussion_comment", "message.from.id", "5123456789"),
            "message.from.id: Input should be a valid integer",
        ),
        (
            changed("discussion_comment", "message.reply_to_message.is_automatic_forward", "true"),
            "message.reply_to_message.is_automatic_forward: Input should be a valid boolean",
        ),
        (
            changed("discussion_comment", "message.reply_to_message.forward_origin.message_id", "812"),
            "message.reply_to_message.forward_origin.message_id: Input should be a valid integer",
        ),
        (
            changed("edited_channel_post", "edited_channel_post.edit_date", "2024-05-21"),
            "edited_channel_post.edit_date: Input should be a valid integer",
        ),
        (
            changed("group_photo", "message.photo", {"file_id": "x"}),
            "message.photo: Input should be a valid list",
        ),
        (
            changed("private_chat_document", "message.document.file_id", ...),
            "message.document.file_id: Field required",
        ),
    ],
)
def test_malformed_updates(raw: bytes, where: str) -> None:
    assert where in bad(raw).reason


@given(st.binary(max_size=200))
def test_any_bytes_give_a_value_or_bad_payload(raw: bytes) -> None:
    try:
        result = parse_telegram(raw)
    except BadPayload as err:
        assert err.reason and err.code in ("bad_json", "bad_payload")
        return
    # Random bytes that happen to be an Update: only {"update_id": n, ...} gets this far
    assert isinstance(result, NewMessage | EditedMessage | Ignored)
    assert result.delivery_id == str(json.loads(raw)["update_id"])


_values = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5))


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "message_id": _values,
            "date": _values,
            "text": _values,
            "is_automatic_forward": _values,
            "chat": st.fixed_dictionaries({}, optional={"id": _values, "type": _values, "username": _values}),
            "reply_to_message": st.fixed_dictionaries(
                {}, optional={"message_id": _values, "is_automatic_forward": _values}
            ),
        },
    )
)
def test_any_message_gives_a_value_or_bad_payload(sent: dict[str, Any]) -> None:
    try:
        result = parse_telegram(body({"update_id": 1, "message": sent}))
    except BadPayload as err:
        assert err.reason.startswith("message") or "message" in err.reason, err.reason
        return
    assert isinstance(result, NewMessage | Ignored) and result.delivery_id == "1"
    if isinstance(result, NewMessage):  # only a readable text makes a case, word for word
        assert result.message.text == sent["text"] and sent["text"]
        assert result.message.external_id == f"{sent['chat']['id']}:{sent['message_id']}"
    elif sent.get("is_automatic_forward") is True:
        assert result.kind == "automatic_forward"
