"""§22 on the emulators: a message marked significant through the staff API reaches the Head at once, in the
web client and by letter, with its agency, deadlines and the similar messages of the last days; a surge
in one community gives one alert, grows without another, and a redelivered event changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import bootstrap
from tests.api.conftest import World, letters, mails, samara, subject
from tests.api.test_mail import SECRET

pytestmark = pytest.mark.emulator

NOW = samara(2026, 12, 10, 11, 0)


def notifications(world: World, kind: str) -> list[dict[str, Any]]:
    return [s.to_dict() for s in world.db.collection("notifications").stream() if s.to_dict()["kind"] == kind]


def test_a_significant_message_reaches_the_head_at_once_with_the_similar_ones(world: World, maildir: Path) -> None:
    world.detect("vk-1_1", NOW - timedelta(days=2), "На Советской прорвало канализацию, запах по всему кварталу")
    world.detect("vk-1_2", NOW - timedelta(hours=5), "Канализация на улице Советской прорвана, вонь, никто не едет")
    world.detect("vk-1_3", NOW - timedelta(hours=3), "Когда отремонтируют дорогу на Пушкинской? Ямы по колено")
    world.detect("vk-1_9", NOW - timedelta(days=5), "Советская улица, канализация опять прорвала")  # too long ago
    world.detect("vk-1_4", NOW - timedelta(minutes=30), "Прорвало канализацию на Советской, дети ходят по нечистотам!")
    world.clock.now = NOW
    world.ok("curator", "vk-1_4", "route", agency_ids=["minstroy"])
    world.ok("curator", "vk-1_4", "mark_significant", reason="Угроза здоровью детей")
    world.dispatch("vk-1_4")

    supervisor = world.people.uids["supervisor"]
    [told] = notifications(world, "significant")
    assert told["recipient_uid"] == supervisor  # the curator who marked it is not told; no other curator
    number = world.case("vk-1_4")["number"]
    assert number == "2026-00005"  # the fifth message detected here this year, numbered by the outbox
    assert told["text"] == f"Социально значимое сообщение (п. 22): обращение №{number}"
    [(mail_id, mail)] = mails(world, "significant").items()
    assert mail["urgent"] is True and mail["send_at"] == NOW and mail["to"] == ["supervisor@test.otklik"]
    text = mail["message"]["text"]
    assert "Почему: Угроза здоровью детей." in text and "Орган власти: minstroy." in text
    answer_due = world.deadline("vk-1_4", "answer")["due"].astimezone(NOW.tzinfo).strftime("%d.%m.%Y %H:%M")
    assert f"Размещение ответа (п. 10) — до {answer_due}" in text
    assert "Похожие сообщения за последние дни (2):" in text
    assert "Канализация на улице Советской прорвана" in text and "На Советской прорвало канализацию" in text
    assert "Пушкинской" not in text and "опять прорвала" not in text  # unrelated; five days old
    assert "https://otklik.example/web/#case=vk-1_2" in text

    assert world.client.post("/tasks/mail", json={"mail_id": mail_id}, headers=SECRET).get_json()["outcome"] == "sent"
    [letter] = letters(maildir)
    assert subject(letter) == f"Социально значимое сообщение (п. 22): обращение №{number}"

    # The admin names the Head's recipients: from now on they are told instead of the supervisors.
    world.db.collection("settings").document("oversight").set({"head_uids": [world.people.uids["admin"]]})
    bootstrap.reset()
    bootstrap.override(clock=world.clock, queue=world.queue)
    world.detect("vk-1_5", NOW, "Сообщение о пожаре")
    world.ok("curator", "vk-1_5", "mark_significant", reason="Пожар")
    world.dispatch("vk-1_5")
    assert sorted(n["recipient_uid"] for n in notifications(world, "significant") if n["case_id"] == "vk-1_5") == [
        world.people.uids["admin"]]


def open_in(world: World, case_id: str, at: datetime, group: str = "777", agency: str = "minstroy",
            text: str = "Нет горячей воды") -> None:
    doc = {"id": case_id, "detected_at": at, "received_at": at, "updated_at": at, "raw": {"payload": "{}"},
           "source": {"kind": "vk", "id": group, "name": "Ижевск онлайн", "agency_id": agency},
           "message": {"network": "vk", "external_id": f"-{group}_{case_id}", "text": text}}
    committed = world.service.open_case(doc, case_id, at)
    assert committed is not None
    world.clock.now = at + timedelta(seconds=20)
    world.dispatch(case_id)


def test_a_surge_alerts_once_and_grows(world: World, maildir: Path) -> None:
    world.db.collection("settings").document("oversight").set({"surge": {
        "baseline_days": 2, "min_history_days": 1, "min_count": 5, "window_minutes": 30, "p_value": 0.01}})
    bootstrap.reset()
    bootstrap.override(clock=world.clock, queue=world.queue)
    open_in(world, "h1", NOW - timedelta(days=3))  # counting began three days ago
    open_in(world, "h2", NOW - timedelta(days=1, hours=3))  # yesterday, at another hour
    open_in(world, "other", NOW - timedelta(minutes=5), group="888", agency="mintrans", text="Яма на дороге")
    for i in range(8):
        open_in(world, f"s{i}", NOW + timedelta(minutes=2 * i))

    [surge] = [s.to_dict() | {"id": s.id} for s in world.db.collection("surges").stream()]
    # triage's topic, the most specific key, surged first; the community and its agency on the same messages
    assert surge["label"] == "тема «Отопление и горячая вода»"
    assert surge["keys"] == ["topic:heating", "community:vk:777", "agency:minstroy"]
    assert set(surge["case_ids"]) == {f"s{i}" for i in range(8)} and surge["peak"] == 8
    assert surge["started_at"] == NOW + timedelta(minutes=8)  # the fifth message
    alerts = notifications(world, "surge")
    assert sorted(n["recipient_uid"] for n in alerts) == sorted(world.people.uids[p] for p in ("supervisor", "curator"))
    assert alerts[0]["text"].startswith("Повышенная социальная активность: тема «Отопление и горячая вода» — "
                                        "5 сообщений за 30 мин")
    assert {m["urgent"] for m in mails(world, "surge").values()} == {True} and len(mails(world, "surge")) == 2

    # The outbox delivers again: counted once, no new alert, the same episode.
    for case_id in ("s3", "s7"):
        for snap in world.db.collection("cases").document(case_id).collection("events").stream():
            snap.reference.update({"dispatched": False})
        world.dispatch(case_id)
    assert [s.id for s in world.db.collection("surges").stream()] == [surge["id"]]
    assert len(notifications(world, "surge")) == 2
