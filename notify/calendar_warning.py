"""The admins' daily warning that the production calendar is about to run out (run with the sweep).

From 60 days before the last year with a government decree (or an imported calendar) ends, every active
admin gets one in-app notification a day naming the year whose official calendar to import; deadlines
reaching into that year are provisional until then. A marker document (``system/calendar_warning``)
holds the day last warned, so the sweep's runs every 5 minutes cost one read a day after the first.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from deadlines.calendar import Calendar
from deadlines.responsible import staff_with
from notify.inapp import COLLECTION

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

WARN_DAYS_BEFORE = 60
MARKER = ("system", "calendar_warning")


def year_to_import(calendar: Calendar, today: date) -> int | None:
    """The first provisional year, if the warning period before it has begun: the last day of official
    data is its 31 December before, and the warning starts 60 days before that year's end."""
    for year in (today.year, today.year + 1):
        if calendar.has_year(year) and calendar.is_provisional(year):
            return year if today >= date(year, 1, 1) - timedelta(days=WARN_DAYS_BEFORE) else None
    return None


def text(year: int) -> str:
    return (f"Нет официального производственного календаря на {year} год: сроки, приходящиеся на {year} год, "
            f"рассчитываются предварительно — по Трудовому кодексу, без постановления Правительства о переносе "
            f"выходных дней — и могут сдвинуться. Загрузите официальный календарь на {year} год "
            f"(python -m deadlines import-calendar {year}.xml) или обновите пакет holidays, как только "
            f"постановление будет опубликовано: предварительные сроки пересчитаются автоматически.")


def warn_admins(db: Client, now: datetime, calendar: Calendar) -> list[str]:
    """Today's warning, once: the notification ids written (empty when none is due or it was sent)."""
    from google.cloud import firestore

    today = now.astimezone(calendar.tz).date()
    year = year_to_import(calendar, today)
    if year is None:
        return []
    marker = db.collection(MARKER[0]).document(MARKER[1])
    snap = marker.get()
    if snap.exists and (snap.to_dict() or {}).get("sent_on") == today.isoformat():
        return []
    admins = staff_with(db, "admin")

    @firestore.transactional
    def send(transaction: Transaction) -> list[str]:
        current = marker.get(transaction=transaction)
        if current.exists and (current.to_dict() or {}).get("sent_on") == today.isoformat():
            return []
        ids = []
        for uid in admins:
            doc_id = "cal-" + hashlib.sha256(f"{year}|{today}|{uid}".encode()).hexdigest()[:32]
            transaction.set(db.collection(COLLECTION).document(doc_id), _document(uid, year, now))
            ids.append(doc_id)
        transaction.set(marker, {"sent_on": today.isoformat(), "year": year, "recipients": admins, "at": now})
        return ids

    result: list[str] = send(db.transaction())
    return result


def _document(uid: str, year: int, now: datetime) -> dict[str, Any]:
    return {"recipient_uid": uid, "kind": "calendar_missing", "year": year, "text": text(year),
            "created_at": now, "read": False}
