"""The composition root: every client, adapter and service of a function instance, built once, lazily.

Nothing is built at import time (import time is cold-start time): the first request that needs a part
builds it from the one settings object (``infra.settings``), and the instance keeps it. The entry points
in ``functions/`` ask for what they need here, and nothing else builds clients or services. Tests put
other parts in place with ``override`` (a fixed clock, a recording queue, a policy over another
calendar, an in-memory repository) and ``reset`` afterwards.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from adapters.firestore_reports import FirestoreReports
    from adapters.firestore_triage import FirestoreModels
    from cases.ports import CaseRepository, StaffDirectory
    from deadlines.policy import SlaPolicy
    from infra.clock import Clock
    from infra.settings import Settings
    from infra.tasks import TaskQueue
    from intake.service import IntakeService
    from notify.delivery import Mailer
    from notify.preferences import Notifications
    from notify.sender import Transport
    from outbox.registry import Ports
    from oversight.alerts import Oversight
    from oversight.settings import OversightSettings
    from workflow.retention import Retention
    from workflow.service import CaseService

T = TypeVar("T")
POLICY_TTL_S = 60.0  # settings and reference data: read at most once a minute per instance

_parts: dict[str, Any] = {}
_overrides: dict[str, Any] = {}
_lock = threading.RLock()


def _part(name: str, build: Callable[[], T]) -> T:
    if name in _overrides:
        return _overrides[name]  # type: ignore[no-any-return]
    with _lock:
        if name not in _parts:
            _parts[name] = build()
        return _parts[name]  # type: ignore[no-any-return]


def override(**parts: Any) -> None:
    """Serve these parts instead of the built ones (``clock``, ``queue``, ``policy``, ``cases``, ``staff``,
    ``ports``, ``mailer``, ``smtp``, ``base_url``); the services built on them are rebuilt."""
    with _lock:
        _overrides.update(parts)
        for derived in ("case_service", "intake_service", "ports", "mailer"):
            _parts.pop(derived, None)


def reset() -> None:
    """Forget every built part and override (a test pointed the process at other emulators)."""
    from infra.firestore import reset_clients
    from infra.tasks import tasks_client

    with _lock:
        _parts.clear()
        _overrides.clear()
    reset_clients()
    tasks_client.cache_clear()


# -- the parts ------------------------------------------------------------------------------------------
def settings() -> Settings:
    from infra.settings import get_settings

    return get_settings()


def clock() -> Clock:
    from infra.clock import system_clock

    return _part("clock", lambda: system_clock)


def base_url() -> str:
    from infra.settings import get_settings

    return _part("base_url", lambda: get_settings().base_url)


def zone() -> str:
    from infra.settings import get_settings

    return _part("zone", lambda: get_settings().timezone)


def queue() -> TaskQueue:
    from infra.tasks import CloudTaskQueue

    return _part("queue", CloudTaskQueue)


def cases() -> CaseRepository:
    def build() -> CaseRepository:
        from adapters.firestore_cases import FirestoreCases
        from infra.firestore import firestore_client
        from infra.settings import get_settings

        return FirestoreCases(firestore_client, get_settings().firestore_timeout_s)

    return _part("cases", build)


def staff() -> StaffDirectory:
    def build() -> StaffDirectory:
        from adapters.firestore_staff import FirestoreStaff
        from infra.firestore import firestore_client

        return FirestoreStaff(firestore_client)

    return _part("staff", build)


def policy() -> Callable[[], SlaPolicy]:
    """The SLA policy, re-read at most once a minute: ``settings/sla`` from Firestore when the admin has
    set one, else the file ``OTKLIK_SLA_FILE``, else the regulation's table; over the production
    calendar of ``OTKLIK_CALENDAR_DIR`` (docs/deadlines.md)."""
    return _part("policy", lambda: ttl_cached(_load_policy))


def ports() -> Ports:
    """What the outbox's handlers use: the in-app inbox, the staff, the cases (read), agency names, and
    the mailer when e-mail is on (``OTKLIK_SMTP_HOST``)."""

    def build() -> Ports:
        from infra.firestore import firestore_client
        from notify.inbox import FirestoreInbox
        from outbox.registry import Ports
        from workflow.triage_step import triage_case

        return Ports(inbox=FirestoreInbox(firestore_client), staff=staff(), cases=cases(),
                     agencies=_agency_names(), mailer=mailer(),
                     oversight=oversight(), zone=zone(),
                     triage=lambda case_id: triage_case(case_service(), cases(), case_id,
                                                        model=triage_models().active,
                                                        recent=oversight().recent))

    return _part("ports", build)


def triage_models() -> FirestoreModels:
    """The routing models triage learns from the curators (``triage_models``, ``settings/triage``)."""

    def build() -> FirestoreModels:
        from adapters.firestore_triage import FirestoreModels
        from infra.firestore import firestore_client

        return FirestoreModels(firestore_client)

    return _part("triage_models", build)


def agency_names() -> dict[str, str]:
    """Each agency's short name by id (re-read at most once a minute)."""
    return _agency_names()()


