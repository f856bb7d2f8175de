"""The admin's part of the staff API (/api/admin/...): staff, agencies and the dismissal reasons, managed
from the web client's admin screen as `python -m admin` manages them (admin.operations).

GET  /api/admin/staff                every staff member, active or not, with e-mail
POST /api/admin/staff/new            {email, name, role, agency_id}: a new member; the password, once
POST /api/admin/staff/<uid>          {name?, role?, agency_id?, active?}: effective at once (sessions revoked)
GET  /api/admin/agencies             the agencies
POST /api/admin/agencies/<id>        {name, short_name, kind}: add or change an agency
POST /api/admin/dismissal-reasons    {reasons: [{code, label}]}: the whole list
POST /api/admin/web-settings         {session_only: bool}: sign-in lasts only for the browser session
GET  /api/admin/triage               triage's routing model in use and the latest retrainings (docs/triage.md)
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Request

from functions.body import json_object

ADDRESSES = {("staff",): "GET", ("staff", "new"): "POST", ("agencies",): "GET", ("dismissal-reasons",): "POST",
             ("web-settings",): "POST", ("triage",): "GET"}


def allowed_method(parts: list[str]) -> str | None:
    """The one method an /api/admin/... address takes (`parts` after "admin"), or None."""
    if tuple(parts) in ADDRESSES:
        return ADDRESSES[tuple(parts)]
    return "POST" if len(parts) == 2 and parts[0] in ("staff", "agencies") else None


def handle(request: Request, actor: Any, parts: list[str]) -> tuple[int, Any]:
    """(status, body) of an admin call; refusals are the API's: ``NotAllowed``, ``BadBody``, ``Invalid``."""
    from admin import operations
    from admin.staff import (
        AgencyRecord,
        Reasons,
        StaffChange,
        StaffCreate,
        StaffError,
        StaffMember,
        WebSettings,
    )
    from cases.errors import Invalid, NotAllowed
    from infra.clock import system_clock
    from workflow.service import parse_body

    if actor.role != "admin":
        raise NotAllowed("Этот раздел доступен только администратору.", code="role_not_allowed")
    if request.method == "GET":
        if parts == ["staff"]:
            return 200, {"staff": operations.list_staff()}
        if parts == ["triage"]:
            return 200, triage_models()
        return 200, {"agencies": operations.list_agencies()}
    body = json_object(request)
    now = system_clock()
    try:
        if parts == ["staff", "new"]:
            new = parse_body(StaffCreate, body)
            password = secrets.token_urlsafe(12)
            doc = operations.add_staff(StaffMember(new.email, new.role.value, new.agency_id or None, new.name),
                                       password, now)
            return 201, {"staff": doc, "password": password}
        if parts[0] == "staff":
            return 200, {"staff": operations.update_staff(parts[1], parse_body(StaffChange, body), now)}
        if parts[0] == "agencies":
            record = parse_body(AgencyRecord, {**body, "id": parts[1]})
            operations.add_agency(record, now)
            return 200, {"agency": record.model_dump()}
        if parts == ["web-settings"]:
            return 200, {"web": operations.save_web_settings(parse_body(WebSettings, body).model_dump())}
        reasons = parse_body(Reasons, body)
        return 200, {"reasons": operations.save_dismissal_reasons([r.model_dump() for r in reasons.reasons])}
    except StaffError as err:
        raise Invalid(str(err)[:1].upper() + str(err)[1:] + ".", code="staff_refused") from err


def triage_models() -> dict[str, Any]:
    """The version in use (None: the rubricator) and the latest retrainings, for the admin."""
    import bootstrap

    store = bootstrap.triage_models()
    history = [{**m, "at": m["at"].isoformat() if m.get("at") else None} for m in store.history()]
    return {"in_use": store.in_use(), "models": history}
