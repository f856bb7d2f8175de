"""The stored shape of a case and its events, and the way back. Pure: no client, no clock.

``case_fields`` is everything the workflow owns on the case document, for one merged write: the case's
fields, each pending deadline's wake-up task names (fixed by its due moment), ``next_due`` (what the
sweep queries), ``provisional_years`` (what the calendar's upkeep queries), ``overdue_since`` (the
earliest due of a deadline missed and still owed: the "overdue" work queue), ``unscheduled`` when a
deadline started or moved (until its tasks are confirmed), ``search_words`` (the words a curator finds the
case by: its id and short number, the message's text, author and link, each word cut to ``STEM`` letters so that
Russian endings do not matter). Fields set to None are removed from the
document (``REMOVED_WHEN_NONE``): absent, not null, where queries look.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, Field

from cases.events import CaseEvent
from cases.model import Case, provisional_years
from cases.routing import detect
from cases.schedule import DuePlanner
from cases.wakeups import wakeup_task_name, wakeups
from vocabulary import ZONE

EVENTS = "events"
STEM = 5  # letters kept of each word: «фонтан», «фонтана», «фонтаном» are all «фонта»
MAX_WORDS = 300
WORD = re.compile(r"[0-9a-zа-я]{2,}")
REMOVED_WHEN_NONE = ("next_due", "provisional_years", "deadlines_error", "overdue_since", "number", "erased_at",
                     "triage", "municipality_id", "topic")
NUMBERS = "case_numbers"  # one counter document per year, {"last": n}: the short numbers given so far
NUMBER_CHUNK = 20  # cases numbered in one commit
RETAINED_AFTER = ("closed", "excluded", "dismissed")  # the states a case's retention period runs from (152-FZ)


def number_year(detected_at: datetime) -> str:
    """The counter a new case's short number comes from: its year of detection, Izhevsk time."""
    return str(detected_at.astimezone(ZoneInfo(ZONE)).year)


def case_number(year: str, sequence: int) -> str:
    """The short human number: "2026-01234" (five digits at least: a region sees tens of thousands a year)."""
    return f"{year}-{sequence:05d}"


MAX_ID_BYTES = 1500  # Firestore's limit for a document id
MAX_CASE_BYTES = 900_000  # Firestore refuses a document over 1 MiB; this leaves room for its own accounting


def valid_document_id(value: str) -> bool:
    """Whether Firestore takes `value` as one document id: not empty, no "/", not "." or "..", not a
    reserved ``__name__``, at most 1500 bytes. Ids from outside are checked with it before any lookup."""
    return (bool(value) and "/" not in value and value not in (".", "..")
            and not (value.startswith("__") and value.endswith("__")) and len(value.encode()) <= MAX_ID_BYTES)


def _document_id(value: str) -> str:
    if not valid_document_id(value):
        raise ValueError("not a document id: empty, '/', '.', '..' or a reserved __name__")
    return value


# An id that comes from a request or a task body (pydantic): refused (4xx) unless Firestore can take it.
DocumentId = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_document_id)]


def event_id(version: int) -> str:
    return f"{version:06d}"


def case_from_doc(doc: Mapping[str, Any]) -> Case:
    return Case.model_validate(dict(doc))


def started_keys(events: list[CaseEvent]) -> set[str]:
    """The deadlines these events started, restarted or moved: the ones that need new Cloud Tasks."""
    return {change.key for event in events for change in event.deadlines if change.change in ("started", "recomputed")}


def case_fields(case: Case, events: list[CaseEvent]) -> dict[str, Any]:
    """Everything the workflow owns on the case document, ready for one merged write."""
    doc = case.model_dump(mode="python", include=set(Case.model_fields))  # not the document's other fields
    deadlines: dict[str, dict[str, Any]] = {}
    for key, deadline in case.deadlines.items():
        entry = deadline.model_dump(mode="python", exclude_none=True)
        if not entry.get("provisional_years"):
            entry.pop("provisional_years", None)  # absent: final
        deadlines[key] = entry
    owed = wakeups(deadlines)
    for wakeup in owed:
        deadlines[wakeup.key]["task" if wakeup.kind == "due" else "warn_task"] = wakeup_task_name(case.id, wakeup)
    doc["deadlines"] = deadlines
    doc["next_due"] = owed[0].at if owed else None
    doc["provisional_years"] = provisional_years(case) or None
    doc["search_words"] = search_words(case.id, case.message, case.number)
    owed_late = [d.due for d in case.deadlines.values() if d.state.value == "missed" and d.met_at is None]
    doc["overdue_since"] = min(owed_late) if owed_late else None
    doc["state"] = case.state.value
    started = started_keys(events)
    if any(wakeup.key in started for wakeup in owed):
        doc["unscheduled"] = True
    return doc


