"""Significance (§22, issue 13): a score 0–1 with its reasons, so that the curator's «Значимые» list and the
immediate reports start from it: danger to life or health, children, mass impact, a public service broken
down, a collective appeal, many reactions where the sender gives them (thousands: significant alone). The curator decides. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from triage.rubric import joined, matches

# reason -> (weight, the beginnings of words that signal it)
SIGNALS: dict[str, tuple[float, tuple[str, ...]]] = {
    "угроза жизни или здоровью": (0.5, ("угроз жизн", "опасн для жизн", "обруш", "пожар", "взрыв", "отравл", "погиб",
                                        "пострада", "умер", "скончал", "не дождал", "тонет", "обморож", "просел", "рухн",
                                        "обвал", "кювет", "сотрясен", "пневмон", "воспален лег", "угар", "замерза",
                                        "замерзн", "задымл", "ожог", "реанимац", "госпитализ", "умира", "при смерти",
                                        "кишечн", "вспышк", "эпидеми", "ранен", "аварийн состоян", "может рухнуть",
                                        "паводк", "подтоплен", "наводнен", "покус реб", "покус дет", "покусал мальчик",
                                        "покусал девочк", "на скорых", "горит лес", "лес горит", "лесн пожар", "взорв",
                                        "избива", "бьет стар", "бьет дет", "бьет пациент", "поджечь дом",
                                        "поджечь барак", "грозится поджечь", "пролежн", "провода вис",
                                        "оборван провод")),
    "дети": (0.15, ("дети", "детей", "детям", "ребен", "ребён", "школьн", "детск сад", "садик", "младен", "малыш")),
    "массово": (0.3, ("весь район", "всему район", "все жител", "всех жител", "весь город", "всем город", "тысяч жител",
                      "тысячи жител", "тысяч люд", "тысячи люд", "тысяч человек", "тысячи человек", "тысячи жильц",
                      "тысячи семей", "более тысячи", "больше тысячи", "сотни", "сотен", "несколько дом",
                      "целый микрорайон", "целого микрорайон", "все улиц", "весь квартал", "всего квартал", "домов",
                      "всей деревн", "вся деревн", "всего сел", "все село", "полгорода", "пол города", "весь поселок",
                      "всего поселка", "весь микрорайон", "всего микрорайона", "десятки семей", "улиц$", "полпосел",
                      "пол посел", "полсел", "полдеревн", "пол деревн", "часть города", "части города")),
    "коллективное обращение": (0.5, ("коллективн обращ", "коллективн жалоб", "собрали подпис", "подписей",
                                     "подписали все")),
    "нарушена работа служб жизнеобеспечения": (0.3, ("без отопл", "нет отопл", "без вод", "нет вод", "без свет", "нет свет",
                                                    "без тепл", "нет тепл", "без газ", "отключ", "авари", "скор не при",
                                                    "скорая не", "скорую жд", "прорыв", "затоп", "без электр",
                                                    "нет электр", "обесточ", "воду дают", "вода дается", "дают по",
                                                    "возят воду", "бочк")),
}
# reason -> (weight, words of one kind, words of another): both in the message
TOGETHER: dict[str, tuple[float, tuple[str, ...], tuple[str, ...]]] = {
    "холод в мороз": (0.5, ("батаре", "отопл", "тепл", "котельн", "холодно", "градус"),
                      ("мороз", "минус", "-1", "-2", "-3", "заморозк")),
    "опасный аттракцион": (0.5, ("аттракцион", "колес обозрен", "карусел"),
                           ("оторв", "открыл", "сорвал", "упал", "висит", "сломан", "застрял")),
    "пострадал ребёнок": (0.5, ("ребен", "ребён", "дети", "детей", "мальчик", "девочк", "сын", "дочк", "школьник"),
                          ("упал", "травм", "сломал", "разбил голов", "увезли на скор", "выбросило", "вылетел", "покус",
                           "рвот", "отравил")),
    "дети в опасности на дороге": (0.5, ("дети", "детей", "школьник"), ("обочин", "по трасс", "вдоль трасс", "фуры")),
    "стая собак и дети": (0.5, ("дети", "детей", "ребен", "ребён", "второклассник", "школьник"),
                          ("стая", "стаи", "стаей", "погнал", "бросаются", "кидаются")),
    "запах газа": (0.5, ("газ",), ("пахн", "запах", "утечк")),
    "скорая не может проехать": (0.5, ("скор",), ("застрял", "не проехать", "не доехала", "не смогла проехать")),
}
# «300 детей», «1200 человек»: a number of people or homes, 100 or more
MANY = re.compile(r"(?<![\d-])(\d{3,})\s+(?:детей|человек|жител|семей|домов|квартир|работник|учени|пациент|абонент|жильц)")
REACTIONS = ((1000, 0.5), (100, 0.2))  # likes + reposts + comments at least N: the weight


@dataclass(frozen=True)
class Significance:
    score: float
    reasons: tuple[str, ...]

    @property
    def significant(self) -> bool:
        return self.score >= THRESHOLD


THRESHOLD = 0.5


def significance(text: str, engagement: dict[str, int] | None = None) -> Significance:
    words = joined(text)
    score, reasons = 0.0, []
    for reason, (weight, signals) in SIGNALS.items():
        if any(matches(s, words) for s in signals) or (reason == "массово" and MANY.search(words)):
            score += weight
            reasons.append(reason)
    for reason, (weight, first, second) in TOGETHER.items():
        if any(matches(a, words) for a in first) and any(matches(b, words) for b in second):
            score += weight
            reasons.append(reason)
    reactions = sum(int((engagement or {}).get(k) or 0) for k in ("likes", "reposts", "comments"))
    for at_least, weight in REACTIONS:
        if reactions >= at_least:
            score += weight
            reasons.append(f"много откликов ({reactions})")
            break
    return Significance(round(min(score, 1.0), 2), tuple(reasons))


REPEATED = "повтор значимого сообщения"


def as_repeat(result: dict[str, Any]) -> dict[str, Any]:
    """A triage result's significance once the message is found to repeat a significant one (§17, §22): the
    issue the Head was told of is still open, so it is significant too, with the reason said. The fields
    ``significance``, ``significant`` and ``significance_reasons`` of `result`, changed."""
    if result["significant"]:
        return {}
    return {"significance": max(float(result["significance"]), THRESHOLD), "significant": True,
            "significance_reasons": [*result["significance_reasons"], REPEATED]}
