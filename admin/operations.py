"""Admin operations behind `python -m admin`: agencies into Firestore, staff into Firebase Auth + Firestore."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from admin.staff import AgencyRecord, StaffChange, StaffError, StaffMember, read_agencies_file, staff_doc
from infra.firestore import firestore_client
from infra.identity import firebase_app
from vocabulary import AGENCY_ROLES


def add_agency(record: AgencyRecord, now: datetime) -> None:
    firestore_client().collection("agencies").document(record.id).set(
        {**record.model_dump(), "updated_at": now})


def import_agencies(path: Path, now: datetime) -> int:
    records = read_agencies_file(path)
    db = firestore_client()
    batch = db.batch()
    for record in records:
        batch.set(db.collection("agencies").document(record.id), {**record.model_dump(), "updated_at": now})
    batch.commit()
    return len(records)


def known_agencies() -> set[str]:
    return {doc.id for doc in firestore_client().collection("agencies").select([]).stream()}


def add_staff(member: StaffMember, password: str | None, now: datetime) -> dict[str, Any]:
    """Create (or update) the Firebase user, set its claims, and mirror it in ``staff/{uid}``."""
    from firebase_admin import auth

    member.check(known_agencies())
    app = firebase_app()
    try:
        user = auth.get_user_by_email(member.email, app=app)
        auth.update_user(user.uid, display_name=member.name or None, disabled=False, app=app,
                         **({"password": password} if password else {}))
        auth.revoke_refresh_tokens(user.uid, app=app)  # a changed role or agency holds from now on
    except auth.UserNotFoundError:
        user = auth.create_user(email=member.email, password=password, display_name=member.name or None, app=app)
    except ValueError as err:
        raise StaffError(str(err)) from err
    auth.set_custom_user_claims(user.uid, member.claims(), app=app)
    doc = staff_doc(member, user.uid, now)
    firestore_client().collection("staff").document(user.uid).set(doc)
    return doc


def list_staff() -> list[dict[str, Any]]:
    """Every staff member, active or not, by name: the admin's screen."""
    fields = ["uid", "email", "name", "role", "agency_id", "active", "updated_at"]
    people = [{**{f: None for f in fields}, **(snap.to_dict() or {}), "uid": snap.id}
              for snap in firestore_client().collection("staff").select(fields).stream()]
    return sorted(people, key=lambda p: (not p.get("active", True), str(p.get("name") or p.get("email") or "")))


def list_agencies() -> list[dict[str, Any]]:
    return sorted(({**(snap.to_dict() or {}), "id": snap.id} for snap in firestore_client().collection("agencies").stream()),
                  key=lambda a: str(a.get("short_name") or a["id"]))


def update_staff(uid: str, change: StaffChange, now: datetime) -> dict[str, Any]:
    """Change a staff member's name, role, agency or activity, effective at once: the claims are set, and
    when the role or agency changes or the person is deactivated, their sessions are revoked (the API checks
    revocation on every call) and the user is disabled or enabled; ``staff/{uid}`` follows, which the
    rules compare with the token's claims on every read (docs/rules.md)."""
    from firebase_admin import auth

    from cases.documents import valid_document_id

    if not valid_document_id(uid):
        raise StaffError("нет такого сотрудника")
    ref = firestore_client().collection("staff").document(uid)
    snap = ref.get()
    if not snap.exists:
        raise StaffError("нет такого сотрудника")
    doc = snap.to_dict() or {}
    role = str(change.role or doc.get("role") or "")
    agency = change.agency_id if change.agency_id is not None else doc.get("agency_id")
    if change.role is not None and role not in AGENCY_ROLES and change.agency_id is None:
        agency = None  # a role without an agency drops the old one
    member = StaffMember(str(doc.get("email") or ""), role, agency or None, change.name or str(doc.get("name") or ""))
    member.check(known_agencies())
    active = doc.get("active", True) if change.active is None else change.active
    app = firebase_app()
    moved = (member.role, member.agency_id) != (doc.get("role"), doc.get("agency_id") or None)
    try:
        auth.set_custom_user_claims(uid, member.claims(), app=app)
        auth.update_user(uid, display_name=member.name or None, disabled=not active, app=app)
        if moved or not active:
            auth.revoke_refresh_tokens(uid, app=app)
    except auth.UserNotFoundError as err:
        raise StaffError("у сотрудника нет учётной записи для входа") from err
    updated = {**staff_doc(member, uid, now), "active": bool(active)}
    ref.set(updated, merge=True)
    return updated


def save_dismissal_reasons(reasons: list[dict[str, str]]) -> list[dict[str, str]]:
    """The dismissal reasons, whole (the admin's screen). Cases keep the wording they were dismissed with."""
    codes = [r["code"] for r in reasons]
    if len(set(codes)) != len(codes):
        raise StaffError("коды причин повторяются")
    firestore_client().collection("settings").document("dismissal_reasons").set({"reasons": reasons})
    return reasons


