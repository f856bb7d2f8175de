"""Hand a case's undispatched events to their handlers, in order, and mark each once all have run.

First, new cases get their short numbers (``CaseRepository.give_numbers``): the outbox's task follows every
write within seconds, so a new case is numbered then, off the intake's path, before anyone is told about it.

At least once: a handler that fails stops the case's dispatch there (the caller answers 5xx and Cloud
Tasks retries, or the sweep does); the events before it stay marked, the failed one and those after it
are dispatched again next time, in order. Handlers are idempotent, so an event handled twice has one
effect.
"""

from __future__ import annotations

import logging

from cases.ports import CaseRepository
from outbox.registry import EVENT_HANDLERS, Handler, Ports

log = logging.getLogger(__name__)

NUMBERS_PER_RUN = 100  # a burst of new cases is numbered by the next few runs (and the sweep)


def dispatch(repo: CaseRepository, case_id: str, ports: Ports,
             handlers: dict[str, tuple[Handler, ...]] | None = None) -> int:
    """Dispatch every undispatched event of the case; returns how many were dispatched."""
    registry = EVENT_HANDLERS if handlers is None else handlers
    repo.give_numbers(NUMBERS_PER_RUN)
    done = 0
    for event in repo.undispatched(case_id):
        for handler in registry.get(str(event.get("type")), ()):
            handler(event, ports)
        repo.mark_dispatched(case_id, int(event["version"]))
        done += 1
    if done:
        log.info("outbox: case %s, %d event(s) dispatched", case_id, done)
    return done
