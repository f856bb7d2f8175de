"""Deadlines planned again by the system, not by a person; each is an audit event (§20) by "system".

- ``recompute_deadlines``: a pending deadline computed over a year without a government decree is
  provisional; once that year is decreed (a newer `holidays` release) or its official calendar imported,
  the deadline is planned again from its own start. A moved deadline gets new Cloud Tasks; the old task
  finds a different due moment and does nothing.
- ``restore_deadlines``: a case stored without deadlines (``deadlines_error``: before provisional years
  existed, a year without data refused) gets the detection deadlines (§8, §10, §11) it should have had,
  counted from its detection.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cases.apply import Result, aware, commit
from cases.events import DeadlinesRecomputed
from cases.model import Case, CaseState, Deadline, DeadlineState, Stage
from cases.schedule import DuePlanner, Ledger
from cases.transitions import OPEN


def recompute_deadlines(case: Case, now: datetime, planner: DuePlanner, calendar: str = "") -> Result | None:
    """Every pending provisional deadline planned again (the answer before the draft counted from it).
    None when nothing changes: the years are still provisional and the moments the same."""
    keys = sorted((k for k, d in case.deadlines.items() if d.state == DeadlineState.pending and d.provisional_years),
                  key=lambda k: (k == Stage.draft, k))
    ledger = Ledger(case.deadlines, planner)
    changes = []
    for key in keys:
        old = ledger.recompute(key)
        new = ledger.deadlines[key]
        if old is not None and (new.due, new.provisional_years) != (old.due, old.provisional_years):
            changes.append(_change(key, old, new))
    if not changes:
        return None
    years = sorted({y for key in keys for y in case.deadlines[key].provisional_years})
    payload = {"reason": "calendar_published", "years": years, "calendar": calendar, "changes": changes}
    return commit(case, None, DeadlinesRecomputed, aware(now), payload=payload, ledger=ledger)


def restore_deadlines(case: Case, now: datetime, planner: DuePlanner, error: str = "") -> Result | None:
    """The detection deadlines a case is missing, from its detection: route (§8) while it waits for
    routing, answer (§10) and draft (§11) while it is open; ``deadlines_error`` cleared. None when none is
    missing and there is no error to clear."""
    ledger = Ledger(case.deadlines, planner)
    wanted = [Stage.route] if case.state is CaseState.detected else []
    if case.state in OPEN:
        wanted += [Stage.answer, Stage.draft]
    started = []
    for stage in wanted:
        if stage not in case.deadlines:
            ledger.start(stage, stage, case.detected_at)
            started.append(_change(stage, None, ledger.deadlines[stage]))
    if not started and case.deadlines_error is None:
        return None
    payload = {"reason": "deadlines_restored", "years": [], "calendar": "", "error": error or case.deadlines_error,
               "changes": started}
    return commit(case, None, DeadlinesRecomputed, aware(now), payload=payload, ledger=ledger, deadlines_error=None)


def _change(key: str, old: Deadline | None, new: Deadline) -> dict[str, Any]:
    return {"key": str(key), "stage": new.stage.value, "old_due": old.due if old else None, "new_due": new.due,
            "old_provisional_years": old.provisional_years if old else [],
            "provisional_years": new.provisional_years}
