"""The mail store's contract, in memory and on the Firestore emulator: created once, updated only as the
check decides and only if nobody changed the mail meanwhile, and the sender's queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from notify.mail import InMemoryMail, Letter, MailStore, document

T = datetime(2026, 12, 9, 7, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", pytest.param("firestore", marks=pytest.mark.emulator)])
def store(request: pytest.FixtureRequest) -> MailStore:
    if request.param == "memory":
        return InMemoryMail()
    from notify.mail import FirestoreMail

    db = request.getfixturevalue("db")
    return FirestoreMail(lambda: db)


def mail(send_at: datetime, digest: bool = False, uid: str = "u1") -> dict[str, Any]:
    return document(f"{uid}@adm.udm.ru", Letter("Тема", "Текст", "<p>Текст</p>"), recipient_uid=uid, kind="routed",
                    created_at=T, send_at=send_at, urgent=False, digest=digest, case_id="vk-1", event="vk-1/2")


def test_created_once_and_found_when_due(store: MailStore) -> None:
    assert store.create("m-1", mail(T)) is True
    assert store.create("m-1", mail(T + timedelta(hours=1))) is False  # the first stays
    assert store.create("m-2", mail(T + timedelta(hours=2))) is True
    assert store.create("m-3", mail(T, digest=True, uid="u2")) is True
    assert store.due(T, 10) == ["m-1"] and store.due(T + timedelta(hours=2), 10) == ["m-1", "m-2"]
    assert [i for i, _ in store.waiting_digest(10)] == ["m-3"]
    got = store.get("m-1")
    assert got is not None and got["send_at"] == T and got["message"]["subject"] == "Тема"


def test_updates_as_the_check_decides(store: MailStore) -> None:
    store.create("m-1", mail(T))
    lease = {"delivery.state": "PROCESSING", "delivery.leaseExpireTime": T + timedelta(minutes=2)}
    taken = store.update_if("m-1", lambda doc: lease if doc["delivery"]["state"] == "PENDING" else None)
    assert taken is not None and taken["delivery"]["state"] == "PROCESSING"
    assert store.update_if("m-1", lambda doc: lease if doc["delivery"]["state"] == "PENDING" else None) is None
    assert store.due(T + timedelta(minutes=1), 10) == [] and store.due(T + timedelta(minutes=3), 10) == ["m-1"]
    assert store.update_if("m-none", lambda doc: {"x": 1}) is None
