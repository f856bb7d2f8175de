"""From an event to the people it concerns: an in-app notification each, and an e-mail as each chose.

The outbox's handler for every event ``notify.rules`` knows. For each recipient of each notice: an in-app
notification (always), and by their choice (``staff/{uid}.notify_by``) a mail now, or in the day's
digest, or none. Urgent mail (a missed 1-hour stage, §22) goes at once; the rest waits for the
recipient's working time (the curators' calendar for the Administration, the agencies' for an agency's
staff). Every document's id is fixed by (event, recipient, kind) and created once, and a mail's Cloud Task
by its id: a redelivered event changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cases.errors import NotFound
from cases.ports import CaseRepository, Person, StaffDirectory
from deadlines.calendar import Calendar
from deadlines.worktime import next_working_time
from infra.tasks import TaskQueue, TaskRequest, TasksUnavailable, function_url
from notify import inapp
from notify.mail import Letter, MailStore, document, letter, mail_id
from notify.rules import AgencyNames, Notice, notices
from vocabulary import NETWORK_LABELS, ZONE, Network

log = logging.getLogger(__name__)

MAIL_PATH = "/tasks/mail"
AGENCY_ROLES = ("executor", "agency_lead")
SETTINGS_HINT = "способ получения уведомлений меняется в веб-клиенте"


@dataclass(frozen=True)
class Calendars:
    curators: Calendar
    agencies: Calendar

    def of(self, person: Person) -> Calendar:
        return self.agencies if person.role in AGENCY_ROLES else self.curators


@dataclass(frozen=True)
class Mailer:
    """What sending e-mail needs: where mail documents go, the queue that wakes the sender, where the
    functions and the web client are."""

    store: MailStore
    queue: TaskQueue
    base_url: str  # the functions: the sender's task target
    web_url: str  # the staff web client: the links in the letters
    calendars: Callable[[], Calendars]


def deliver_event(event: Mapping[str, Any], inbox: inapp.Inbox, staff: StaffDirectory, cases: CaseRepository,
                  agencies: AgencyNames, mailer: Mailer | None, zone: str = ZONE,
                  facts: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None) -> int:
    """Notify everyone the event concerns; how many notices were found."""
    try:
        case = cases.get(str(event["case_id"]))
    except NotFound:
        return 0
    found = notices(event, case, staff, agencies, zone, facts(case) if facts else None)
    for notice in found:
        for uid in notice.recipients:
            _in_app(inbox, event, case, notice, uid, zone)
            person = staff.person(uid)
            if mailer is not None and person is not None:
                _mail(mailer, event, case, notice, person)
    return len(found)


def _event_key(event: Mapping[str, Any]) -> str:
    return f"{event['case_id']}/{event['version']}"


def _in_app(inbox: inapp.Inbox, event: Mapping[str, Any], case: Mapping[str, Any], notice: Notice, uid: str,
            zone: str) -> None:
    p = event.get("payload") or {}
    if notice.kind in ("deadline_warning", "deadline_missed"):  # the ids and fields the client knows
        deadline = inapp.DeadlineNotice(notice.kind, str(event["case_id"]), p["key"], p["stage"], p["due"],  # type: ignore[arg-type]
                                        p.get("agency_id"), case.get("number"))
        inbox.put(inapp.notification_id(deadline, uid), inapp.document(deadline, uid, event["at"], zone))
        return
    doc_id = "n-" + hashlib.sha256(f"{_event_key(event)}|{notice.kind}|{uid}".encode()).hexdigest()[:32]
    inbox.put(doc_id, {"recipient_uid": uid, "case_id": event["case_id"], "kind": notice.kind,
                       "text": notice.title, "created_at": event["at"], "read": False})


def _mail(mailer: Mailer, event: Mapping[str, Any], case: Mapping[str, Any], notice: Notice, person: Person) -> None:
    message = case.get("message") or {}
    network = message.get("network")
    mail = letter(notice.title, notice.details, message_text=str(message.get("text") or "")[:2000],
                  network=NETWORK_LABELS.get(Network(network), network) if network in set(Network) else "",
                  case_url=case_url(mailer.web_url, str(event["case_id"])), settings_hint=SETTINGS_HINT)
    mail_person(mailer, person, mail, key=_event_key(event), kind=notice.kind, now=event["at"], urgent=notice.urgent,
                case_id=str(event["case_id"]))


def mail_person(mailer: Mailer, person: Person, mail: Letter, *, key: str, kind: str, now: datetime,
                urgent: bool = False, case_id: str | None = None,
                attachments: list[dict[str, str]] | None = None) -> bool:
    """One letter to one person, as they chose (at once, in the digest, or none), once per (key, person,
    kind): True if it was created now. Non-urgent mail waits for the person's working time."""
    if not person.email or person.notify_by == "inapp":
        return False
    digest = person.notify_by == "digest" and not urgent
    send_at = now if urgent or digest else next_working_time(mailer.calendars().of(person), now)
    the_id = mail_id(key, person.uid, kind)
    doc = document(person.email, mail, recipient_uid=person.uid, kind=kind, created_at=now, send_at=send_at,
                   urgent=urgent, digest=digest, case_id=case_id, event=key, attachments=attachments)
    created = mailer.store.create(the_id, doc)
    if created and not digest:
        schedule_mail(mailer.queue, mailer.base_url, the_id, send_at)
    return created


def schedule_mail(queue: TaskQueue, base_url: str, the_id: str, at: datetime, *retry: str) -> None:
    """The sender's task for one mail; an outage leaves it to the sweep (the mail waits as PENDING)."""
    name = "mail-" + hashlib.sha256("|".join((the_id, *retry)).encode()).hexdigest()[:40]
    try:
        queue.create(TaskRequest(name=name, url=function_url(base_url, MAIL_PATH), payload={"mail_id": the_id}, at=at))
    except TasksUnavailable as err:
        log.warning("Cloud Tasks unavailable for mail %s; the sweep sends it: %s", the_id, err)


def case_url(web_url: str, case_id: str) -> str:
    return f"{web_url.rstrip('/')}/web/#case={case_id}"
