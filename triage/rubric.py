"""The competent agency, cold start (issue 13): the top agencies for a message by the admin's rubricator
(`triage/rubric.json`: each agency's topics as the beginnings of words), with scores and the words that
decided. The model learnt from the curators' routing (issue 13) is not built yet. Pure."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

RUBRIC = Path(__file__).with_name("rubric.json")
WORDS = re.compile(r"[а-я0-9-]+")


@dataclass(frozen=True)
class Suggestion:
    agency_id: str
    score: float  # its share of all the matches, 0–1
    words: tuple[str, ...]


@lru_cache(maxsize=1)
def rubric() -> dict[str, list[str]]:
    data: dict[str, Any] = json.loads(RUBRIC.read_text(encoding="utf-8"))
    return dict(data["agencies"])


def words_of(text: str) -> list[str]:
    return WORDS.findall(text.lower().replace("ё", "е"))


def matches(keyword: str, words: list[str]) -> list[str]:
    """The words (or phrases) of `words` that `keyword` names: the beginning of a word, of consecutive
    words for a phrase, or a whole word with a trailing $."""
    parts = keyword.split()
    if len(parts) > 1:
        return [" ".join(words[i:i + len(parts)]) for i in range(len(words) - len(parts) + 1)
                if all(w.startswith(p) for w, p in zip(words[i:i + len(parts)], parts, strict=True))]
    if keyword.endswith("$"):
        return [w for w in words if w == keyword[:-1]]
    return [w for w in words if w.startswith(keyword)]


def agencies(text: str, known: set[str] | None = None, top: int = 3) -> list[Suggestion]:
    """The agencies whose topics the message mentions, best first (at most `top`; only `known` ones when
    given). Empty when it mentions none."""
    words = words_of(text)
    scored: list[tuple[float, int, str, tuple[str, ...]]] = []
    for order, (agency, keywords) in enumerate(rubric().items()):
        if known is not None and agency not in known:
            continue
        hits: list[str] = []
        score = 0.0
        for keyword in keywords:
            found = matches(keyword, words)
            hits += found
            score += len(found) * (2 if " " in keyword else 1)
        if score:
            scored.append((score, -order, agency, tuple(dict.fromkeys(hits))))
    total = sum(s for s, *_ in scored) or 1.0
    ranked = sorted(scored, reverse=True)[:top]
    return [Suggestion(agency, round(score / total, 3), hits) for score, _, agency, hits in ranked]
