"""Cloud Tasks: the client (the local emulator over an insecure channel when CLOUD_TASKS_EMULATOR_HOST is
set) and the one operation we need, creating a named HTTP task.

Names are deterministic (see ``task_name``): a repeated create gets ALREADY_EXISTS from Cloud Tasks,
which counts as success. The local emulator accepts duplicate names and cannot get or delete tasks,
so nothing here relies on either: handlers re-read the case and decide.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from infra.settings import get_settings

if TYPE_CHECKING:
    from google.cloud.tasks_v2 import CloudTasksClient


def function_url(base_url: str, path: str) -> str:
    """Where `path` (``/tasks/deadline``, ``/scheduler/sweep``...) is served: locally one server under
    `base_url` with a prefix per function; deployed, every function has its own URL, and `base_url` is a
    template naming it, ``https://REGION-PROJECT.cloudfunctions.net/{function}`` (the function is named after
    the path: ``tasks-deadline``; scripts/deploy.py names them so)."""
    if "{function}" in base_url:
        return base_url.replace("{function}", function_name(path))
    return base_url.rstrip("/") + path


def function_name(path: str) -> str:
    """The deployed function that serves `path`: ``/scheduler/monthly-report`` → ``scheduler-monthly-report``."""
    return path.strip("/").replace("/", "-").replace("_", "-")


class TasksUnavailable(RuntimeError):
    """Cloud Tasks did not take the task; the caller leaves it to the sweep (or retries)."""


@dataclass(frozen=True)
class TaskRequest:
    name: str  # the task's id: fixed by what it is for (cases.wakeups.task_name)
    url: str
    payload: dict[str, Any]
    at: datetime


class TaskQueue(Protocol):
    def create(self, task: TaskRequest) -> bool:
        """Schedule the task; True if created, False if it already existed. Raises TasksUnavailable."""
        ...


@lru_cache(maxsize=1)
def tasks_client() -> CloudTasksClient:
    from google.cloud import tasks_v2

    host = os.environ.get("CLOUD_TASKS_EMULATOR_HOST")
    if not host:
        return tasks_v2.CloudTasksClient()
    import grpc
    from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

    channel = grpc.insecure_channel(host)
    return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))


def _client_or_unavailable() -> CloudTasksClient:
    """Outside production, no emulator host means no Cloud Tasks (not a slow credentials hunt)."""
    if not os.environ.get("CLOUD_TASKS_EMULATOR_HOST") and get_settings().env != "production":
        raise TasksUnavailable("no Cloud Tasks here: set CLOUD_TASKS_EMULATOR_HOST (the local emulator)")
    from google.auth.exceptions import GoogleAuthError

    try:
        return tasks_client()
    except GoogleAuthError as err:
        raise TasksUnavailable(f"no credentials for Cloud Tasks: {err}") from err


class CloudTaskQueue:
    """The real adapter (Cloud Tasks in production, the emulator locally)."""

    def __init__(self, client: CloudTasksClient | None = None) -> None:
        self._client = client
        s = get_settings()
        self._queue = f"projects/{s.project_id}/locations/{s.location}/queues/{s.tasks_queue}"
        self._secret = s.task_secret
        self._service_account = s.tasks_service_account

    def create(self, task: TaskRequest) -> bool:
        client = self._client or _client_or_unavailable()  # before the imports: no Cloud Tasks, no cost
        from google.api_core import exceptions
        from google.cloud import tasks_v2
        from google.protobuf import timestamp_pb2

        when = timestamp_pb2.Timestamp()
        when.FromDatetime(task.at)
        http: dict[str, Any] = {
            "http_method": tasks_v2.HttpMethod.POST,
            "url": task.url,
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps(task.payload).encode(),
        }
        if self._service_account:
            http["oidc_token"] = {"service_account_email": self._service_account}
        else:
            http["headers"]["X-Otklik-Task-Secret"] = self._secret
        request: dict[str, Any] = {"name": f"{self._queue}/tasks/{task.name}", "http_request": http,
                                   "schedule_time": when}
        try:
            client.create_task(parent=self._queue, task=request, timeout=10)  # type: ignore[arg-type]
        except exceptions.AlreadyExists:
            return False
        except (exceptions.GoogleAPICallError, exceptions.RetryError) as err:
            raise TasksUnavailable(str(err)) from err
        return True
