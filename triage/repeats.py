"""Repeats (§17, issue 13): an earlier message on the same issue, by the same author or about the same
place, with similar words, within a window; a similarity score for the curator, who links with one click.
Pure: the candidates are given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from triage.rubric import words_of

STEM = 5  # as the case search keeps words: endings do not matter
WINDOW = timedelta(days=60)
SIMILAR, SIMILAR_SAME_SOURCE = 0.45, 0.3  # Jaccard of word stems; lower for the same author or place


@dataclass(frozen=True)
class Earlier:
    id: str
    text: str
    author: str | None = None
    municipality: str | None = None
    at: datetime | None = None


def stems(text: str) -> frozenset[str]:
    return frozenset(w[:STEM] for w in words_of(text) if len(w) > 2)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def candidates(message: Earlier, earlier: list[Earlier], top: int = 3) -> list[tuple[str, float]]:
    """The earlier messages it may repeat, most similar first, with their scores: within the window before
    it, similar enough (less so for the same author or place)."""
    mine = stems(message.text)
    found: list[tuple[float, str]] = []
    for other in earlier:
        if other.id == message.id or (message.at and other.at and not timedelta(0) <= message.at - other.at <= WINDOW):
            continue
        same = bool((message.author and message.author == other.author)
                    or (message.municipality and message.municipality == other.municipality))
        score = similarity(mine, stems(other.text))
        if score >= (SIMILAR_SAME_SOURCE if same else SIMILAR):
            found.append((score, other.id))
    best = sorted(found, key=lambda f: -f[0])[:top]
    return [(the_id, round(score, 2)) for score, the_id in best]


def repeat_of(message: Earlier, earlier: list[Earlier]) -> tuple[str, float] | None:
    """The most similar earlier message it repeats, with the score; None if none is close enough."""
    found = candidates(message, earlier, top=1)
    return found[0] if found else None
