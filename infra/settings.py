"""One validated settings object for every entry point, CLI and test (pydantic-settings).

Values come from the environment (prefix ``OTKLIK_``); emulator hosts use the variables the Google
client libraries already read (``FIRESTORE_EMULATOR_HOST``, ``FIREBASE_AUTH_EMULATOR_HOST``) and
``CLOUD_TASKS_EMULATOR_HOST`` for ours.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_TASK_SECRET = "dev-only-task-secret"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OTKLIK_", extra="ignore")

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
    timezone: str = "Europe/Samara"

    @model_validator(mode="after")
    def _no_placeholder_secrets_in_production(self) -> Settings:
        if self.env == "production":
            if self.task_secret == DEV_TASK_SECRET and not self.tasks_service_account:
                raise ValueError("production needs OTKLIK_TASKS_SERVICE_ACCOUNT (OIDC) or a real task secret")
            if self.project_id.startswith("demo-"):
                raise ValueError("production cannot run on a demo- project id")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
