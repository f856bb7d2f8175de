"""VK Callback API requests become intake events (§6). Pure: the raw body in, a value out.

One object keeps one external id through its new, edit and delete events:

    wall post       wall{owner}_{post}              https://vk.com/wall{owner}_{post}
    wall reply      wall{owner}_{post}_r{id}        https://vk.com/wall{owner}_{post}?reply={id}
    board comment   board{owner}_{topic}_c{id}      https://vk.com/topic{owner}_{topic}?post={id}
    photo comment   photo{owner}_{photo}_c{id}      https://vk.com/photo{owner}_{photo}
    video comment   video{owner}_{video}_c{id}      https://vk.com/video{owner}_{video}
    market comment  market{owner}_{item}_c{id}      https://vk.com/product{owner}_{item}

Owners are VK owner ids, negative for communities (``wall-123_45``); a board topic always belongs to a
community, so its owner is made negative whatever sign the event carries. VK has no public link to a
single photo, video or product comment: those link to the commented object. ``*_restore`` events and
every type not named above are ``Ignored``; VK sends no edit event for wall posts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from intake.events import (
    BadPayload,
    DeletedMessage,
    EditedMessage,
    Ignored,
    NewMessage,
    VkConfirmation,
    VkEnvelope,
    json_object,
)
from intake.models import Attachment, Author, Engagement, Message, Network, ParentRef

_Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
_Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
_Unix = Annotated[int, Field(ge=0, le=253_402_300_799)]  # up to 9999-12-31


class _Raw(BaseModel):
    # VK adds fields over time: ignore what we do not read, but take no "1" for 1.
    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)


class _Envelope(_Raw):
    type: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    group_id: _Id
    event_id: str | None = Field(default=None, max_length=200)
    v: str | None = Field(default=None, max_length=20)
    secret: str | None = Field(default=None, max_length=500)
    object: dict[str, Any] | None = None


class _Count(_Raw):
    count: int = Field(default=0, ge=0, le=2**63 - 1)


class _Located(_Raw):
    """Every field by which VK's comment events name the commented object; the event kind picks two."""

    owner_id: _Int64 | None = None
    post_owner_id: _Int64 | None = None
    post_id: _Id | None = None
    topic_owner_id: _Int64 | None = None
    topic_id: _Id | None = None
    photo_owner_id: _Int64 | None = None
    photo_id: _Id | None = None
    video_owner_id: _Int64 | None = None
    video_id: _Id | None = None
    market_owner_id: _Int64 | None = None
    item_id: _Id | None = None


class _Post(_Raw):
    id: _Id
    from_id: _Int64
    date: _Unix
    text: str = ""
    attachments: list[dict[str, Any]] = Field(default_factory=list)
    likes: _Count = _Count()


class _WallPost(_Post):
    owner_id: _Int64
    reposts: _Count = _Count()
    comments: _Count = _Count()
    views: _Count = _Count()


class _Comment(_Post, _Located):
    pass


class _Deletion(_Located):
    id: _Id
    deleter_id: _Int64 | None = None


class _Kind(NamedTuple):
    """Where comments of one kind live, and the object fields naming that place."""

    prefix: str  # of our external id
    path: str  # of VK's own link
    query: str  # VK's link parameter naming the comment, when VK has one
    owner: str  # new/edit object fields, space-separated: the first present wins
    item: str

    def located_in(self, located: _Located, deleted: bool = False) -> _Spot:
        # Delete objects say `owner_id`, except the board's; all say the item as new objects first do.
        board = self.path == "topic"
        owners = ["owner_id"] if deleted and not board else self.owner.split()
        items = self.item.split()[:1] if deleted else self.item.split()
        owner = next((v for name in owners if (v := getattr(located, name)) is not None), None)
        item = next((v for name in items if (v := getattr(located, name)) is not None), None)
        if owner is None or item is None:
            raise BadPayload(f"object.{owners[0] if owner is None else items[0]}: Field required")
        # A board topic belongs to a community, whatever sign the event gives its owner.
        return _Spot(self, -abs(owner) if board else owner, item)


_WALL = _Kind("wall", "wall", "reply", "owner_id post_owner_id", "post_id")
_KINDS = {
    "wall_reply": _WALL,
    "board_post": _Kind("board", "topic", "post", "topic_owner_id", "topic_id"),
    "photo_comment": _Kind("photo", "photo", "", "photo_owner_id", "photo_id"),
    "video_comment": _Kind("video", "video", "", "video_owner_id", "video_id"),
    # VK's docs name the product `item_id`; its JSON schema says `photo_id`.
    "market_comment": _Kind("market", "product", "", "market_owner_id", "item_id photo_id"),
}


class _Spot(NamedTuple):
    """The commented object: a wall post, board topic, photo, video or market item."""

    kind: _Kind
    owner: int
    item: int

    def external_id(self) -> str:
        return f"{self.kind.prefix}{self.owner}_{self.item}"

    def url(self) -> str:
        return f"https://vk.com/{self.kind.path}{self.owner}_{self.item}"

    def comment_id(self, comment: int) -> str:
        return f"{self.external_id()}{'_r' if self.kind is _WALL else '_c'}{comment}"

    def comment_url(self, comment: int) -> str:
        return f"{self.url()}?{self.kind.query}={comment}" if self.kind.query else self.url()


def parse_vk(body: bytes) -> VkConfirmation | VkEnvelope:
    """One Callback API request: the confirmation handshake, or an event of a community (§6)."""
    envelope = _validated(_Envelope, json_object(body))
    if envelope.type == "confirmation":
        return VkConfirmation(group_id=envelope.group_id)
    return VkEnvelope(
        group_id=envelope.group_id,
        secret=envelope.secret,
        event=_event(envelope),
        event_type=envelope.type,
        extra={"v": envelope.v} if envelope.v else {},
    )


