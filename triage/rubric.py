"""The competent agency and the topic, cold start (issue 13): by the admin's rubricator
(`triage/rubric.json`: topics, each with its agency and the beginnings of the words that name it), the top
agencies for a message with scores and the words that decided, and its topic. The model learnt from the
curators' routing (triage/model.py) ranks the agencies once it beats this. Pure."""

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


@dataclass(frozen=True)
class Topic:
    id: str
    name: str  # Russian, as the reports and alerts show it
    agency_id: str
    words: tuple[str, ...]


@lru_cache(maxsize=1)
def rubric() -> dict[str, Topic]:
    data: dict[str, Any] = json.loads(RUBRIC.read_text(encoding="utf-8"))
    return {tid: Topic(tid, t["name"], t["agency"], tuple(t["words"])) for tid, t in data["topics"].items()}


def topic_names() -> dict[str, str]:
    return {t.id: t.name for t in rubric().values()}


def words_of(text: str) -> list[str]:
    return WORDS.findall(text.lower().replace("ё", "е").replace("−", "-"))  # «−15» with a minus sign: «-15»


def joined(text: str) -> str:
    """The text's words, one space between: what `matches` reads."""
    return " ".join(words_of(text))


def _body(keyword: str) -> str:
    return " ".join(re.escape(p[:-1]) if p.endswith("$") else re.escape(p) + "[а-я0-9-]*" for p in keyword.split())


@lru_cache(maxsize=4096)
def _pattern(keyword: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![а-я0-9-]){_body(keyword)}(?![а-я0-9-])")


@lru_cache(maxsize=256)
def _any_of(keywords: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a topic's keywords: most messages name few topics, and one search rules out the rest."""
    return re.compile(rf"(?<![а-я0-9-])(?:{'|'.join(_body(k) for k in keywords)})(?![а-я0-9-])")


def matches(keyword: str, words: str) -> list[str]:
    """The words (or phrases) of `words` (as `joined` gives them) that `keyword` names: the beginning of a
    word, of consecutive words for a phrase, or a whole word with a trailing $."""
    return _pattern(keyword).findall(words)


@lru_cache(maxsize=64)  # a message's first read asks for its topic and its agencies: matched once
def _topic_hits(words: str) -> tuple[tuple[float, int, Topic, tuple[str, ...]], ...]:
    """(score, -order, topic, words found) of each topic the words name, in the rubricator's order."""
    found = []
    for order, topic in enumerate(rubric().values()):
        if not _any_of(topic.words).search(words):
            continue
        hits: list[str] = []
        score = 0.0
        for keyword in topic.words:
            named = matches(keyword, words)
            hits += named
            score += len(named) * (2 if " " in keyword else 1)
        if score:
            found.append((score, -order, topic, tuple(hits)))
    return tuple(found)


def topic_of(text: str) -> str | None:
    """The topic the message names most (the first in the rubricator on a tie), or None."""
    found = _topic_hits(joined(text))
    return max(found, key=lambda f: (f[0], f[1]))[2].id if found else None


def agencies(text: str, known: set[str] | None = None, top: int = 3) -> list[Suggestion]:
    """The agencies whose topics the message mentions, best first (at most `top`; only `known` ones when
    given). Empty when it mentions none."""
    scored: dict[str, list[Any]] = {}
    for score, order, topic, hits in _topic_hits(joined(text)):
        if known is not None and topic.agency_id not in known:
            continue
        entry = scored.setdefault(topic.agency_id, [0.0, order, []])
        entry[0] += score
        entry[2] += list(hits)
    total = sum(s for s, *_ in scored.values()) or 1.0
    ranked = sorted(((s, o, a, h) for a, (s, o, h) in scored.items()), reverse=True)[:top]
    return [Suggestion(agency, round(score / total, 3), tuple(dict.fromkeys(hits)))
            for score, _, agency, hits in ranked]
