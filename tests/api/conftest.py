"""The staff API on the emulators: Firestore, Cloud Tasks and the Firebase Auth emulator (real sign-in).

Users are created once per session in the Auth emulator; Firestore is cleared before each test, so each
test re-seeds the agencies and the ``staff`` mirror. The case service runs with a fixed clock and a
queue that creates every task on the Cloud Tasks emulator and remembers it (the emulator cannot list).
"""

from __future__ import annotations

import mailbox
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from devstack import procs
from infra.tasks import CloudTaskQueue, TaskRequest
from tests.conftest import TEST_PROJECT

ROOT = Path(__file__).resolve().parents[2]
SAMARA = ZoneInfo("Europe/Samara")
PASSWORD = "test-password-1"
AGENCIES = {
    "minstroy": "Министерство строительства, ЖКХ и энергетики УР",
    "mintrans": "Министерство транспорта и дорожного хозяйства УР",
    "minzdrav": "Министерство здравоохранения УР",
}
STAFF = {  # name -> (role, agency)
    "curator": ("curator", None),
    "supervisor": ("supervisor", None),
    "admin": ("admin", None),
    **{f"executor_{a}": ("executor", a) for a in AGENCIES},
    **{f"lead_{a}": ("agency_lead", a) for a in AGENCIES},
}


def samara(*args: int) -> datetime:
    return datetime(*args, tzinfo=SAMARA)  # type: ignore[misc]


@pytest.fixture(scope="session")
def auth_emulator(firestore_emulator: procs.Service, tmp_state: Path) -> Iterator[procs.Service]:
    from infra.identity import firebase_app

    port = procs.free_port()
    svc = procs.auth_emulator(port, TEST_PROJECT, tmp_state / "auth", tmp_state / "auth.log")
    svc.start()
    os.environ["FIREBASE_AUTH_EMULATOR_HOST"] = f"127.0.0.1:{port}"
    firebase_app.cache_clear()
    yield svc
    svc.kill()
    os.environ.pop("FIREBASE_AUTH_EMULATOR_HOST", None)


def seed_reference(db: Any, uids: dict[str, str] | None = None) -> None:
    batch = db.batch()
    for agency_id, name in AGENCIES.items():
        batch.set(db.collection("agencies").document(agency_id),
                  {"id": agency_id, "name": name, "short_name": agency_id, "kind": "ministry"})
    for name, uid in (uids or {}).items():
        role, agency = STAFF[name]
        batch.set(db.collection("staff").document(uid), {"uid": uid, "email": f"{name}@test.otklik", "role": role,
                                                           "agency_id": agency, "active": True, "name": name})
    batch.commit()


def sign_in(email: str, password: str = PASSWORD, host: str | None = None) -> str:
    """A real Firebase ID token from the Auth emulator's REST API (this process's emulator, or `host`'s)."""
    host = host or os.environ["FIREBASE_AUTH_EMULATOR_HOST"]
    r = requests.post(f"http://{host}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=any",
                      json={"email": email, "password": password, "returnSecureToken": True}, timeout=10)
    r.raise_for_status()
    return str(r.json()["idToken"])


@dataclass
class People:
    uids: dict[str, str]
    tokens: dict[str, str]

    def header(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}


@pytest.fixture(scope="session")
def people(auth_emulator: procs.Service, firestore_emulator: procs.Service) -> People:
    from admin import operations as admin
    from admin.staff import StaffMember
    from infra.firestore import firestore_client

    seed_reference(firestore_client())
    uids, tokens = {}, {}
    for name, (role, agency) in STAFF.items():
        doc = admin.add_staff(StaffMember(f"{name}@test.otklik", role, agency, name), PASSWORD,
                              samara(2026, 1, 1))
        uids[name] = doc["uid"]
        tokens[name] = sign_in(f"{name}@test.otklik")
    return People(uids, tokens)


