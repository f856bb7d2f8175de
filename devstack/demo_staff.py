"""Demo staff on the Auth emulator: a curator, executors and leads of two agencies, a supervisor, an admin."""

from __future__ import annotations

from datetime import datetime

from devstack.stack import Stack

DEMO_STAFF = [
    ("curator@otklik.demo", "curator", None, "Анна Куратова (куратор)"),
    ("executor.mintrans@otklik.demo", "executor", "mintrans", "Иван Дорогин (исполнитель, Минтранс УР)"),
    ("lead.mintrans@otklik.demo", "agency_lead", "mintrans", "Пётр Путеев (заместитель министра, Минтранс УР)"),
    ("executor.minstroy@otklik.demo", "executor", "minstroy", "Мария Трубина (исполнитель, Минстрой УР)"),
    ("lead.minstroy@otklik.demo", "agency_lead", "minstroy", "Олег Домов (заместитель министра, Минстрой УР)"),
    ("supervisor@otklik.demo", "supervisor", None, "Руководитель Администрации"),
    ("admin@otklik.demo", "admin", None, "Администратор системы"),
]
DEMO_PASSWORD = "otklik-demo-2026"


def create(stack: Stack, now: datetime) -> dict[str, object]:
    if not stack.with_auth:
        return {}
    from admin import operations as admin
    from admin.staff import StaffMember

    lines = []
    for email, role, agency, name in DEMO_STAFF:
        admin.add_staff(StaffMember(email, role, agency, name), DEMO_PASSWORD, now)
        lines.append(f"{email} ({role}{', ' + agency if agency else ''})")
    return {"demo staff (password " + DEMO_PASSWORD + ")": "\n    " + "\n    ".join(lines)}
