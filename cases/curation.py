"""The curator's marks on a case: needs no reaction (§1, §6, §8), repeats (§17), exclusion (§19), social
significance (§22)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cases.apply import Result, aware, commit, required_text
from cases.errors import Invalid
from cases.events import (
    Dismissed,
    ExclusionConfirmed,
    ExclusionDismissed,
    ExclusionFlagged,
    ExclusionReversed,
    MarkedSignificant,
    Reopened,
    RepeatLinked,
    Triaged,
)
from cases.model import Actor, Case, CaseState, Dismissal, Exclusion, Significance, Stage
from cases.ports import Unchanged
from cases.schedule import DuePlanner, Ledger
from cases.transitions import OPEN, check


def link_repeat(case: Case, actor: Actor, earlier_case_id: str, now: datetime) -> Result:
    """§17: the message repeats an earlier one; from now on its answer must report the measures taken."""
    check("link_repeat", case, actor)
    earlier = required_text(earlier_case_id, "earlier_case_required", "Укажите ранее рассмотренное обращение.")
    if earlier == case.id:
        raise Invalid("Обращение не может быть повторным к самому себе.", code="repeat_of_self")
    return commit(
        case,
        actor,
        RepeatLinked,
        aware(now),
        payload={"earlier_case_id": earlier, "previous": case.repeat_of},
        repeat_of=earlier,
    )


def flag_exclusion(case: Case, actor: Actor, reason: str, now: datetime) -> Result:
    """§19: anyone working on the case may flag threats, obscene or insulting language; a curator decides."""
    check("flag_exclusion", case, actor)
    if case.exclusion is not None and case.exclusion.open_flag:
        raise Invalid("Обращение уже отмечено и ждёт решения куратора.", code="already_flagged")
    why = required_text(reason, "reason_required", "Укажите, что в сообщении недопустимо (п. 19).")
    flag = Exclusion(reason=why, flagged_by=actor.uid, flagged_at=aware(now))
    return commit(case, actor, ExclusionFlagged, now, payload={"reason": why}, exclusion=flag)


def dismiss_exclusion(case: Case, actor: Actor, now: datetime) -> Result:
    """The curator finds nothing in the message that §19 excludes; the flag stays on record."""
    check("dismiss_exclusion", case, actor)
    flag = _open_flag(case)
    kept = flag.model_copy(update={"dismissed_by": actor.uid, "dismissed_at": aware(now)})
    return commit(case, actor, ExclusionDismissed, now, payload={"reason": flag.reason}, exclusion=kept)


def _open_flag(case: Case) -> Exclusion:
    if case.exclusion is None or not case.exclusion.open_flag:
        raise Invalid("Обращение не отмечено как не подлежащее ответу.", code="not_flagged")
    return case.exclusion


def confirm_exclusion(case: Case, actor: Actor, now: datetime, reason: str | None = None) -> Result:
    """§19: the curator excludes the message from processing. Nothing is deleted; pending deadlines are
    cancelled and remembered, so that a reversal can restart them. Without a flag, the curator flags
    and confirms at once and must give the reason."""
    check("confirm_exclusion", case, actor)
    aware(now)
    if case.exclusion is not None and case.exclusion.open_flag:
        flag = case.exclusion
    else:
        why = required_text(reason, "reason_required", "Укажите, что в сообщении недопустимо (п. 19).")
        flag = Exclusion(reason=why, flagged_by=actor.uid, flagged_at=now)
    ledger = Ledger(case.deadlines)
    cancelled = ledger.cancel_pending()
    confirmed = flag.model_copy(
        update={
            "confirmed_by": actor.uid,
            "confirmed_at": now,
            "state_before": case.state,
            "cancelled_deadlines": cancelled,
        }
    )
    return commit(
        case,
        actor,
        ExclusionConfirmed,
        now,
        to_state=CaseState.excluded,
        payload={"reason": flag.reason, "state_before": case.state.value, "cancelled": cancelled},
        ledger=ledger,
        exclusion=confirmed,
    )


def reverse_exclusion(case: Case, actor: Actor, now: datetime, planner: DuePlanner) -> Result:
    """The curator takes the case back into work, in the state it was excluded from.

    Every deadline the exclusion cancelled starts again from the reversal, answer (§10) included: the
    message is recognised as needing a response only now (§8 counts from that recognition)."""
    check("reverse_exclusion", case, actor)
    exclusion = case.exclusion
    if exclusion is None or exclusion.state_before is None:
        raise Invalid("Нет сведений о состоянии до исключения.", code="not_excluded")
    ledger = Ledger(case.deadlines, planner)
    keys = sorted(exclusion.cancelled_deadlines, key=lambda k: k != Stage.answer)  # answer before draft
    for key in keys:
        old = case.deadlines[key]
        ledger.start(key, old.stage, aware(now), old.agency_id)
    reversed_ = exclusion.model_copy(update={"reversed_by": actor.uid, "reversed_at": now})
    return commit(
        case,
        actor,
        ExclusionReversed,
        now,
        to_state=exclusion.state_before,
        payload={"restored_state": exclusion.state_before.value, "restarted": keys},
        ledger=ledger,
        exclusion=reversed_,
    )


def mark_significant(case: Case, actor: Actor, reason: str, now: datetime) -> Result:
    """§22: socially significant: reported to the Head at once (the notifier listens for the event)."""
    check("mark_significant", case, actor)
    if case.significant is not None:
        raise Invalid("Обращение уже отмечено как социально значимое.", code="already_significant")
    why = required_text(reason, "reason_required", "Укажите, чем сообщение социально значимо (п. 22).")
    mark = Significance(by=actor.uid, at=aware(now), reason=why)
    return commit(case, actor, MarkedSignificant, now, payload={"reason": why}, significant=mark)


def dismiss(case: Case, actor: Actor, reason: str, label: str, note: str | None, now: datetime) -> Result:
    """§1/§6/§8: the detected message needs no reaction (``reason``: a code of the admin's list, ``label``
    its wording). It is not routed; its clocks stop (the pending deadlines are cancelled and remembered)."""
    check("dismiss", case, actor)
    code = required_text(reason, "reason_required", "Выберите причину, по которой реагирование не требуется.")
    ledger = Ledger(case.deadlines)
    cancelled = ledger.cancel_pending()
    note = (note or "").strip() or None
    mark = Dismissal(reason=code, label=label or code, note=note, by=actor.uid, at=aware(now),
                     cancelled_deadlines=cancelled)
    return commit(case, actor, Dismissed, now, to_state=CaseState.dismissed,
                  payload={"reason": code, "label": mark.label, "note": note, "cancelled": cancelled},
                  ledger=ledger, dismissal=mark)


def reopen(case: Case, actor: Actor, now: datetime, planner: DuePlanner) -> Result:
    """A dismissed message taken back for routing. Its clocks run from the detection again, as if they had
    never stopped: a reopened message is as late as it really is (a deadline already past is missed at
    once). A closed case reopens as answered (its answer stands; the curator closes it again)."""
    check("reopen", case, actor)
    if case.state is CaseState.closed:
        return commit(case, actor, Reopened, aware(now), to_state=CaseState.answered, payload={"restarted": []})
    mark = case.dismissal
    if mark is None:
        raise Invalid("Обращение не отмечалось как не требующее реагирования.", code="not_dismissed")
    ledger = Ledger(case.deadlines, planner)
    keys = sorted(mark.cancelled_deadlines, key=lambda k: k != Stage.answer)  # the answer before the draft
    for key in keys:
        old = case.deadlines[key]
        ledger.start(key, old.stage, old.started_at, old.agency_id)
    reopened = mark.model_copy(update={"reopened_by": actor.uid, "reopened_at": aware(now)})
    return commit(case, actor, Reopened, now, to_state=CaseState.detected, payload={"restarted": keys},
                  ledger=ledger, dismissal=reopened)


def record_triage(case: Case, result: dict[str, Any], now: datetime) -> Result:
    """Issue 13: triage's suggestions on the case (``Triaged``); a §19 finding flags the case for the
    curator's decision, exactly as a person's flag does (never an exclusion). ``Unchanged`` if triaged."""
    if case.triage is not None:
        raise Unchanged("already_triaged")
    updates: dict[str, Any] = {"triage": result}
    if result.get("municipality_id") and case.municipality_id is None:
        updates["municipality_id"] = result["municipality_id"]
    if result.get("topic") and case.topic is None:
        updates["topic"] = result["topic"]
    flags = result.get("flags") or []
    if flags and case.state in OPEN and (case.exclusion is None or not case.exclusion.open_flag):
        reason = "; ".join(f"{f['reason']}: {', '.join(f['words'])}" for f in flags)[:2000]
        updates["exclusion"] = Exclusion(reason=f"Автоматическая проверка: {reason}", flagged_by="triage",
                                         flagged_at=aware(now))
    return commit(case, None, Triaged, now, payload=dict(result), **updates)
