"""The admins' daily warning that the production calendar is about to run out (run with the sweep).

From 60 days before the last year with a government decree (or an imported calendar) ends, every active
admin gets one in-app notification a day naming the year whose official calendar to import, and a letter
a week (as each chose: ``notify.delivery.mail_person``); deadlines reaching into that year are provisional
until then. A notification's id is fixed by (year, day, admin) and a letter's by (year, ISO week, admin),
so the sweep's runs every 5 minutes create each once; before the warning period nothing is read.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

from cases.ports import StaffDirectory
from deadlines.calendar import Calendar
from notify.delivery import SETTINGS_HINT, Mailer, mail_person
from notify.inapp import Inbox
from notify.mail import letter

WARN_DAYS_BEFORE = 60


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


def warn_admins(staff: StaffDirectory, inbox: Inbox, now: datetime, calendar: Calendar,
                mailer: Mailer | None = None) -> list[str]:
    """Today's warning, once per admin: the notification ids created now (empty when none is due or sent)."""
    today = now.astimezone(calendar.tz).date()
    year = year_to_import(calendar, today)
    if year is None:
        return []
    created = []
    week = "{}-W{:02d}".format(*today.isocalendar()[:2])
    mail = None  # rendered once, and only on the day's first run (most sweeps create nothing)
    for uid in staff.admins():
        doc_id = "cal-" + hashlib.sha256(f"{year}|{today}|{uid}".encode()).hexdigest()[:32]
        if inbox.put(doc_id, _document(uid, year, now)):
            created.append(doc_id)
            person = staff.person(uid)
            if mailer is not None and person is not None:
                mail = mail or letter(f"Нет официального производственного календаря на {year} год", (text(year),),
                                      settings_hint=SETTINGS_HINT)
                mail_person(mailer, person, mail, key=f"calendar|{year}|{week}", kind="calendar_missing", now=now)
    return created


def _document(uid: str, year: int, now: datetime) -> dict[str, Any]:
    return {"recipient_uid": uid, "kind": "calendar_missing", "year": year, "text": text(year),
            "created_at": now, "read": False}
