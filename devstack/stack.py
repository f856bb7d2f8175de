"""The whole local stack: emulators, the functions behind one base URL, in start order.

``make run`` uses it with the documented default ports; end-to-end tests use it with free ports.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from devstack import procs

ROOT = procs.ROOT


@dataclass(frozen=True)
class Ports:
    functions: int = 8000
    firestore: int = 8080
    tasks: int = 8123
    auth: int = 9099
    smtp: int = 1025

    @classmethod
    def from_env(cls) -> Ports:
        def port(name: str, default: int) -> int:
            raw = os.environ.get(name, str(default))
            if not raw.isdigit() or not 0 < int(raw) < 65536:
                raise SystemExit(f"{name}={raw!r} is not a port number")
            return int(raw)

        return cls(port("OTKLIK_PORT", 8000), port("OTKLIK_FIRESTORE_PORT", 8080),
                   port("OTKLIK_TASKS_PORT", 8123), port("OTKLIK_AUTH_PORT", 9099), port("OTKLIK_SMTP_PORT", 1025))

    @classmethod
    def free(cls) -> Ports:
        """Five different free ports (the system may hand the same free port out twice in a row)."""
        ports: list[int] = []
        while len(ports) < 5:
            port = procs.free_port()
            if port not in ports:
                ports.append(port)
        return cls(*ports)

    def taken(self) -> list[str]:
        named = {"OTKLIK_PORT (functions)": self.functions, "OTKLIK_FIRESTORE_PORT": self.firestore,
                 "OTKLIK_TASKS_PORT": self.tasks, "OTKLIK_AUTH_PORT": self.auth, "OTKLIK_SMTP_PORT": self.smtp}
        return [f"{name}={port}" for name, port in named.items() if not procs.port_is_free(port)]


@dataclass
class Stack:
    ports: Ports
    project_id: str = "demo-otklik"
    location: str = "europe-west1"
    queue: str = "deadlines"
    task_secret: str = "dev-only-task-secret"
    state_dir: Path = ROOT / ".state" / "run"
    with_auth: bool = True
    services: list[procs.Service] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.functions}"

    @property
    def maildir(self) -> Path:
        """Every message the local SMTP server got (``mailbox.Maildir``)."""
        return self.state_dir / "mail"

    @property
    def queue_path(self) -> str:
        return f"projects/{self.project_id}/locations/{self.location}/queues/{self.queue}"

    def env(self) -> dict[str, str]:
        """What the functions, the CLIs and the demo loader need to find the emulators."""
        env = {
            "FIRESTORE_EMULATOR_HOST": f"127.0.0.1:{self.ports.firestore}",
            "CLOUD_TASKS_EMULATOR_HOST": f"127.0.0.1:{self.ports.tasks}",
            "GOOGLE_CLOUD_PROJECT": self.project_id,
            "GCLOUD_PROJECT": self.project_id,
            "OTKLIK_PROJECT_ID": self.project_id,
            "OTKLIK_LOCATION": self.location,
            "OTKLIK_TASKS_QUEUE": self.queue,
            "OTKLIK_BASE_URL": self.base_url,
            "OTKLIK_TASK_SECRET": self.task_secret,
            "OTKLIK_ENV": "development",
            "OTKLIK_SMTP_HOST": "127.0.0.1",
            "OTKLIK_SMTP_PORT": str(self.ports.smtp),
            "OTKLIK_SMTP_SECURITY": "none",
            "OTKLIK_MAIL_FROM": "Отклик <noreply@otklik.demo>",
        }
        if self.with_auth:
            env["FIREBASE_AUTH_EMULATOR_HOST"] = f"127.0.0.1:{self.ports.auth}"
        return env

    def start(self) -> None:
        taken = self.ports.taken() if self.with_auth else [
            t for t in self.ports.taken() if not t.startswith("OTKLIK_AUTH_PORT")]
        if taken:
            raise procs.PortTaken("port already taken: " + ", ".join(taken)
                                  + " (stop what holds it, or set another port in that variable)")
        self.state_dir.mkdir(parents=True, exist_ok=True)
        logs = self.state_dir
        plan = [
            procs.firestore_emulator(self.ports.firestore, ROOT / "firestore.rules", logs / "firestore.log"),
            procs.tasks_emulator(self.ports.tasks, self.queue_path, logs / "tasks.log"),
            procs.smtp_server(self.ports.smtp, self.maildir, logs / "smtp.log"),
        ]
        if self.with_auth:
            plan.append(procs.auth_emulator(self.ports.auth, self.project_id, logs / "auth", logs / "auth.log"))
        plan.append(procs.functions_server(self.ports.functions, self.env(), logs / "functions.log"))
        try:
            for svc in plan:
                svc.start()
                self.services.append(svc)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop every process group at once (each gets SIGTERM, then SIGKILL after a grace period)."""
        threads = [threading.Thread(target=svc.stop) for svc in reversed(self.services)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.services.clear()
