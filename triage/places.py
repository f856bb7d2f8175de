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


# Places finer than a municipality (§17 repeats): a curator links two messages about «Удмуртская 255» or the
# Буммаш quarter even when their words differ. The street names are grammar, not a list: an adjective or a
# surname in the genitive after a street word or «на», or before a house number.
STREET_WORD = r"(?:ул|улиц[аеуы]|проспект[а-я]*|переул[а-я]*|пер|шоссе|тракт[а-я]*|бульвар[а-я]*|набережн[а-я]*)"
STREET_ENDING = r"(?:ская|ской|скую|цкая|цкой|ная|ной|ную|ова|ева|ина|ого|его)"
NOT_A_HOUSE = (r"(?!\d| (?:градус|руб|процент|км|метр|минут|час|сут|дн|ден|лет|год|раз|человек|чел|семей|домов|дома|"
               r"квартир|этаж|тыс|млн|мес|недел|литр|шт|подъезд))")  # «Кирова 12», not «ленина 40 минут»
NUMBERED = r"(школ|гимнази|лице|сад|садик|ясл|поликлиник|больниц|роддом|маршрут|автобус|трамва|троллейбус|маршрутк)"
QUARTER = re.compile(r" (?!наш|ваш|эт|том|сво|сосед|друг|весь|всем|цел)([а-я]+(?:ный|ном|ного|ском|ский|ского))"
                     r" (?:микро)?район")  # «северный район Можги», not «нашем районе» nor «весь район»
TIME = re.compile(r"(?<![\d:])(\d{1,2})[:.](\d\d)(?![\d:]|\.\d)")  # the 6:10 bus


def _adjective_street(on: re.Match[str]) -> bool:
    """«на Пушкинской возле дома», «на Молодёжной улице», not «на детской площадке»: an adjective after
    «на» names a street unless a noun it describes follows (a surname, «на Кирова», always does)."""
    from triage.exclusion import parses

    ending, after = on.group(2), on.group(3)
    if ending in ("ова", "ева", "ина") or re.match(STREET_WORD + r"\b|д$|дом", after):
        return True
    return not (after and parses(after)[0][1].startswith("NOUN"))


@lru_cache(maxsize=4096)
def spots(text: str) -> frozenset[str]:
    """The places finer than a municipality that a message names, as comparable keys: a street
    (``street:пушки``), a house on it (``house:пушки150``), a quarter of a town (``quarter:малино``), a village
    (``village:италм``), a numbered school, kindergarten, hospital or route (``number:школ88``), a time of day
    (``time:6:10``, the bus that was cancelled)."""
    data, plain = places(), " " + joined(text) + " "
    found = {f"street:{s[:5]}" for s in data["izhevsk_streets"] if f" {s}" in plain}
    found |= {f"street:{m.group(1)[:5]}" for m in re.finditer(rf" {STREET_WORD} ([а-я-]+{STREET_ENDING}) ", plain)}
    found |= {f"street:{(m.group(1) + m.group(2))[:5]}"
              for m in re.finditer(r" на ([а-я-]+)(ской|цкой|ной|вой|ова|ева|ина) (\S*)", plain) if _adjective_street(m)}
    for m in re.finditer(rf" ([а-я-]+{STREET_ENDING}) (?:д |дом )?(\d{{1,3}}){NOT_A_HOUSE}", plain):
        found |= {f"street:{m.group(1)[:5]}", f"house:{m.group(1)[:5]}{m.group(2)}"}
    found |= {f"quarter:{p.split()[0][:6]}" for p in data["izhevsk_places"] if matches(p, plain)}  # any case form
    districts = {m.get("stem") for m in data["municipalities"].values()}
    found |= {f"quarter:{m.group(1)[:5]}" for m in QUARTER.finditer(plain)
              if not any(m.group(1).startswith(d) for d in districts if d)}  # «Юкаменского района» is a municipality
    found |= {f"village:{form[:5]}" for form in data["villages"] if f" {form} " in plain}
    found |= {f"number:{m.group(2)[:4]}{m.group(1)}"
              for m in re.finditer(rf" (\d{{1,3}})(?:-?[а-я]{{1,2}})? {NUMBERED}", plain)}
    found |= {f"number:{m.group(1)[:4]}{m.group(2)}"
              for m in re.finditer(rf" {NUMBERED}[а-я]* (?:номер )?(\d{{1,3}}){NOT_A_HOUSE}", plain)}
    found |= {f"time:{int(h)}:{m}" for h, m in TIME.findall(text) if int(h) < 24 and int(m) < 60}
    return frozenset(found)
