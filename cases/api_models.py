"""The staff API's request bodies: one pydantic model per command (§8–§22), and how each calls the domain.

Every command carries the case ``version`` the person saw: a command on a case that has moved on is
refused (409) instead of being applied to a state nobody looked at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from cases import commands as c
from cases.model import Actor, Case
from cases.ports import NotifyBy
from cases.schedule import DuePlanner

Result = tuple[Case, list[Any]]


class NotifyChoice(BaseModel):
    """``POST /api/me/notify``: how a person is told (not a case command: no version)."""

    model_config = ConfigDict(extra="forbid")
    notify_by: NotifyBy = Field(description="email: письмом сразу; digest: сводкой раз в день; inapp: только в "
                                            "веб-клиенте")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    version: int = Field(ge=1, description="the case version the person saw")


class BulkItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=200)
    version: int = Field(ge=1)


class Route(Body):
    agency_ids: list[str] = Field(min_length=1, max_length=20)


class ReRoute(Body):
    agency_ids: list[str] = Field(min_length=1, max_length=20, description="the new order of agencies")
    reason: str = Field(default="", max_length=5000)


class PassOn(Body):
    agency_id: str | None = Field(default=None, max_length=100,
                                  description="the agency to pass the joint answer to (default: the next in the order)")


class Reason(Body):
    reason: str = Field(default="", max_length=5000)


class OptionalReason(Body):
    reason: str | None = Field(default=None, max_length=5000)


class AssignExecutor(Body):
    executor_uid: str = Field(min_length=1, max_length=200, description="one of the agency's active executors "
                                                                          "(GET /api/staff)")
    # Their name, set by the service from the staff directory (never taken from the request).
    executor_name: SkipJsonSchema[str] = Field(default="", exclude=True)


class Text(Body):
    text: str = Field(default="", max_length=20000)


class SubmitDraft(Body):
    text: str = Field(default="", max_length=20000)
    attachments: list[Annotated[str, Field(max_length=2000)]] = Field(default_factory=list, max_length=20)
    intermediate: bool = False
    measures_taken: str | None = Field(default=None, max_length=20000)


class Approve(Body):
    rating: int | None = None


class Rework(Body):
    comment: str = Field(default="", max_length=5000)


class Publish(Body):
    url: str = Field(default="", max_length=2000)


class Dismiss(Body):
    reason: str = Field(min_length=1, max_length=100, description="a code of the dismissal reasons' list "
                                                                    "(GET /api/dismissal-reasons)")
    note: str | None = Field(default=None, max_length=2000)
    # Its wording, set by the service from the list (never taken from the request).
    label: SkipJsonSchema[str] = Field(default="", exclude=True)


class BulkDismiss(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cases: list[BulkItem] = Field(min_length=1, max_length=200, description="the selected rows")
    reason: str = Field(min_length=1, max_length=100)
    note: str | None = Field(default=None, max_length=2000)


class LinkRepeat(Body):
    earlier_case_id: str = Field(default="", max_length=200)


@dataclass(frozen=True)
class Command:
    body: type[Body]
    run: Callable[[Case, Actor, Any, datetime, DuePlanner], Result]


COMMANDS: dict[str, Command] = {
    "route": Command(Route, lambda k, a, b, now, p: c.route(k, a, b.agency_ids, now, p)),
    "return_not_competent": Command(Reason, lambda k, a, b, now, p: c.return_not_competent(k, a, b.reason, now, p)),
    "accept": Command(Body, lambda k, a, b, now, p: c.accept(k, a, now)),
    "assign_executor": Command(AssignExecutor, lambda k, a, b, now, p: c.assign_executor(
        k, a, b.executor_uid, now, b.executor_name)),
    "contribute": Command(Text, lambda k, a, b, now, p: c.contribute(k, a, b.text, now, p)),
    "pass_on": Command(PassOn, lambda k, a, b, now, p: c.pass_on(k, a, b.agency_id, now, p)),
    "submit_draft": Command(SubmitDraft, lambda k, a, b, now, p: c.submit_draft(
        k, a, b.text, b.attachments, b.intermediate, b.measures_taken, now, p)),
    "approve": Command(Approve, lambda k, a, b, now, p: c.approve(k, a, b.rating, now, p)),
    "return_for_rework": Command(Rework, lambda k, a, b, now, p: c.return_for_rework(k, a, b.comment, now, p)),
    "publish": Command(Publish, lambda k, a, b, now, p: c.publish(k, a, b.url, now, p)),
    "close": Command(Body, lambda k, a, b, now, p: c.close(k, a, now)),
    "link_repeat": Command(LinkRepeat, lambda k, a, b, now, p: c.link_repeat(k, a, b.earlier_case_id, now)),
    "flag_exclusion": Command(Reason, lambda k, a, b, now, p: c.flag_exclusion(k, a, b.reason, now)),
    "dismiss_exclusion": Command(Body, lambda k, a, b, now, p: c.dismiss_exclusion(k, a, now)),
    "confirm_exclusion": Command(OptionalReason, lambda k, a, b, now, p: c.confirm_exclusion(k, a, now, b.reason)),
    "reverse_exclusion": Command(Body, lambda k, a, b, now, p: c.reverse_exclusion(k, a, now, p)),
    "mark_significant": Command(Reason, lambda k, a, b, now, p: c.mark_significant(k, a, b.reason, now)),
    "request_intermediate": Command(Reason, lambda k, a, b, now, p: c.request_intermediate(k, a, b.reason, now)),
    "reroute": Command(ReRoute, lambda k, a, b, now, p: c.reroute(k, a, b.agency_ids, b.reason, now, p)),
    "withdraw": Command(Reason, lambda k, a, b, now, p: c.withdraw(k, a, b.reason, now, p)),
    "dismiss": Command(Dismiss, lambda k, a, b, now, p: c.dismiss(k, a, b.reason, b.label, b.note, now)),
    "reopen": Command(Body, lambda k, a, b, now, p: c.reopen(k, a, now, p)),
}
