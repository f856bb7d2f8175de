"""The §21 monthly report, made and sent: the month's figures from its cases, its brief kept for the
dynamics and the dashboard, the workbook and the PDF, a letter with both to each recipient.

``monthly_run`` is what Cloud Scheduler starts (``POST /scheduler/monthly-report``, daily on the 1st–10th
at 09:00 Izhevsk time): from the first working day of a month (the curators' calendar) at 09:00 it reports
the previous month, once. A month is done when ``report_runs/{month}`` says ``sent``; until then any run
makes it again (a run that failed half-way is finished by the next), and every letter's id is fixed by
(month, recipient), so a retry, or two runs at once, never send anything twice.
``python -m reports monthly`` makes the same files by hand.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from cases.ports import StaffDirectory
from deadlines.calendar import Calendar
from notify.inapp import Inbox
from reports.dynamics import Dynamics, dynamics, month_brief, previous_month
from reports.figures import MonthFigures, month_bounds, month_figures
from vocabulary import ZONE

log = logging.getLogger(__name__)

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
          "ноябрь", "декабрь")
SUBTITLE = "Руководителю Администрации Главы и Правительства Удмуртской Республики"
RUN_AT = time(9, 0)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
MAX_ATTACHED = 700 * 1024  # the files' bytes a letter carries (base64 in a mail document of at most 1 MiB)
MAX_STORED = 1_000_000  # a stored file's bytes (a Firestore document holds at most 1 MiB)

MonthCases = Callable[[datetime, datetime], Iterable[Mapping[str, Any]]]


class ReportStore(Protocol):
    """``report_months/{month}`` (the briefs), ``report_runs/{month}``, ``report_files/{id}``."""

    def briefs(self, months: list[str]) -> dict[str, dict[str, Any]]:
        """The stored briefs of these months (a month without one is absent)."""
        ...

    def save_brief(self, month: str, brief: dict[str, Any]) -> None: ...

    def run(self, month: str) -> dict[str, Any] | None: ...

    def save_run(self, month: str, fields: dict[str, Any]) -> None: ...

    def save_file(self, file_id: str, doc: dict[str, Any]) -> None: ...


class InMemoryReports:
    def __init__(self) -> None:
        self.months: dict[str, dict[str, Any]] = {}
        self.runs: dict[str, dict[str, Any]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.brief_reads = 0

    def briefs(self, months: list[str]) -> dict[str, dict[str, Any]]:
        self.brief_reads += len(months)
        return {m: self.months[m] for m in months if m in self.months}

    def save_brief(self, month: str, brief: dict[str, Any]) -> None:
        self.months[month] = brief

    def run(self, month: str) -> dict[str, Any] | None:
        return self.runs.get(month)

    def save_run(self, month: str, fields: dict[str, Any]) -> None:
        self.runs.setdefault(month, {}).update(fields)

    def save_file(self, file_id: str, doc: dict[str, Any]) -> None:
        self.files[file_id] = doc


def month_name(month: str) -> str:
    """ "YYYY-MM" as "ноябрь 2026 г." (after «за»: the accusative of these masculine names is the nominative)."""
    year, mon = month.split("-")
    return f"{MONTHS[int(mon) - 1]} {year} г."


def month_title(month: str) -> str:
    return ("Сводная информация о работе исполнительных органов Удмуртской Республики в социальных сетях "
            f"за {month_name(month)}")


@dataclass(frozen=True)
class MonthlyReport:
    month: str
    title: str
    figures: MonthFigures
    dynamics: Dynamics
    xlsx: bytes
    pdf: bytes

    def files(self) -> list[tuple[str, str, bytes]]:
        """(file name, content type, bytes) of each file."""
        return [(f"otklik-{self.month}.xlsx", XLSX, self.xlsx), (f"otklik-{self.month}.pdf", PDF, self.pdf)]


def make_report(month: str, cases: MonthCases, store: ReportStore, calendar: Calendar, now: datetime,
                agency_names: Mapping[str, str], zone: str = ZONE,
                wrap: Callable[[Iterable[Mapping[str, Any]]], Iterable[Mapping[str, Any]]] = lambda c: c) -> MonthlyReport:
    """Figures, brief (kept), dynamics, both files; ``wrap`` sees the month's cases stream by (a progress bar)."""
    from reports.pdf import document
    from reports.xlsx import workbook

    start, end = month_bounds(month, zone)
    figures = month_figures(wrap(cases(start, end)), month, calendar, now, zone)
    brief = month_brief(figures, now)
    store.save_brief(month, brief)

    def rebuild(earlier: str) -> dict[str, Any] | None:
        begin, finish = month_bounds(earlier, zone)
        earlier_figures = month_figures(cases(begin, finish), earlier, calendar, now, zone)
        if not earlier_figures.overall.received:
            return None
        earlier_brief = month_brief(earlier_figures, now)
        store.save_brief(earlier, earlier_brief)
        return earlier_brief

    found = dynamics(month, brief, store.briefs, rebuild)
    title, names = month_title(month), dict(agency_names)
    report = MonthlyReport(month, title, figures, found, workbook(figures, names, title, found),
                           document(figures, names, title, SUBTITLE, found))
    for name, content_type, data in report.files():
        if len(data) <= MAX_STORED:  # the dashboard's downloads
            store.save_file(name, {"month": month, "name": name, "content_type": content_type, "data": data,
                                   "made_at": now})
        else:
            log.warning("report file %s is %d bytes: too big to keep in Firestore, sent by mail only", name, len(data))
    return report


