"""Who answers for a deadline and who is told when it is missed (DESIGN.md "Notifications", §7, §22).

Curator stages (§8 route, §12 review) belong to the curators. Agency stages belong to the case's
executor, or the agency's lead(s) while no executor is named; a missed deadline is also told to the
agency's lead(s) and to every curator. A stage of an agency that is not yet known (the case is not
routed) falls to the curators.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from deadlines.wakeups import field

if TYPE_CHECKING:
    from google.cloud.firestore import Client

CURATOR_STAGES = frozenset({"route", "review"})


@dataclass(frozen=True)
class Recipients:
    agency_id: str | None
    responsible: tuple[str, ...]  # who must act: gets the warning, is named in the escalation
    notified: tuple[str, ...]  # everyone told of the miss: responsible, the agency's leads, curators


def agency_of(stage: str, deadline: Any, case: Mapping[str, Any]) -> str | None:
    """The agency a deadline belongs to: its own ``agency_id``, else the agency whose turn it is."""
    if stage in CURATOR_STAGES:
        return None
    own = field(deadline, "agency_id")
    if own:
        return str(own)
    current = case.get("agency_id")
    if current:
        return str(current)
    routed = case.get("agency_ids") or []
    return str(routed[-1]) if routed else None


def choose(stage: str, deadline: Any, case: Mapping[str, Any], curators: list[str],
           leads: list[str]) -> Recipients:
    """The pure decision, given the curators and the leads of the deadline's agency."""
    agency = agency_of(stage, deadline, case)
    if agency is None:
        responsible = _unique(curators)
        return Recipients(None, responsible, responsible)
    executor = case.get("executor_uid")
    # The executor belongs to the agency whose turn it is; a joint partner's deadline is not theirs.
    if executor and agency == case.get("agency_id"):
        responsible = (str(executor),)
    else:
        responsible = _unique(leads)
    return Recipients(agency, responsible, _unique([*responsible, *leads, *curators]))


def recipients(db: Client, stage: str, deadline: Any, case: Mapping[str, Any]) -> Recipients:
    agency = agency_of(stage, deadline, case)
    leads = staff_with(db, "agency_lead", agency) if agency else []
    return choose(stage, deadline, case, staff_with(db, "curator"), leads)


def staff_with(db: Client, role: str, agency_id: str | None = None) -> list[str]:
    """Uids of active staff with `role` (and `agency_id`), sorted: ``staff/{uid}`` mirrors the claims."""
    from google.cloud.firestore import FieldFilter

    query = db.collection("staff").where(filter=FieldFilter("role", "==", role))
    if agency_id is not None:
        query = query.where(filter=FieldFilter("agency_id", "==", agency_id))
    return sorted(doc.id for doc in query.stream() if (doc.to_dict() or {}).get("active", True) is not False)


def _unique(uids: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(u for u in uids if u))
