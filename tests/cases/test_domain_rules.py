"""The transition table as a whole, serialisation, and the purity of commands."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

import cases.commands as commands
from cases.errors import NotAllowed, WrongState
from cases.events import EVENT_TYPES, event_from_dict
from cases.model import Actor, Case, CaseState, Role
from cases.transitions import STATE_LABELS, TRANSITIONS, allowed_commands
from tests.cases import CURATOR, LEAD_A, T0, Story, at_answered, call, draft_args

ARGS: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "route": ((["A"],), {}),
    "return_not_competent": (("не наше",), {}),
    "accept": ((), {}),
    "contribute": (("часть",), {}),
    "pass_on": ((None,), {}),
    "submit_draft": ((), draft_args()),
    "approve": ((5,), {}),
    "return_for_rework": (("доработать",), {}),
    "publish": (("https://vk.com/x",), {}),
    "close": ((), {}),
    "assign_executor": (("exA2",), {}),
    "link_repeat": (("vk-0",), {}),
    "flag_exclusion": (("угрозы",), {}),
    "dismiss_exclusion": ((), {}),
    "confirm_exclusion": ((), {"reason": "угрозы"}),
    "reverse_exclusion": ((), {}),
    "mark_significant": (("важно",), {}),
    "dismiss": (("spam", "Спам", None), {}),
    "reopen": ((), {}),
    "reroute": ((["B"], "ошибка"), {}),
    "request_intermediate": (("работы продлены",), {}),
    "withdraw": (("ошибка",), {}),
}


def in_state(state: CaseState) -> Case:
    """A case of agency A forced into ``state``: enough for the checks that come before any logic."""
    return Story().case.model_copy(
        update={"state": state, "agency_id": "A", "agency_ids": ["A"], "route_order": ["A"]}
    )


def permitted_actor(command: str) -> Actor:
    return CURATOR if Role.curator in TRANSITIONS[command].roles else LEAD_A


def run(command: str, case: Case, actor: Actor) -> Any:
    args, kw = ARGS[command]
    return call(getattr(commands, command), case, actor, *args, now=T0, **kw)


def test_every_command_in_the_table_exists() -> None:
    assert set(TRANSITIONS) == set(ARGS)
    assert all(callable(getattr(commands, name)) for name in TRANSITIONS)
    assert set(STATE_LABELS) == set(CaseState)


WRONG = [(c, s) for c, rule in TRANSITIONS.items() for s in CaseState if s not in rule.sources]


@pytest.mark.parametrize(("command", "state"), WRONG)
def test_every_illegal_move_is_refused_with_the_allowed_list(command: str, state: CaseState) -> None:
    with pytest.raises(WrongState) as err:
        run(command, in_state(state), permitted_actor(command))
    assert err.value.code == "wrong_state"
    assert err.value.allowed == allowed_commands(state)
    assert f"«{STATE_LABELS[state]}»" in err.value.message
    for name in err.value.allowed:
        assert TRANSITIONS[name].label in err.value.message


REFUSED = [(c, r) for c, rule in TRANSITIONS.items() for r in Role if r not in rule.roles]


@pytest.mark.parametrize(("command", "role"), REFUSED)
def test_every_role_outside_the_table_is_refused(command: str, role: Role) -> None:
    case = in_state(TRANSITIONS[command].sources[0])
    with pytest.raises(NotAllowed) as err:
        run(command, case, Actor(uid="u", role=role, agency_id="A"))
    assert err.value.code == "role_not_allowed"


def test_allowed_commands_by_role() -> None:
    assert allowed_commands(CaseState.assigned, Role.executor) == ["accept", "return_not_competent", "flag_exclusion"]
    assert allowed_commands(CaseState.in_review, Role.curator) == [
        "approve", "return_for_rework", "flag_exclusion", "dismiss_exclusion", "confirm_exclusion",
        "mark_significant", "reroute", "withdraw",
    ]
    assert allowed_commands(CaseState.closed) == ["reopen"]


def test_commands_do_not_change_their_input() -> None:
    s = at_answered()
    before = copy.deepcopy(s.case.model_dump())
    call(commands.close, s.case, CURATOR, now=T0)
    assert s.case.model_dump() == before


def test_case_round_trips_through_a_plain_dict() -> None:
    case = at_answered().case
    data = case.model_dump()
    assert data["next_due"] is None and isinstance(data["deadlines"]["answer"]["due"], type(T0))
    assert Case.model_validate(data) == case
    assert Case.model_validate_json(case.model_dump_json()) == case


def test_events_round_trip_and_carry_who_what_when() -> None:
    s = at_answered()
    for event in s.events:
        data = event.to_dict()
        assert data["type"] in EVENT_TYPES
        assert isinstance(data["to_state"], str) and type(data["to_state"]) is str
        assert event_from_dict(data) == event
    routed = s.events[1].to_dict()
    assert (routed["actor_uid"], routed["actor_role"], routed["at"].tzinfo is not None) == ("cur1", "curator", True)
    assert routed["deadlines"][0]["key"] == "route"


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        call(commands.route, Story().case, CURATOR, ["A"], now=T0.replace(tzinfo=None))


def test_fields_of_other_writers_survive_a_command() -> None:
    case = Story().case
    doc = case.model_dump()
    doc["message"] = {"network": "vk", "text": "Яма на дороге"}
    doc["unscheduled"] = True
    doc["raw"] = {"payload": "{}", "write_id": "w1"}
    doc["deadlines"]["route"] |= {"warned": True, "warned_at": T0}
    loaded = Case.model_validate(doc)
    new, _ = call(commands.route, loaded, CURATOR, ["A"], now=T0)
    out = new.model_dump()
    assert out["message"] == {"network": "vk", "text": "Яма на дороге"} and out["unscheduled"] is True
    assert out["raw"] == {"payload": "{}", "write_id": "w1"}
    assert out["deadlines"]["route"]["warned_at"] == T0 and out["deadlines"]["route"]["warned"] is True
    assert out["deadlines"]["route"]["state"] == "met"
    # the earliest pending deadline after routing: §9's 30 minutes from the routing
    assert out["next_due"] == T0 + timedelta(minutes=30) == out["deadlines"]["return_not_competent"]["due"]


def test_every_event_type_and_state_has_its_russian_label() -> None:
    import vocabulary

    assert set(vocabulary.EVENT_LABELS) == set(EVENT_TYPES)
    assert set(vocabulary.STATE_LABELS) == set(CaseState)
    assert set(vocabulary.STAGE_LABELS) == set(vocabulary.STAGE_TITLES) == set(vocabulary.Stage)
    assert set(vocabulary.ROLE_LABELS) == set(Role) and set(vocabulary.NETWORK_LABELS) == set(vocabulary.Network)