def _agency_names() -> Callable[[], dict[str, str]]:
    return _part("agency_names", lambda: ttl_cached(_load_agency_names))


def retention() -> Retention:
    """``settings/retention`` (152-FZ: how long cases keep personal data), else the default; once a minute."""
    return _part("retention", lambda: ttl_cached(_load_retention))()


def _load_retention() -> Retention:
    from infra.firestore import firestore_client
    from workflow.retention import retention_from

    snap = firestore_client().collection("settings").document("retention").get(timeout=5)
    return retention_from(snap.to_dict() if snap.exists else None)


def web_settings() -> dict[str, Any]:
    """``settings/web``: the admin's choices for the web client (``session_only``); re-read once a minute."""
    return _part("web_settings", lambda: ttl_cached(_load_web_settings))()


def _load_web_settings() -> dict[str, Any]:
    from infra.firestore import firestore_client

    snap = firestore_client().collection("settings").document("web").get(timeout=5)
    return snap.to_dict() or {} if snap.exists else {}


def reports() -> FirestoreReports:
    """The §21 report's reads and writes (a month's cases, the briefs, the runs, the files)."""

    def build() -> FirestoreReports:
        from adapters.firestore_reports import FirestoreReports
        from infra.firestore import firestore_client

        return FirestoreReports(firestore_client)

    return _part("reports", build)


def oversight() -> Oversight:
    """The §22 handlers' stores: the admin's ``settings/oversight`` (re-read at most once a minute), the
    surge counts and episodes, the recent messages, the names of agencies and municipalities."""

    def build() -> Oversight:
        from datetime import timedelta

        from adapters.firestore_activity import FirestoreActivity, FirestoreRecentCases
        from infra.firestore import firestore_client
        from oversight.alerts import Oversight
        from triage.rubric import topic_names

        settings = _part("oversight_settings", lambda: ttl_cached(_load_oversight_settings))
        agencies = _agency_names()
        municipalities = _part("municipality_names", lambda: ttl_cached(_load_municipality_names))

        def names(kind: str, the_id: str) -> str:
            found = {"agency": agencies, "municipality": municipalities, "topic": topic_names}.get(kind)
            return found().get(the_id, the_id) if found else the_id

        quiet = lambda: timedelta(minutes=settings().surge.quiet_minutes)  # noqa: E731
        return Oversight(settings=settings, activity=FirestoreActivity(firestore_client, quiet),
                         recent=FirestoreRecentCases(firestore_client), names=names, clock=clock())

    return _part("oversight", build)


def mailer() -> Mailer | None:
    def build() -> Mailer | None:
        from infra.firestore import firestore_client
        from infra.settings import get_settings
        from notify.delivery import Calendars, Mailer
        from notify.mail import FirestoreMail

        settings = get_settings()
        if not settings.smtp_host:
            return None

        def calendars() -> Calendars:
            sla = policy()()
            return Calendars(curators=sla.curator_calendar, agencies=sla.agency_calendar)

        return Mailer(store=FirestoreMail(firestore_client), queue=queue(), base_url=base_url(),
                      web_url=settings.web_url or base_url(), calendars=calendars)

    return _part("mailer", build)


def smtp() -> Transport:
    def build() -> Transport:
        from infra.settings import get_settings
        from notify.sender import SmtpSettings, SmtpTransport

        s = get_settings()
        return SmtpTransport(SmtpSettings(s.smtp_host, s.smtp_port, s.smtp_security, s.smtp_user, s.smtp_password,
                                          s.mail_from))

    return _part("smtp", build)


