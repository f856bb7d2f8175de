"""Shared fixtures: real emulators on free ports, started once per session, cleared between tests.

Unit tests need none of this; fixtures start an emulator only when a test asks for it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from devstack import procs
from infra.firestore import reset_clients

ROOT = Path(__file__).resolve().parents[1]
TEST_PROJECT = "demo-otklik-test"


@pytest.fixture(scope="session")
def tmp_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("emulators")


@pytest.fixture(scope="session")
def firestore_emulator(tmp_state: Path) -> Iterator[procs.Service]:
    port = procs.free_port()
    svc = procs.firestore_emulator(port, ROOT / "firestore.rules", log_path=tmp_state / "firestore.log")
    svc.start()
    os.environ["FIRESTORE_EMULATOR_HOST"] = f"127.0.0.1:{port}"
    os.environ["OTKLIK_PROJECT_ID"] = TEST_PROJECT
    os.environ["OTKLIK_ENV"] = "test"
    reset_clients()
    yield svc
    svc.stop()
    os.environ.pop("FIRESTORE_EMULATOR_HOST", None)
    reset_clients()


def clear_firestore(port: int, project: str = TEST_PROJECT) -> None:
    url = f"http://127.0.0.1:{port}/emulator/v1/projects/{project}/databases/(default)/documents"
    requests.delete(url, timeout=10).raise_for_status()


@pytest.fixture
def db(firestore_emulator: procs.Service):  # type: ignore[no-untyped-def]
    """A Firestore client on the session's emulator, emptied before each test."""
    from infra.firestore import firestore_client

    clear_firestore(firestore_emulator.port)
    return firestore_client()
