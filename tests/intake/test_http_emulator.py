"""The three webhooks through HTTP (functions framework, in-process) against the Firestore emulator."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from intake.models import case_id_for
from tests.intake.helpers import batch, item, signed_headers

pytestmark = pytest.mark.emulator

STORED = ["cases", "intake_deliveries"]


def post_batch(client: Any, body: bytes, key: str, t: int | None = None, **headers: str) -> Any:
    all_headers = signed_headers("mon", key, body, int(time.time()) if t is None else t)
    all_headers.update(headers)
    return client.post("/intake/monitoring", data=body, headers=all_headers)


def count(db: Any, collection: str) -> int:
    return len(list(db.collection(collection).stream()))


def nothing_stored(db: Any) -> bool:
    return all(count(db, c) == 0 for c in STORED)


def assert_json_error(resp: Any, status: int, code: str) -> None:
    assert resp.status_code == status, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["error"] == code
    assert body["message"] and any("а" <= ch <= "я" for ch in body["message"].lower())  # a Russian sentence
    assert body["detail"]


# -- monitoring ---------------------------------------------------------------------------------------
def test_a_signed_batch_makes_cases(client: Any, db: Any, source_key: str) -> None:
    resp = post_batch(client, batch(item("wall-1_1"), item("wall-1_2")), source_key)
    assert resp.status_code == 200
    assert resp.get_json()["counts"] == {"created": 2, "duplicate": 0, "rejected": 0}
    case = db.collection("cases").document(case_id_for("vk", "wall-1_1")).get().to_dict()
    assert case["state"] == "detected" and case["version"] == 1
    assert case["message"]["text"] == "Во дворе не убран снег"
    assert case["message"]["posted_at"].isoformat() == "2024-03-01T06:00:00+00:00"
    assert case["source"]["kind"] == "monitoring" and set(case["raw"]) == {"write_id"}
    kept = db.collection("raw_payloads").document(case["id"]).get().to_dict()  # beside it, for an audit
    assert json.loads(kept["payload"])["external_id"] == "wall-1_1" and kept["source"]["kind"] == "monitoring"


def test_a_batch_mixing_valid_duplicate_and_invalid_items(client: Any, db: Any, source_key: str) -> None:
    post_batch(client, batch(item("seen")), source_key)
    body = batch(item("new-1"), item("seen"), item("bad", posted_at="вчера"), {"text": "no id"}, item("new-2"),
                 item("new-1"))
    resp = post_batch(client, body, source_key)
    assert resp.status_code == 200
    results = resp.get_json()["results"]
    assert [r["outcome"] for r in results] == ["created", "duplicate", "rejected", "rejected", "created",
                                               "duplicate"]
    assert [r["index"] for r in results] == list(range(6))
    assert "posted_at" in results[2]["reason"] and "network" in results[3]["reason"]
    assert results[0]["case_id"] == case_id_for("vk", "new-1") == results[5]["case_id"]
    assert count(db, "cases") == 3


def test_a_batch_with_only_bad_items_is_422_with_reasons_and_stores_nothing(client: Any, db: Any,
                                                                         source_key: str) -> None:
    resp = post_batch(client, batch(item("x", network="myspace")), source_key)
    assert_json_error(resp, 422, "all_items_rejected")
    assert resp.get_json()["results"][0]["outcome"] == "rejected"
    assert nothing_stored(db)


@pytest.mark.parametrize("body, code, status", [
    (b"{not json", "bad_json", 400),
    (b'"a string"', "invalid_batch", 400),
    (b'{"messages": "x"}', "invalid_batch", 400),
    (b'{"messages": [' + b",".join([b"{}"] * 501) + b"]}", "too_many_items", 413),
    (batch(item(), source="other"), "source_mismatch", 400),
])
def test_bad_input_gets_4xx_and_stores_nothing(client: Any, db: Any, source_key: str, body: bytes, code: str,
                                               status: int) -> None:
    assert_json_error(post_batch(client, body, source_key), status, code)
    assert nothing_stored(db)


def test_refused_senders_get_4xx_and_store_nothing(client: Any, db: Any, source_key: str) -> None:
    body = batch(item())
    now = int(time.time())
    assert_json_error(post_batch(client, body, "wrong-key"), 401, "signature_mismatch")
    assert_json_error(post_batch(client, body, source_key, t=now - 301), 401, "signature_expired")
    assert_json_error(post_batch(client, body, source_key, t=now + 301), 401, "signature_from_future")
    assert_json_error(client.post("/intake/monitoring", data=body), 401, "source_missing")
    unknown = signed_headers("nobody", source_key, body, now)
    assert_json_error(client.post("/intake/monitoring", data=body, headers=unknown), 401, "unknown_source")
    no_sig = {"X-Otklik-Source": "mon"}
    assert_json_error(client.post("/intake/monitoring", data=body, headers=no_sig), 401, "signature_missing")
    assert nothing_stored(db)


def test_a_replayed_request_is_refused_after_five_minutes(client: Any, db: Any, source_key: str) -> None:
    body = batch(item())
    old = int(time.time()) - 400
    assert_json_error(post_batch(client, body, source_key, t=old), 401, "signature_expired")
    assert nothing_stored(db)


def test_oversize_and_wrong_method(client: Any, db: Any, source_key: str) -> None:
    huge = b"{" + b" " * (1024 * 1024) + b"}"
    assert_json_error(post_batch(client, huge, source_key), 413, "payload_too_large")
    assert_json_error(client.get("/intake/monitoring"), 405, "method_not_allowed")
    assert nothing_stored(db)


# -- VK -----------------------------------------------------------------------------------------------
def vk_event(kind: str, obj: dict[str, Any], event_id: str, secret: str = "vk-secret") -> bytes:
    return json.dumps({"type": kind, "event_id": event_id, "v": "5.199", "object": obj, "group_id": 7,
                       "secret": secret}).encode()


def reply(text: str = "Когда отремонтируют поликлинику?", comment: int = 5) -> dict[str, Any]:
    return {"id": comment, "from_id": 1001, "date": 1709280000, "text": text, "owner_id": -7, "post_id": 1}


REPLY_ID = "wall-7_1_r5"


def test_vk_confirmation_handshake(client: Any, db: Any, vk_group: int) -> None:
    resp = client.post("/intake/vk", data=json.dumps({"type": "confirmation", "group_id": 7}))
    assert resp.status_code == 200 and resp.get_data(as_text=True) == "c0nf1rm"
    assert resp.mimetype == "text/plain"
    unknown = client.post("/intake/vk", data=json.dumps({"type": "confirmation", "group_id": 8}))
    assert_json_error(unknown, 403, "unknown_vk_community")


def test_vk_secret_is_checked_per_community(client: Any, db: Any, vk_group: int) -> None:
    resp = client.post("/intake/vk", data=vk_event("wall_reply_new", reply(), "e1", secret="wrong"))
    assert_json_error(resp, 403, "vk_secret_mismatch")
    assert_json_error(client.post("/intake/vk", data=b"{garbage"), 400, "bad_json")
    assert nothing_stored(db)


def test_vk_dedupes_by_event_id_and_by_object(client: Any, db: Any, vk_group: int) -> None:
    for event_id in ["e1", "e1", "e2"]:
        resp = client.post("/intake/vk", data=vk_event("wall_reply_new", reply(), event_id))
        assert resp.status_code == 200 and resp.get_data(as_text=True) == "ok"
    assert count(db, "cases") == 1
    case = db.collection("cases").document(case_id_for("vk", REPLY_ID)).get().to_dict()
    # The community's secret is in no document a client reads, nor in the payload kept for an audit.
    assert "vk-secret" not in json.dumps(case, default=str)
    kept = db.collection("raw_payloads").document(case["id"]).get().to_dict()
    assert "vk-secret" not in kept["payload"] and json.loads(kept["payload"])["event_id"]
    assert case["message"]["parent"]["external_id"] == "wall-7_1"
    assert case["source"] == {"kind": "vk", "id": "7", "name": "Минздрав", "agency_id": "minzdrav"}
    assert count(db, "intake_deliveries") == 1  # e2 met the case, so no marker was left


def test_vk_edit_keeps_the_earlier_version_and_delete_never_removes(client: Any, db: Any, vk_group: int) -> None:
    client.post("/intake/vk", data=vk_event("wall_reply_new", reply("v1"), "e1"))
    for event_id in ["e2", "e2"]:  # a redelivered edit is applied once
        resp = client.post("/intake/vk", data=vk_event("wall_reply_edit", reply("v2"), event_id))
        assert resp.get_data(as_text=True) == "ok"
    gone = {"owner_id": -7, "id": 5, "deleter_id": 1001, "post_id": 1}
    assert client.post("/intake/vk", data=vk_event("wall_reply_delete", gone, "e3")).get_data(as_text=True) == "ok"
    message = db.collection("cases").document(case_id_for("vk", REPLY_ID)).get().to_dict()["message"]
    assert message["text"] == "v2"
    assert [e["text"] for e in message["edits"]] == ["v1"]
    assert message["deleted_at_source"] is True and message["deleted_at"] is not None
    assert count(db, "cases") == 1


def test_vk_other_events_are_acknowledged_and_ignored(client: Any, db: Any, vk_group: int) -> None:
    resp = client.post("/intake/vk", data=vk_event("group_join", {"user_id": 1, "join_type": "join"}, "e9"))
    assert resp.status_code == 200 and resp.get_data(as_text=True) == "ok"
    gone = {"owner_id": -7, "id": 99, "deleter_id": 1, "post_id": 1}
    assert client.post("/intake/vk", data=vk_event("wall_reply_delete", gone, "e10")).get_data(as_text=True) == "ok"
    assert nothing_stored(db)


# -- Telegram -----------------------------------------------------------------------------------------
def tg_update(update_id: int, text: str, edited: bool = False) -> bytes:
    msg = {"message_id": 45, "date": 1709280000, "chat": {"id": -100123, "type": "supergroup", "title": "Ижевск"},
           "from": {"id": 5, "first_name": "Иван"}, "text": text}
    if edited:
        msg["edit_date"] = 1709280600
    return json.dumps({"update_id": update_id, "edited_message" if edited else "message": msg}).encode()


def tg_post(client: Any, body: bytes, token: str | None = "tg-token", bot: str = "otklik_bot") -> Any:
    headers = {"X-Telegram-Bot-Api-Secret-Token": token} if token else {}
    return client.post(f"/intake/telegram?bot={bot}", data=body, headers=headers)


def test_telegram_secret_token_is_checked(client: Any, db: Any, tg_bot: str) -> None:
    assert_json_error(tg_post(client, tg_update(1, "x"), token=None), 401, "telegram_token_missing")
    assert_json_error(tg_post(client, tg_update(1, "x"), token="wrong"), 403, "telegram_token_mismatch")
    assert_json_error(tg_post(client, tg_update(1, "x"), bot="other"), 403, "unknown_telegram_bot")
    assert_json_error(tg_post(client, b"[]"), 400, "bad_payload")
    assert nothing_stored(db)


def test_telegram_message_and_edit(client: Any, db: Any, tg_bot: str) -> None:
    assert tg_post(client, tg_update(1, "Яма на дороге")).get_json()["result"]["outcome"] == "created"
    assert tg_post(client, tg_update(1, "Яма на дороге")).get_json()["result"]["outcome"] == "duplicate"
    # without ?bot= the bot is found by its token
    resp = client.post("/intake/telegram", data=tg_update(2, "Яма на дороге Ленина", edited=True),
                       headers={"X-Telegram-Bot-Api-Secret-Token": "tg-token"})
    assert resp.get_json()["result"]["outcome"] == "updated"
    message = db.collection("cases").document(case_id_for("telegram", "-100123:45")).get().to_dict()["message"]
    assert message["text"] == "Яма на дороге Ленина" and message["edits"][0]["text"] == "Яма на дороге"
