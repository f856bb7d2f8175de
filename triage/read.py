"""A message's first read: every suggestion triage makes of one text, as one plain document. The case's
``triage`` field holds it (workflow/triage_step.py); `python -m triage classify` prints it (triage/cli.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from triage import VERSION

if TYPE_CHECKING:
    from triage.model import Model

GRAVITY = ("threat", "obscenity", "insult")  # the first found is the message's exclusion


def first_read(text: str, engagement: dict[str, int] | None = None,
               known_agencies: set[str] | None = None, model: Model | None = None) -> dict[str, Any]:
    """The agencies come from the routing model in use, else from the rubricator; ``model`` says which."""
    from triage.exclusion import flags
    from triage.places import municipality
    from triage.rubric import agencies, topic_of
    from triage.significance import significance
    from triage.threats import built_in, judged

    found = judged(text, flags(text))
    weight = significance(text, engagement)
    kinds = {f.kind for f in found}
    ranked = model.rank(text, known_agencies) if model is not None else agencies(text, known_agencies)
    return {
        "version": VERSION,
        "model": model.version if model is not None else None,
        "threat_model": built_in().version,
        "exclusion": next((k for k in GRAVITY if k in kinds), "none"),
        "flags": [{"kind": f.kind, "words": list(f.words), "reason": f.reason} for f in found],
        "agencies": [{"id": s.agency_id, "score": s.score, "words": list(s.words)} for s in ranked],
        "topic": topic_of(text),
        "municipality_id": municipality(text),
        "significance": weight.score,
        "significant": weight.significant,
        "significance_reasons": list(weight.reasons),
    }
