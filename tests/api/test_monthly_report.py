"""The §21 monthly report on the emulators: Cloud Scheduler's call on the first working day at 09:00 makes
November's report from the stored cases (streamed in pages, without the messages' text), keeps its brief
and files, and mails both files to the supervisors once; the letter arrives in the Maildir with them."""

from __future__ import annotations

from pathlib import Path

import pytest

import adapters.firestore_reports as firestore_reports
from tests.api.conftest import World, letters, mails, samara, subject
from tests.api.test_mail import SECRET

pytestmark = pytest.mark.emulator


def test_the_scheduler_sends_novembers_report_once(world: World, maildir: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(firestore_reports, "PAGE", 2)  # three pages for five cases
    for i, day in enumerate((2, 3, 10, 27, 30)):
        world.detect(f"vk-1_{i}", samara(2026, 11, day, 10, 0))
    world.detect("vk-1_dec", samara(2026, 12, 1, 0, 5))  # December's
    world.clock.now = samara(2026, 11, 2, 10, 20)
    world.ok("curator", "vk-1_0", "route", agency_ids=["minstroy"])

    world.clock.now = samara(2026, 12, 1, 8, 30)
    assert world.client.post("/scheduler/monthly-report", headers=SECRET).get_json() == {"status": "not_yet"}
    assert world.client.post("/scheduler/monthly-report").status_code == 401

    world.clock.now = samara(2026, 12, 1, 9, 0)
    done = world.client.post("/scheduler/monthly-report", headers=SECRET).get_json()
    assert done == {"status": "sent", "month": "2026-11", "recipients": 1, "letters": 1}
    brief = world.db.collection("report_months").document("2026-11").get().to_dict()
    assert brief["overall"]["received"] == 5 and brief["overall"]["routed"] == 1
    assert brief["agencies"]["minstroy"]["received"] == 1
    files = {s.id: s.to_dict() for s in world.db.collection("report_files").stream()}
    assert files["otklik-2026-11.pdf"]["data"].startswith(b"%PDF") and "otklik-2026-11.xlsx" in files
    assert world.db.collection("report_runs").document("2026-11").get().to_dict()["state"] == "sent"

    [(mail_id, mail)] = mails(world, "monthly_report").items()
    assert mail["to"] == ["supervisor@test.otklik"] and len(mail["attachments"]) == 2
    assert world.client.post("/tasks/mail", json={"mail_id": mail_id}, headers=SECRET).get_json()["outcome"] == "sent"
    [letter] = letters(maildir)
    assert subject(letter).endswith("за ноябрь 2026 г.")
    names = sorted(part.get_filename() for part in letter.walk() if part.get_filename())
    assert names == ["otklik-2026-11.pdf", "otklik-2026-11.xlsx"]

    # Cloud Scheduler's next call (and its retries) send nothing again.
    world.clock.now = samara(2026, 12, 2, 9, 0)
    again = world.client.post("/scheduler/monthly-report", headers=SECRET).get_json()
    assert again == {"status": "already_sent", "month": "2026-11"} and len(mails(world, "monthly_report")) == 1


def test_a_months_cases_are_streamed_without_their_text(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from infra.firestore import firestore_client

    monkeypatch.setattr(firestore_reports, "PAGE", 2)
    for i in range(5):
        world.detect(f"vk-2_{i}", samara(2026, 10, 31, 23, 30 + i))  # 31 October, Izhevsk time
    world.detect("vk-2_nov", samara(2026, 11, 1, 0, 0))
    store = firestore_reports.FirestoreReports(firestore_client)
    from reports.figures import month_bounds

    found = list(store.month_cases(*month_bounds("2026-10")))
    assert sorted(c["id"] for c in found) == [f"vk-2_{i}" for i in range(5)]
    assert all("text" not in c["message"] and "raw" not in c and c["deadlines"] for c in found)
    assert store.reads == 5 and store.count(*month_bounds("2026-11")) == 1


def test_by_hand_the_files_are_written_with_a_progress_bar(world: World, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from openpyxl import load_workbook

    from reports.cli import main

    for i in range(3):
        world.detect(f"vk-3_{i}", samara(2026, 11, 5 + i, 10, 0))
    world.clock.now = samara(2026, 12, 1, 7, 0)  # by hand, before the scheduler's hour
    assert main(["monthly", "--month", "2026-11", "--out", str(tmp_path / "out")]) == 0
    out, err = capsys.readouterr()
    done = json.loads(out)
    assert done["month"] == "2026-11" and done["cases"] == 3 and "letters" not in done
    assert "Обращения за 2026-11" in err and "3/3" in err
    book = load_workbook(tmp_path / "out" / "otklik-2026-11.xlsx")
    assert book["Сводка"]["B4"].value == 3
    assert (tmp_path / "out" / "otklik-2026-11.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(SystemExit) as refused:
        main(["monthly", "--month", "2026-13", "--out", str(tmp_path)])
    assert refused.value.code == 2 and "not a month" in capsys.readouterr().err
    assert main(["monthly", "--out", str(tmp_path), "--send"]) == 2  # e-mail is off here
    assert "OTKLIK_SMTP_HOST" in capsys.readouterr().err
