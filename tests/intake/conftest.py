"""Intake fixtures: the functions app in-process, the Firestore registry, registered senders."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="session")
def app() -> Any:
    import functions_framework

    return functions_framework.create_app(target="local_router", source=str(ROOT / "functions" / "main.py"))


@pytest.fixture
def client(app: Any, db: Any) -> Iterator[Any]:
    """The HTTP client of the functions, on an emptied emulator, with a fresh service (no cached registry)."""
    import bootstrap

    bootstrap.reset()
    yield app.test_client()
    bootstrap.reset()


@pytest.fixture
def registry(db: Any) -> Any:
    from infra.firestore import firestore_client
    from intake.firestore_registry import FirestoreRegistry

    return FirestoreRegistry(firestore_client)


@pytest.fixture
def source_key(registry: Any) -> str:
    """A registered monitoring source ``mon`` and its key."""
    key = secrets.token_urlsafe(32)
    registry.add_source("mon", "Мониторинг", key, datetime.now(UTC))
    return key


@pytest.fixture
def vk_group(registry: Any) -> int:
    registry.add_vk_community(7, "vk-secret", "c0nf1rm", "minzdrav", "Минздрав", datetime.now(UTC))
    return 7


@pytest.fixture
def tg_bot(registry: Any) -> str:
    registry.add_telegram_bot("otklik_bot", "tg-token", None, datetime.now(UTC))
    return "otklik_bot"
