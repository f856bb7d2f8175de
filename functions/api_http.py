"""The staff API (thin): authenticate, parse, call the case service, map domain errors to HTTP.

POST /api/cases/<id>/<command>   one endpoint per command of the decree (body: JSON with ``version``)
GET  /api/cases/<id>             the case, for whoever may see it
GET  /api/cases/<id>/events      its audit trail (§20), in order
GET  /api/me                     who the token says you are (and how they chose to be notified)
POST /api/me/notify              {"notify_by": "email" | "digest" | "inapp"}
POST /api/notifications/<id>/read, POST /api/notifications/read-all   one's own notifications read
GET  /api/dismissal-reasons      why a message may need no reaction: [{code, label}]
GET  /api/staff                  the active staff by name (an agency's staff: their own agency's)
GET  /api/calendar               the working intervals of the next weeks, per calendar, and each stage's calendar
POST /api/bulk/dismiss           {"cases": [{"id", "version"}], "reason", "note"}: the curator's bulk dismissal
GET, POST /api/admin/...         the admin's screen: staff, agencies, dismissal reasons (functions/admin_http.py)
GET  /api/openapi.json           this API's OpenAPI document
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from flask import Request, Response

from functions.body import UnreadableBody, json_object

log = logging.getLogger(__name__)
# JSON for the staff's own eyes: never sniffed as something else, never cached, never framed.
API_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
               "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"}


def _json(status: int, body: Any) -> Response:
    text = json.dumps(body, ensure_ascii=False, default=_default)
    return Response(text, status=status, mimetype="application/json", headers=API_HEADERS)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _error(status: int, code: str, message: str, **extra: Any) -> Response:
    return _json(status, {"error": code, "message": message, **extra})


def api(request: Request) -> Response:
    from cases.errors import DomainError
    from cases.ports import StoreUnavailable
    from infra.identity import IdentityUnavailable, NoRole, Unauthenticated
    from workflow.service import BadBody

    parts = [p for p in request.path.split("/") if p][1:]  # after "api"
    try:
        return _dispatch(request, parts)
    except UnreadableBody as err:
        return _error(err.status, err.code, err.message)
    except Unauthenticated as err:
        return _error(401, "unauthenticated", str(err))
    except NoRole as err:
        return _error(403, "no_role", str(err))
    except BadBody as err:
        return _error(422, "invalid_body", err.message, field=err.field)
    except DomainError as err:
        return _error(_STATUS.get(type(err).__name__, 422), err.code, err.message,
                      **{k: v for k, v in err.to_dict().items() if k not in ("code", "message")})
    except IdentityUnavailable:
        log.warning("staff API: Firebase Auth unavailable", exc_info=True)
        return _error(503, "unavailable", "Служба входа временно недоступна, повторите через несколько секунд.")
    except StoreUnavailable:
        log.warning("staff API: Firestore unavailable", exc_info=True)
        return _error(503, "unavailable", "Хранилище временно недоступно, повторите через несколько секунд.")


_STATUS = {"NotAllowed": 403, "WrongState": 409, "VersionConflict": 409, "Invalid": 422, "NotFound": 404}


def _allowed_method(parts: list[str]) -> str | None:
    """The one method an address takes, or None for no such address."""
    if parts[:1] == ["admin"]:
        from functions.admin_http import allowed_method

        return allowed_method(parts[1:])
    if parts in (["openapi.json"], ["me"], ["dismissal-reasons"], ["staff"], ["calendar"]):
        return "GET"
    if parts in (["me", "notify"], ["notifications", "read-all"], ["bulk", "dismiss"]) or (
            len(parts) == 3 and parts[0] == "notifications" and parts[2] == "read"):
        return "POST"
    if len(parts) == 2 and parts[0] == "cases":
        return "GET"
    if len(parts) == 3 and parts[0] == "cases":
        return "GET" if parts[2] == "events" else "POST"
    return None


def _dispatch(request: Request, parts: list[str]) -> Response:
    method = _allowed_method(parts)
    if method is None:
        return _error(404, "not_found", f"Нет такого адреса: {request.path}")
    if request.method != method:
        response = _error(405, "method_not_allowed", f"Этот адрес принимает только {method}.")
        response.headers["Allow"] = method
        return response
    if parts == ["openapi.json"]:
        from cases.openapi import build

        return _json(200, build())
    actor = _actor(request)
    if parts == ["me"]:
        return _json(200, {**actor.model_dump(), "notify_by": _notify_by(actor.uid)})
    if parts[0] in ("me", "notifications"):
        return _notifications(request, actor, parts)
    if parts == ["dismissal-reasons"]:
        import bootstrap

        reasons = bootstrap.case_service().dismissal_reasons()
        return _json(200, {"reasons": [{"code": code, "label": label} for code, label in reasons.items()]})
    if parts == ["bulk", "dismiss"]:
        return _dismiss_many(request, actor)
    if parts == ["staff"]:
        return _staff(actor)
    if parts == ["calendar"]:
        return _calendar()
    if parts[0] == "admin":
        from functions.admin_http import handle

        return _json(*handle(request, actor, parts[1:]))
    if method == "POST":
        return _command(request, actor, parts[1], parts[2])
    return _read(actor, parts[1], events=len(parts) == 3)


def _notify_by(uid: str) -> str:
    import bootstrap

    person = bootstrap.staff().person(uid)
    return person.notify_by if person else "email"


def _notifications(request: Request, actor: Any, parts: list[str]) -> Response:
    """A person's own notifications: mark one or all read; choose how to be told."""
    import bootstrap

    store = bootstrap.notifications()
    if parts == ["me", "notify"]:
        from cases.api_models import NotifyChoice
        from workflow.service import parse_body

        choice = parse_body(NotifyChoice, json_object(request))
        store.set_notify_by(actor.uid, choice.notify_by)
        return _json(200, {"uid": actor.uid, "notify_by": choice.notify_by})
    if parts == ["notifications", "read-all"]:
        return _json(200, {"marked": store.mark_all_read(actor.uid)})
    from cases.documents import valid_document_id
    from cases.errors import NotFound

    if not valid_document_id(parts[1]):
        raise NotFound("Нет такого уведомления.")
    store.mark_read(actor.uid, parts[1])
    return _json(200, {"id": parts[1], "read": True})


