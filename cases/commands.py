"""One function per thing a person does, named as the decree names it.

Each takes the case, the actor, its input and ``now`` (and a ``DuePlanner`` when it starts deadlines),
checks role, agency, state and the decree's rules, and returns ``(new_case, [events])``; it never
changes the case it was given. Refusals are ``cases.errors`` exceptions.
"""

from cases.answering import approve, close, publish, request_intermediate, return_for_rework, submit_draft
from cases.curation import (
    confirm_exclusion,
    dismiss,
    dismiss_exclusion,
    flag_exclusion,
    link_repeat,
    mark_significant,
    reopen,
    reverse_exclusion,
)
from cases.routing import (
    accept,
    assign_executor,
    contribute,
    detect,
    pass_on,
    reroute,
    return_not_competent,
    route,
    withdraw,
)
from cases.schedule import DuePlanner

__all__ = [
    "DuePlanner",
    "accept",
    "approve",
    "assign_executor",
    "close",
    "confirm_exclusion",
    "contribute",
    "detect",
    "dismiss",
    "dismiss_exclusion",
    "flag_exclusion",
    "link_repeat",
    "mark_significant",
    "pass_on",
    "publish",
    "reopen",
    "request_intermediate",
    "reroute",
    "return_for_rework",
    "return_not_competent",
    "reverse_exclusion",
    "route",
    "submit_draft",
    "withdraw",
]
