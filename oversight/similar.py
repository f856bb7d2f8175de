"""Similar messages for a §22 report: which recent messages speak of the same thing. Pure (pymorphy3's
dictionary is data, loaded once per instance).

A message becomes the set of its content words' dictionary forms ("прорвало канализацию" and "канализация
прорвана" share «прорвать», «канализация»): words of three letters or more, without prepositions,
conjunctions, particles, interjections and pronouns. Two messages are as similar as the cosine of those
sets, |A ∩ B| / sqrt(|A|·|B|); the report lists the closest few above ``THRESHOLD``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

THRESHOLD = 0.3
LIMIT = 5
WORD = re.compile(r"[а-яёa-z]{3,}", re.IGNORECASE)
FUNCTION_WORDS = frozenset({"PREP", "CONJ", "PRCL", "INTJ", "NPRO", "PRED"})


@cache
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=100_000)
def _lemma(word: str) -> str | None:
    if not re.fullmatch(r"[а-яё]+", word):
        return word  # a latin word, a name: as it is
    parsed = _morph().parse(word)[0]
    return None if parsed.tag.POS in FUNCTION_WORDS else str(parsed.normal_form).replace("ё", "е")


def lemmas(text: str) -> frozenset[str]:
    return frozenset(lemma for w in WORD.findall(text.lower()) if (lemma := _lemma(w)) is not None)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


@dataclass(frozen=True)
class Similar:
    case_id: str
    score: float
    detected_at: datetime
    text: str
    state: str


def most_similar(text: str, case_id: str, candidates: Iterable[Mapping[str, Any]], limit: int = LIMIT,
                 threshold: float = THRESHOLD) -> list[Similar]:
    """The candidates (case documents or their projection: id, detected_at, message.text, state) closest to
    ``text``, best first, without the case itself."""
    mine = lemmas(text)
    found = []
    for doc in candidates:
        if doc.get("id") == case_id:
            continue
        other = str((doc.get("message") or {}).get("text") or "")
        score = similarity(mine, lemmas(other))
        if score >= threshold:
            found.append(Similar(str(doc["id"]), round(score, 3), doc["detected_at"], other, str(doc.get("state") or "")))
    return sorted(found, key=lambda s: (-s.score, s.case_id))[:limit]
