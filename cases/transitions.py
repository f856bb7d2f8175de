"""The transition table: which role may run which command from which state, and where it leads.

Every refusal message is computed from this table and the Russian labels below; no command writes its
own list of allowed states.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cases.errors import NotAllowed, WrongState
from cases.model import Actor, Case, CaseState, Role
from vocabulary import AGENCY_ROLES, STATE_LABELS

S = CaseState

# The states in which a case still needs work; exclusion (§19) may interrupt any of them.
OPEN = (S.detected, S.assigned, S.in_progress, S.contributed, S.in_review, S.rework, S.approved)
# With an agency, before its answer is published: the curator may still change who answers.
WORKING = (S.assigned, S.in_progress, S.contributed, S.in_review, S.rework, S.approved)


@dataclass(frozen=True)
class Rule:
    label: str  # Russian infinitive, as it reads in "Доступно: …"
    roles: frozenset[Role]
    sources: tuple[CaseState, ...]
    targets: tuple[CaseState, ...] | None  # None: the state does not change


def _rule(label: str, roles: Iterable[Role], sources: Iterable[CaseState], targets: Iterable[CaseState] | None) -> Rule:
    return Rule(label, frozenset(roles), tuple(sources), None if targets is None else tuple(targets))


_CUR = (Role.curator,)
_AG = (Role.executor, Role.agency_lead)

# Ordered: the main workflow first, so "Доступно: …" reads in the order work is done.
TRANSITIONS: dict[str, Rule] = {
    "route": _rule("направить в орган власти", _CUR, [S.detected], [S.assigned]),
    "accept": _rule("принять", _AG, [S.assigned], [S.in_progress]),
    "return_not_competent": _rule(
        "вернуть как не относящееся к компетенции", _AG, [S.assigned, S.in_progress], [S.detected]
    ),
    "contribute": _rule("направить информацию для общего ответа", _AG, [S.in_progress], [S.contributed]),
    "pass_on": _rule("передать следующему органу", _CUR, [S.contributed], [S.assigned]),
    "submit_draft": _rule(
        "направить проект ответа на согласование", _AG, [S.in_progress, S.rework], [S.in_review]
    ),
    "approve": _rule("согласовать", _CUR, [S.in_review], [S.approved]),
    "return_for_rework": _rule("вернуть на доработку", _CUR, [S.in_review], [S.rework]),
    # A final answer closes the case (the curator may reopen it); an intermediate one (§15) sends it back to work.
    "publish": _rule("разместить ответ", _AG, [S.approved], [S.closed, S.in_progress]),
    "close": _rule("закрыть", _CUR, [S.answered], [S.closed]),
    "assign_executor": _rule(
        "назначить исполнителя",
        [Role.agency_lead],
        [S.assigned, S.in_progress, S.in_review, S.rework, S.approved],
        None,
    ),
    "link_repeat": _rule(
        "связать с ранее рассмотренным сообщением", _CUR, [S.detected, S.assigned, S.in_progress, S.rework], None
    ),
    "flag_exclusion": _rule("отметить как не подлежащее ответу", (Role.curator, *_AG), OPEN, None),
    "dismiss_exclusion": _rule("снять отметку о недопустимом содержании", _CUR, OPEN, None),
    "confirm_exclusion": _rule("исключить из обработки", _CUR, OPEN, [S.excluded]),
    "reverse_exclusion": _rule("вернуть в обработку", _CUR, [S.excluded], OPEN),
    "mark_significant": _rule("отметить как социально значимое", _CUR,
                              [s for s in S if s not in (S.closed, S.dismissed)], None),
    "request_intermediate": _rule("запросить ещё один промежуточный ответ", _CUR, [S.in_progress, S.rework], None),
    "reroute": _rule("перенаправить", _CUR, WORKING, [S.assigned]),
    "withdraw": _rule("отозвать из органа власти", _CUR, WORKING, [S.detected]),
    "dismiss": _rule("отметить как не требующее реагирования", _CUR, [S.detected], [S.dismissed]),
    "reopen": _rule("вернуть к рассмотрению", _CUR, [S.dismissed, S.closed], [S.detected, S.answered]),
}


def allowed_commands(state: CaseState, role: Role | None = None) -> list[str]:
    """Commands the table permits in ``state`` (for ``role``, when given), in workflow order."""
    return [
        name
        for name, rule in TRANSITIONS.items()
        if state in rule.sources and (role is None or role in rule.roles)
    ]


def _quoted(states: Iterable[CaseState]) -> str:
    return ", ".join(f"«{STATE_LABELS[s]}»" for s in states)


def wrong_state(command: str, state: CaseState) -> WrongState:
    rule = TRANSITIONS[command]
    allowed = allowed_commands(state)
    where = "в состоянии" if len(rule.sources) == 1 else "в состояниях"
    doing = rule.label[0].upper() + rule.label[1:]
    offer = f"Доступно: {', '.join(TRANSITIONS[c].label for c in allowed)}." if allowed else "Других действий нет."
    message = (
        f"{doing} можно только {where} {_quoted(rule.sources)}; "
        f"сейчас обращение в состоянии «{STATE_LABELS[state]}». {offer}"
    )
    return WrongState(message, state=state.value, command=command, allowed=allowed)


def check(command: str, case: Case, actor: Actor) -> None:
    """Role, then agency, then state: a stranger learns nothing about the case's state."""
    authorize(command, case, actor)
    if case.state not in TRANSITIONS[command].sources:
        raise wrong_state(command, case.state)


def authorize(command: str, case: Case, actor: Actor) -> None:
    """Role, then agency (``NotAllowed``): whether the actor may run the command on this case at all. The
    store runs it before it compares versions, so a stale version tells a stranger nothing either."""
    rule = TRANSITIONS[command]
    if actor.role not in rule.roles:
        raise NotAllowed(
            f"Действие «{rule.label}» недоступно для вашей роли.", code="role_not_allowed"
        )
    if actor.role in AGENCY_ROLES:
        _check_agency(command, case, actor)


def _check_agency(command: str, case: Case, actor: Actor) -> None:
    if actor.agency_id is None:
        raise NotAllowed("Вы не прикреплены к органу власти.", code="no_agency")
    if command == "flag_exclusion":
        # Anyone who can see the case may flag it (§19): every agency it was ever routed to.
        if actor.agency_id in case.agency_ids:
            return
    elif actor.agency_id == case.agency_id:
        return
    raise NotAllowed("Обращение сейчас не находится в работе вашего органа власти.", code="agency_not_allowed")
