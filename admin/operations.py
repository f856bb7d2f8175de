"""Admin operations behind `python -m admin`: agencies into Firestore, staff into Firebase Auth + Firestore."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from admin.staff import AgencyRecord, StaffError, StaffMember, read_agencies_file, staff_doc
from infra.firestore import firestore_client
from infra.identity import firebase_app


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
        auth.update_user(user.uid, display_name=member.name or None, app=app,
                         **({"password": password} if password else {}))
    except auth.UserNotFoundError:
        user = auth.create_user(email=member.email, password=password, display_name=member.name or None, app=app)
    except ValueError as err:
        raise StaffError(str(err)) from err
    auth.set_custom_user_claims(user.uid, member.claims(), app=app)
    doc = staff_doc(member, user.uid, now)
    firestore_client().collection("staff").document(user.uid).set(doc)
    return doc


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
        ref.set({"reasons": listed})
    return listed


def _uid_of(email: str) -> str:
    from google.cloud.firestore import FieldFilter

    found = list(firestore_client().collection("staff").where(filter=FieldFilter("email", "==", email)).limit(1)
                 .stream())
    if not found:
        raise StaffError(f"нет сотрудника с адресом {email} (python -m admin add-staff)")
    return found[0].id