def _event(envelope: _Envelope) -> NewMessage | EditedMessage | DeletedMessage | Ignored:
    stem, _, action = envelope.type.rpartition("_")
    delivery = envelope.event_id
    if envelope.type == "wall_post_new":
        return NewMessage(_post_message(_object(envelope, _WallPost)), delivery_id=delivery)
    if stem in _KINDS and action in ("new", "edit"):
        message = _comment_message(_KINDS[stem], _object(envelope, _Comment))
        if action == "new":
            return NewMessage(message, delivery_id=delivery)
        return EditedMessage(message, delivery_id=delivery)
    if stem in _KINDS and action == "delete":
        gone = _object(envelope, _Deletion)
        external_id = _KINDS[stem].located_in(gone, deleted=True).comment_id(gone.id)
        deleter = None if gone.deleter_id is None else str(gone.deleter_id)
        return DeletedMessage(Network.vk, external_id, delivery_id=delivery, deleted_by=deleter)
    return Ignored(kind=envelope.type, delivery_id=delivery)


_M = TypeVar("_M", bound=BaseModel)


def _object(envelope: _Envelope, model: type[_M]) -> _M:
    if envelope.object is None:
        raise BadPayload(f"a '{envelope.type}' event needs an 'object'")
    return _validated(model, envelope.object, where="object")


def _post_message(post: _WallPost) -> Message:
    spot = _Spot(_WALL, post.owner_id, post.id)
    engagement = Engagement(**{name: getattr(post, name).count for name in Engagement.model_fields})
    return _message(spot.external_id(), spot.url(), post, engagement, parent=None)


def _comment_message(kind: _Kind, comment: _Comment) -> Message:
    spot = kind.located_in(comment)
    parent = ParentRef(external_id=spot.external_id(), url=HttpUrl(spot.url()))
    engagement = Engagement(likes=comment.likes.count)
    return _message(spot.comment_id(comment.id), spot.comment_url(comment.id), comment, engagement, parent)


def _message(
    external_id: str, url: str, post: _Post, engagement: Engagement, parent: ParentRef | None
) -> Message:
    try:
        return Message(
            network=Network.vk,
            external_id=external_id,
            url=HttpUrl(url),
            author=_author(post.from_id),
            text=post.text,
            posted_at=datetime.fromtimestamp(post.date, UTC),
            attachments=[_attachment(item) for item in post.attachments[:100]],
            engagement=engagement,
            parent=parent,
        )
    except ValidationError as exc:
        raise BadPayload(_reason(exc, "object")) from None


def _author(from_id: int) -> Author:
    """VK gives only the id: positive for a person, negative for a community."""
    url = f"https://vk.com/id{from_id}" if from_id > 0 else f"https://vk.com/club{-from_id}"
    return Author(url=HttpUrl(url) if from_id else None, external_id=str(from_id))


_TYPES: dict[str, Literal["photo", "video", "audio", "doc", "link"]] = {
    "photo": "photo",
    "posted_photo": "photo",
    "graffiti": "photo",
    "video": "video",
    "audio": "audio",
    "audio_message": "audio",
    "doc": "doc",
    "link": "link",
}
_MEDIA_PATHS = {"video": "video", "audio": "audio", "market": "product"}


def _attachment(raw: dict[str, Any]) -> Attachment:
    """Never loses the message over an odd attachment: an unknown kind becomes "other", titled by kind."""
    kind = raw["type"] if isinstance(raw.get("type"), str) else "other"
    body = raw[kind] if isinstance(raw.get(kind), dict) else {}
    found = (v for k in ("title", "question", "text") if isinstance(v := body.get(k), str) and v)
    title = next(found, "" if kind in _TYPES else kind)
    if kind == "audio" and isinstance(body.get("artist"), str):
        title = f"{body['artist']} — {title}"
    url = _attachment_url(kind, body)
    try:
        return Attachment(
            type=_TYPES.get(kind, "other"), url=HttpUrl(url) if url else None, title=title[:1000]
        )
    except ValidationError:  # a url VK should not have sent: keep the attachment without it
        return Attachment(type=_TYPES.get(kind, "other"), title=title[:1000])


def _attachment_url(kind: str, body: dict[str, Any]) -> str | None:
    if kind == "photo":
        sizes: list[Any] = body["sizes"] if isinstance(body.get("sizes"), list) else []
        urls = [
            s
            for s in [*sizes, body.get("orig_photo")]
            if isinstance(s, dict) and isinstance(s.get("url"), str)
        ]
        # Sizes come smallest first; on a tie (sizes without dimensions) the later one wins.
        return str(max(reversed(urls), key=_area)["url"]) if urls else None
    if kind in ("doc", "link"):
        return body["url"] if isinstance(body.get("url"), str) else None
    owner, item = body.get("owner_id"), body.get("id")
    if kind in _MEDIA_PATHS and isinstance(owner, int) and isinstance(item, int):
        return f"https://vk.com/{_MEDIA_PATHS[kind]}{owner}_{item}"
    return None


def _area(size: dict[str, Any]) -> int:
    width, height = size.get("width"), size.get("height")
    return width * height if isinstance(width, int) and isinstance(height, int) else 0


def _validated(model: type[_M], data: dict[str, Any], where: str = "") -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadPayload(_reason(exc, where)) from None


def _reason(exc: ValidationError, where: str = "") -> str:
    """The first problem, located: `object.from_id: Input should be a valid integer`."""
    first = exc.errors(include_url=False)[0]
    path = ".".join(str(part) for part in [*([where] if where else []), *first["loc"]]) or "body"
    more = exc.error_count() - 1
    return f"{path}: {first['msg']}" + (f" (and {more} more)" if more else "")
