"""Every command × state × role through the staff API's service on the in-memory repository
(milliseconds): refused by role, then agency, then state, with nothing written; a stale version is
compared only for someone who may act at all; what passes is one write and one event."""

from __future__ import annotations

from typing import Any

import pytest

from cases.errors import DomainError, NotAllowed, NotFound, WrongState
from cases.memory import InMemoryCases
from cases.model import Actor, CaseState, Role
from cases.ports import VersionConflict
from cases.transitions import TRANSITIONS
from deadlines.policy import default_policy
from tests.cases import T0, Story
from tests.escalation.world import BASE, FakeQueue
from workflow.service import CaseService

BODIES: dict[str, dict[str, Any]] = {
    "route": {"agency_ids": ["A"]}, "return_not_competent": {"reason": "не наше"}, "accept": {},
    "assign_executor": {"executor_uid": "exA2"}, "contribute": {"text": "часть"}, "pass_on": {},
    "submit_draft": {"text": "Ответ"}, "approve": {"rating": 5}, "return_for_rework": {"comment": "доработать"},
    "publish": {"url": "https://vk.com/wall-1_2?reply=3"}, "close": {}, "link_repeat": {"earlier_case_id": ""},
    "flag_exclusion": {"reason": "угрозы"}, "dismiss_exclusion": {}, "confirm_exclusion": {"reason": "угрозы"},
    "reverse_exclusion": {}, "mark_significant": {"reason": "важно"}, "dismiss": {"reason": "spam"}, "reopen": {},
    "reroute": {"agency_ids": ["A"], "reason": "ошибка"}, "request_intermediate": {"reason": "продлено"}, "withdraw": {"reason": "ошибка"},
}
ACTORS = {role: Actor(uid=f"u-{role}", role=role, agency_id="A" if role in (Role.executor, Role.agency_lead) else None)
          for role in Role}


READERS = {Role.curator, Role.supervisor, Role.executor, Role.agency_lead}  # of BASE_CASE (agency A's); not admins
BASE_CASE = Story().case.model_copy(update={"agency_id": "A", "agency_ids": ["A"], "route_order": ["A"]})


def world(state: CaseState) -> tuple[InMemoryCases, CaseService]:
    repo = InMemoryCases()
    case = BASE_CASE.model_copy(update={"state": state})
    assert repo.create({"id": case.id}, case, [])
    return repo, CaseService(repo, default_policy, FakeQueue(), lambda: T0, BASE, lambda: {"A"})


def outcome(command: str, state: CaseState, role: Role) -> str:
    """What the service does with one command, in one state, for one role; nothing is written unless "ok"."""
    repo, service = world(state)
    before = repo.get("vk-1")
    try:
        committed = service.execute("vk-1", ACTORS[role], command, {**BODIES[command], "version": 1})
    except NotFound:
        result = "not_found"
    except NotAllowed:
        result = "not_allowed"
    except WrongState:
        result = "wrong_state"
    except DomainError:  # a rule of the decree beyond the table (no draft to approve, no flag to dismiss...)
        result = "refused"
    else:
        assert repo.get("vk-1")["version"] == committed.case.version == 2 and len(repo.events("vk-1")) == 1
        return "ok"
    assert repo.get("vk-1") == before and repo.events("vk-1") == [], (command, state, role)
    return result


@pytest.mark.parametrize("command", list(TRANSITIONS))
def test_every_command_in_every_state_for_every_role(command: str) -> None:
    rule = TRANSITIONS[command]
    for state in CaseState:
        for role in Role:
            got = outcome(command, state, role)
            if role not in READERS:
                expected = {"not_found"}  # who may not read the case learns nothing about it, not even that it is
            elif role not in rule.roles:
                expected = {"not_allowed"}  # every role the table allows passes the role and agency check here
            elif state not in rule.sources:
                expected = {"wrong_state"}
            else:
                expected = {"ok", "refused"}
            assert got in expected, (command, state, role, got)


@pytest.mark.parametrize("command", list(TRANSITIONS))
def test_a_stale_version_is_a_conflict_only_for_those_who_may_act(command: str) -> None:
    rule = TRANSITIONS[command]
    repo, service = world(rule.sources[0])
    for role in Role:
        expected = VersionConflict if role in rule.roles else NotAllowed if role in READERS else NotFound
        with pytest.raises(expected):
            service.execute("vk-1", ACTORS[role], command, {**BODIES[command], "version": 7})