def _actor(request: Request) -> Any:
    from cases.model import Actor
    from infra.identity import verify_bearer

    who = verify_bearer(request.headers.get("Authorization"))
    return Actor(uid=who.uid, role=who.role, agency_id=who.agency_id, name=who.name or who.email)


def _command(request: Request, actor: Any, case_id: str, command: str) -> Response:
    import bootstrap

    committed = bootstrap.case_service().execute(case_id, actor, command, json_object(request))
    return _json(200, {"case_id": case_id, "state": committed.case.state.value, "version": committed.case.version,
                       "events": [e.to_dict() for e in committed.events],
                       "deadlines": committed.fields["deadlines"]})


CALENDAR_DAYS = 45


def _calendar() -> Response:
    """What the web client needs to count working time left to a deadline: for the curators' and the
    agencies' calendars, the working intervals (ISO instants) from yesterday to ``CALENDAR_DAYS`` ahead,
    and which calendar each stage counts on (``clock``: clock time)."""
    from datetime import datetime, time, timedelta

    import bootstrap

    policy = bootstrap.policy()()
    zone = policy.agency_calendar.tz
    today = bootstrap.clock()().astimezone(zone).date()

    def intervals(calendar: Any) -> list[list[str]]:
        out = []
        for offset in range(-1, CALENDAR_DAYS):
            day = today + timedelta(days=offset)
            midnight = datetime.combine(day, time(0), tzinfo=calendar.tz)
            out += [[(midnight + timedelta(minutes=a)).isoformat(), (midnight + timedelta(minutes=b)).isoformat()]
                    for a, b in calendar.schedule(day)]
        return out

    return _json(200, {"from": (today - timedelta(days=1)).isoformat(),
                       "to": (today + timedelta(days=CALENDAR_DAYS)).isoformat(),
                       "calendars": {"curator": intervals(policy.curator_calendar),
                                     "agency": intervals(policy.agency_calendar)},
                       "stages": {str(rule.stage): rule.calendar for rule in policy.rules}})


def _staff(actor: Any) -> Response:
    """The staff directory (§7, §20): whom a lead may assign, and the names behind the trail's uids. An
    agency's staff see their own agency's people; curators, supervisors and admins everyone (admins with
    e-mails)."""
    import bootstrap
    from cases.errors import NotAllowed

    if actor.role in ("executor", "agency_lead"):
        if not actor.agency_id:
            raise NotAllowed("Вы не прикреплены к органу власти.", code="no_agency")
        people = bootstrap.staff().directory(actor.agency_id)
    else:
        people = bootstrap.staff().directory()
    return _json(200, {"staff": [
        {"uid": p.uid, "name": p.name or p.email, "role": p.role, "agency_id": p.agency_id,
         **({"email": p.email} if actor.role == "admin" else {})} for p in people]})


def _dismiss_many(request: Request, actor: Any) -> Response:
    import bootstrap
    from cases.api_models import BulkDismiss
    from cases.errors import NotAllowed
    from workflow.service import parse_body

    parsed = parse_body(BulkDismiss, json_object(request))
    if actor.role != "curator":
        raise NotAllowed("Отмечать сообщения как не требующие реагирования может только куратор.",
                         code="role_not_allowed")
    results = bootstrap.case_service().dismiss_many(actor, [(i.id, i.version) for i in parsed.cases], parsed.reason,
                                                    parsed.note)
    return _json(200, {"results": results, "dismissed": sum(1 for r in results if r["ok"])})


def _read(actor: Any, case_id: str, *, events: bool) -> Response:
    import bootstrap
    from workflow.service import readable

    cases = bootstrap.cases()
    doc = cases.get(case_id)
    readable(doc, actor)  # not found, whether it exists or not, for whoever may not read it
    if events:
        return _json(200, {"case_id": case_id, "events": cases.events(case_id)})
    doc.get("raw", {}).pop("payload", None)  # the sender's raw payload is for audit, not for the screen
    return _json(200, doc)
