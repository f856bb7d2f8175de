"""The admin's screen through the staff API (/api/admin/...): staff, agencies, dismissal reasons; a change of
a person's access holds at once, in the API and (tests/rules) in the rules."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

import bootstrap
from tests.api.conftest import World, sign_in

pytestmark = pytest.mark.emulator


def admin_post(world: World, path: str, body: Any) -> Any:
    return world.client.post(f"/api/admin/{path}", json=body, headers=world.people.header("admin"))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_only_the_admin_manages_staff_and_bad_input_is_refused_in_russian(world: World) -> None:
    for who in ("curator", "supervisor", "lead_minstroy"):
        response = world.client.get("/api/admin/staff", headers=world.people.header(who))
        assert response.status_code == 403 and response.get_json()["error"] == "role_not_allowed"
    listed = world.client.get("/api/admin/staff", headers=world.people.header("admin")).get_json()["staff"]
    assert {p["email"] for p in listed} >= {"curator@test.otklik", "executor_minstroy@test.otklik"}
    assert world.client.post("/api/admin/staff", json={}, headers=world.people.header("admin")).status_code == 405

    refused = admin_post(world, "staff/new", {"email": "x@test.otklik", "name": "Икс", "role": "executor"})
    assert refused.status_code == 422 and refused.get_json()["message"] == (
        "Для роли «Исполнитель» нужен орган власти (--agency).")
    refused = admin_post(world, "staff/new", {"email": "x@test.otklik", "name": "Икс", "role": "boss"})
    assert refused.status_code == 422 and refused.get_json()["field"] == "role"
    assert "role" in refused.get_json()["message"] and "Input" not in refused.get_json()["message"]
    refused = admin_post(world, "staff/new", {"email": "x@test.otklik", "name": "Икс", "role": "executor",
                                              "agency_id": "nope"})
    assert refused.status_code == 422 and "Нет органа власти 'nope'" in refused.get_json()["message"]
    assert admin_post(world, "staff/nobody", {"active": False}).status_code == 422
    assert world.client.post("/api/admin/staff/new", data="[", headers={
        **world.people.header("admin"), "Content-Type": "application/json"}).status_code == 400


def test_a_new_member_signs_in_and_a_deactivation_or_a_move_holds_at_once(world: World) -> None:
    created = admin_post(world, "staff/new", {"email": "ivanova@test.otklik", "name": "Анна Иванова",
                                              "role": "executor", "agency_id": "minstroy"})
    assert created.status_code == 201
    uid, password = created.get_json()["staff"]["uid"], created.get_json()["password"]
    token = sign_in("ivanova@test.otklik", password)
    me = world.client.get("/api/me", headers=bearer(token)).get_json()
    assert (me["role"], me["agency_id"], me["name"]) == ("executor", "minstroy", "Анна Иванова")
    staff = world.client.get("/api/staff", headers=world.people.header("lead_minstroy")).get_json()["staff"]
    assert "Анна Иванова" in {p["name"] for p in staff}  # the lead can assign her by name

    # Moved to another agency: the old token (claims: minstroy) is refused at once; a new sign-in has the new.
    time.sleep(1.1)  # Firebase revokes the tokens issued before the revocation's second, as any real one is
    moved = admin_post(world, f"staff/{uid}", {"agency_id": "mintrans"})
    assert moved.status_code == 200 and moved.get_json()["staff"]["agency_id"] == "mintrans"
    stale = world.client.get("/api/me", headers=bearer(token))
    assert stale.status_code == 401 and "войдите заново" in stale.get_json()["message"]
    token = sign_in("ivanova@test.otklik", password)
    assert world.client.get("/api/me", headers=bearer(token)).get_json()["agency_id"] == "mintrans"

    # Deactivated: refused at once, cannot sign in, not in the directory; reactivated: back.
    time.sleep(1.1)
    assert admin_post(world, f"staff/{uid}", {"active": False}).get_json()["staff"]["active"] is False
    off = world.client.get("/api/me", headers=bearer(token))
    assert off.status_code == 401 and "отключена" in off.get_json()["message"]
    with pytest.raises(requests.HTTPError):
        sign_in("ivanova@test.otklik", password)
    staff = world.client.get("/api/staff", headers=world.people.header("lead_mintrans")).get_json()["staff"]
    assert "Анна Иванова" not in {p["name"] for p in staff}
    listed = world.client.get("/api/admin/staff", headers=world.people.header("admin")).get_json()["staff"]
    assert [p["active"] for p in listed if p["uid"] == uid] == [False]
    assert admin_post(world, f"staff/{uid}", {"active": True, "role": "agency_lead"}).status_code == 200
    token = sign_in("ivanova@test.otklik", password)
    me = world.client.get("/api/me", headers=bearer(token)).get_json()
    assert (me["role"], me["agency_id"]) == ("agency_lead", "mintrans")
    assert world.db.collection("staff").document(uid).get().to_dict()["active"] is True

    # A role without an agency drops the old agency.
    assert admin_post(world, f"staff/{uid}", {"role": "curator"}).get_json()["staff"]["agency_id"] is None


def test_agencies_and_dismissal_reasons_from_the_admin_screen(world: World) -> None:
    added = admin_post(world, "agencies/minturizm", {"name": "Агентство по туризму Удмуртской Республики",
                                                     "short_name": "Агентство по туризму", "kind": "agency"})
    assert added.status_code == 200
    agencies = world.client.get("/api/admin/agencies", headers=world.people.header("admin")).get_json()["agencies"]
    assert "Агентство по туризму" in {a["short_name"] for a in agencies}
    assert admin_post(world, "agencies/Мин туризм", {"name": "Агентство", "short_name": "Агентство"}).status_code == 422

    reasons = {"reasons": [{"code": "spam", "label": "Спам или реклама"},
                           {"code": "duplicate", "label": "Дубль уже рассмотренного сообщения"}]}
    assert admin_post(world, "dismissal-reasons", reasons).get_json() == reasons
    bootstrap.reset()  # a new instance: the cached list is read again (within a minute on a warm one)
    listed = world.client.get("/api/dismissal-reasons", headers=world.people.header("curator")).get_json()
    assert listed == reasons
    twice = {"reasons": [{"code": "spam", "label": "Спам"}, {"code": "spam", "label": "Реклама"}]}
    assert admin_post(world, "dismissal-reasons", twice).get_json()["message"] == "Коды причин повторяются."
    assert admin_post(world, "dismissal-reasons", {"reasons": []}).status_code == 422


def test_deactivate_staff_from_the_command_line_holds_at_once(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    from admin import cli

    created = admin_post(world, "staff/new", {"email": "leaving@test.otklik", "name": "Уходящий исполнитель",
                                              "role": "executor", "agency_id": "minzdrav"}).get_json()
    token = sign_in("leaving@test.otklik", created["password"])
    assert world.client.get("/api/me", headers=bearer(token)).status_code == 200
    time.sleep(1.1)
    assert cli.main(["deactivate-staff", "leaving@test.otklik"]) == 0
    assert '"active": false' in capsys.readouterr().out
    assert world.client.get("/api/me", headers=bearer(token)).status_code == 401
    assert cli.main(["deactivate-staff", "nobody@test.otklik"]) == 2
