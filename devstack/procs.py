"""Start and stop the local emulators and servers as process groups.

Used by ``make run`` and by the test fixtures. Each service runs in a session of its own
(``start_new_session``), so stopping it stops its children too: ``gcloud`` starts a Java child that
would otherwise keep holding the port.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from infra.probes import http_ok, tcp_open

ROOT = Path(__file__).resolve().parents[1]


class PortTaken(RuntimeError):
    pass


class StartFailed(RuntimeError):
    pass


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Service:
    """One process group: a name, a command, the port it must own, and how to tell it is ready."""

    name: str
    argv: Sequence[str]
    port: int
    ready: Callable[[], bool]
    env: dict[str, str] = field(default_factory=dict)
    log_path: Path | None = None
    startup_timeout_s: float = 90.0
    cwd: Path = ROOT
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Service:
        if not port_is_free(self.port):
            raise PortTaken(f"{self.name}: port {self.port} is already taken; stop what holds it or choose another port")
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            list(self.argv), env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True, cwd=self.cwd,
        )
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise StartFailed(f"{self.name} exited with {self.proc.returncode}; see {self.log_path}")
            if self.ready():
                return self
            time.sleep(0.2)
        self.stop()
        raise StartFailed(f"{self.name} was not ready on port {self.port} within {self.startup_timeout_s:.0f} s")

    def stop(self, timeout_s: float = 5.0) -> None:
        if self.proc is None or self.proc.poll() is not None and not _group_alive(self.proc.pid):
            return
        _signal_group(self.proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and _group_alive(self.proc.pid):
            time.sleep(0.1)
        _signal_group(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)

    def kill(self) -> None:
        """Stop abruptly (an outage), then wait until the port is released."""
        if self.proc is not None:
            _signal_group(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5)
            for _ in range(100):
                if not _group_alive(self.proc.pid) and port_is_free(self.port):
                    return
                time.sleep(0.1)


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def firestore_emulator(port: int, rules: Path, log_path: Path | None = None,
                       import_dir: Path | None = None, export_dir: Path | None = None) -> Service:
    gcloud = shutil.which("gcloud")
    if gcloud is None:
        raise StartFailed("gcloud is not installed: install google-cloud-cli and google-cloud-cli-firestore-emulator")
    argv = [gcloud, "emulators", "firestore", "start", f"--host-port=127.0.0.1:{port}", f"--rules={rules}"]
    if import_dir is not None:
        argv.append(f"--import-data={import_dir}")
    if export_dir is not None:
        argv.append(f"--export-on-exit={export_dir}")
    return Service("Firestore emulator", argv, port, lambda: http_ok(f"http://127.0.0.1:{port}/"),
                   log_path=log_path)


def tasks_emulator(port: int, queue: str, log_path: Path | None = None) -> Service:
    exe = ROOT / ".venv-tasks" / "bin" / "gcloud-tasks-emulator"
    if not exe.exists():
        raise StartFailed("the Cloud Tasks emulator is not installed: run `make test` or `bash scripts/setup.sh`")
    argv = [str(exe), "start", "--port", str(port), "--default-queue", queue, "--quiet"]
    env = {"PYTHONWARNINGS": "ignore"}
    return Service("Cloud Tasks emulator", argv, port, lambda: tcp_open(port), env=env, log_path=log_path)


def auth_emulator(port: int, project_id: str, workdir: Path, log_path: Path | None = None) -> Service:
    """The Firebase Auth emulator from firebase-tools (npm), with a config naming only the auth port."""
    exe = ROOT / "node_modules" / ".bin" / "firebase"
    if not exe.exists():
        raise StartFailed("firebase-tools is not installed: run `make test` or `bash scripts/setup.sh`")
    workdir.mkdir(parents=True, exist_ok=True)
    config = {"emulators": {"auth": {"host": "127.0.0.1", "port": port}, "ui": {"enabled": False},
                            "hub": {"port": free_port()}, "logging": {"port": free_port()}}}
    (workdir / "firebase.json").write_text(json.dumps(config))
    argv = [str(exe), "emulators:start", "--only", "auth", "--project", project_id]
    env = {"FIREBASE_CLI_DISABLE_UPDATE_CHECK": "true", "CI": "true"}
    svc = Service("Firebase Auth emulator", argv, port, lambda: http_ok(f"http://127.0.0.1:{port}/"),
                  env=env, log_path=log_path, startup_timeout_s=120, cwd=workdir)
    svc.argv = [*argv, "--config", str(workdir / "firebase.json")]
    return svc


def smtp_server(port: int, maildir: Path, log_path: Path | None = None) -> Service:
    """A loopback SMTP server keeping every message in `maildir` (``devstack.smtp``)."""
    argv = [str(ROOT / ".venv" / "bin" / "python"), "-m", "devstack.smtp", "--port", str(port), "--maildir",
            str(maildir)]
    return Service("SMTP server", argv, port, lambda: tcp_open(port), log_path=log_path)


def functions_server(port: int, env: dict[str, str], log_path: Path | None = None) -> Service:
    """Every function of functions/ behind one base URL (the local router target)."""
    exe = ROOT / ".venv" / "bin" / "functions-framework"
    argv = [str(exe), "--source", str(ROOT / "functions" / "main.py"), "--target", "local_router",
            "--host", "127.0.0.1", "--port", str(port)]
    return Service("functions", argv, port, lambda: http_ok(f"http://127.0.0.1:{port}/livez"),
                   env=env, log_path=log_path)
