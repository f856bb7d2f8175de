"""What the source does to a message after it became a case (§6): its author edits or deletes it.

Each is an event of the case like any other (an audit entry and a new version), so the trail shows when
the text a curator read changed. The earlier text is kept; a deleted message stays a case (it may have
been answered, and it counts in the reports): it is only marked.
"""

from __future__ import annotations

from datetime import datetime

from cases.apply import Result, aware, commit
from cases.events import MessageDeletedAtSource, MessageEdited, PersonalDataErased
from cases.model import Actor, Case
from cases.ports import Unchanged

KEPT_EDITS = 20


def edit_message(case: Case, text: str, edited_at: datetime | None, now: datetime) -> Result:
    """The author changed the text: the new one replaces it, the earlier one is kept in ``edits``.
    ``Unchanged`` when the text is the same (a redelivered edit)."""
    message = dict(case.message)
    previous = message.get("text", "")
    if previous == text:
        raise Unchanged("same_text")
    earlier = {"text": previous, "edited_at": edited_at, "replaced_at": aware(now)}
    # The case keeps the last KEPT_EDITS earlier texts (a case is one Firestore document, at most 1 MiB);
    # every one stays in the audit trail (MessageEdited's previous_text).
    message.update(text=text, edits=[*message.get("edits", []), earlier][-KEPT_EDITS:])
    payload = {"text": text, "previous_text": previous, "edited_at": edited_at}
    return commit(case, None, MessageEdited, now, payload=payload, message=message)


def delete_at_source(case: Case, deleted_at: datetime, deleted_by: str | None) -> Result:
    """The message was deleted in the network: marked, never removed. ``Unchanged`` when marked already."""
    message = dict(case.message)
    if message.get("deleted_at_source"):
        raise Unchanged("already_deleted")
    message.update(deleted_at_source=True, deleted_at=aware(deleted_at))
    if deleted_by:
        message["deleted_by"] = deleted_by
    return commit(case, None, MessageDeletedAtSource, deleted_at, payload={"deleted_by": deleted_by},
                  message=message)


ERASED = "[удалено]"
# What of a message identifies its author or says what they wrote; the rest (network, times, engagement
# counts, the parent's id) stays for the reports.
PERSONAL = ("text", "url", "author", "attachments", "edits", "deleted_by")


def erase_personal_data(case: Case, reason: str, now: datetime, request: str | None = None,
                        actor: Actor | None = None) -> Result:
    """152-FZ: the message's text, author, links and earlier texts, and the texts written about it (drafts,
    contributions, returns' reasons), are replaced; the case's course (states, deadlines, who did what and
    when, published answers' links) stays for the reports and the audit. ``Unchanged`` if done already."""
    if case.erased_at is not None:
        raise Unchanged("already_erased")
    message = {k: v for k, v in case.message.items() if k not in PERSONAL}
    message.update(text=ERASED, author={"name": ERASED}, attachments=[], edits=[])
    drafts = [d.model_copy(update={"text": ERASED, "measures_taken": ERASED if d.measures_taken else None,
                                   "attachments": []}) for d in case.drafts]
    contributions = {a: c.model_copy(update={"text": ERASED}) for a, c in case.contributions.items()}
    returns = [r.model_copy(update={"reason": ERASED}) for r in case.returns]
    exclusion = case.exclusion.model_copy(update={"reason": ERASED}) if case.exclusion else None
    triage = {k: v for k, v in (case.triage or {}).items() if k not in ("flags", "agencies")} or None
    return commit(case, actor, PersonalDataErased, aware(now), payload={"reason": reason, "request": request},
                  message=message, drafts=drafts, contributions=contributions, returns=returns, erased_at=aware(now),
                  personal_data=False, exclusion=exclusion, triage=triage)