def month_to_report(now: datetime, calendar: Calendar, zone: str = ZONE) -> str | None:
    """The month the run reports at ``now``: the previous one, from 09:00 of this month's first working
    day on (None before)."""
    local = now.astimezone(ZoneInfo(zone))
    day = local.date().replace(day=1)
    while not calendar.schedule(day):
        day += timedelta(days=1)
    if local < datetime.combine(day, RUN_AT, tzinfo=ZoneInfo(zone)):
        return None
    return previous_month(local.strftime("%Y-%m"))


def report_recipients(staff: StaffDirectory, report_uids: list[str]) -> list[str]:
    return list(dict.fromkeys(report_uids)) or staff.supervisors()


def send_report(report: MonthlyReport, recipients: list[str], staff: StaffDirectory, inbox: Inbox,
                mailer: Any, now: datetime) -> int:
    """An in-app notification and a letter with both files to each recipient, once per (month, person);
    how many letters were created now. ``mailer``: a ``notify.delivery.Mailer``, or None without e-mail."""
    from notify.delivery import SETTINGS_HINT, mail_person
    from notify.mail import letter

    text = f"Ежемесячный отчёт (п. 21) за {month_name(report.month)} готов"
    attached, attachments = 0, []
    for name, content_type, data in report.files():
        if attached + len(data) <= MAX_ATTACHED:
            attachments.append({"filename": name, "contentType": content_type, "encoding": "base64",
                                "content": base64.b64encode(data).decode()})
            attached += len(data)
    o = report.figures.overall
    details = (f"Поступило сообщений: {o.received}; дан ответ: {o.answered}; не завершено на конец месяца: "
               f"{o.open_at_end}.",
               "Во вложении — сводная таблица (XLSX) и отчёт (PDF)." if len(attachments) == 2 else
               "Файлы отчёта слишком велики для письма: они в веб-клиенте, раздел «Отчёты».")
    created = 0
    mail = None if mailer is None else letter(
        report.title, details, case_url=f"{mailer.web_url.rstrip('/')}/web/#report={report.month}",
        settings_hint=SETTINGS_HINT)
    for uid in recipients:
        doc_id = "rp-" + hashlib.sha256(f"{report.month}|{uid}".encode()).hexdigest()[:32]
        inbox.put(doc_id, {"recipient_uid": uid, "kind": "monthly_report", "month": report.month, "text": text,
                           "created_at": now, "read": False})
        person = staff.person(uid)
        if mailer is not None and mail is not None and person is not None:
            created += mail_person(mailer, person, mail, key=f"report|{report.month}", kind="monthly_report",
                                   now=now, urgent=True, attachments=attachments)
    return created


def monthly_run(now: datetime, cases: MonthCases, store: ReportStore, calendar: Calendar,
                agency_names: Mapping[str, str], staff: StaffDirectory, report_uids: list[str], inbox: Inbox,
                mailer: Any, zone: str = ZONE) -> dict[str, Any]:
    """The scheduler's run: report the previous month if it is time and it was not sent yet."""
    month = month_to_report(now, calendar, zone)
    if month is None:
        return {"status": "not_yet"}
    if (store.run(month) or {}).get("state") == "sent":
        return {"status": "already_sent", "month": month}
    store.save_run(month, {"state": "making", "started_at": now})
    report = make_report(month, cases, store, calendar, now, agency_names, zone)
    recipients = report_recipients(staff, report_uids)
    letters = send_report(report, recipients, staff, inbox, mailer, now)
    store.save_run(month, {"state": "sent", "sent_at": now, "recipients": recipients})
    log.info("monthly report %s: %d recipients, %d letters created", month, len(recipients), letters)
    return {"status": "sent", "month": month, "recipients": len(recipients), "letters": letters}