class RecordingQueue:
    """Creates each task on the Cloud Tasks emulator, and remembers it."""

    def __init__(self) -> None:
        self.real = CloudTaskQueue()
        self.created: list[TaskRequest] = []
        self.fail = False

    def create(self, task: TaskRequest) -> bool:
        if self.fail:
            from infra.tasks import TasksUnavailable

            raise TasksUnavailable("switched off by the test")
        created = self.real.create(task)
        self.created.append(task)
        return created

    def names(self) -> set[str]:
        return {t.name for t in self.created}


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    db: Any
    client: Any
    people: People
    clock: Clock
    queue: RecordingQueue
    service: Any
    cases: list[str] = field(default_factory=list)

    def detect(self, case_id: str, detected_at: datetime, text: str = "Когда отремонтируют дорогу?") -> None:
        """A case as intake opens it: the message and the workflow's fields and first event, in one write."""
        doc = {"id": case_id, "detected_at": detected_at, "received_at": detected_at, "updated_at": detected_at,
               "message": {"network": "vk", "external_id": case_id, "text": text}, "raw": {"payload": "{}"}}
        committed = self.service.open_case(doc, case_id, detected_at)
        assert committed is not None
        self.service.after_commit(committed)

    def dispatch(self, case_id: str) -> int:
        """The outbox's task for the case, run now (the emulator would deliver it to a closed port)."""
        import bootstrap
        from outbox.dispatch import dispatch

        return dispatch(bootstrap.cases(), case_id, bootstrap.ports())

    def post(self, who: str, case_id: str, command: str, **body: Any) -> Any:
        if "version" not in body:
            body["version"] = self.case(case_id)["version"]
        return self.client.post(f"/api/cases/{case_id}/{command}", json=body, headers=self.people.header(who))

    def ok(self, who: str, case_id: str, command: str, **body: Any) -> dict[str, Any]:
        response = self.post(who, case_id, command, **body)
        assert response.status_code == 200, response.get_json()
        return dict(response.get_json())

    def case(self, case_id: str) -> dict[str, Any]:
        return self.db.collection("cases").document(case_id).get().to_dict() or {}

    def events(self, case_id: str) -> list[dict[str, Any]]:
        ref = self.db.collection("cases").document(case_id).collection("events")
        return [s.to_dict() for s in ref.order_by("version").stream()]

    def deadline(self, case_id: str, key: str) -> dict[str, Any]:
        return dict(self.case(case_id)["deadlines"][key])


@pytest.fixture
def world(db: Any, people: People, tasks_emulator: procs.Service) -> Iterator[World]:
    import functions_framework

    import bootstrap

    seed_reference(db, people.uids)
    clock, queue = Clock(samara(2026, 12, 10, 10, 0)), RecordingQueue()
    bootstrap.override(clock=clock, queue=queue)
    app = functions_framework.create_app(target="local_router", source=str(ROOT / "functions" / "main.py"))
    try:
        yield World(db, app.test_client(), people, clock, queue, bootstrap.case_service())
    finally:
        bootstrap.reset()


# -- e-mail: a real SMTP server keeping a Maildir, the functions pointed at it ------------------------
@pytest.fixture
def maildir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    port = procs.free_port()
    where = tmp_path / "mail"
    smtp = procs.smtp_server(port, where, tmp_path / "smtp.log").start()
    for name, value in {"OTKLIK_SMTP_HOST": "127.0.0.1", "OTKLIK_SMTP_PORT": str(port), "OTKLIK_SMTP_SECURITY": "none",
                        "OTKLIK_WEB_URL": "https://otklik.example"}.items():
        monkeypatch.setenv(name, value)
    from infra.settings import get_settings

    get_settings.cache_clear()
    try:
        yield where
    finally:
        smtp.stop()
        get_settings.cache_clear()


def letters(where: Path) -> list[Any]:
    return list(mailbox.Maildir(where, create=False)) if where.exists() else []


def subject(letter: Any) -> str:
    return str(make_header(decode_header(letter["Subject"])))


def mails(world: World, kind: str) -> dict[str, dict[str, Any]]:
    return {s.id: s.to_dict() for s in world.db.collection("mail").stream() if s.to_dict()["kind"] == kind}
