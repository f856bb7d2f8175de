"""Agencies and staff: the admin's reference data (what `python -m admin` manages).

Staff are Firebase users whose custom claims carry ``role`` and ``agency_id``; ``staff/{uid}`` mirrors
them for the web client and for finding who to notify.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vocabulary import AGENCY_ROLES, ROLE_LABELS, Role

KINDS = ("ministry", "committee", "agency", "directorate", "other")


class AgencyRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{1,62}$")
    name: str = Field(min_length=3, max_length=300)
    short_name: str = Field(min_length=2, max_length=100)
    kind: str = Field(default="other", pattern="^(" + "|".join(KINDS) + ")$")


class StaffError(ValueError):
    pass


def read_agencies_file(path: Path) -> list[AgencyRecord]:
    """A JSON file: a list of agencies, or an object with an ``agencies`` list (the demo file's shape)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise StaffError(f"cannot read {path}: {err}") from err
    items = data.get("agencies") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise StaffError(f"{path}: expected a non-empty list of agencies")
    records = []
    for index, item in enumerate(items):
        try:
            records.append(AgencyRecord.model_validate(item))
        except ValidationError as err:
            first = err.errors()[0]
            raise StaffError(f"{path}: agency #{index + 1}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from err
    ids = [r.id for r in records]
    if len(set(ids)) != len(ids):
        raise StaffError(f"{path}: duplicate agency ids")
    return records


@dataclass(frozen=True)
class StaffMember:
    email: str
    role: str
    agency_id: str | None
    name: str = ""

    def check(self, known_agencies: set[str]) -> None:
        """Refusals in Russian: the admin's screen shows them as they are (the CLI too)."""
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", self.email):
            raise StaffError(f"это не адрес электронной почты: {self.email!r}")
        if self.role not in tuple(Role):
            raise StaffError(f"неизвестная роль {self.role!r}; возможны: {', '.join(tuple(Role))}")
        label = ROLE_LABELS[Role(self.role)]
        if self.role in AGENCY_ROLES and not self.agency_id:
            raise StaffError(f"для роли «{label}» нужен орган власти (--agency)")
        if self.role not in AGENCY_ROLES and self.agency_id:
            raise StaffError(f"у роли «{label}» нет органа власти")
        if self.agency_id and self.agency_id not in known_agencies:
            raise StaffError(f"нет органа власти {self.agency_id!r}; сначала добавьте его")

    def claims(self) -> dict[str, Any]:
        return {"role": self.role, **({"agency_id": self.agency_id} if self.agency_id else {})}


class StaffCreate(BaseModel):
    """The admin's screen: a new staff member (POST /api/admin/staff)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    email: str = Field(min_length=3, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    role: Role
    agency_id: str | None = Field(default=None, max_length=100)


class StaffChange(BaseModel):
    """The admin's screen: what changes for a staff member (POST /api/admin/staff/<uid>); absent: unchanged."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    agency_id: str | None = Field(default=None, max_length=100, description="empty: none (roles without an agency)")
    active: bool | None = None


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    label: str = Field(min_length=3, max_length=300)


class Reasons(BaseModel):
    """The dismissal reasons, whole (POST /api/admin/dismissal-reasons)."""

    model_config = ConfigDict(extra="forbid")
    reasons: list[Reason] = Field(min_length=1, max_length=50)


class WebSettings(BaseModel):
    """The web client's settings (POST /api/admin/web-settings, ``settings/web``)."""

    model_config = ConfigDict(extra="forbid")
    session_only: bool = Field(description="sign-in lasts until the browser is closed (shared workstations)")


def staff_doc(member: StaffMember, uid: str, now: datetime) -> dict[str, Any]:
    return {"uid": uid, "email": member.email, "name": member.name, "role": member.role,
            "agency_id": member.agency_id, "active": True, "updated_at": now}
