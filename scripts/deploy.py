"""Deploy Otklik to a Google Cloud project with the platform's own tools (docs/deploy.md).

    make deploy PROJECT=otklik-udm REGION=europe-west1 [DRY_RUN=1]
    .venv/bin/python scripts/deploy.py --project P --region R [--dry-run] [--smtp-host H ...]

Every step is a command of `gcloud` or `firebase`, printed before it runs; with --dry-run (DRY_RUN=1) the
plan is printed and nothing is touched. Steps, in order: the APIs; two service accounts with least
privilege (the functions' runtime; the caller of tasks and scheduler jobs, whose OIDC tokens the functions
require); the SMTP password in Secret Manager; the Cloud Tasks queue; every function of functions/main.py
(gen2, one per entry point: public only where the function authenticates its callers itself); the
scheduler jobs with OIDC; Firestore's rules, indexes and TTL policies and the web client on Firebase
Hosting with /api behind the same origin (`firebase deploy`). Re-running it upgrades in place.
"""

from __future__ import annotations

import argparse
import ast
import json
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGE = ROOT / ".state" / "deploy"
# What the functions' source holds: the packages (pyproject's), the root main.py Cloud Functions loads, and
# the web client's files (the config function serves them too).
PACKAGES = ["functions", "intake", "deadlines", "notify", "reports", "cases", "infra", "adapters", "admin",
            "escalation", "outbox", "workflow", "vocabulary", "bootstrap", "oversight"]
ZONE = "Europe/Samara"
RUNTIME = "python311"
QUEUE = "deadlines"
SMTP_SECRET = "otklik-smtp-password"

# Functions that authenticate their own callers (HMAC, VK secret, Telegram token, Firebase ID token) and so
# are open to the internet; all others take only the OIDC tokens of the tasks' service account.
PUBLIC = {"intake_monitoring", "intake_vk", "intake_telegram", "staff_api", "staff_web"}
# Cloud Scheduler: job -> (path, schedule in Izhevsk time, what it does).
JOBS = {
    "otklik-sweep": ("/scheduler/sweep", "* * * * *", "deadlines backstop, outbox, calendar upkeep"),
    "otklik-digest": ("/scheduler/digest", "0 9 * * 1-5", "the daily digests"),
    "otklik-monthly-report": ("/scheduler/monthly-report", "0 9 1-10 * *", "the §21 monthly report"),
    "otklik-retention": ("/scheduler/retention", "0 3 * * *", "152-FZ erasure of expired personal data"),
    "otklik-triage-train": ("/scheduler/triage-train", "0 2 * * 0", "triage's routing model retrained (weekly)"),
}
# Functions (by deployed name) that need more than the default 512 MiB and 300 s: (memory, timeout).
RESOURCES = {"scheduler-triage-train": ("2Gi", "1800s")}
DEFAULT_RESOURCES = ("512Mi", "300s")
# Cloud Tasks: deliveries per second and at once, and retries (a deadline task's 5xx is an outage: retried
# with backoff for up to a day; the sweep is the backstop beyond that).
QUEUE_SETTINGS = ["--max-dispatches-per-second=50", "--max-concurrent-dispatches=50", "--max-attempts=-1",
                  "--max-retry-duration=86400s", "--min-backoff=2s", "--max-backoff=300s", "--max-doublings=6"]
APIS = ["cloudfunctions.googleapis.com", "run.googleapis.com", "cloudbuild.googleapis.com",
        "artifactregistry.googleapis.com", "cloudtasks.googleapis.com", "cloudscheduler.googleapis.com",
        "firestore.googleapis.com", "secretmanager.googleapis.com", "firebase.googleapis.com",
        "firebasehosting.googleapis.com", "identitytoolkit.googleapis.com", "logging.googleapis.com"]


@dataclass
class Plan:
    project: str
    region: str
    steps: list[tuple[str, list[str]]] = field(default_factory=list)  # (why, argv)
    env: dict[str, str] = field(default_factory=dict)  # every function's environment

    def add(self, why: str, *argv: str) -> None:
        self.steps.append((why, list(argv)))

    @property
    def runtime_sa(self) -> str:
        return f"otklik-functions@{self.project}.iam.gserviceaccount.com"

    @property
    def invoker_sa(self) -> str:
        return f"otklik-tasks@{self.project}.iam.gserviceaccount.com"

    def url(self, function: str) -> str:
        return f"https://{self.region}-{self.project}.cloudfunctions.net/{function}"


