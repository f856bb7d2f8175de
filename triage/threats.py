"""Threats (§19) learnt from labelled messages: the lexicon's rules (triage/exclusion.py) find the threats
written as they expect, this finds the ones written otherwise. People threaten in endlessly veiled ways
(«ходи и оглядывайся», «машина у тебя красивая, жалко будет»), and no list of phrases written from one
author's messages carried over to the next author's; a linear model over the words and the grammar of
many authors' threats does (docs/triage.md, "§19 flags").

The model's strongest term is the rules' own finding: a message the rules call a threat is one unless its
other words outweigh that (seldom: the labelled traps the rules fall into are few), and one they miss is one
if its words weigh enough. The built-in model (`triage/threat_model.json`) is trained by ``python -m triage
train-threats`` on the development sets of tests/data (their names are in its facts), with the lexicon as
it is then: edit the lexicon, train the model again. It is scored here in pure Python, like the routing
model. A message it scores at `THRESHOLD` or more is flagged as a threat, with the rules' words or else the
words that weighed most; the flag, like every §19 flag, only holds the case for the curator's decision.
Pure."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from triage.exclusion import WORD, Flag, flags, normalise, parses
from triage.model import Model

BUILT_IN = Path(__file__).with_name("threat_model.json")
THREAT, NONE = "threat", "none"
THRESHOLD = 0.5  # chosen on the development sets, each set scored by a model trained on the others
SECOND_PERSON = frozenset({"ты", "вы", "тебя", "вас", "тебе", "вам", "тобой", "вами", "твой", "ваш"})
RULES = "#rules"  # the term that says the lexicon's rules found a threat
# Words that weigh in the model but tell a curator nothing, never shown as the flag's words
SAY_NOTHING = frozenset({"если", "который", "этот", "тот", "свой", "наш", "ваш", "твой", "мой", "весь", "так", "там",
                         "тут", "она", "они", "оно", "он", "ней", "него", "них", "что", "как", "это", "все", "уже",
                         "еще", "раз", "для", "при", "или", "кто", "сам", "с", "в", "и", "а", "на", "к", "у", "о", "по"})


def features(text: str, ruled: bool | None = None) -> list[str]:
    """The terms of a message for the threat model: whether the lexicon's rules found a threat (``ruled``;
    None: ask them), the grammar marks of its words (a verb in the first person future, an imperative, an
    infinitive, a «ты/вы»), the lemmas of 3 letters or more, and each pair of neighbouring lemmas («тебе
    конец», «ждать гость»). Words are read as the lexicon reads them (obfuscation undone)."""
    if ruled is None:
        ruled = any(f.kind == THREAT for f in flags(text))
    words, lemmas = _read(text)
    marks = [RULES] if ruled else []
    for word in words:  # grammar as terms of their own: whose act, and to whom
        tag = parses(word)[0][1]
        if "1per" in tag and "futr" in tag:
            marks.append("#1per_futr")
        if "impr" in tag:
            marks.append("#impr")
        if "INFN" in tag:
            marks.append("#infn")
        if word in SECOND_PERSON:
            marks.append("#2per")
    pairs = [f"{a} {b}" for a, b in zip(lemmas, lemmas[1:], strict=False)]
    return marks + [w for w in lemmas if len(w) > 2] + pairs


def _read(text: str) -> tuple[list[str], list[str]]:
    """The message's words as the lexicon normalises them, and their lemmas."""
    words = [w for w in (normalise(m.group()) for m in WORD.finditer(text)) if w and not w.isdigit()]
    return words, [parses(word)[0][0] for word in words]


def _as_written(term: str, words: list[str], lemmas: list[str]) -> str:
    """A term (a lemma, or two neighbouring ones) as the message has it (its `_read`): «придём к главе», not
    «прийти к глава»."""
    wanted = term.split()
    for i in range(len(lemmas) - len(wanted) + 1):
        if lemmas[i:i + len(wanted)] == wanted:
            return " ".join(words[i:i + len(wanted)])
    return term


@lru_cache(maxsize=1)
def built_in() -> Model:
    return Model.from_document(json.loads(BUILT_IN.read_text(encoding="utf-8")))


def judged(text: str, found: list[Flag], model: Model | None = None) -> list[Flag]:
    """The lexicon's flags of a message (`triage.exclusion.flags`) with the threat decided by the model (the
    built-in one by default): the rules' threat flag kept if the model agrees, a flag of its own if the
    rules found none and it scores the message a threat, no threat flag otherwise."""
    model = model or built_in()
    rules = next((f for f in found if f.kind == THREAT), None)
    others = [f for f in found if f.kind != THREAT]
    terms = features(text, ruled=rules is not None)
    chance = model.scores(terms)[THREAT]
    if chance < THRESHOLD:
        return others
    if rules is not None:
        return [*others, rules]
    telling = [t for t in model.deciding_words(terms, THREAT, at_most=12)
               if not t.startswith("#") and not set(t.split()) <= SAY_NOTHING][:4]
    read = _read(text)
    written = list(dict.fromkeys(_as_written(t, *read) for t in telling))
    words = tuple(w for w in written if not any(w != other and w in other.split() for other in written))
    shown = f"{min(chance, 0.99):.2f}".replace(".", ",")  # a model is never certain
    return [*others, Flag(THREAT, words, f"похоже на угрозу (оценка модели {shown})")]
