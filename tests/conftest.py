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


def _no_emulators_in_unit_runs() -> None:
    """``make unit`` runs the tests not marked ``emulator``; one that asks for an emulator anyway is mis-marked."""
    if os.environ.get("OTKLIK_UNIT_ONLY"):
        pytest.fail("this test starts an emulator: mark it `emulator` (pytestmark = pytest.mark.emulator)")


@pytest.fixture(scope="session")
def firestore_emulator(tmp_state: Path) -> Iterator[procs.Service]:
    _no_emulators_in_unit_runs()
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


# -- Cloud Tasks: one emulator per session, for whichever tests ask for it --------------------------------
TASKS_QUEUE = "deadlines"
TASKS_LOCATION = "europe-west1"


def _reset_process_clients() -> None:
    """Every lazily built client and the composition root, so the next use sees the current environment."""
    import bootstrap

    bootstrap.reset()


@pytest.fixture(scope="session")
def tasks_emulator(firestore_emulator: procs.Service, tmp_state: Path) -> Iterator[procs.Service]:
    _no_emulators_in_unit_runs()
    port = procs.free_port()
    project = os.environ["OTKLIK_PROJECT_ID"]
    queue_path = f"projects/{project}/locations/{TASKS_LOCATION}/queues/{TASKS_QUEUE}"
    svc = procs.tasks_emulator(port, queue_path, log_path=tmp_state / "tasks.log")
    svc.start()
    os.environ["CLOUD_TASKS_EMULATOR_HOST"] = f"127.0.0.1:{port}"
    os.environ["OTKLIK_TASKS_QUEUE"] = TASKS_QUEUE
    os.environ["OTKLIK_LOCATION"] = TASKS_LOCATION
    _reset_process_clients()
    yield svc
    svc.kill()  # in-memory state only, and it ignores SIGTERM: stop() would wait 10 s for nothing
    for name in ("CLOUD_TASKS_EMULATOR_HOST", "OTKLIK_TASKS_QUEUE", "OTKLIK_LOCATION"):
        os.environ.pop(name, None)
    _reset_process_clients()