def move_raw_payloads(page: int = 200) -> int:
    """Cases stored before payloads moved out of them (their ``raw.payload`` was readable by every client
    that reads the case): each payload, minimised (no sender's secret), goes to ``raw_payloads/{id}`` and
    leaves the case, in one commit per page. Reads the cases page by page; returns how many moved."""
    from google.cloud.firestore import DELETE_FIELD

    from intake.documents import RAW_PAYLOADS, minimised

    db, moved, after = firestore_client(), 0, None
    while True:
        query = (db.collection("cases").order_by("__name__")
                 .select(["raw", "source", "received_at", "personal_data", "erased_at"]).limit(page))
        snaps = list((query.start_after(after) if after is not None else query).stream())
        if not snaps:
            return moved
        after = snaps[-1]
        batch = db.batch()
        for snap in snaps:
            doc = snap.to_dict() or {}
            if "personal_data" not in doc:  # what the retention job looks for (cases before 2026-12 lack it)
                batch.update(snap.reference, {"personal_data": not doc.get("erased_at")})
            raw = doc.get("raw") or {}
            if "payload" not in raw:
                continue
            batch.set(db.collection(RAW_PAYLOADS).document(snap.id), {
                "case_id": snap.id, "source": doc.get("source"), "payload": minimised(str(raw["payload"])),
                "truncated": bool(raw.get("truncated")), "received_at": doc.get("received_at")})
            batch.update(snap.reference, {"raw.payload": DELETE_FIELD, "raw.truncated": DELETE_FIELD})
            moved += 1
        batch.commit()


def save_web_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """``settings/web``: read by /web/config.json (within a minute) when a page opens."""
    firestore_client().collection("settings").document("web").set(settings, merge=True)
    return settings


def erase_author(cases: Any, service: Any, url: str | None, name: str | None, request: str,
                 by_email: str) -> dict[str, Any]:
    """152-FZ, a subject's request: every case whose author has this profile link or name loses its personal
    data; each case's audit trail records it (``PersonalDataErased``: the request, and the admin). `cases`
    and `service` are the composition root's (``python -m admin`` passes them)."""
    from cases.model import Actor
    from workflow.retention import erase_case

    if not (url or name) or not request.strip():
        raise StaffError("укажите --url или --name автора и --request (номер обращения субъекта)")
    uid = _uid_of(by_email)
    staff = firestore_client().collection("staff").document(uid).get().to_dict() or {}
    if staff.get("role") != "admin":
        raise StaffError(f"{by_email} не администратор")
    actor = Actor(uid=uid, role="admin", name=str(staff.get("name") or by_email))
    found = cases.by_author(url=url, name=name)
    erased = [case_id for case_id in found
              if erase_case(service, cases, case_id, "subject_request", request.strip(), actor)]
    return {"found": found, "erased": erased}


def set_retention(case_years: int | None) -> dict[str, Any]:
    """``settings/retention``: how many years a closed case keeps its personal data; the value in force."""
    from workflow.retention import CASE_YEARS, retention_from

    ref = firestore_client().collection("settings").document("retention")
    if case_years is not None:
        if case_years not in CASE_YEARS:
            raise StaffError(f"срок хранения: от {CASE_YEARS[0]} до {CASE_YEARS[-1]} лет")
        ref.set({"case_years": case_years}, merge=True)
    snap = ref.get()
    return {"case_years": retention_from(snap.to_dict() if snap.exists else None).case_years}


def set_oversight(head: list[str] | None, report: list[str] | None, surge: dict[str, Any]) -> dict[str, Any]:
    """Update ``settings/oversight``: the Head's recipients and the monthly report's (staff e-mails; an empty
    list: back to the supervisors), the surge thresholds given; validated whole before it is written."""
    from oversight.settings import oversight_from

    ref = firestore_client().collection("settings").document("oversight")
    snap = ref.get()
    current = oversight_from(snap.to_dict() if snap.exists else None).model_dump()
    if head is not None:
        current["head_uids"] = [_uid_of(email) for email in head]
    if report is not None:
        current["report_uids"] = [_uid_of(email) for email in report]
    current["surge"] = {**current["surge"], **surge}
    try:
        checked = oversight_from(current).model_dump()
    except ValueError as err:
        raise StaffError(f"настройки не приняты: {err}") from err
    ref.set(checked)
    return checked


def set_dismissal_reasons(add: list[str], remove: list[str], reset: bool) -> list[dict[str, str]]:
    """Update ``settings/dismissal_reasons``: ``add`` as "code=Формулировка" (a code given again gets the new
    wording), ``remove`` by code, ``reset`` back to the built-in list. Cases keep the wording they were
    dismissed with."""
    import re

    from vocabulary import DISMISSAL_REASONS

    ref = firestore_client().collection("settings").document("dismissal_reasons")
    snap = ref.get()
    stored = (snap.to_dict() or {}).get("reasons") if snap.exists and not reset else None
    reasons = {r["code"]: r["label"] for r in stored} if stored else dict(DISMISSAL_REASONS)
    for item in add:
        code, sep, label = item.partition("=")
        if not sep or not re.fullmatch(r"[a-z][a-z0-9_]{1,40}", code.strip()) or not label.strip():
            raise StaffError(f"ожидается code=Формулировка (code: латиница, цифры, _): {item!r}")
        reasons[code.strip()] = label.strip()
    for code in remove:
        if code not in reasons:
            raise StaffError(f"нет причины {code!r}; есть: {', '.join(reasons)}")
        del reasons[code]
    if not reasons:
        raise StaffError("список причин не может быть пустым")
    listed = [{"code": code, "label": label} for code, label in reasons.items()]
    if add or remove or reset:
        save_dismissal_reasons(listed)
    return listed


def uid_of(email: str) -> str:
    """The staff member's uid by e-mail (StaffError if none)."""
    return _uid_of(email)


def _uid_of(email: str) -> str:
    from google.cloud.firestore import FieldFilter

    found = list(firestore_client().collection("staff").where(filter=FieldFilter("email", "==", email)).limit(1)
                 .stream())
    if not found:
        raise StaffError(f"нет сотрудника с адресом {email} (python -m admin add-staff)")
    return found[0].id
