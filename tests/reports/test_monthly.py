"""The monthly run on the in-memory fakes: when it reports which month (the first working day at 09:00,
Izhevsk time), the briefs kept and the dynamics read from them, the files, the letters with both files
(once per month and person, however often the scheduler retries), and the sender attaching them."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from datetime import datetime
from io import BytesIO
from typing import Any

from cases.memory import InMemoryStaff
from cases.ports import Person
from deadlines.policy import default_policy
from notify.delivery import Calendars, Mailer
from notify.inbox import InMemoryInbox
from notify.mail import InMemoryMail
from notify.sender import message
from reports.dynamics import dynamics, month_brief, previous_month
from reports.monthly import InMemoryReports, make_report, month_title, month_to_report, monthly_run
from tests.escalation.world import BASE, FakeQueue, samara
from tests.reports.test_figures import NOW, Month, figures_of, october

HEAD = Person("head", "head@adm.udm.ru", "Руководитель", "supervisor")
DEPUTY = Person("deputy", "deputy@adm.udm.ru", "Заместитель", "supervisor", notify_by="digest")
QUIET = Person("quiet", "", "Без почты", "supervisor")
CALENDAR = default_policy().curator_calendar


def source(m: Month) -> Any:
    def cases(start: datetime, end: datetime) -> Iterable[Mapping[str, Any]]:
        return [doc for doc in (m.repo.get(i) for i in "abcdns") if start <= doc["detected_at"] < end]

    return cases


def test_the_run_reports_the_previous_month_from_the_first_working_day_at_nine() -> None:
    assert month_to_report(samara(2026, 11, 2, 8, 59), CALENDAR) is None
    assert month_to_report(samara(2026, 11, 2, 9, 0), CALENDAR) == "2026-10"
    assert month_to_report(samara(2026, 11, 9, 9, 0), CALENDAR) == "2026-10"  # a missed run is made up later
    # January 2027: the holidays run to the 10th; the first working day is Monday the 11th.
    assert month_to_report(samara(2027, 1, 8, 12, 0), CALENDAR) is None
    assert month_to_report(samara(2027, 1, 11, 9, 0), CALENDAR) == "2026-12"
    assert previous_month("2026-01") == "2025-12" and previous_month("2026-03", 14) == "2025-01"
    assert month_title("2026-10").endswith("за октябрь 2026 г.")


def test_dynamics_read_the_stored_briefs_and_rebuild_a_missing_month_once() -> None:
    m = october()
    store = InMemoryReports()
    report = make_report("2026-10", source(m), store, CALENDAR, NOW, {"minstroy": "Минстрой УР"})
    # September had one case ("s"): rebuilt from its cases and kept; the months before it had none.
    assert store.months["2026-09"]["overall"]["received"] == 1 and "2026-08" not in store.months
    assert store.months["2026-10"] == month_brief(figures_of(m), NOW)
    changes = {c.key: c for c in report.dynamics.changes()}
    assert (changes["received"].now, changes["received"].before, changes["received"].delta) == (4, 1, 3)
    assert changes["received"].percent == 3.0 and changes["answered"].before == 0
    assert changes["on_time_share"].percent is None  # a share changes by points, not by percent
    trend = report.dynamics.trend
    assert [month for month, _ in trend][0] == "2025-11" and trend[-1][0] == "2026-10"
    assert [brief["received"] for _, brief in trend if brief] == [1, 4]
    minstroy = {c.key: c.now for c in report.dynamics.changes("minstroy")}
    assert minstroy["received"] == 3 and minstroy["answered"] == 2

    # The next report reads the eleven earlier briefs once and rebuilds nothing kept.
    reads = store.brief_reads
    rebuilt: list[str] = []
    dynamics("2026-11", {"overall": {"received": 7}}, store.briefs, lambda month: rebuilt.append(month))
    assert store.brief_reads - reads == 11 and "2026-10" not in rebuilt and "2026-09" not in rebuilt

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(report.xlsx))
    assert book.sheetnames[1] == "Динамика"
    rows = [[c.value for c in row][:5] for row in book["Динамика"].iter_rows(min_row=4, max_row=12)]
    assert rows[0] == ["Поступило", 4, 1, 3, 3.0]
    trend_rows = [[c.value for c in row][:2] for row in book["Динамика"].iter_rows(min_row=17)]
    assert trend_rows[-2:] == [["2026-09", 1], ["2026-10", 4]] and len(trend_rows) == 12
    assert store.files["otklik-2026-10.pdf"]["data"] == report.pdf


def test_the_monthly_run_sends_both_files_once_per_month_and_person() -> None:
    m = october()
    store, inbox, mail, queue = InMemoryReports(), InMemoryInbox(), InMemoryMail(), FakeQueue()
    staff = InMemoryStaff({p.uid: p for p in (HEAD, DEPUTY, QUIET)})
    mailer = Mailer(mail, queue, BASE, "https://otklik.udm.ru", lambda: Calendars(CALENDAR, CALENDAR))

    def run(at: datetime, report_uids: list[str] | None = None) -> dict[str, Any]:
        return monthly_run(at, source(m), store, CALENDAR, {"minstroy": "Минстрой УР"}, staff, report_uids or [],
                           inbox, mailer)

    assert run(samara(2026, 11, 2, 8, 0)) == {"status": "not_yet"}
    first = run(samara(2026, 11, 2, 9, 0))
    assert first == {"status": "sent", "month": "2026-10", "recipients": 3, "letters": 2}
    assert sorted(n["recipient_uid"] for n in inbox.docs.values()) == ["deputy", "head", "quiet"]
    assert run(samara(2026, 11, 2, 9, 5)) == {"status": "already_sent", "month": "2026-10"}
    store.runs["2026-10"]["state"] = "making"  # a run that stopped after sending, before it said so
    assert run(samara(2026, 11, 2, 9, 10))["letters"] == 0 and len(mail.docs) == 2
    assert len(inbox.docs) == 3

    letter = next(d for d in mail.docs.values() if d["to"] == ["head@adm.udm.ru"])
    assert letter["delivery"]["state"] == "PENDING" and letter["message"]["subject"].endswith("за октябрь 2026 г.")
    assert [a["filename"] for a in letter["attachments"]] == ["otklik-2026-10.xlsx", "otklik-2026-10.pdf"]
    assert "#report=2026-10" in letter["message"]["text"]
    sent = message(letter, "Отклик <noreply@otklik.local>")
    files = {part.get_filename(): part.get_content() for part in sent.iter_attachments()}
    assert files["otklik-2026-10.pdf"].startswith(b"%PDF")
    assert files["otklik-2026-10.xlsx"] == base64.b64decode(letter["attachments"][0]["content"])
    # The digest reader gets the report at once too: a report does not wait for tomorrow's digest.
    assert next(d for d in mail.docs.values() if d["to"] == ["deputy@adm.udm.ru"])["delivery"]["state"] == "PENDING"


def test_the_admins_recipients_replace_the_supervisors() -> None:
    m = october()
    store, inbox = InMemoryReports(), InMemoryInbox()
    staff = InMemoryStaff({p.uid: p for p in (HEAD, DEPUTY)})
    done = monthly_run(samara(2026, 11, 3, 10, 0), source(m), store, CALENDAR, {}, staff, ["deputy"], inbox, None)
    assert done["recipients"] == 1 and [n["recipient_uid"] for n in inbox.docs.values()] == ["deputy"]


def test_the_dimension_sheets_show_the_previous_months_counts() -> None:
    from openpyxl import load_workbook

    m = october()
    report = make_report("2026-10", source(m), InMemoryReports(), CALENDAR, NOW, {})
    book = load_workbook(BytesIO(report.xlsx))
    rows = [[c.value for c in row] for row in book["Сети"].iter_rows(min_row=3)]
    assert rows == [["Социальная сеть", "Сообщений", "Предыдущий месяц", "Изменение"], ["ВКонтакте", 4, 1, 3]]
