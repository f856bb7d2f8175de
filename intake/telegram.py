"""Telegram Bot API updates become intake events (§6). Pure: the raw body in, a value out.

A message is ``{chat_id}:{message_id}`` (the same for its edits). Its link is Telegram's own:
``https://t.me/{username}/{id}`` in a public chat, ``https://t.me/c/{internal id}/{id}`` in a private
supergroup or channel (opens for members only; the internal id is the chat id without its ``-100``),
none in a private chat or a basic group. A comment under a channel post, written in the channel's
linked discussion group, answers the group's automatic copy of the post: its parent is the channel
post ``{channel_id}:{post_id}``, and when the channel is public its link is the channel's comment link
``https://t.me/{channel}/{post_id}?comment={id}``. Any other reply has the replied message as parent.

Ignored: the automatic copy itself (the ``channel_post`` update brings the post), service messages and
stickers (nothing to read), uncaptioned items of an album (the captioned item carries the text), and
every update type but ``message``, ``edited_message``, ``channel_post``, ``edited_channel_post``.
Telegram files have ids, not URLs, so attachments carry their kind and file name only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from intake.events import BadPayload, EditedMessage, Ignored, NewMessage, json_object
from intake.models import Attachment, Author, Message, Network, ParentRef

_Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
_Unix = Annotated[int, Field(ge=0, le=253_402_300_799)]  # up to 9999-12-31
_Username = Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{1,64}$")]  # safe inside a t.me link


class _Raw(BaseModel):
    # The Bot API adds fields often: ignore what we do not read, but take no "1" for 1.
    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)


class _Chat(_Raw):
    id: _Int64
    type: str = ""
    title: str | None = None
    username: _Username | None = None


class _User(_Raw):
    id: _Int64
    first_name: str = ""
    last_name: str | None = None
    username: _Username | None = None


class _Origin(_Raw):  # MessageOrigin: only a channel origin names the post
    type: str
    chat: _Chat | None = None
    message_id: _Int64 | None = None


class _File(_Raw):
    file_id: str
    file_name: str | None = None
    performer: str | None = None
    title: str | None = None


class _Location(_Raw):
    latitude: float
    longitude: float


class _Message(_Raw):
    message_id: Annotated[int, Field(ge=1, le=2**63 - 1)]
    date: _Unix
    edit_date: _Unix | None = None
    chat: _Chat
    from_: _User | None = Field(default=None, alias="from")
    sender_chat: _Chat | None = None
    text: str | None = None
    caption: str | None = None
    media_group_id: str | None = None
    photo: list[_File] | None = None
    video: _File | None = None
    animation: _File | None = None
    video_note: _File | None = None
    document: _File | None = None
    audio: _File | None = None
    voice: _File | None = None
    location: _Location | None = None
    reply_to_message: _Message | None = None
    forum_topic_created: dict[str, Any] | None = None
    is_automatic_forward: bool = False
    forward_origin: _Origin | None = None
    forward_from_chat: _Chat | None = None  # before Bot API 7.0
    forward_from_message_id: _Int64 | None = None


class _Update(_Raw):
    update_id: Annotated[int, Field(ge=0, le=2**63 - 1)]
    message: _Message | None = None
    edited_message: _Message | None = None
    channel_post: _Message | None = None
    edited_channel_post: _Message | None = None


def parse_telegram(body: bytes) -> NewMessage | EditedMessage | Ignored:
    """One Bot API ``Update`` (§6): a new or edited message, or something we acknowledge and skip."""
    data = json_object(body)
    update = _validated(_Update, data)
    delivery = str(update.update_id)
    for field, edited in (
        ("message", False),
        ("channel_post", False),
        ("edited_message", True),
        ("edited_channel_post", True),
    ):
        sent: _Message | None = getattr(update, field)
        if sent is not None:
            return _event(sent, edited, delivery, field)
    kind = next((key for key in data if key != "update_id"), "empty")
    return Ignored(kind=kind[:100], delivery_id=delivery)


def _event(sent: _Message, edited: bool, delivery: str, field: str) -> NewMessage | EditedMessage | Ignored:
    if sent.is_automatic_forward:
        return Ignored(kind="automatic_forward", delivery_id=delivery)
    attachments = _attachments(sent)
    readable = sent.text or sent.caption
    if not readable and (not attachments or sent.media_group_id):
        kind = "media_group_item" if attachments else "service_message"
        return Ignored(kind=kind, delivery_id=delivery)
    message = _message(sent, attachments, field)
    if not edited:
        return NewMessage(message, delivery_id=delivery)
    edited_at = None if sent.edit_date is None else datetime.fromtimestamp(sent.edit_date, UTC)
    return EditedMessage(message, edited_at=edited_at, delivery_id=delivery)


def _message(sent: _Message, attachments: list[Attachment], field: str) -> Message:
    post = _channel_post(sent.reply_to_message)
    if post is not None and post[0].username:
        url: str | None = f"https://t.me/{post[0].username}/{post[1]}?comment={sent.message_id}"
    else:
        url = _link(sent.chat, sent.message_id)
    try:
        return Message(
            network=Network.telegram,
            external_id=f"{sent.chat.id}:{sent.message_id}",
            url=_http(url),
            author=_author(sent),
            text=sent.text or sent.caption or "",
            posted_at=datetime.fromtimestamp(sent.date, UTC),
            attachments=attachments,
            parent=_parent(sent),
        )
    except ValidationError as exc:
        raise BadPayload(_reason(exc, field)) from None


def _channel_post(reply: _Message | None) -> tuple[_Chat, int] | None:
    """The channel post that a discussion-group message answers, named by the group's automatic copy."""
    if reply is None or not reply.is_automatic_forward:
        return None
    origin = reply.forward_origin
    if origin is not None and origin.type == "channel" and origin.chat and origin.message_id:
        return origin.chat, origin.message_id
    if reply.forward_from_chat is not None and reply.forward_from_message_id:
        return reply.forward_from_chat, reply.forward_from_message_id
    return None


