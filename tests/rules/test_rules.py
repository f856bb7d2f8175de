"""firestore.rules against the Firestore emulator, over its REST API, with emulator ID tokens.

The emulator accepts unsigned JWTs (``alg: none``) carrying the claims a Firebase ID token would, and
``Bearer owner`` as an admin that bypasses the rules (used to seed). Each check is one row of CHECKS:
who does what to which document or query, and whether the rules allow it (200) or deny it (403).
docs/rules.md is the same matrix in prose.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from devstack import procs
from tests.conftest import ROOT, TEST_PROJECT, clear_firestore

pytestmark = pytest.mark.emulator

DOCS = f"projects/{TEST_PROJECT}/databases/(default)/documents"

# ---- who -----------------------------------------------------------------------------------------

USERS: dict[str, dict[str, Any] | None] = {
    # name: (uid, custom claims); None = no token at all
    "curator": {"uid": "u-cur", "role": "curator"},
    "supervisor": {"uid": "u-sup", "role": "supervisor"},
    "admin": {"uid": "u-adm", "role": "admin"},
    "exec_a": {"uid": "u-exa", "role": "executor", "agency_id": "a"},
    "exec_b": {"uid": "u-exb", "role": "executor", "agency_id": "b"},
    "lead_a": {"uid": "u-lda", "role": "agency_lead", "agency_id": "a"},
    "lead_b": {"uid": "u-ldb", "role": "agency_lead", "agency_id": "b"},
    "exec_no_agency": {"uid": "u-exn", "role": "executor"},
    "no_role": {"uid": "u-none"},
    "bad_role": {"uid": "u-bad", "role": "superuser", "agency_id": "a"},
    "anonymous": None,
    # the staff records below say otherwise than these tokens' claims (STAFF_NOW): changed by the admin
    "deactivated": {"uid": "u-off", "role": "executor", "agency_id": "a"},
    "moved": {"uid": "u-mov", "role": "executor", "agency_id": "a"},
    "demoted": {"uid": "u-dem", "role": "curator"},
    "unknown_person": {"uid": "u-nobody", "role": "curator"},
}

# What the staff records say now, where it differs from the token (the admin's screen changed it after the
# token was issued); no record at all for `unknown_person`.
STAFF_NOW: dict[str, dict[str, Any]] = {
    "u-off": {"role": "executor", "agency_id": "a", "active": False},
    "u-mov": {"role": "executor", "agency_id": "b", "active": True},
    "u-dem": {"role": "executor", "agency_id": "a", "active": True},
}


def _b64(obj: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def emulator_token(uid: str, **claims: Any) -> str:
    """An unsigned Firebase ID token, as the emulator accepts it: ``header.payload.`` (empty signature)."""
    now = int(time.time())
    payload = {
        "sub": uid, "user_id": uid, "aud": TEST_PROJECT, "iss": f"https://securetoken.google.com/{TEST_PROJECT}",
        "iat": now, "exp": now + 3600, "auth_time": now,
        "firebase": {"sign_in_provider": "password", "identities": {}},
        **claims,
    }
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(payload)}."


def headers_for(user: str) -> dict[str, str]:
    spec = USERS[user]
    if spec is None:
        return {}
    claims = dict(spec)
    return {"Authorization": f"Bearer {emulator_token(claims.pop('uid'), **claims)}"}


OWNER = {"Authorization": "Bearer owner"}

# ---- what is stored --------------------------------------------------------------------------------

SEED: dict[str, dict[str, Any]] = {
    "cases/case-a": {"state": "assigned", "agency_ids": ["a"]},
    "cases/case-b": {"state": "assigned", "agency_ids": ["b"]},
    "cases/case-ab": {"state": "in_progress", "agency_ids": ["a", "b"]},  # joint answer
    "cases/case-new": {"state": "detected", "agency_ids": []},  # not routed yet
    "cases/case-a/events/000001": {"kind": "route", "agency_ids": ["a"]},
    "cases/case-b/events/000001": {"kind": "route", "agency_ids": ["b"]},
    "cases/case-b/events/000002": {"kind": "accept", "agency_ids": ["b"]},
    # written when only A was routed; B was added to the case later, the event's copy was not updated
    "cases/case-ab/events/000001": {"kind": "route", "agency_ids": ["a"]},
    "cases/case-new/events/000001": {"kind": "detect", "agency_ids": []},
    "notifications/n-exa": {"recipient_uid": "u-exa", "kind": "deadline_warning", "read": False},
    "notifications/n-exb": {"recipient_uid": "u-exb", "kind": "deadline_warning", "read": False},
    "notifications/n-sup": {"recipient_uid": "u-sup", "kind": "immediate_report", "read": False},
    "notifications/n-none": {"recipient_uid": "u-none", "kind": "deadline_warning", "read": False},
    **{f"staff/{u['uid']}": STAFF_NOW.get(u["uid"], {"role": u.get("role", ""), "agency_id": u.get("agency_id"),
                                                       "active": True})
       for u in USERS.values() if u is not None and u["uid"] != "u-nobody"},
    "settings/sla": {"overrides": {"answer": 8}},
    "settings/calendar": {"holidays": ["2026-01-01"]},
    "agencies/a": {"name": "Министерство А", "short_name": "А", "kind": "ministry"},
    "agencies/b": {"name": "Министерство Б", "short_name": "Б", "kind": "ministry"},
    "municipalities/samara": {"name": "Самара", "kind": "city"},
    "sources/s1": {"name": "Мониторинг", "active": True},
    "source_secrets/s1": {"key": "secret"},
    "vk_communities/123": {"secret_sha256": "x", "confirmation": "y", "agency_id": "a"},
    "telegram_bots/bot": {"secret_token_sha256": "x"},
    "intake_deliveries/vk-1": {"network": "vk"},
    "raw_payloads/case-a": {"payload": "{\"type\": \"wall_reply_new\"}", "case_id": "case-a"},
    "case_numbers/2026": {"last": 12},
    "mail/m-1": {"to": ["a@b.ru"], "recipient_uid": "u-exa", "delivery": {"state": "SUCCESS"}},
    "surges/s-1": {"label": "сообщество ВКонтакте «Х»", "case_ids": ["case-a", "case-b"], "peak": 30},
    "activity/k1": {"key": "community:vk:1", "surge": "s-1"},
    "activity_meta/since": {"day": "20261201"},
    "report_months/2026-11": {"month": "2026-11", "overall": {"received": 3}},
    "report_files/otklik-2026-11.pdf": {"month": "2026-11", "name": "otklik-2026-11.pdf"},
    "report_runs/2026-11": {"state": "sent"},
}


def encode(value: Any) -> dict[str, Any]:
    if value is None:
        return {"nullValue": None}
    if isinstance(value, bool):
        return {"booleanValue": value}
    if isinstance(value, int):
        return {"integerValue": str(value)}
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, list):
        return {"arrayValue": {"values": [encode(v) for v in value]}}
    if isinstance(value, dict):
        return {"mapValue": {"fields": {k: encode(v) for k, v in value.items()}}}
    raise TypeError(value)


def fields(data: dict[str, Any]) -> dict[str, Any]:
    return {k: encode(v) for k, v in data.items()}


# ---- how -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Q:
    """A list query: ``collection`` under ``parent`` (or a collection group), with at most one filter."""

    collection: str
    parent: str = ""
    group: bool = False
    contains: tuple[str, str] | None = None  # (field, value): ARRAY_CONTAINS
    equals: tuple[str, str] | None = None  # (field, value): EQUAL

    def body(self) -> dict[str, Any]:
        frm: dict[str, Any] = {"collectionId": self.collection}
        if self.group:
            frm["allDescendants"] = True
        query: dict[str, Any] = {"from": [frm]}
        for op, flt in (("ARRAY_CONTAINS", self.contains), ("EQUAL", self.equals)):
            if flt is not None:
                query["where"] = {"fieldFilter": {"field": {"fieldPath": flt[0]}, "op": op,
                                                  "value": encode(flt[1])}}
        return {"structuredQuery": query}

    def __str__(self) -> str:
        where = "group " if self.group else (f"{self.parent}/" if self.parent else "")
        flt = (f" [{self.contains[0]} contains {self.contains[1]}]" if self.contains
               else f" [{self.equals[0]} == {self.equals[1]}]" if self.equals else " [no filter]")
        return f"{where}{self.collection}{flt}"


ALLOW, DENY = 200, 403
TAMPER = {"tampered": True}


class Client:
    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}/v1/{DOCS}"

    def do(self, op: str, target: str | Q, headers: dict[str, str]) -> requests.Response:
        if op == "get":
            assert isinstance(target, str)
            return requests.get(f"{self.base}/{target}", headers=headers, timeout=10)
        if op == "list":
            assert isinstance(target, Q)
            parent = f"{self.base}/{target.parent}" if target.parent else self.base
            return requests.post(f"{parent}:runQuery", json=target.body(), headers=headers, timeout=10)
        assert isinstance(target, str)
        if op == "create":  # POST to the collection with a chosen id
            collection, doc_id = target.rsplit("/", 1)
            return requests.post(f"{self.base}/{collection}", params={"documentId": doc_id},
                                 json={"fields": fields(TAMPER)}, headers=headers, timeout=10)
        if op in ("update", "upsert"):  # PATCH: an existing document, or a new one (set)
            return requests.patch(f"{self.base}/{target}", json={"fields": fields(TAMPER)},
                                  headers=headers, timeout=10)
        if op == "delete":
            return requests.delete(f"{self.base}/{target}", headers=headers, timeout=10)
        raise ValueError(op)


# ---- the matrix ------------------------------------------------------------------------------------

def check(who: str, op: str, target: str | Q, expect: int, returns: set[str] | None = None) -> Any:
    verdict = "allow" if expect == ALLOW else "deny"
    return pytest.param(who, op, target, expect, returns, id=f"{who}-{op}-{target}-{verdict}")


BY_A = ("agency_ids", "a")
BY_B = ("agency_ids", "b")
ALL_CASES = {"cases/case-a", "cases/case-b", "cases/case-ab", "cases/case-new"}
ALL_EVENTS = {p for p in SEED if "/events/" in p}

CHECKS = [
    # who, op, target, expected[, documents a permitted list returns]
    # -- curator: every case and event, staff, reference data; not settings, not others' notifications
    check("curator", "get", "cases/case-a", ALLOW),
    check("curator", "get", "cases/case-b", ALLOW),
    check("curator", "get", "cases/case-new", ALLOW),
    check("curator", "list", Q("cases"), ALLOW, ALL_CASES),
    check("curator", "get", "cases/case-b/events/000001", ALLOW),
    check("curator", "list", Q("events", parent="cases/case-b"), ALLOW,
          {"cases/case-b/events/000001", "cases/case-b/events/000002"}),
    check("curator", "list", Q("events", group=True), ALLOW, ALL_EVENTS),
    check("curator", "get", "staff/u-exa", ALLOW),
    check("curator", "list", Q("staff"), ALLOW),
    check("curator", "get", "agencies/a", ALLOW),
    check("curator", "list", Q("municipalities"), ALLOW, {"municipalities/samara"}),
    check("curator", "get", "settings/sla", DENY),
    check("curator", "get", "notifications/n-exa", DENY),
    check("curator", "list", Q("notifications"), DENY),
    check("curator", "get", "sources/s1", DENY),
    check("curator", "update", "cases/case-a", DENY),
    check("curator", "create", "cases/case-x", DENY),
    check("curator", "delete", "cases/case-a", DENY),
    check("curator", "create", "cases/case-a/events/000009", DENY),
    check("curator", "update", "staff/u-exa", DENY),
    # -- supervisor: reads every case; own staff record and notifications only
    check("supervisor", "get", "cases/case-b", ALLOW),
    check("supervisor", "list", Q("cases"), ALLOW, ALL_CASES),
    check("supervisor", "get", "cases/case-a/events/000001", ALLOW),
    check("supervisor", "list", Q("events", group=True), ALLOW, ALL_EVENTS),
    check("supervisor", "get", "notifications/n-sup", ALLOW),
    check("supervisor", "get", "staff/u-sup", ALLOW),
    check("supervisor", "get", "staff/u-exa", DENY),
    check("supervisor", "list", Q("staff"), DENY),
    check("supervisor", "get", "settings/sla", DENY),
    check("supervisor", "update", "cases/case-b", DENY),
    check("supervisor", "delete", "notifications/n-sup", DENY),
    # -- executor of agency A: A's cases and events only; never B's; no writes even to its own
    check("exec_a", "get", "cases/case-a", ALLOW),
    check("exec_a", "get", "cases/case-ab", ALLOW),
    check("exec_a", "get", "cases/case-b", DENY),
    check("exec_a", "get", "cases/case-new", DENY),
    check("exec_a", "list", Q("cases", contains=BY_A), ALLOW, {"cases/case-a", "cases/case-ab"}),
    check("exec_a", "list", Q("cases"), DENY),
    check("exec_a", "list", Q("cases", contains=BY_B), DENY),
    check("exec_a", "get", "cases/case-a/events/000001", ALLOW),
    check("exec_a", "get", "cases/case-ab/events/000001", ALLOW),
    check("exec_a", "get", "cases/case-b/events/000001", DENY),
    check("exec_a", "get", "cases/case-new/events/000001", DENY),
    check("exec_a", "list", Q("events", parent="cases/case-a"), ALLOW, {"cases/case-a/events/000001"}),
    check("exec_a", "list", Q("events", parent="cases/case-b"), DENY),
    check("exec_a", "list", Q("events", parent="cases/case-b", contains=BY_B), DENY),
    # A's filter on B's events is allowed and yields nothing
    check("exec_a", "list", Q("events", parent="cases/case-b", contains=BY_A), ALLOW, set()),
    check("exec_a", "list", Q("events", group=True, contains=BY_A), ALLOW,
          {"cases/case-a/events/000001", "cases/case-ab/events/000001"}),
    check("exec_a", "list", Q("events", group=True), DENY),
    check("exec_a", "list", Q("events", group=True, contains=BY_B), DENY),
    check("exec_a", "update", "cases/case-b", DENY),
    check("exec_a", "upsert", "cases/case-b", DENY),
    check("exec_a", "delete", "cases/case-b", DENY),
    check("exec_a", "create", "cases/case-b/events/000009", DENY),
    check("exec_a", "update", "cases/case-b/events/000001", DENY),
    check("exec_a", "update", "cases/case-a", DENY),
    check("exec_a", "delete", "cases/case-a/events/000001", DENY),
    check("exec_a", "create", "cases/case-x", DENY),
    check("exec_a", "get", "notifications/n-exa", ALLOW),
    check("exec_a", "get", "notifications/n-exb", DENY),
    check("exec_a", "list", Q("notifications", equals=("recipient_uid", "u-exa")), ALLOW,
          {"notifications/n-exa"}),
    check("exec_a", "list", Q("notifications"), DENY),
    check("exec_a", "list", Q("notifications", equals=("recipient_uid", "u-exb")), DENY),
    check("exec_a", "update", "notifications/n-exa", DENY),
    check("exec_a", "get", "staff/u-exa", ALLOW),
    check("exec_a", "get", "staff/u-exb", DENY),
    check("exec_a", "list", Q("staff"), DENY),
    check("exec_a", "update", "staff/u-exa", DENY),
    check("exec_a", "get", "settings/sla", DENY),
    check("exec_a", "list", Q("settings"), DENY),
    check("exec_a", "get", "agencies/b", ALLOW),
    check("exec_a", "list", Q("agencies"), ALLOW, {"agencies/a", "agencies/b"}),
    check("exec_a", "update", "agencies/a", DENY),
    check("exec_a", "get", "sources/s1", DENY),
    check("exec_a", "get", "source_secrets/s1", DENY),
    check("exec_a", "list", Q("source_secrets"), DENY),
    check("exec_a", "get", "vk_communities/123", DENY),
    check("exec_a", "get", "telegram_bots/bot", DENY),
    check("exec_a", "list", Q("intake_deliveries"), DENY),
    # -- executor of agency B: the mirror image
    check("exec_b", "get", "cases/case-a", DENY),
    check("exec_b", "get", "cases/case-b", ALLOW),
    check("exec_b", "list", Q("cases", contains=BY_B), ALLOW, {"cases/case-b", "cases/case-ab"}),
    check("exec_b", "list", Q("cases", contains=BY_A), DENY),
    # -- agency leads: same visibility as their agency's executors
    check("lead_a", "get", "cases/case-a", ALLOW),
    check("lead_a", "get", "cases/case-b", DENY),
    check("lead_a", "list", Q("cases", contains=BY_A), ALLOW, {"cases/case-a", "cases/case-ab"}),
    check("lead_a", "list", Q("cases", contains=BY_B), DENY),
    check("lead_a", "list", Q("cases"), DENY),
    check("lead_a", "get", "cases/case-b/events/000002", DENY),
    check("lead_a", "get", "staff/u-exa", DENY),
    check("lead_a", "update", "cases/case-a", DENY),
    check("lead_a", "delete", "cases/case-a", DENY),
    # B was added to case-ab after its first event: the parent case grants get and the subcollection list
    check("lead_b", "get", "cases/case-ab/events/000001", ALLOW),
    check("lead_b", "list", Q("events", parent="cases/case-ab"), ALLOW, {"cases/case-ab/events/000001"}),
    # ... but a collection-group query filters on the event's own copy
    check("lead_b", "list", Q("events", group=True, contains=BY_B), ALLOW,
          {"cases/case-b/events/000001", "cases/case-b/events/000002"}),
    # -- an executor token without agency_id sees no case
    check("exec_no_agency", "get", "cases/case-a", DENY),
    check("exec_no_agency", "list", Q("cases", contains=BY_A), DENY),
    check("exec_no_agency", "get", "agencies/a", ALLOW),
    # -- admin: settings, staff, reference data; not cases
    check("admin", "get", "settings/sla", ALLOW),
    check("admin", "list", Q("settings"), ALLOW, {"settings/sla", "settings/calendar"}),
    check("admin", "get", "staff/u-exa", ALLOW),
    check("admin", "list", Q("staff"), ALLOW),
    check("admin", "get", "agencies/a", ALLOW),
    check("admin", "get", "cases/case-a", DENY),
    check("admin", "list", Q("cases"), DENY),
    check("admin", "list", Q("events", group=True), DENY),
    check("admin", "get", "notifications/n-exa", DENY),
    check("admin", "get", "source_secrets/s1", DENY),
    check("admin", "update", "settings/sla", DENY),
    check("admin", "upsert", "settings/new", DENY),
    check("admin", "create", "agencies/c", DENY),
    check("admin", "update", "staff/u-exa", DENY),
    check("admin", "delete", "staff/u-exa", DENY),
    check("admin", "get", "mail/m-1", ALLOW),  # every letter and its delivery state, for the admin
    check("admin", "list", Q("mail"), ALLOW, {"mail/m-1"}),
    check("admin", "update", "mail/m-1", DENY),
    check("curator", "get", "mail/m-1", DENY),
    check("exec_a", "get", "mail/m-1", DENY),  # not even the recipient: the letter is in their mailbox
    check("supervisor", "list", Q("mail"), DENY),
    check("anonymous", "get", "mail/m-1", DENY),
    # -- surges: for those who read every case; their counts for nobody
    check("curator", "get", "surges/s-1", ALLOW),
    check("supervisor", "list", Q("surges"), ALLOW, {"surges/s-1"}),
    check("exec_a", "get", "surges/s-1", DENY),  # lists other agencies' cases
    check("lead_b", "list", Q("surges"), DENY),
    check("admin", "get", "surges/s-1", DENY),
    check("curator", "update", "surges/s-1", DENY),
    check("curator", "get", "activity/k1", DENY),
    check("supervisor", "get", "activity_meta/since", DENY),
    # -- the monthly report: its briefs and files for those who read every case; the run also for the admin
    check("supervisor", "list", Q("report_months"), ALLOW, {"report_months/2026-11"}),
    check("curator", "get", "report_files/otklik-2026-11.pdf", ALLOW),
    check("lead_a", "get", "report_months/2026-11", DENY),  # names every agency's figures
    check("exec_a", "get", "report_files/otklik-2026-11.pdf", DENY),
    check("admin", "get", "report_months/2026-11", DENY),
    check("admin", "get", "report_runs/2026-11", ALLOW),
    check("supervisor", "update", "report_months/2026-11", DENY),
    check("anonymous", "get", "report_files/otklik-2026-11.pdf", DENY),
    # -- no token: nothing
    check("anonymous", "get", "cases/case-a", DENY),
    check("anonymous", "list", Q("cases", contains=BY_A), DENY),
    check("anonymous", "get", "cases/case-a/events/000001", DENY),
    check("anonymous", "get", "agencies/a", DENY),
    check("anonymous", "list", Q("municipalities"), DENY),
    check("anonymous", "get", "notifications/n-exa", DENY),
    check("anonymous", "get", "settings/sla", DENY),
    check("anonymous", "create", "cases/case-x", DENY),
    check("anonymous", "upsert", "intake_deliveries/vk-2", DENY),
    # -- signed in without a role claim: nothing, not even its own records
    check("no_role", "get", "agencies/a", DENY),
    check("no_role", "get", "cases/case-a", DENY),
    check("no_role", "get", "staff/u-none", DENY),
    check("no_role", "get", "notifications/n-none", DENY),
    check("no_role", "list", Q("notifications", equals=("recipient_uid", "u-none")), DENY),
    # -- an unknown role (even with an agency_id): nothing
    check("bad_role", "get", "cases/case-a", DENY),
    check("bad_role", "list", Q("cases", contains=BY_A), DENY),
    check("bad_role", "list", Q("agencies"), DENY),
    check("bad_role", "get", "settings/sla", DENY),
    check("bad_role", "get", "staff/u-bad", DENY),
    # -- the senders' raw payloads (evidence for an audit) and the numbers' counters: no client at all
    check("curator", "get", "raw_payloads/case-a", DENY),
    check("admin", "get", "raw_payloads/case-a", DENY),
    check("supervisor", "list", Q("raw_payloads"), DENY),
    check("lead_a", "get", "raw_payloads/case-a", DENY),
    check("admin", "get", "case_numbers/2026", DENY),
    # -- the staff record holds at once (firestore.rules current()): deactivated, moved to another agency,
    #    given another role, or not on the staff at all, the old token reads nothing
    check("deactivated", "get", "cases/case-a", DENY),
    check("deactivated", "list", Q("cases", contains=BY_A), DENY),
    check("deactivated", "get", "agencies/a", DENY),
    check("deactivated", "get", "notifications/n-exa", DENY),
    check("moved", "get", "cases/case-a", DENY),
    check("moved", "list", Q("cases", contains=BY_A), DENY),
    check("moved", "get", "cases/case-b", DENY),
    check("demoted", "get", "cases/case-b", DENY),
    check("demoted", "list", Q("cases"), DENY),
    check("unknown_person", "get", "cases/case-a", DENY),
    check("unknown_person", "get", "agencies/a", DENY),
]


# ---- fixtures --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(firestore_emulator: procs.Service) -> Client:
    """Load the current firestore.rules into the emulator (in case it changed since start)."""
    port = firestore_emulator.port
    rules = (ROOT / "firestore.rules").read_text()
    resp = requests.put(
        f"http://127.0.0.1:{port}/emulator/v1/projects/{TEST_PROJECT}:securityRules",
        json={"rules": {"files": [{"name": "firestore.rules", "content": rules}]}}, timeout=10,
    )
    assert resp.status_code == 200, resp.text
    return Client(port)


@pytest.fixture
def seeded(client: Client, firestore_emulator: procs.Service) -> Client:
    """Empty the emulator and write SEED in one commit as ``owner`` (bypasses the rules)."""
    clear_firestore(firestore_emulator.port)
    writes = [{"update": {"name": f"{DOCS}/{path}", "fields": fields(data)}} for path, data in SEED.items()]
    resp = requests.post(f"{client.base}:commit", json={"writes": writes}, headers=OWNER, timeout=10)
    assert resp.status_code == 200, resp.text
    return client


def returned_paths(resp: requests.Response) -> set[str]:
    return {row["document"]["name"].removeprefix(f"{DOCS}/") for row in resp.json() if "document" in row}


# ---- tests -----------------------------------------------------------------------------------------


def test_the_matrix_is_large_enough() -> None:
    assert len(CHECKS) >= 60
    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("who", "op", "target", "expect", "returns"), CHECKS)
def test_rules(seeded: Client, who: str, op: str, target: str | Q, expect: int, returns: set[str] | None) -> None:
    resp = seeded.do(op, target, headers_for(who))
    assert resp.status_code == expect, resp.text
    if expect == DENY:
        body = resp.json()
        body = body[0] if isinstance(body, list) else body
        assert body["error"]["status"] == "PERMISSION_DENIED", body
    if returns is not None:
        assert returned_paths(resp) == returns
    if op in ("create", "update", "upsert", "delete"):
        # a denied write left the stored document as seeded (or absent)
        assert isinstance(target, str)
        after = requests.get(f"{seeded.base}/{target}", headers=OWNER, timeout=10)
        if target in SEED:
            assert after.status_code == 200
            assert after.json()["fields"] == fields(SEED[target])
        else:
            assert after.status_code == 404


def test_owner_bypasses_the_rules_and_a_curator_token_reads_back(seeded: Client) -> None:
    """The seeding path really is privileged, and the unsigned token form really is accepted."""
    as_owner = requests.get(f"{seeded.base}/source_secrets/s1", headers=OWNER, timeout=10)
    assert as_owner.status_code == 200
    as_curator = requests.get(f"{seeded.base}/cases/case-a", headers=headers_for("curator"), timeout=10)
    assert as_curator.status_code == 200
    assert as_curator.json()["fields"]["agency_ids"] == encode(["a"])

