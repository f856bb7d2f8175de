"""The administrator's side: agencies and staff through `python -m admin`, and SLA settings in Firestore."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import bootstrap
from admin import cli
from tests.api.conftest import ROOT, World, samara, sign_in

pytestmark = pytest.mark.emulator


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any] | str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, json.loads(out) if code == 0 else err


def test_agencies_import_and_add(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "import-agencies", str(ROOT / "devstack" / "data" / "agencies.json"))
    assert code == 0 and out == {"imported": 25}
    assert world.db.collection("agencies").document("mintrans").get().to_dict()["short_name"] == "Минтранс УР"
    code, _ = run(capsys, "add-agency", "minturizm", "--name", "Агентство по туризму Удмуртской Республики",
                  "--short-name", "Агентство по туризму")
    assert code == 0 and world.db.collection("agencies").document("minturizm").get().exists


def test_bad_agency_files_are_refused_with_a_reason(world: World, capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    bad = tmp_path / "agencies.json"
    bad.write_text(json.dumps([{"id": "Мин транс", "name": "x", "short_name": "y"}]), encoding="utf-8")
    code, err = run(capsys, "import-agencies", str(bad))
    assert code == 2 and "agency #1: id" in str(err)


def test_add_staff_creates_the_user_with_claims_and_mirrors_it(world: World,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "add-staff", "new.executor@test.otklik", "--role", "executor", "--agency", "minzdrav",
                    "--name", "Новый исполнитель")
    assert code == 0 and isinstance(out, dict)
    token = sign_in("new.executor@test.otklik", out["password"])
    me = world.client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me == {"uid": out["uid"], "role": "executor", "agency_id": "minzdrav", "name": "Новый исполнитель",
                  "notify_by": "email"}
    staff = world.db.collection("staff").document(out["uid"]).get().to_dict()
    assert staff["role"] == "executor" and staff["agency_id"] == "minzdrav"
    code, err = run(capsys, "add-staff", "x@test.otklik", "--role", "executor")
    assert code == 2 and "нужен орган власти (--agency)" in str(err)
    code, err = run(capsys, "add-staff", "x@test.otklik", "--role", "executor", "--agency", "nope")
    assert code == 2 and "нет органа власти 'nope'" in str(err)


def test_sla_settings_in_firestore_change_new_deadlines(world: World) -> None:
    world.db.collection("settings").document("sla").set({"stages": {"route": {"amount": 90, "unit": "minutes"}}})
    bootstrap.reset()  # a new instance reads settings/sla afresh
    bootstrap.override(clock=world.clock, queue=world.queue)
    committed = bootstrap.case_service().open_case({"id": "vk-sla"}, "vk-sla", samara(2026, 12, 10, 10, 0))
    assert committed is not None and world.case("vk-sla")["deadlines"]["route"]["due"] == samara(2026, 12, 10, 11, 30)


def test_oversight_settings_name_the_head_and_tune_the_surges(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "oversight", "--head", "admin@test.otklik", "--surge-min-count", "20",
                    "--surge-factor", "4")
    assert code == 0 and isinstance(out, dict)
    assert out["head_uids"] == [world.people.uids["admin"]] and out["report_uids"] == []
    assert (out["surge"]["min_count"], out["surge"]["factor"], out["surge"]["window_minutes"]) == (20, 4.0, 60)
    stored = world.db.collection("settings").document("oversight").get().to_dict()
    assert stored == out
    code, out = run(capsys, "oversight", "--head")  # none: back to the supervisors; the thresholds stay
    assert code == 0 and isinstance(out, dict) and out["head_uids"] == [] and out["surge"]["min_count"] == 20
    code, err = run(capsys, "oversight", "--report", "nobody@test.otklik")
    assert code == 2 and "нет сотрудника с адресом nobody@test.otklik" in str(err)
    code, err = run(capsys, "oversight", "--surge-p-value", "0.9")
    assert code == 2 and "p_value" in str(err)
    assert world.db.collection("settings").document("oversight").get().to_dict()["surge"]["p_value"] == 1e-6


def test_old_cases_raw_payloads_move_out_of_the_case_documents(world: World,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Cases stored before the move kept the sender's body, VK's secret included, where staff read it."""
    body = json.dumps({"type": "wall_reply_new", "group_id": 7, "secret": "vk-secret", "object": {"id": 5}})
    world.db.collection("cases").document("vk-old").set({
        "id": "vk-old", "source": {"kind": "vk", "id": "7"}, "received_at": samara(2026, 11, 2, 10, 0),
        "raw": {"payload": body, "truncated": False, "write_id": "w1"}, "state": "detected"})
    world.db.collection("cases").document("vk-new").set({"id": "vk-new", "raw": {"write_id": "w2"}})
    code, out = run(capsys, "move-raw-payloads")
    assert code == 0 and out == {"moved": 1}
    assert world.db.collection("cases").document("vk-old").get().to_dict()["raw"] == {"write_id": "w1"}
    kept = world.db.collection("raw_payloads").document("vk-old").get().to_dict()
    assert json.loads(kept["payload"]) == {"type": "wall_reply_new", "group_id": 7, "object": {"id": 5}}
    assert kept["source"] == {"kind": "vk", "id": "7"} and kept["received_at"] == samara(2026, 11, 2, 10, 0)
    assert run(capsys, "move-raw-payloads") == (0, {"moved": 0})  # done once
