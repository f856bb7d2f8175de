"""The one normalised message every sender's payload becomes, and what intake makes of it (§6)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, HttpUrl

from vocabulary import Network


class SourceKind(StrEnum):
    monitoring = "monitoring"
    vk = "vk"
    telegram = "telegram"


class Author(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="", max_length=500)
    url: HttpUrl | None = None
    external_id: str | None = Field(default=None, max_length=200)


class Attachment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["photo", "video", "audio", "doc", "link", "other"] = "other"
    url: HttpUrl | None = None
    title: str = Field(default="", max_length=1000)


class Engagement(BaseModel):
    model_config = ConfigDict(extra="forbid")
    likes: int = Field(default=0, ge=0)
    reposts: int = Field(default=0, ge=0)
    comments: int = Field(default=0, ge=0)
    views: int = Field(default=0, ge=0)


class ParentRef(BaseModel):
    """The post a comment replies to (VK wall reply, Telegram discussion comment)."""

    model_config = ConfigDict(extra="forbid")
    external_id: str
    url: HttpUrl | None = None


def _plausible(moment: datetime) -> datetime:
    """An instant a message can have: from 1970 to 2200 in UTC (the edges of the datetime range overflow
    when converted, and no social network is older than 1970)."""
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("the instant is outside the supported range") from None
    if not 1970 <= utc.year <= 2200:
        raise ValueError("the instant must be between 1970 and 2200")
    return moment


Instant = Annotated[AwareDatetime, AfterValidator(_plausible)]


class Message(BaseModel):
    """A citizen's public message, whatever network and sender it came from."""

    model_config = ConfigDict(extra="forbid")
    network: Network
    external_id: str = Field(min_length=1, max_length=300)
    url: HttpUrl | None = None
    author: Author = Author()
    text: str = Field(default="", max_length=100_000)
    posted_at: Instant | None = None
    attachments: list[Attachment] = Field(default_factory=list, max_length=100)
    engagement: Engagement = Engagement()
    parent: ParentRef | None = None

    def case_id(self) -> str:
        return case_id_for(self.network, self.external_id)


class SourceRef(BaseModel):
    kind: SourceKind
    id: str
    name: str = ""


def canonical_external_id(external_id: str) -> str:
    """Trimmed and case-folded where case carries no meaning (VK and Telegram ids are numeric)."""
    return external_id.strip()


def case_id_for(network: Network | str, external_id: str) -> str:
    """Deterministic case id from (network, canonical external id): redeliveries meet the same document."""
    key = f"{Network(network).value}:{canonical_external_id(external_id)}"
    return f"{Network(network).value}-{hashlib.sha256(key.encode()).hexdigest()[:24]}"


class Outcome(StrEnum):
    created = "created"
    duplicate = "duplicate"
    updated = "updated"
    rejected = "rejected"
    ignored = "ignored"


class ItemResult(BaseModel):
    index: int | None = None
    external_id: str | None = None
    outcome: Outcome
    case_id: str | None = None
    reason: str | None = None


def aware(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValueError("naive datetime")
    return dt