def _parent(sent: _Message) -> ParentRef | None:
    reply = sent.reply_to_message
    if reply is None or reply.forum_topic_created is not None:  # a forum topic's opening, not a reply
        return None
    chat, replied = _channel_post(reply) or (sent.chat, reply.message_id)
    return ParentRef(external_id=f"{chat.id}:{replied}", url=_http(_link(chat, replied)))


def _link(chat: _Chat, message_id: int) -> str | None:
    if chat.username:
        return f"https://t.me/{chat.username}/{message_id}"
    if chat.type in ("supergroup", "channel") and chat.id < -(10**12):  # Bot API ids are -100{internal}
        return f"https://t.me/c/{-chat.id - 10**12}/{message_id}"
    return None


def _author(sent: _Message) -> Author:
    """Who wrote it: the chat it was sent on behalf of, else the user."""
    if sent.sender_chat is not None:
        chat = sent.sender_chat
        return Author(name=(chat.title or "")[:500], url=_profile(chat.username), external_id=str(chat.id))
    if sent.from_ is not None:
        user = sent.from_
        name = " ".join(part for part in (user.first_name, user.last_name) if part)
        # 152-FZ: a person's Telegram id is not kept (the name and public profile link are what the case
        # shows); a chat's id is an organisation's and stays.
        return Author(name=name[:500], url=_profile(user.username), external_id=None)
    return Author()


def _profile(username: str | None) -> HttpUrl | None:
    return HttpUrl(f"https://t.me/{username}") if username else None


def _http(url: str | None) -> HttpUrl | None:
    return HttpUrl(url) if url else None


_MEDIA: tuple[tuple[str, Literal["video", "doc", "audio"]], ...] = (
    ("video", "video"),
    ("animation", "video"),
    ("video_note", "video"),
    ("document", "doc"),  # an animation comes with its document too: the same file, counted once
    ("audio", "audio"),
    ("voice", "audio"),
)


def _attachments(sent: _Message) -> list[Attachment]:
    found = [Attachment(type="photo")] if sent.photo else []
    seen = set()
    for field, kind in _MEDIA:
        media: _File | None = getattr(sent, field)
        if media is not None and media.file_id not in seen:
            seen.add(media.file_id)
            parts = (media.performer, media.title) if field == "audio" else (media.file_name,)
            found.append(Attachment(type=kind, title=" — ".join(p for p in parts if p)[:1000]))
    if sent.location is not None:
        title = f"location {sent.location.latitude:.6f}, {sent.location.longitude:.6f}"
        found.append(Attachment(type="other", title=title))
    return found


_M = TypeVar("_M", bound=BaseModel)


def _validated(model: type[_M], data: dict[str, Any]) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadPayload(_reason(exc)) from None


def _reason(exc: ValidationError, where: str = "") -> str:
    """The first problem, located: `message.chat.id: Input should be a valid integer`."""
    first = exc.errors(include_url=False)[0]
    path = ".".join(str(part) for part in [*([where] if where else []), *first["loc"]]) or "body"
    more = exc.error_count() - 1
    return f"{path}: {first['msg']}" + (f" (and {more} more)" if more else "")
