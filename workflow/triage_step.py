"""Triage as a handler of the case-created event (issue 13): the first read of a new message, recorded on
its case as suggestions (``Triaged``), a §19 finding as a flag for the curator. Never on the webhook's
request path: the outbox's task runs it after the case is written.

The agencies come from the routing model in use (``settings/triage``), else from the rubricator. The §17
repeats are looked for among the cases detected in the window before this one: the same author's, the same
municipality's, and the most recent of all; the curator links one with a click."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from cases.ports import CaseRepository
from oversight.alerts import RecentCases
from triage.learn import Example, Outcome
from triage.model import Model
from triage.read import first_read
from triage.repeats import WINDOW, Earlier, candidates
from triage.significance import as_repeat
from workflow.service import CaseService

log = logging.getLogger(__name__)

RECENT, SAME_SOURCE = 300, 100  # the earlier cases compared: the most recent of all, and of the same source


def triage_case(service: CaseService, cases: CaseRepository, case_id: str,
                model: Callable[[], Model | None] = lambda: None, recent: RecentCases | None = None) -> bool:
    """Triage one new case; False if it was triaged already (a redelivered event)."""
    doc = cases.get(case_id)
    if doc.get("triage") is not None:
        return False
    message = doc.get("message") or {}
    in_use = model()
    result = first_read(str(message.get("text") or ""), message.get("engagement"), service.agencies() or None, in_use)
    if recent is not None:
        result["repeats"], of_significant = repeats(case_id, doc, result.get("municipality_id"), recent)
        if of_significant:
            result |= as_repeat(result)  # the most likely earlier case was significant: so is this one
    committed = service.record_triage(case_id, result)
    if committed is not None:
        log.info("case %s triaged", case_id)
    return committed is not None


def author_of(message: dict[str, Any]) -> tuple[str, str] | None:
    """(field, value) that names the message's author among the cases: the page's address, else the name."""
    author = message.get("author") or {}
    if author.get("url"):
        return "message.author.url", str(author["url"])
    if author.get("name"):
        return "message.author.name", str(author["name"])
    return None


def repeats(case_id: str, doc: dict[str, Any], municipality_id: str | None,
            recent: RecentCases) -> tuple[list[dict[str, Any]], bool]:
    """The earlier cases this one may repeat (§17), most similar first: {case_id, number, score}; and whether
    the most similar was significant (the curator marked it, or its triage found it, so)."""
    detected: datetime = doc["detected_at"]
    since = detected - WINDOW
    found = {d["id"]: d for d in recent.recent(since, RECENT)}
    author = author_of(doc.get("message") or {})
    for where in ((("municipality_id", municipality_id),) if municipality_id else ()) + ((author,) if author else ()):
        found |= {d["id"]: d for d in recent.recent(since, SAME_SOURCE, where)}
    me = _earlier(case_id, doc, municipality_id)
    earlier = [_earlier(i, d, d.get("municipality_id")) for i, d in found.items()
               if i != case_id and d.get("detected_at") and d["detected_at"] <= detected]
    likely = candidates(me, earlier)
    significant = {e.id for e in earlier if e.significant}
    return ([{"case_id": the_id, "number": found[the_id].get("number"), "score": score} for the_id, score in likely],
            bool(likely) and likely[0][0] in significant)


def _earlier(case_id: str, doc: dict[str, Any], municipality_id: str | None) -> Earlier:
    message = doc.get("message") or {}
    author = author_of(message)
    significant = doc.get("significant") is not None or bool((doc.get("triage") or {}).get("significant"))
    return Earlier(case_id, str(message.get("text") or ""), author[1] if author else None, municipality_id,
                   doc.get("detected_at"), significant)


TRAINING_DAYS = 365  # the routings a model learns from


class ModelStore(Protocol):
    def active(self) -> Model | None: ...

    def save(self, outcome: Outcome, at: datetime) -> None: ...


def retrain_routing(models: ModelStore, routed: Callable[[datetime], list[Example]], now: datetime,
                    known: set[str] | None) -> dict[str, Any]:
    """Retrain triage's routing model on the curators' routings since a year (``routed(since)``) and record
    the outcome (docs/triage.md)."""
    from triage.learn import retrain

    examples = routed(now - timedelta(days=TRAINING_DAYS))
    version = "model-" + now.strftime("%Y%m%d-%H%M%S")
    outcome = retrain(examples, models.active(), version, now, known)
    models.save(outcome, now)
    log.info("triage training: %s", outcome.reason)
    return {"examples": len(examples), "adopted": outcome.adopted, "version": version if outcome.model else None,
            "reason": outcome.reason}