def entry_points() -> list[str]:
    """Every function of functions/main.py (decorated with functions_framework.http), but the local router."""
    tree = ast.parse((ROOT / "functions" / "main.py").read_text(encoding="utf-8"))
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name != "local_router"
            and any(ast.unparse(d).endswith("functions_framework.http") for d in node.decorator_list)]


def deployed_name(entry_point: str) -> str:
    """The function's name in Cloud Functions (gen2 names take hyphens): the path it serves, as
    infra.tasks.function_name derives it (tasks_deadline -> tasks-deadline)."""
    return entry_point.replace("_", "-")


def build(project: str, region: str, smtp: dict[str, str]) -> Plan:
    from infra.tasks import function_name  # how the functions themselves find each other's URLs

    plan = Plan(project, region)
    g = ["gcloud", f"--project={project}"]
    plan.add("the APIs Otklik uses", *g, "services", "enable", *APIS)
    for sa, title in ((plan.runtime_sa, "Otklik functions"), (plan.invoker_sa, "Otklik tasks and scheduler")):
        plan.add(f"service account: {title}", *g, "iam", "service-accounts", "create", sa.split("@")[0],
                 f"--display-name={title}")
    for role in ("roles/datastore.user", "roles/cloudtasks.enqueuer", "roles/logging.logWriter",
                 "roles/firebaseauth.admin"):
        plan.add(f"runtime: {role}", *g, "projects", "add-iam-policy-binding", project,
                 f"--member=serviceAccount:{plan.runtime_sa}", f"--role={role}", "--condition=None")
    plan.add("runtime may mint the invoker's OIDC tokens for the tasks it creates", *g, "iam", "service-accounts",
             "add-iam-policy-binding", plan.invoker_sa, f"--member=serviceAccount:{plan.runtime_sa}",
             "--role=roles/iam.serviceAccountUser")
    plan.add("the SMTP password in Secret Manager (its value read from stdin, never on the command line)", *g,
             "secrets", "create", SMTP_SECRET, "--replication-policy=automatic", "--data-file=-")
    plan.add("runtime reads that secret only", *g, "secrets", "add-iam-policy-binding", SMTP_SECRET,
             f"--member=serviceAccount:{plan.runtime_sa}", "--role=roles/secretmanager.secretAccessor")
    plan.add("the deadlines queue", *g, "tasks", "queues", "create", QUEUE, f"--location={region}", *QUEUE_SETTINGS)
    plan.add("the deadlines queue's settings (on an upgrade)", *g, "tasks", "queues", "update", QUEUE,
             f"--location={region}", *QUEUE_SETTINGS)
    env = {"OTKLIK_ENV": "production", "OTKLIK_PROJECT_ID": project, "OTKLIK_LOCATION": region,
           "OTKLIK_BASE_URL": plan.url("{function}"), "OTKLIK_TASKS_QUEUE": QUEUE,
           "OTKLIK_TASKS_SERVICE_ACCOUNT": plan.invoker_sa, "OTKLIK_WEB_URL": f"https://{project}.web.app",
           "OTKLIK_TIMEZONE": ZONE, **{f"OTKLIK_{k.upper()}": v for k, v in smtp.items() if v}}
    plan.env = env
    env_file, source = STAGE / "env.yaml", STAGE / "source"
    for entry in entry_points():
        name = deployed_name(entry)
        access = "--allow-unauthenticated" if entry in PUBLIC else "--no-allow-unauthenticated"
        plan.add(f"function {name}", *g, "functions", "deploy", name, "--gen2", f"--region={region}",
                 f"--runtime={RUNTIME}", f"--source={source}", f"--entry-point={entry}", "--trigger-http", access,
                 f"--service-account={plan.runtime_sa}", f"--env-vars-file={env_file}",
                 f"--set-secrets=OTKLIK_SMTP_PASSWORD={SMTP_SECRET}:latest",
                 *(f"--{k}={v}" for k, v in zip(("memory", "timeout"), RESOURCES.get(name, DEFAULT_RESOURCES), strict=True)))
        if entry not in PUBLIC:
            plan.add(f"only the invoker calls {name}", *g, "functions", "add-invoker-policy-binding", name,
                     f"--region={region}", f"--member=serviceAccount:{plan.invoker_sa}")
    for job, (path, schedule, what) in JOBS.items():
        url = plan.url(function_name(path))
        settings = [f"--location={region}", f"--schedule={schedule}", f"--time-zone={ZONE}", f"--uri={url}",
                    "--http-method=POST", f"--oidc-service-account-email={plan.invoker_sa}",
                    f"--oidc-token-audience={url}",
                    f"--attempt-deadline={RESOURCES.get(function_name(path), DEFAULT_RESOURCES)[1]}"]
        plan.add(f"scheduler: {what}", *g, "scheduler", "jobs", "create", "http", job, *settings)
        plan.add(f"scheduler: {job}'s settings (on an upgrade)", *g, "scheduler", "jobs", "update", "http", job,
                 *settings)
    plan.add("Firestore rules, indexes and TTL policies; the web client with /api and /web/config.json behind "
             "the same origin", "firebase", "deploy", "--only", "firestore,hosting", f"--project={project}",
             "--config", str(STAGE / "firebase.json"), "--non-interactive")
    return plan


