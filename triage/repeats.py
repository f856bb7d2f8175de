"""Repeats (§17, issue 13): an earlier message on the same issue, by the same author or about the same
place, with similar words, within a window; a score for the curator, who links with one click. Pure: the
candidates are given.

A repeat is seldom written in the same words («снова про ЗАГС: дату так и не дали»), so the score adds up
what a curator looks at: how much of the shorter message's content the other shares (the overlap of word
stems, stop words left out), the same author, the same place, the same topic of the rubricator, and the
later message saying it is a reminder («снова», «повторно», «до сих пор», «подтверждаю»). The same
municipality counts for more outside Izhevsk, where it is a smaller place; an author writing again without
naming the place is taken to mean the same one. Neighbours rarely use the same words, so the spot they name
counts most: the same house, street, quarter, village, numbered school or route (``places.spots``) adds to
the score, and two different spots of the same kind in one town take from it. Without a shared spot, a
message that shares almost none of the other's words is not its repeat (unless its author says they write
again); thanks for a solved problem repeat nothing. Similar enough is ``THRESHOLD``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from triage.places import spots
from triage.rubric import joined, matches, rubric, topic_of, words_of

STEM = 5  # as the case search keeps words: endings do not matter
WINDOW = timedelta(days=60)
THRESHOLD = 0.45
WEIGHTS = {"author": 0.2, "place": 0.1, "small place": 0.15, "topic": 0.15, "agency": 0.1, "reminder": 0.15,
           "spot": 0.2, "house": 0.3, "apart": -0.25}
BIG_CITY = "izhevsk"  # 650,000 people in quarters: the same municipality says less there than in a district
FEW_WORDS = 0.1  # the share of words below which only a shared spot makes a repeat
REMINDERS = ("снова", "опять", "повторн", "еще раз", "второй раз", "третий раз", "в который раз", "так и не", "до сих пор",
             "напомина", "напомню", "писал", "моего поста", "после жалоб", "обращал", "ранее", "все еще", "по-прежнему", "прежнему",
             "поддерж", "та самая", "тот самый", "то самое", "те самые", "как не было", "на месте", "прошла неделя",
             "прошел месяц", "прошло", "никуда не дел", "подтвержда", "я тоже", "то же самое", "та же истори")
OTHER_ISSUE = ("по другому вопросу", "другая проблема", "другой вопрос", "уже не про", "не про то", "теперь о другом",
               "теперь другое")  # «опять я, но…»
THANKS = ("спасибо", "благодар", "поблагодар")  # «спасибо, воду наконец дали»: the issue is closed, not raised again
UNSOLVED = ("так и не", "до сих пор", "по-прежнему", "как не было", "никуда не дел", "все еще")  # «спасибо… а яма на месте»
STOP = frozenset({"котор", "этого", "этому", "если", "когда", "чтобы", "тольк", "уже", "даже", "очень", "просто",
                  "сегод", "вообщ", "нашем", "наших", "нашей", "наша", "здрав", "пожал", "спаси", "почем", "сколь",
                  "опять", "снова", "можно", "нельз", "будет", "было", "были", "есть", "никто", "ничег", "всего", "всех", "кто-н"})


@dataclass(frozen=True)
class Earlier:
    id: str
    text: str
    author: str | None = None
    municipality: str | None = None
    at: datetime | None = None
    significant: bool = False  # the curator marked it, or its triage found it, significant (§22)


@lru_cache(maxsize=4096)
def stems(text: str) -> frozenset[str]:
    return frozenset(w[:STEM] for w in words_of(text) if len(w) > 3 and w[:STEM] not in STOP)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """The share of the shorter one's stems the other has too."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


@lru_cache(maxsize=4096)
def _topic(text: str) -> str | None:
    return topic_of(text)


def _topic_weight(mine: str | None, theirs: str | None) -> float:
    """The same topic; or, for less, two topics of one agency (a heating outage written about as the
    management company's fault is «ЖКХ», not «отопление»)."""
    if mine is None or theirs is None:
        return 0.0
    if mine == theirs:
        return WEIGHTS["topic"]
    topics = rubric()
    same_agency = mine in topics and theirs in topics and topics[mine].agency_id == topics[theirs].agency_id
    return WEIGHTS["agency"] if same_agency else 0.0


@lru_cache(maxsize=4096)
def _says(text: str) -> tuple[bool, bool]:
    """Whether a message says it is a reminder, and whether it says it raises nothing again (another issue,
    or thanks for a solved one): read once per message, not once per earlier message it is compared with."""
    words = joined(text)
    unsolved = any(matches(r, words) for r in UNSOLVED)
    thanks = not unsolved and any(matches(r, words) for r in THANKS)
    return any(matches(r, words) for r in REMINDERS), thanks or any(matches(r, words) for r in OTHER_ISSUE)


def _spots_weight(message: Earlier, other: Earlier) -> tuple[float, bool]:
    """(what the spots the two name add to the score, whether they share one). Spots are compared within
    one municipality, or where a message names none."""
    if message.municipality and other.municipality and message.municipality != other.municipality:
        return 0.0, False
    mine, theirs = spots(message.text), spots(other.text)
    shared = mine & theirs
    if any(key.startswith("house:") for key in shared):
        return WEIGHTS["house"], True
    if shared:
        return WEIGHTS["spot"], True
    kinds = {key.split(":")[0] for key in mine} & {key.split(":")[0] for key in theirs} - {"time"}
    return (WEIGHTS["apart"] if kinds else 0.0), False  # «на Кирова» and «на Ленина»: two places


def score(message: Earlier, other: Earlier) -> float:
    reminder, other_issue = _says(message.text)
    if other_issue:
        return 0.0  # the author says it is another issue, or thanks for the solved one
    overlap = similarity(stems(message.text), stems(other.text))
    weight = overlap * 0.6
    same_author = bool(message.author) and message.author == other.author
    if same_author:
        weight += WEIGHTS["author"]
    place = message.municipality or (other.municipality if same_author else None)  # «месяц прошёл, а дорога всё та же»
    if place and place == other.municipality:
        weight += WEIGHTS["place"] if place == BIG_CITY else WEIGHTS["small place"]
    topic = _topic_weight(_topic(message.text), _topic(other.text))
    weight += topic
    if reminder:
        weight += WEIGHTS["reminder"]
    spot_weight, shared = _spots_weight(message, other)
    weight += spot_weight
    if overlap < FEW_WORDS and not shared and not (same_author and reminder and topic):  # «писала про собак…»
        weight = min(weight, THRESHOLD - 0.01)
    return round(max(min(weight, 1.0), 0.0), 2)


def candidates(message: Earlier, earlier: list[Earlier], top: int = 3) -> list[tuple[str, float]]:
    """The earlier messages it may repeat, most likely first, with their scores: within the window before
    it, scoring at least ``THRESHOLD``."""
    found: list[tuple[float, str]] = []
    for other in earlier:
        if other.id == message.id or (message.at and other.at and not timedelta(0) <= message.at - other.at <= WINDOW):
            continue
        weight = score(message, other)
        if weight >= THRESHOLD:
            found.append((weight, other.id))
    best = sorted(found, key=lambda f: -f[0])[:top]
    return [(the_id, weight) for weight, the_id in best]


def repeat_of(message: Earlier, earlier: list[Earlier]) -> tuple[str, float] | None:
    """The most likely earlier message it repeats, with the score; None if none is close enough."""
    found = candidates(message, earlier, top=1)
    return found[0] if found else None
