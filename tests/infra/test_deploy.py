"""`make deploy ... DRY_RUN=1` prints the whole deployment and touches nothing; the plan is checked here:
every function, the queue, every scheduler job with OIDC, the secret, Firestore and Hosting, and nothing
public that should not be."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from infra.settings import Settings
from infra.tasks import function_url
from tests.conftest import ROOT

PROJECT, REGION = "otklik-udm", "europe-west1"
RUNTIME_SA = f"otklik-functions@{PROJECT}.iam.gserviceaccount.com"
INVOKER_SA = f"otklik-tasks@{PROJECT}.iam.gserviceaccount.com"
PUBLIC = {"intake-monitoring", "intake-vk", "intake-telegram", "staff-api", "staff-web"}


@pytest.fixture(scope="module")
def plan() -> list[list[str]]:
    """The dry run's commands, run with no gcloud or firebase on the PATH: it must not need them."""
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    run = subprocess.run([sys.executable, "scripts/deploy.py", "--project", PROJECT, "--region", REGION, "--dry-run",
                          "--smtp-host", "smtp.udmurt.ru", "--smtp-user", "otklik"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.rstrip().endswith("# dry run: nothing was touched")
    return [shlex.split(line) for line in run.stdout.splitlines() if line and not line.startswith("#")]


def flag(argv: list[str], name: str) -> str | None:
    return next((a.split("=", 1)[1] for a in argv if a.startswith(f"--{name}=")), None)


def entry_points() -> set[str]:
    import ast

    tree = ast.parse((ROOT / "functions" / "main.py").read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name != "local_router"
            and any(ast.unparse(d).endswith("functions_framework.http") for d in n.decorator_list)}


def test_every_function_is_deployed_gen2_with_its_account_and_secrets(plan: list[list[str]]) -> None:
    deploys = {a[4]: a for a in plan if a[2:4] == ["functions", "deploy"]}
    assert {flag(a, "entry-point") for a in deploys.values()} == entry_points()
    for name, argv in deploys.items():
        assert "--gen2" in argv and flag(argv, "region") == REGION and flag(argv, "runtime") == "python311"
        assert flag(argv, "service-account") == RUNTIME_SA
        assert flag(argv, "set-secrets") == "OTKLIK_SMTP_PASSWORD=otklik-smtp-password:latest"
        public = "--allow-unauthenticated" in argv
        assert public == (name in PUBLIC) and ("--no-allow-unauthenticated" in argv) == (name not in PUBLIC), name
    invokers = {a[4]: flag(a, "member") for a in plan if a[2:4] == ["functions", "add-invoker-policy-binding"]}
    assert invokers == {n: f"serviceAccount:{INVOKER_SA}" for n in deploys if n not in PUBLIC}


def test_the_queue_the_jobs_and_firebase(plan: list[list[str]]) -> None:
    queue = next(a for a in plan if a[2:5] == ["tasks", "queues", "create"])
    assert queue[5] == "deadlines" and flag(queue, "location") == REGION and flag(queue, "max-attempts") == "-1"
    jobs = {a[6]: a for a in plan if a[2:6] == ["scheduler", "jobs", "create", "http"]}
    assert set(jobs) == {"otklik-sweep", "otklik-digest", "otklik-monthly-report", "otklik-retention",
                         "otklik-triage-train"}
    deployed = {a[4] for a in plan if a[2:4] == ["functions", "deploy"]}
    for argv in jobs.values():
        uri = flag(argv, "uri") or ""
        assert flag(argv, "oidc-service-account-email") == INVOKER_SA and flag(argv, "oidc-token-audience") == uri
        assert uri.rsplit("/", 1)[1] in deployed and flag(argv, "time-zone") == "Europe/Samara"
    assert flag(jobs["otklik-sweep"], "schedule") == "* * * * *"
    # the retraining has the memory and the time scikit-learn needs; the scheduler waits as long for it
    training = next(a for a in plan if a[2:4] == ["functions", "deploy"] and "triage-train" in a[4])
    assert flag(training, "memory") == "2Gi" and flag(training, "timeout") == "1800s"
    assert flag(jobs["otklik-triage-train"], "attempt-deadline") == "1800s"
    assert any(a[2:4] == ["secrets", "create"] and "--data-file=-" in a for a in plan)  # the value from stdin
    assert not any("password" in part.lower() and "=" in part and "SMTP_PASSWORD=otklik" not in part
                   for a in plan for part in a)
    firebase = next(a for a in plan if a[0] == "firebase")
    assert firebase[1:4] == ["deploy", "--only", "firestore,hosting"]
    config = json.loads((ROOT / ".state" / "deploy" / "firebase.json").read_text(encoding="utf-8"))
    rewrites = {r["source"]: r["function"]["functionId"] for r in config["hosting"]["rewrites"]}
    assert rewrites == {"/api/**": "staff-api", "/web/config.json": "staff-web"}
    headers = {h["key"]: h["value"] for h in config["hosting"]["headers"][0]["headers"]}
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"] and headers["X-Frame-Options"] == "DENY"
    indexes = json.loads((ROOT / ".state" / "deploy" / "firestore.indexes.json").read_text(encoding="utf-8"))
    assert {o["collectionGroup"] for o in indexes["fieldOverrides"] if o.get("ttl")} == {
        "intake_deliveries", "notifications", "mail"}
    assert (ROOT / ".state" / "deploy" / "public" / "web" / "index.html").is_file()


def test_the_functions_environment_starts_in_production(plan: list[list[str]]) -> None:
    env_file = ROOT / ".state" / "deploy" / "env.yaml"
    env = {line.split(": ", 1)[0]: json.loads(line.split(": ", 1)[1]) for line in env_file.read_text().splitlines()}
    settings = Settings.from_environ({**env, "K_SERVICE": "tasks-deadline"})  # refuses to start if it would be open
    assert settings.env == "production" and settings.tasks_service_account == INVOKER_SA
    assert settings.smtp_host == "smtp.udmurt.ru" and "OTKLIK_SMTP_PASSWORD" not in env
    deadline = function_url(settings.base_url, "/tasks/deadline")
    assert deadline == f"https://{REGION}-{PROJECT}.cloudfunctions.net/tasks-deadline"
    assert deadline.rsplit("/", 1)[1] in {a[4] for a in plan if a[2:4] == ["functions", "deploy"]}
    source = ROOT / ".state" / "deploy" / "source"
    assert (source / "main.py").is_file() and not (source / "tests").exists() and not (source / "devstack").exists()
    requirements = (source / "requirements.txt").read_text()
    assert "functions-framework" in requirements and "pytest" not in requirements


def test_a_demo_project_is_refused() -> None:
    run = subprocess.run([sys.executable, "scripts/deploy.py", "--project", "demo-otklik", "--region", REGION,
                          "--dry-run"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "demo-" in run.stderr
