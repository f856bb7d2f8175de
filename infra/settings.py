"""One validated settings object for every entry point, CLI and test (a pydantic model).

Values come from the environment (prefix ``OTKLIK_``, any case: ``OTKLIK_BASE_URL`` is ``base_url``);
emulator hosts use the variables the Google client libraries already read (``FIRESTORE_EMULATOR_HOST``,
``FIREBASE_AUTH_EMULATOR_HOST``) and ``CLOUD_TASKS_EMULATOR_HOST`` for ours. A plain model rather than
pydantic-settings: that package costs a cold instance 35-45 ms of imports (its dotenv, CLI and cloud
secret sources) for what ``from_environ`` does in a few lines (docs/decisions/0008-settings-without-pydantic-settings.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, model_validator

from vocabulary import ZONE

DEV_TASK_SECRET = "dev-only-task-secret"
MIN_SECRET_LENGTH = 32
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1"})  # as urlsplit gives a URL's hostname


ENV_PREFIX = "OTKLIK_"


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    env: Literal["development", "test", "production"] = "development"
    project_id: str = "demo-otklik"
    location: str = "europe-west1"
    # Where Cloud Tasks deliver: the base URL of the functions (one base locally, per-function in prod).
    base_url: str = "http://127.0.0.1:8000"
    tasks_queue: str = "deadlines"
    # Locally the escalation endpoint checks this header; in production an OIDC token of the queue's SA.
    task_secret: str = DEV_TASK_SECRET
    tasks_service_account: str = ""
    firestore_timeout_s: float = Field(default=5.0, gt=0)
    raw_payload_max_bytes: int = Field(default=64 * 1024, gt=0)
    timezone: str = ZONE
    # Imported official production calendars and overrides (``python -m deadlines import-calendar``);
    # empty: `.state/calendar-overrides` under the working directory (the local stack's).
    calendar_dir: str = ""
    # A JSON settings/sla document used when Firestore has none (Firestore's, edited at run time, wins);
    # empty: the regulation's table.
    sla_file: str = ""
    # E-mail (docs/notifications.md): off while smtp_host is empty (in-app notifications only).
    smtp_host: str = ""
    smtp_port: int = Field(default=587, gt=0, lt=65536)
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    mail_from: str = "Отклик <noreply@otklik.local>"
    # Where people open the staff web client (the links in the letters); empty: base_url.
    web_url: str = ""
    # Not OTKLIK_ variables: whether Cloud Run / Cloud Functions runs us (``K_SERVICE`` is set), and which
    # ``*_EMULATOR_HOST`` variables are set (with FIREBASE_AUTH_EMULATOR_HOST firebase-admin accepts
    # unsigned tokens).
    deployed: bool = False
    emulator_hosts: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _fail_closed_in_production(self) -> Settings:
        """A deployed function runs in production, and production refuses to start with anything that would
        let a stranger in: no OIDC service account for tasks and the scheduler (the shared secret is then
        never accepted), a weak task secret, an emulator variable, a local address, a demo project."""
        if self.deployed and self.env != "production":
            raise ValueError("a deployed function (K_SERVICE is set) runs with OTKLIK_ENV=production only")
        if self.env != "production":
            return self
        if not self.tasks_service_account:
            raise ValueError("production needs OTKLIK_TASKS_SERVICE_ACCOUNT: tasks and the scheduler call with "
                             "OIDC tokens of that service account (the shared secret is never accepted)")
        if self.task_secret != DEV_TASK_SECRET and len(self.task_secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"OTKLIK_TASK_SECRET is weak: at least {MIN_SECRET_LENGTH} characters")
        if self.emulator_hosts:
            raise ValueError(f"production refuses emulator variables: {', '.join(self.emulator_hosts)}")
        for name in ("base_url", "web_url"):
            if urlsplit(getattr(self, name)).hostname in LOCAL_HOSTS:
                raise ValueError(f"production refuses a local OTKLIK_{name.upper()}: {getattr(self, name)}")
        if self.project_id.startswith("demo-"):
            raise ValueError("production cannot run on a demo- project id")
        if self.smtp_host and self.smtp_security == "none":
            raise ValueError("production sends mail only over TLS: OTKLIK_SMTP_SECURITY=starttls or ssl")
        return self

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings from ``OTKLIK_*`` variables (a deployed function defaults to production); a bad value
        raises pydantic's ValidationError."""
        source = os.environ if environ is None else environ
        values: dict[str, object] = {key[len(ENV_PREFIX):].lower(): value for key, value in source.items()
                                     if key.upper().startswith(ENV_PREFIX)}
        values["deployed"] = bool(source.get("K_SERVICE"))
        values["emulator_hosts"] = tuple(sorted(k for k, v in source.items() if k.upper().endswith("_EMULATOR_HOST") and v))
        if values["deployed"]:
            values.setdefault("env", "production")
        return cls.model_validate(values)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_environ()