def search_words(case_id: str, message: Mapping[str, Any], number: str | None = None) -> list[str]:
    """The case's search words: its id and short number whole (and the number's sequence without its
    leading zeros: "2026-01234" is found by "1234" too), and the words (letters and digits, 2 or more) of
    the message's text, author's name and link, lower-cased, ``ё`` as ``е``, each cut to ``STEM`` letters;
    sorted, unique."""
    author = message.get("author") or {}
    source = " ".join(str(part or "") for part in (case_id, number, message.get("text"), author.get("name"), message.get("url"),
                                                   message.get("external_id")))
    keys = {case_id.lower()} | ({number, number.rpartition("-")[2].lstrip("0") or "0"} if number else set())
    words = {w[:STEM] for w in WORD.findall(source.lower().replace("ё", "е"))} - keys
    return sorted(keys | set(sorted(words)[:MAX_WORDS - len(keys)]))


def stored(fields: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(the fields to set, the fields to remove): what an adapter writes for ``case_fields``."""
    removed = [name for name in REMOVED_WHEN_NONE if name in fields and fields[name] is None]
    return {k: v for k, v in fields.items() if k not in removed}, removed


def new_case(case_id: str, detected_at: datetime, planner: DuePlanner) -> tuple[Case, list[CaseEvent]]:
    """A new case (§6) in state ``detected`` with the §8/§10/§11 deadlines, and its first event."""
    return detect(case_id, detected_at, planner)


def event_doc(event: CaseEvent, agency_ids: list[str]) -> dict[str, Any]:
    """An audit event (§20), undispatched (the outbox's); ``agency_ids`` is copied so that agency staff can
    query events under the rules."""
    return {**event.to_dict(), "agency_ids": list(agency_ids), "dispatched": False}


def created_document(document: Mapping[str, Any], case: Case, events: list[CaseEvent]) -> dict[str, Any]:
    """A new case's document: `document` (the message, the source, the raw payload...) with the workflow's
    fields, marked ``unnumbered`` until its short number is given (``give_numbers``); the case's message is
    the document's."""
    if not case.message and document.get("message"):
        case = case.model_copy(update={"message": dict(document["message"])})
    updates, _ = stored(case_fields(case, events))
    return {**document, **updates, "unnumbered": True}


def numbered_fields(doc: Mapping[str, Any], number: str) -> dict[str, Any]:
    """What giving a stored case its short number writes (besides removing ``unnumbered``)."""
    return {"number": number, "search_words": search_words(str(doc["id"]), doc.get("message") or {}, number)}


def command_write(doc: Mapping[str, Any], seen_version: int | None, apply: Any, authorize: Any = None) -> tuple[
        Any, dict[str, Any], list[str], list[tuple[str, dict[str, Any]]]]:
    """One command on a stored case, decided: (the ``Committed`` result, the fields to set, the fields to
    remove, the events as (id, document)). Both repositories write exactly this."""
    from cases.ports import Committed, VersionConflict

    case = case_from_doc(doc)
    if authorize is not None:
        authorize(case)
    if seen_version is not None and seen_version != case.version:
        raise VersionConflict(case, seen_version)
    new, events = apply(case)
    fields = case_fields(new, events)
    fields["updated_at"] = events[-1].at
    updates, removed = stored(fields)
    _check_size({**doc, **updates})
    event_docs = [(event_id(e.version), event_doc(e, new.agency_ids)) for e in events]
    return Committed(new, events, fields), updates, removed, event_docs


def _check_size(doc: Mapping[str, Any]) -> None:
    """A write that would take the case past Firestore's document limit is refused (422), not sent to fail."""
    import json

    from cases.errors import Invalid

    if len(json.dumps(doc, default=str, ensure_ascii=False).encode()) > MAX_CASE_BYTES:
        raise Invalid("Обращение стало слишком большим для хранения: сократите текст проекта, принятые меры "
                      "или вложения.", code="case_too_large")


def all_scheduled(doc: Mapping[str, Any], created: set[str]) -> bool:
    """Whether every pending wake-up of the stored case has its task among `created`: the sweep created
    them from what it read, and the case may have moved on since (then the mark stays for the next pass)."""
    return all(wakeup_task_name(str(doc.get("id")), w) in created for w in wakeups(doc.get("deadlines") or {}))
