"""Significance (§22, issue 13): a score 0–1 with its reasons, so that the curator's «Значимые» list and the
immediate reports start from it: danger to life or health, children, mass impact, a public service broken
down, a collective appeal, many reactions where the sender gives them (thousands: significant alone). The curator decides. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from triage.rubric import joined, matches

# reason -> (weight, the beginnings of words that signal it)
SIGNALS: dict[str, tuple[float, tuple[str, ...]]] = {
    "угроза жизни или здоровью": (0.5, ("угроз жизн", "опасн для жизн", "обруш", "пожар", "взрыв", "отравл", "утечк газ",
                                        "запах газ", "пахнет газ", "пахнет газом", "газом пахн", "погиб", "пострада",
                                        "травм", "умер", "смерт", "не дождал", "провал", "тонет", "обморож", "покус",
                                        "бешен", "трещин", "просел", "рухн", "обвал", "кювет", "сотрясен", "пневмон",
                                        "воспален", "угар", "поджеч", "подожж", "замерза", "замерзн", "горит", "горят",
                                        "задымл", "ожог", "перелом", "реанимац", "госпитализ", "умира", "при смерти",
                                        "кишечн", "вспышк", "эпидеми", "ранен", "аварийн состоян", "может рухнуть",
                                        "паводк", "подтоплен", "наводнен")),
    "дети": (0.15, ("дети", "детей", "детям", "ребен", "ребён", "школьн", "детск сад", "садик", "младен", "малыш")),
    "массово": (0.3, ("весь район", "всему район", "все жител", "всех жител", "весь город", "всем город", "тысяч",
                      "сотни", "несколько дом", "целый микрорайон", "целого микрорайон", "все улиц", "весь квартал",
                      "всего квартал", "домов", "всей деревн", "вся деревн", "всего сел", "все село")),
    "коллективное обращение": (0.5, ("коллективн обращ", "коллективн жалоб", "собрали подпис", "подписей",
                                     "подписали все")),
    "нарушена работа служб жизнеобеспечения": (0.3, ("без отопл", "нет отопл", "без вод", "нет вод", "без свет", "нет свет",
                                                    "без тепл", "нет тепл", "без газ", "отключ", "авари", "скор не при",
                                                    "скорая не", "скорую жд", "прорыв", "затоп", "без электр",
                                                    "нет электр", "обесточ")),
}
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
        if any(matches(s, words) for s in signals):
            score += weight
            reasons.append(reason)
    reactions = sum(int((engagement or {}).get(k) or 0) for k in ("likes", "reposts", "comments"))
    for at_least, weight in REACTIONS:
        if reactions >= at_least:
            score += weight
            reasons.append(f"много откликов ({reactions})")
            break
    return Significance(round(min(score, 1.0), 2), tuple(reasons))
