"""The Head's immediate reports (§22): what a significant message's report adds (the Head's recipients,
the similar messages of the last days), and the surge alerts. Called by the outbox's handlers
(``outbox/registry.py``); idempotent like every handler (fixed ids, created once).

"The Head" is whoever the admin named in ``settings/oversight.head_uids`` (``python -m admin oversight``),
else every supervisor; the curators are told too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from cases.errors import NotFound
from cases.ports import CaseRepository, StaffDirectory
from notify.delivery import SETTINGS_HINT, Mailer, case_url, mail_person
from notify.inapp import Inbox, local_time
from notify.mail import letter
from oversight.settings import OversightSettings
from oversight.similar import most_similar
from oversight.surge import ActivityStore, Alert, observe
from vocabulary import STATE_LABELS, ZONE, CaseState

SIMILAR_DAYS = 3
SIMILAR_CANDIDATES = 500


class RecentCases(Protocol):
    def recent(self, since: datetime, limit: int, where: tuple[str, Any] | None = None) -> list[dict[str, Any]]:
        """The messages detected since `since`, newest first (only those whose field equals a value, when
        `where` says ``(field, value)``)."""
        ...


@dataclass(frozen=True)
class Oversight:
    """What the §22 handlers use besides the notifier's ports."""

    settings: Callable[[], OversightSettings]
    activity: ActivityStore
    recent: RecentCases
    names: Callable[[str, str], str]  # (kind, id) -> a Russian name: agency, municipality, topic
    clock: Callable[[], datetime]


def head_recipients(staff: StaffDirectory, settings: OversightSettings) -> list[str]:
    return list(settings.head_uids) or staff.supervisors()


def significant_facts(event: Mapping[str, Any], case: Mapping[str, Any], staff: StaffDirectory,
                      oversight: Oversight, web_url: str, zone: str = ZONE) -> dict[str, Any]:
    """For the §22 report: whom to tell as the Head, and the similar messages of the last days as lines."""
    text = str((case.get("message") or {}).get("text") or "")
    since = event["at"] - timedelta(days=SIMILAR_DAYS)
    similar = most_similar(text, str(case.get("id") or event["case_id"]),
                           oversight.recent.recent(since, SIMILAR_CANDIDATES))
    lines = []
    for s in similar:
        state = STATE_LABELS.get(CaseState(s.state), s.state) if s.state in set(CaseState) else s.state
        link = f" {case_url(web_url, s.case_id)}" if web_url else ""
        lines.append(f"• {local_time(s.detected_at, zone)}, {state}: «{_short(s.text)}»{link}")
    return {"head_uids": head_recipients(staff, oversight.settings()), "similar": lines}


def _short(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def on_detected(event: Mapping[str, Any], cases: CaseRepository, staff: StaffDirectory, inbox: Inbox,
                mailer: Mailer | None, oversight: Oversight, zone: str = ZONE) -> list[Alert]:
    """Count the new message; alert the Head and the curators of each surge it starts."""
    try:
        case = cases.get(str(event["case_id"]))
    except NotFound:
        return []
    settings = oversight.settings()
    alerts = observe(case, oversight.clock(), oversight.activity, settings.surge, oversight.names, zone)
    for alert in alerts:
        send_surge_alert(alert, staff, inbox, mailer, settings, event["at"], zone)
    return alerts


def surge_title(alert: Alert, window_minutes: int) -> str:
    return (f"Повышенная социальная активность: {alert.episode.labels[0]} — {alert.window_count} сообщений "
            f"за {window_minutes} мин (обычно {alert.episode.baseline:.1f})")


def send_surge_alert(alert: Alert, staff: StaffDirectory, inbox: Inbox, mailer: Mailer | None,
                     settings: OversightSettings, now: datetime, zone: str = ZONE) -> None:
    episode = alert.episode
    title = surge_title(alert, settings.surge.window_minutes)
    recipients = dict.fromkeys((*head_recipients(staff, settings), *staff.curators()))
    message = alert.case.get("message") or {}
    details = (f"Началось: {local_time(episode.started_at, zone)} (время выявления сообщений, Ижевск).",
               f"Обычно в эти часы: {episode.baseline:.1f} сообщений за {settings.surge.window_minutes} мин "
               f"(среднее за {settings.surge.baseline_days} дней).",
               "Список сообщений пополняется, пока всплеск продолжается: раздел «Всплески» веб-клиента.")
    mail = None if mailer is None else letter(
        title, details, message_text=str(message.get("text") or "")[:2000],
        case_url=f"{mailer.web_url.rstrip('/')}/web/#surge={episode.id}", settings_hint=SETTINGS_HINT)
    for uid in recipients:
        doc_id = "sg-" + hashlib.sha256(f"{episode.id}|{uid}".encode()).hexdigest()[:32]
        inbox.put(doc_id, {"recipient_uid": uid, "kind": "surge", "surge_id": episode.id, "text": title,
                           "created_at": now, "read": False})
        person = staff.person(uid)
        if mailer is None or mail is None or person is None:
            continue
        mail_person(mailer, person, mail, key=f"surge|{episode.id}", kind="surge", now=now, urgent=True)
