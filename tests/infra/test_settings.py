"""Production fails closed: a deployed function refuses to start with anything that would let a stranger in."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from flask import Flask
from pydantic import ValidationError

from infra.settings import DEV_TASK_SECRET, Settings, get_settings
from tests.conftest import ROOT

PRODUCTION = {
    "K_SERVICE": "tasks-deadline", "OTKLIK_PROJECT_ID": "otklik-udm", "OTKLIK_BASE_URL": "https://otklik.udmurt.ru",
    "OTKLIK_TASKS_SERVICE_ACCOUNT": "otklik-tasks@otklik-udm.iam.gserviceaccount.com",
}


def test_a_deployed_function_runs_in_production_with_oidc() -> None:
    settings = Settings.from_environ(PRODUCTION)
    assert (settings.env, settings.deployed, settings.emulator_hosts) == ("production", True, ())
    assert Settings.from_environ({}).env == "development"  # locally, as before


@pytest.mark.parametrize(("change", "says"), [
    ({"FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099"}, "emulator variables: FIREBASE_AUTH_EMULATOR_HOST"),
    ({"FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080"}, "emulator variables"),
    ({"OTKLIK_ENV": "development"}, "K_SERVICE is set"),
    ({"OTKLIK_TASKS_SERVICE_ACCOUNT": ""}, "OTKLIK_TASKS_SERVICE_ACCOUNT"),
    ({"OTKLIK_TASK_SECRET": "secret123"}, "weak"),
    ({"OTKLIK_BASE_URL": "http://127.0.0.1:8000"}, "local OTKLIK_BASE_URL"),
    ({"OTKLIK_WEB_URL": "http://localhost:8000"}, "local OTKLIK_WEB_URL"),
    ({"OTKLIK_PROJECT_ID": "demo-otklik"}, "demo- project"),
])
def test_production_refuses_what_would_let_a_stranger_in(change: dict[str, str], says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        Settings.from_environ({**PRODUCTION, **change})


def test_a_deployed_instance_with_an_emulator_variable_does_not_start() -> None:
    """The entry point module itself refuses: the platform reports a failed start, nothing is served."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("OTKLIK_") and not k.endswith("_EMULATOR_HOST")},
           **PRODUCTION, "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099"}
    run = subprocess.run([sys.executable, "-c", "import functions.main"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode != 0 and "production refuses emulator variables" in run.stderr
    env.pop("FIREBASE_AUTH_EMULATOR_HOST")
    assert subprocess.run([sys.executable, "-c", "import functions.main"], cwd=ROOT, env=env, timeout=60).returncode == 0


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key in list(os.environ):
        if key.startswith("OTKLIK_") or key.endswith("_EMULATOR_HOST"):
            monkeypatch.delenv(key)
    for key, value in PRODUCTION.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_in_production_the_shared_task_secret_is_never_accepted(production: None) -> None:
    from functions.tasks_http import SECRET_HEADER, authenticate

    app = Flask(__name__)
    with app.test_request_context("/tasks/deadline", method="POST", headers={SECRET_HEADER: DEV_TASK_SECRET}):
        from flask import request

        response, status = authenticate(request, "/tasks/deadline")
    assert status == 401 and response.get_json()["error"] == "unauthenticated"  # an OIDC token is required
