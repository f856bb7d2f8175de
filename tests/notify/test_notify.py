"""Notifications on the in-memory fakes: who is told of each event, in-app and by e-mail as each chose,
when the mail goes (urgent at once, the rest in the recipient's working time), once per event and person,
and how the sender takes a mail, sends it, and retries or gives up."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest

from cases.memory import InMemoryCases, InMemoryStaff
from cases.ports import Person
from deadlines.policy import default_policy
from notify.delivery import Calendars, Mailer
from notify.digest import send_digests
from notify.inbox import InMemoryInbox
from notify.mail import InMemoryMail
from notify.sender import BACKOFF, MAX_ATTEMPTS, Permanent, Temporary, send_mail
from outbox.dispatch import dispatch
from outbox.registry import Ports
from tests.escalation.world import BASE, FakeQueue, samara
from workflow.service import CaseService

CURATOR = Person("cur1", "cur1@adm.udm.ru", "Анна", "curator")
CURATOR2 = Person("cur2", "cur2@adm.udm.ru", "Олег", "curator", notify_by="digest")
LEAD = Person("lead", "lead@minstroy.udm.ru", "Пётр", "agency_lead", "minstroy")
EXEC = Person("exec", "exec@minstroy.udm.ru", "Мария", "executor", "minstroy")
QUIET = Person("quiet", "quiet@minstroy.udm.ru", "Иван", "executor", "minstroy", notify_by="inapp")
HEAD = Person("head", "head@adm.udm.ru", "Руководитель", "supervisor")
ADMIN = Person("adm", "admin@adm.udm.ru", "Администратор", "admin")
WED_10 = samara(2026, 12, 9, 10, 0)  # a working Wednesday morning in Izhevsk


class World:
    def __init__(self) -> None:
        self.repo, self.queue, self.inbox, self.mail = InMemoryCases(), FakeQueue(), InMemoryInbox(), InMemoryMail()
        self.staff = InMemoryStaff({p.uid: p for p in (CURATOR, CURATOR2, LEAD, EXEC, QUIET, HEAD, ADMIN)})
        self.now = WED_10
        self.service = CaseService(self.repo, default_policy, self.queue, lambda: self.now, BASE, lambda: {"minstroy"})
        policy = default_policy()
        self.mailer = Mailer(self.mail, self.queue, BASE, "https://otklik.udm.ru",
                             lambda: Calendars(policy.curator_calendar, policy.agency_calendar))

    def ports(self) -> Ports:
        return Ports(self.inbox, self.staff, self.repo, lambda: {"minstroy": "Минстрой УР"}, self.mailer)

    def open(self, case_id: str = "vk-1") -> str:
        doc = {"id": case_id, "message": {"network": "vk", "text": "Во дворе не убран снег"}}
        committed = self.service.open_case(doc, case_id, self.now)
        assert committed is not None
        self.flush(case_id)
        return case_id

    def act(self, who: Person, command: str, **body: Any) -> None:
        from cases.model import Actor

        version = self.repo.get("vk-1")["version"]
        self.service.execute("vk-1", Actor(uid=who.uid, role=who.role, agency_id=who.agency_id), command,
                             {"version": version, **body})
        self.flush("vk-1")

    def flush(self, case_id: str) -> int:
        return dispatch(self.repo, case_id, self.ports())

    def told(self, kind: str) -> list[str]:
        return sorted(n["recipient_uid"] for n in self.inbox.docs.values() if n["kind"] == kind)

    def mails(self, kind: str) -> list[dict[str, Any]]:
        return sorted((m for m in self.mail.docs.values() if m["kind"] == kind), key=lambda m: m["recipient_uid"])


def test_every_rule_tells_whom_it_should_and_never_the_one_who_acted() -> None:
    w = World()
    w.open()
    w.act(CURATOR, "route", agency_ids=["minstroy"])
    assert w.told("routed") == ["exec", "lead", "quiet"]
    w.act(LEAD, "assign_executor", executor_uid="exec")
    assert w.told("assigned") == ["exec"]
    w.act(EXEC, "accept")
    w.act(EXEC, "submit_draft", text="Снег уберут до пятницы.")
    assert w.told("draft_submitted") == ["cur1", "cur2"]
    w.act(CURATOR, "return_for_rework", comment="Укажите дату.")
    assert w.told("returned_for_rework") == ["exec"]
    w.act(EXEC, "submit_draft", text="Снег уберут 11 декабря.")
    w.act(CURATOR, "approve", rating=5)
    assert w.told("approved") == ["exec"]
    w.act(CURATOR, "mark_significant", reason="Массовые жалобы")
    assert w.told("significant") == ["cur2", "head"]  # the curator who marked it is not told
    assert not w.told("accepted")  # nobody needs a word about that


def test_a_joint_answers_part_goes_to_the_curators_and_the_next_agency_hears_when_they_pass_it_on() -> None:
    w = World()
    w.service = CaseService(w.repo, default_policy, w.queue, lambda: w.now, BASE, lambda: {"minstroy", "mintrans"})
    w.open()
    other = Person("mt", "mt@mintrans.udm.ru", "Ольга", "executor", "mintrans")
    w.act(CURATOR, "route", agency_ids=["mintrans", "minstroy"])
    assert not w.told("routed"), "mintrans has nobody to tell; minstroy's turn has not come"
    w.act(other, "accept")
    w.act(other, "contribute", text="Ремонт дороги запланирован на май.")
    assert w.told("contribution") == ["cur1", "cur2"] and not w.told("routed")
    [note] = [n for n in w.inbox.docs.values() if n["kind"] == "contribution" and n["recipient_uid"] == "cur1"]
    assert note["text"] == "Информация для общего ответа по обращению №2026-00001 от mintrans"
    w.act(CURATOR, "pass_on")
    assert w.told("routed") == ["exec", "lead", "quiet"]


def test_a_return_as_not_competent_goes_to_the_curators_with_the_reason() -> None:
    w = World()
    w.open()
    w.act(CURATOR, "route", agency_ids=["minstroy"])
    w.act(LEAD, "return_not_competent", reason="Дороги — Минтранс")
    [note] = [n for n in w.inbox.docs.values() if n["kind"] == "returned_not_competent" and n["recipient_uid"] == "cur1"]
    assert note["text"] == "Минстрой УР вернул обращение №2026-00001 как не относящееся к компетенции (п. 9)"
    [mail] = [m for m in w.mails("returned_not_competent") if m["recipient_uid"] == "cur1"]
    assert "Основание: Дороги — Минтранс." in mail["message"]["text"]


def test_mail_follows_each_persons_choice_and_links_the_case() -> None:
    w = World()
    w.open()
    w.act(CURATOR, "route", agency_ids=["minstroy"])
    routed = w.mails("routed")
    assert [m["recipient_uid"] for m in routed] == ["exec", "lead"]  # "quiet" chose the web client only
    mail = routed[0]
    assert mail["to"] == ["exec@minstroy.udm.ru"] and mail["delivery"]["state"] == "PENDING"
    assert mail["message"]["subject"] == "Обращение №2026-00001 направлено в Минстрой УР"
    assert "https://otklik.udm.ru/web/#case=vk-1" in mail["message"]["text"]
    assert "https://otklik.udm.ru/web/#case=vk-1" in mail["message"]["html"]
    assert "Во дворе не убран снег" in mail["message"]["text"] and "ВКонтакте" in mail["message"]["text"]
    assert mail["send_at"] == WED_10  # working time: at once
    tasks = [t for t in w.queue.tasks if t.url.endswith("/tasks/mail")]
    assert sorted(t.payload["mail_id"] for t in tasks) == sorted(i for i, m in w.mail.docs.items() if m["kind"] == "routed")


def test_a_digest_reader_gets_one_letter_a_day() -> None:
    w = World()
    w.open()
    w.act(CURATOR, "route", agency_ids=["minstroy"])
    w.act(EXEC, "accept")
    w.act(EXEC, "submit_draft", text="Ответ")
    [waiting] = [m for m in w.mail.docs.values() if m["recipient_uid"] == "cur2"]
    assert waiting["delivery"]["state"] == "DIGEST"
    assert not any(t.payload["mail_id"] in w.mail.docs and w.mail.docs[t.payload["mail_id"]]["recipient_uid"] == "cur2"
                   for t in w.queue.tasks if t.url.endswith("/tasks/mail"))
    day = samara(2026, 12, 10, 9, 0)
    [digest_id] = send_digests(w.mailer, day, "Europe/Samara")
    assert send_digests(w.mailer, day + timedelta(hours=1), "Europe/Samara") == []  # once a day
    digest = w.mail.docs[digest_id]
    assert digest["to"] == ["cur2@adm.udm.ru"] and digest["delivery"]["state"] == "PENDING"
    assert digest["message"]["subject"] == "Сводка уведомлений «Отклика» за 10.12.2026: 1"
    assert waiting["message"]["subject"] in digest["message"]["text"]
    assert w.mail.docs[next(i for i, m in w.mail.docs.items() if m["recipient_uid"] == "cur2"
                            and m["kind"] != "digest")]["delivery"]["state"] == "DIGESTED"


def test_non_urgent_mail_waits_for_working_time_and_urgent_goes_at_once() -> None:
    w = World()
    w.now = samara(2026, 12, 11, 19, 30)  # Friday evening
    w.open()
    w.act(CURATOR, "route", agency_ids=["minstroy"])
    [routed] = [m for m in w.mails("routed") if m["recipient_uid"] == "lead"]
    assert routed["send_at"] == samara(2026, 12, 14, 9, 0)  # Monday morning
    w.act(CURATOR, "mark_significant", reason="Угроза жизни людей")
    alerts = w.mails("significant")  # urgent: even the digest reader's goes now
    assert [m["recipient_uid"] for m in alerts] == ["cur2", "head"]
    assert all(m["urgent"] and m["send_at"] == samara(2026, 12, 11, 19, 30) for m in alerts)
    assert all(m["delivery"]["state"] == "PENDING" for m in alerts)


def test_a_redelivered_event_notifies_and_mails_nobody_twice() -> None:
    w = World()
    w.open()
    w.act(CURATOR, "route", agency_ids=["minstroy"])
    before = (dict(w.inbox.docs), dict(w.mail.docs), len(w.queue.tasks))
    for event in w.repo.trails["vk-1"].values():
        event["dispatched"] = False  # the outbox delivers at least once
    w.flush("vk-1")
    assert (dict(w.inbox.docs), dict(w.mail.docs), len(w.queue.tasks)) == before


def test_a_missed_one_hour_stage_is_urgent_a_missed_answer_is_not() -> None:
    from escalation.handler import DeadlineTask, handle_deadline_task

    w = World()
    w.now = samara(2026, 12, 11, 17, 30)
    w.open()
    route_due = w.repo.get("vk-1")["deadlines"]["route"]["due"]  # Monday 9:30
    task = DeadlineTask(case_id="vk-1", key="route", due=route_due, kind="due")
    handle_deadline_task(w.repo, w.staff, w.queue, task, route_due, BASE)
    w.flush("vk-1")
    missed = w.mails("deadline_missed")
    assert [m["recipient_uid"] for m in missed] == ["cur1", "cur2"] and all(m["urgent"] for m in missed)
    assert w.told("deadline_missed") == ["cur1", "cur2"]


class Transport:
    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)


def pending(w: World, at: Any = WED_10) -> str:
    w.open()
    w.act(CURATOR, "route", agency_ids=["minstroy"])
    return next(i for i, m in w.mail.docs.items() if m["recipient_uid"] == "lead")


def test_the_sender_sends_once_and_records_it() -> None:
    w = World()
    the_id = pending(w)
    smtp = Transport()
    assert send_mail(w.mail, smtp, the_id, WED_10, "Отклик <noreply@otklik>") == ("sent", None)
    assert send_mail(w.mail, smtp, the_id, WED_10, "Отклик <noreply@otklik>") == ("not_pending", "SUCCESS")
    [sent] = smtp.sent
    assert sent["To"] == "lead@minstroy.udm.ru" and sent["Subject"] == "Обращение №2026-00001 направлено в Минстрой УР"
    assert sent.get_body(("plain",)).get_content().startswith("Обращение №2026-00001")
    assert sent.get_body(("html",)) is not None
    delivery = w.mail.docs[the_id]["delivery"]
    assert (delivery["state"], delivery["attempts"], delivery["endTime"]) == ("SUCCESS", 1, WED_10)


def test_a_temporary_failure_is_retried_with_backoff_then_given_up() -> None:
    w = World()
    the_id = pending(w)
    smtp = Transport(*[Temporary("451 try later")] * MAX_ATTEMPTS)
    now = WED_10
    for attempt in range(1, MAX_ATTEMPTS):
        outcome, retry_at = send_mail(w.mail, smtp, the_id, now, "x")
        assert (outcome, retry_at) == ("retry", now + BACKOFF[attempt - 1])
        assert send_mail(w.mail, smtp, the_id, now, "x") == ("not_due", retry_at)  # an early task
        now = retry_at
    assert send_mail(w.mail, smtp, the_id, now, "x") == ("failed", "451 try later")
    delivery = w.mail.docs[the_id]["delivery"]
    assert (delivery["state"], delivery["attempts"], delivery["error"]) == ("ERROR", MAX_ATTEMPTS, "451 try later")
    assert smtp.sent == []


def test_a_permanent_refusal_is_an_error_at_once_and_a_stalled_send_is_taken_again() -> None:
    w = World()
    the_id = pending(w)
    assert send_mail(w.mail, Transport(Permanent("550 no such user")), the_id, WED_10, "x")[0] == "failed"
    assert w.mail.docs[the_id]["delivery"]["state"] == "ERROR"
    other = next(i for i, m in w.mail.docs.items() if m["recipient_uid"] == "exec" and m["kind"] == "routed")
    w.mail.docs[other]["delivery"].update(state="PROCESSING", leaseExpireTime=WED_10 + timedelta(minutes=2))
    assert w.mail.due(WED_10 + timedelta(minutes=1), 10) == []  # someone holds the lease
    assert w.mail.due(WED_10 + timedelta(minutes=3), 10) == [other]  # they stalled: the sweep takes it
    assert send_mail(w.mail, Transport(), other, WED_10 + timedelta(minutes=3), "x")[0] == "sent"


def test_the_smtp_transport_sends_and_sorts_refusals_on_a_real_server(tmp_path: Any) -> None:
    from aiosmtpd.controller import Controller

    from devstack.procs import free_port
    from notify.sender import SmtpSettings, SmtpTransport

    class Handler:
        def __init__(self) -> None:
            self.got: list[bytes] = []

        async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
            if address.startswith("gone@"):
                return "550 5.1.1 no such user"
            if address.startswith("later@"):
                return "451 4.3.0 try again later"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            self.got.append(envelope.content)
            return "250 OK"

    handler, port = Handler(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        transport = SmtpTransport(SmtpSettings("127.0.0.1", port, security="none"))

        def mail(to: str) -> EmailMessage:
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = "otklik@test", to, "Проверка"
            message.set_content("Текст")
            return message

        transport.send(mail("cur1@adm.udm.ru"))
        assert len(handler.got) == 1 and "Проверка".encode() not in handler.got[0]  # encoded, as it should be
        with pytest.raises(Permanent):
            transport.send(mail("gone@adm.udm.ru"))
        with pytest.raises(Temporary):
            transport.send(mail("later@adm.udm.ru"))
    finally:
        controller.stop()
    with pytest.raises(Temporary):  # nobody listens any more
        transport.send(mail("cur1@adm.udm.ru"))


def test_the_calendar_warning_is_in_app_daily_and_a_letter_weekly() -> None:
    from deadlines.calendar import Calendar
    from notify.calendar_warning import warn_admins

    w = World()
    calendar = Calendar()  # built in: 2027 decreed, 2028 not
    days = [samara(2027, 11, d, 9, 0) for d in (2, 3, 4, 8, 9)]  # Tue, Wed, Thu; the next Mon, Tue
    assert [len(warn_admins(w.staff, w.inbox, day, calendar, w.mailer)) for day in days] == [1] * 5
    assert w.told("calendar_missing") == ["adm"] * 5
    letters = w.mails("calendar_missing")
    assert len(letters) == 2 and {m["to"][0] for m in letters} == {"admin@adm.udm.ru"}  # weeks 44 and 45
    assert letters[0]["message"]["subject"] == "Нет официального производственного календаря на 2028 год"
    assert "import-calendar 2028.xml" in letters[0]["message"]["text"]
