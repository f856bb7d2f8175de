"""E-mail on the emulators with a real SMTP server that keeps a Maildir: from a command through the outbox
to a letter on disk, once; the sweep's backstop; a person's notifications read and their choice."""

from __future__ import annotations

from pathlib import Path

import pytest

import bootstrap
from infra.settings import DEV_TASK_SECRET
from tests.api.conftest import World, letters, mails, samara, subject

pytestmark = pytest.mark.emulator

CASE = "vk-mail"
SECRET = {"X-Otklik-Task-Secret": DEV_TASK_SECRET}


def test_a_routed_case_reaches_the_agency_by_mail_once(world: World, maildir: Path) -> None:
    world.detect(CASE, samara(2026, 12, 10, 10, 0))
    world.ok("curator", CASE, "route", agency_ids=["minstroy"])
    assert world.dispatch(CASE) == 2  # CaseDetected, Routed
    routed = mails(world, "routed")
    lead = world.people.uids["lead_minstroy"]
    [(lead_mail_id, lead_mail)] = [(i, m) for i, m in routed.items() if m["recipient_uid"] == lead]
    assert lead_mail["to"] == ["lead_minstroy@test.otklik"] and lead_mail["delivery"]["state"] == "PENDING"
    assert any(t.payload == {"mail_id": lead_mail_id} for t in world.queue.created)  # its task, at send_at

    sent = world.client.post("/tasks/mail", json={"mail_id": lead_mail_id}, headers=SECRET)
    assert sent.status_code == 200 and sent.get_json()["outcome"] == "sent"
    again = world.client.post("/tasks/mail", json={"mail_id": lead_mail_id}, headers=SECRET)
    assert again.get_json()["outcome"] == "not_pending"
    [letter] = letters(maildir)
    assert letter["To"] == "lead_minstroy@test.otklik"
    assert subject(letter) == f"Обращение №{world.case(CASE)['number']} направлено в minstroy"
    plain = letter.get_payload()[0].get_payload(decode=True).decode()
    assert f"https://otklik.example/web/#case={CASE}" in plain and "Когда отремонтируют дорогу?" in plain
    stored = world.db.collection("mail").document(lead_mail_id).get().to_dict()["delivery"]
    assert (stored["state"], stored["attempts"]) == ("SUCCESS", 1)

    # The outbox delivers at least once: the event again changes nothing.
    for snap in world.db.collection("cases").document(CASE).collection("events").stream():
        snap.reference.update({"dispatched": False})
    world.dispatch(CASE)
    assert mails(world, "routed") .keys() == routed.keys()


def test_the_sweep_sends_mail_whose_task_was_lost(world: World, maildir: Path) -> None:
    world.detect(CASE, samara(2026, 12, 10, 10, 0))
    world.ok("curator", CASE, "route", agency_ids=["minstroy"])
    world.dispatch(CASE)
    waiting = mails(world, "routed")
    response = world.client.post("/scheduler/sweep", headers=SECRET)
    assert response.status_code == 200 and response.get_json()["counts"]["mail_sent"] == len(waiting)
    assert sorted(m["To"] for m in letters(maildir)) == sorted(m["to"][0] for m in waiting.values())


def test_a_person_reads_their_notifications_and_chooses_how_to_be_told(world: World) -> None:
    world.detect(CASE, samara(2026, 12, 10, 10, 0))
    world.ok("curator", CASE, "route", agency_ids=["minstroy"])
    world.dispatch(CASE)
    lead, curator = world.people.header("lead_minstroy"), world.people.header("curator")
    mine = [s.id for s in world.db.collection("notifications").stream()
            if s.to_dict()["recipient_uid"] == world.people.uids["lead_minstroy"]]
    assert world.client.post(f"/api/notifications/{mine[0]}/read", json={}, headers=curator).status_code == 404
    assert world.client.post(f"/api/notifications/{mine[0]}/read", json={}, headers=lead).status_code == 200
    assert world.db.collection("notifications").document(mine[0]).get().to_dict()["read"] is True
    assert world.client.post("/api/notifications/n-none/read", json={}, headers=lead).status_code == 404
    assert world.client.post("/api/notifications/read-all", json={}, headers=lead).get_json()["marked"] == len(mine) - 1

    assert world.client.get("/api/me", headers=lead).get_json()["notify_by"] == "email"
    chosen = world.client.post("/api/me/notify", json={"notify_by": "digest"}, headers=lead)
    assert chosen.status_code == 200
    bad = world.client.post("/api/me/notify", json={"notify_by": "pigeon"}, headers=lead)
    assert bad.status_code == 422 and bad.get_json()["error"] == "invalid_body" and bad.get_json()["field"] == "notify_by"
    staff_doc = world.db.collection("staff").document(world.people.uids["lead_minstroy"]).get().to_dict()
    assert staff_doc["notify_by"] == "digest" and staff_doc["role"] == "agency_lead"  # nothing else touched
    bootstrap.reset()  # a new instance: the staff directory reads the choice afresh
    assert world.client.get("/api/me", headers=lead).get_json()["notify_by"] == "digest"