def firebase_config(region: str) -> dict[str, object]:
    """firebase.json: Firestore's rules and indexes (TTL policies are fieldOverrides there), and Hosting: the
    web client's files under /web, the staff API and the client's config on the same origin, with the same
    security headers the local server sends (functions/web_http.py)."""
    from functions.web_http import security_headers

    headers = [{"key": k, "value": v} for k, v in security_headers().items() if k != "Cache-Control"]
    return {
        "firestore": {"rules": "firestore.rules", "indexes": "firestore.indexes.json"},
        "hosting": {
            "public": "public",
            "rewrites": [
                {"source": "/api/**", "function": {"functionId": "staff-api", "region": region}},
                {"source": "/web/config.json", "function": {"functionId": "staff-web", "region": region}},
            ],
            "redirects": [{"source": "/", "destination": "/web/", "type": 302}],
            "headers": [{"source": "**", "headers": headers}],
        },
    }


def stage(plan: Plan) -> Path:
    """.state/deploy: the functions' source (packages, main.py, requirements.txt from pyproject.toml, no tests,
    no local stack), firebase.json with the rules and indexes beside it, Hosting's files (web/ with the built
    bundle), the functions' env file."""
    import tomllib

    shutil.rmtree(STAGE, ignore_errors=True)
    source, web = STAGE / "source", STAGE / "public" / "web"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules", "test", "dist")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=skip)
    shutil.copytree(ROOT / "web", source / "web", ignore=skip)
    shutil.copyfile(ROOT / "main.py", source / "main.py")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (source / "requirements.txt").write_text("\n".join(project["dependencies"]) + "\n", encoding="utf-8")
    web.mkdir(parents=True)
    for name, path in (("index.html", ROOT / "web" / "index.html"), ("style.css", ROOT / "web" / "style.css"),
                       ("app.js", ROOT / "web" / "dist" / "app.js")):
        if path.is_file():
            shutil.copyfile(path, web / name)
    for name in ("firestore.rules", "firestore.indexes.json"):
        shutil.copyfile(ROOT / name, STAGE / name)
    (STAGE / "firebase.json").write_text(json.dumps(firebase_config(plan.region), indent=2), encoding="utf-8")
    (STAGE / "env.yaml").write_text("".join(f"{k}: {json.dumps(v)}\n" for k, v in plan.env.items()), encoding="utf-8")
    return STAGE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make deploy", description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--dry-run", action="store_true", help="print every step, touch nothing")
    for name in ("smtp_host", "smtp_port", "smtp_user", "mail_from"):
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, default="")
    args = parser.parse_args(argv)
    if args.project.startswith("demo-") or not args.project.strip():
        print("error: a real Google Cloud project id is needed (not demo-*)", file=sys.stderr)
        return 2
    plan = build(args.project, args.region, {k: getattr(args, k) for k in ("smtp_host", "smtp_port", "smtp_user",
                                                                              "mail_from")})
    out = stage(plan)
    print(f"# Otklik deployment to {args.project} ({args.region}); staged in {out.relative_to(ROOT)}")
    for number, (why, argv_) in enumerate(plan.steps, 1):
        print(f"# {number}. {why}")
        print(shlex.join(argv_))
        if args.dry_run:
            continue
        done = subprocess.run(argv_, cwd=out)
        if done.returncode != 0 and " create " not in f" {' '.join(argv_)} ":
            print(f"error: step {number} failed ({why})", file=sys.stderr)
            return done.returncode
    if args.dry_run:
        print("# dry run: nothing was touched")
    return 0


if __name__ == "__main__":
    sys.exit(main())