def notifications() -> Notifications:
    def build() -> Notifications:
        from infra.firestore import firestore_client
        from notify.preferences import FirestoreNotifications

        return FirestoreNotifications(firestore_client)

    return _part("notifications", build)


def case_service() -> CaseService:
    def build() -> CaseService:
        from workflow.service import CaseService

        return CaseService(cases=cases(), policy=policy(), queue=queue(), clock=clock(), base_url=base_url(),
                           agencies=_part("agencies", lambda: ttl_cached(_load_agencies)),
                           dismissal_reasons=_part("dismissal_reasons", lambda: ttl_cached(_load_dismissal_reasons)),
                           staff=staff())

    return _part("case_service", build)


def intake_service() -> IntakeService:
    def build() -> IntakeService:
        from infra.firestore import firestore_client
        from infra.settings import get_settings
        from intake.firestore_registry import FirestoreRegistry
        from intake.registry import CachedRegistry
        from intake.service import IntakeService
        from intake.store import FirestoreIntakeStore

        settings = get_settings()
        registry = CachedRegistry(FirestoreRegistry(firestore_client, settings.firestore_timeout_s), clock())
        store = FirestoreIntakeStore(firestore_client, settings.firestore_timeout_s)
        return IntakeService(store, clock(), registry, case_service(),
                             raw_max_bytes=settings.raw_payload_max_bytes)

    return _part("intake_service", build)


# -- loaders --------------------------------------------------------------------------------------------
def ttl_cached(load: Callable[[], T], ttl_s: float = POLICY_TTL_S) -> Callable[[], T]:
    state: dict[str, Any] = {}

    def get() -> T:
        if "value" not in state or time.monotonic() - state["at"] > ttl_s:
            state["value"], state["at"] = load(), time.monotonic()
        return state["value"]  # type: ignore[no-any-return]

    return get


def _load_policy() -> SlaPolicy:
    import json
    from pathlib import Path

    from deadlines.calendar import load_calendar
    from deadlines.policy import default_policy
    from infra.firestore import firestore_client
    from infra.settings import get_settings

    settings = get_settings()
    calendar = load_calendar(settings.calendar_dir or None)
    snap = firestore_client().collection("settings").document("sla").get(timeout=10)
    if snap.exists:
        document = snap.to_dict() or {}
    elif settings.sla_file:
        document = json.loads(Path(settings.sla_file).read_text(encoding="utf-8"))
    else:
        return default_policy(calendar)
    from deadlines.settings import policy_from_settings  # only when there is a document to read

    return policy_from_settings(document, base=calendar)


def _load_agency_names() -> dict[str, str]:
    from infra.firestore import firestore_client

    return {doc.id: str((doc.to_dict() or {}).get("short_name") or (doc.to_dict() or {}).get("name") or doc.id)
            for doc in firestore_client().collection("agencies").stream(timeout=10)}


def _load_municipality_names() -> dict[str, str]:
    from infra.firestore import firestore_client

    return {doc.id: str((doc.to_dict() or {}).get("name") or doc.id)
            for doc in firestore_client().collection("municipalities").stream(timeout=10)}


def _load_oversight_settings() -> OversightSettings:
    from infra.firestore import firestore_client
    from oversight.settings import oversight_from

    snap = firestore_client().collection("settings").document("oversight").get(timeout=10)
    return oversight_from(snap.to_dict() if snap.exists else None)


def _load_dismissal_reasons() -> dict[str, str]:
    """``settings/dismissal_reasons`` ({reasons: [{code, label}]}, set by ``python -m admin
    dismissal-reasons``), else the built-in list."""
    from infra.firestore import firestore_client
    from vocabulary import DISMISSAL_REASONS

    snap = firestore_client().collection("settings").document("dismissal_reasons").get(timeout=10)
    stored = (snap.to_dict() or {}).get("reasons") if snap.exists else None
    if not stored:
        return dict(DISMISSAL_REASONS)
    return {str(r["code"]): str(r["label"]) for r in stored if r.get("code") and r.get("label")}


def _load_agencies() -> set[str]:
    from infra.firestore import firestore_client

    return {doc.id for doc in firestore_client().collection("agencies").select([]).stream(timeout=10)}
