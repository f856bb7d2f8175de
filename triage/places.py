"""The municipality a message is about (issue 13): Udmurtia's 30 municipal districts and city districts,
from how people name them («в Глазове», «Воткинского района», «под Сарапулом», the streets and quarters
of Izhevsk), or none. The names are data (`triage/places.json`), matched on a normalised text: lower case,
ё as е. Pure."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from triage.rubric import joined, matches

PLACES = Path(__file__).with_name("places.json")
DISTRICT = re.compile(r"\b([а-я-]+ск)(?:ий|ого|ом|ому|им)\s+район", re.IGNORECASE)


@lru_cache(maxsize=1)
def places() -> dict[str, Any]:
    return json.loads(PLACES.read_text(encoding="utf-8"))


def _text(text: str) -> str:
    return " " + re.sub(r"[^\w-]+", " ", text.lower().replace("ё", "е")) + " "


ADJECTIVE = r"(?:ий|ого|ом|ому|им|ая|ой|ую|ое|ые|их|ими|ым)"
TOWN_STEMS = ("глазовск", "воткинск", "сарапульск", "можгинск")  # a town's adjective too: its district needs «район»


def _a_person(plain: str, start: int, end: int) -> bool:
    """«Сергею Петровичу Глазову», «доктору Глазову Петру Ивановичу», «Иван Глазов»: a surname beside a first
    name or a patronymic is a person, not a town."""
    from triage.exclusion import known_word, parses

    near = plain[:start].split()[-1:] + plain[end:].split()[:2]
    return any(("Patr" in tag or "Name" in tag) and known_word(word)  # not a guess for an odd word
               for word in near for _, tag in parses(word)[:1])


def municipality(text: str) -> str | None:
    """The municipality's id (as in the municipalities collection), or None when the text names none.
    A district («Глазовского района») wins over the town of the same name; the first named wins otherwise
    (a centre, a village, a district's adjective); a quarter of Izhevsk, or one of its streets after a
    street word, with no other place named, is Izhevsk."""
    data, plain = places(), _text(text)
    by_stem = {m["stem"]: mid for mid, m in data["municipalities"].items() if m.get("stem")}
    for match in DISTRICT.finditer(plain):
        if match.group(1) in by_stem:
            return str(by_stem[match.group(1)])
    found: list[tuple[int, str]] = []
    preps = "|".join(data["prepositions"])
    for mid, spec in data["municipalities"].items():
        for form in spec["forms"]:
            pattern = rf" (?:{preps}) {re.escape(form)} " if spec.get("needs_preposition") else rf" {re.escape(form)} "
            for hit in re.finditer(pattern, plain):
                if _a_person(plain, hit.start(), hit.end()) or re.match(r"(?:шоссе|тракт) ", plain[hit.end():]):
                    continue  # a person; «на Воткинском шоссе» is a street of Izhevsk
                around = data["districts_around"].get(mid)  # «под Можгой»: the villages around the town
                found.append((hit.start(), around if around and plain[:hit.start()].endswith(" под") else mid))
                break
        stem = spec.get("stem")
        if stem and stem not in TOWN_STEMS:
            adjective = re.search(rf" {re.escape(stem)}{ADJECTIVE} ", plain)
            if adjective:
                found.append((adjective.start(), mid))
    for stem, town in data["town_stems"].items():  # «глазовской больницы»: the town's (not «Воткинское шоссе»)
        adjective = re.search(rf" {re.escape(stem)}{ADJECTIVE} (?!шоссе|тракт)", plain)
        if adjective:
            found.append((adjective.start(), town))
    for form, mid in data["villages"].items():
        village = re.search(rf" {re.escape(form)} ", plain)
        if village:
            found.append((village.start(), mid))
    if found:
        return min(found)[1]
    words_only = joined(text)
    if any(matches(place, words_only) for place in data["izhevsk_places"]):
        return "izhevsk"
    words = "|".join(re.escape(w.rstrip(".")) for w in data["street_words"])
    for street in data["izhevsk_streets"]:
        if re.search(rf" (?:{words}) {re.escape(street)}", plain) or re.search(rf" {re.escape(street)}[а-я]* \d+", plain):
            return "izhevsk"
    return None
