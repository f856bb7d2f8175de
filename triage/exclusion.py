"""§19 flags, in Russian: `threat`, `obscenity`, `insult`, each with the words that decided and a reason.

No package serves Russian here, so: a lexicon of our own as data (`triage/lexicon.json`, an admin extends
it) over pymorphy3's morphology, with the classic traps handled:

- obfuscated spellings: look-alike Latin letters and digits, inserted punctuation ("х.у.й"), repeated
  letters, asterisks in place of letters ("п*здец");
- innocent words that contain an obscene root ("застрахуйте", "учеба", "мандарин", "команда"): a word the
  dictionary knows, with no slang or obscene mark, is innocent;
- insults reported or quoted rather than made («меня назвали "дураком"»), words like «оскорблять»;
- threats only in the first person or the imperative (or wished: «вешать таких надо»), never idioms
  ("убить время") nor a danger told in the third person ("эта яма кого-нибудь убьёт"); fixed phrases, pairs
  of words («морду ей набью») and veiled threats to an official's family («твоя дочка… подумай»);
- insulting adjectives only beside a person («продажные чиновники», not «тупой нож»); animal words only
  when said to or of a person («ты свинья», «наш мэр крыса», «бездушная скотина», «бараны из
  управления»), not «бродячие собаки».

The threat flag found here is one term of the threat model (triage/threats.py), which decides. A flag holds
the case for the curator's decision (confirm or dismiss); nothing is excluded automatically.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from triage.rubric import joined, matches

LEXICON = Path(__file__).with_name("lexicon.json")
LOOKALIKE = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "k": "к", "m": "м",
                           "t": "т", "h": "н", "b": "в", "u": "и", "3": "з", "0": "о", "6": "б", "@": "а", "ё": "е"})
WORD = re.compile(r"[\wа-яё*@$.\-]+", re.IGNORECASE)
TRANSLIT = [("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("ch", "ч"), ("sh", "ш"), ("ya", "я"), ("yu", "ю"), ("yo", "е"),
            ("kh", "х"), ("ts", "ц"), ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"),
            ("z", "з"), ("i", "и"), ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"),
            ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "ц"), ("y", "ы"), ("x", "кс")]
SPACED = re.compile(r"(?<!\w)(?:[^\W\d] ){2,}[^\W\d](?!\w)")  # three or more letters, a space between each
DASHED = re.compile(r"(?:\s[-–]|—)\s*(?:[\w-]+\s+){0,2}$")  # the end of «мэр — » or «мэр — настоящий »
# An infinitive of harm near one of these is a wish or an intent: «вешать таких надо», «облить бы бензином»
MODAL = frozenset({"надо", "нужно", "буду", "будем", "хочу", "хотим", "пора", "стоит", "бы", "следует"})
QUOTED = re.compile(r"[«\"„“][^«»\"„“”]{1,80}[»\"“”]")
ALPHABET = "абвгдежзийклмнопрстуфхцчшщъыьэюя"


@dataclass(frozen=True)
class Flag:
    kind: str  # threat | obscenity | insult
    words: tuple[str, ...]
    reason: str


@lru_cache(maxsize=1)
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    data = json.loads(LEXICON.read_text(encoding="utf-8"))
    data["_roots"] = [re.compile(r) for r in data["obscene_roots"]]
    data["_obscene_words"] = " ".join(data["obscene_words"])  # what a word with asterisks is matched against
    data["_animals"] = frozenset(w.replace("ё", "е") for w in data["insult_when_addressed"])  # as lemmas read
    return data


def normalise(token: str) -> str:
    """Lower case, ё as е, look-alikes as Cyrillic (only in a word with Cyrillic in it), punctuation inside
    the word dropped, a letter repeated three times or more as one."""
    word = token.lower()
    if re.search(r"[а-яё]", word):
        word = word.translate(LOOKALIKE)
        if re.search(r"[a-z]", word):  # "пиzдец": the other Latin letters as they sound
            word = transliterated(word)
    word = re.sub(r"(?<=[а-я*])[.\-_,$](?=[а-я*])", "", word.replace("ё", "е"))
    return re.sub(r"([а-я])\1{2,}", r"\1", word).strip(".-_,$")


def _obscene_root(word: str) -> bool:
    return any(root.search(word) for root in lexicon()["_roots"])


@lru_cache(maxsize=100_000)
def parses(word: str) -> tuple[tuple[str, str], ...]:
    """The dictionary's readings of a word, most likely first, as (lemma with ё as е, grammatical tag);
    kept per instance, as the same words come again and again."""
    return tuple((str(p.normal_form).replace("ё", "е"), str(p.tag)) for p in _morph().parse(word))


def known_word(word: str) -> bool:
    """The dictionary has the word (its readings of an unknown word are guesses)."""
    return bool(_morph().word_is_known(word))


def _innocent(word: str) -> bool:
    """A word the dictionary knows, none of whose readings is slang or obscene."""
    if not known_word(word):
        return False
    marks = set(lexicon()["slang_tags"])
    return not any(marks & set(tag.replace(" ", ",").split(",")) for _, tag in parses(word))


def transliterated(word: str) -> str:
    """A Russian word typed in Latin letters ("pizdec", "zaebali"), in Cyrillic."""
    for latin, cyrillic in TRANSLIT:
        word = word.replace(latin, cyrillic)
    return word


def obscene(word: str) -> bool:
    if re.fullmatch(r"[a-z*]+", word):
        word = transliterated(word)
    if word in lexicon()["obscene_words"]:
        return True
    if "*" in word:  # letters hidden by asterisks: any letter in their place
        stars = word.count("*")
        if _masked(word).search(lexicon()["_obscene_words"]):  # «б***дь»: up to three letters a run
            return True
        if stars > 2:
            return False
        candidates = [word]
        for _ in range(stars):
            candidates = [c.replace("*", letter, 1) for c in candidates for letter in ALPHABET]
        return any(c in lexicon()["obscene_words"] or (_obscene_root(c) and not _innocent(c)) for c in candidates)
    return _obscene_root(word) and not _innocent(word)


@lru_cache(maxsize=4096)
def _masked(word: str) -> re.Pattern[str]:
    """A word with asterisks as a pattern of whole words: each run of them stands for 1 to its length letters."""
    parts = re.split(r"(\*+)", word)
    body = "".join(f"[а-я]{{1,{len(p)}}}" if p.startswith("*") else re.escape(p) for p in parts)
    return re.compile(rf"(?<![а-я]){body}(?![а-я])")


def lemma(word: str) -> str:
    return parses(word)[0][0]


def flags(text: str) -> list[Flag]:
    """The §19 flags of a message (empty: nothing found)."""
    lex = lexicon()
    text = SPACED.sub(lambda m: m.group().replace(" ", ""), text)  # "е б а н ы й": one word
    quoted_spans = [m.span() for m in QUOTED.finditer(text)]
    tokens = [(m.start(), normalise(m.group())) for m in WORD.finditer(text)]
    tokens = [(at, w) for at, w in tokens if w]
    found: list[Flag] = []
    dirty = tuple(dict.fromkeys(w for _, w in tokens if obscene(w)))
    if dirty:
        found.append(Flag("obscenity", dirty, "нецензурная брань"))
    threat = _threat(tokens, text.lower().replace("ё", "е"), lex)
    if threat:
        found.append(Flag("threat", threat, "угроза причинить вред"))
    insult = _insult(tokens, quoted_spans, lex, text)
    if insult:
        found.append(Flag("insult", insult, "оскорбительные выражения в адрес человека"))
    return found


def _threat(tokens: list[tuple[int, str]], lowered: str, lex: dict[str, Any]) -> tuple[str, ...]:
    words = [w for _, w in tokens]
    plain = lowered.replace(",", "")
    hits = [p for p in lex["harm_phrases"] if p in plain or (" " in p and _phrase(p).search(plain))]
    harm, idioms = set(lex["harm_verbs"]), set(lex["idiom_objects"])
    for i, word in enumerate(words):
        for normal, tag in parses(word)[:2]:
            if normal not in harm:
                continue
            mine = ("1per" in tag and "futr" in tag) or "impr" in tag or (
                "INFN" in tag and bool(MODAL & set(words[max(0, i - 3): i + 4])))
            nxt = words[i + 1: i + 3]
            if mine and not (set(nxt) & idioms) and not (i and words[i - 1] == "не"):
                hits.append(word)
                break
    for first, second in lex["harm_pairs"]:  # «морду ей набью», «зубы ему выбью»
        for i, word in enumerate(words):
            if word.startswith(second) and any(w.startswith(first) for w in words[max(0, i - 4): i + 5] if w != word):
                hits.append(word)
    return tuple(dict.fromkeys(hits + _veiled(words, lowered, lex)))


@lru_cache(maxsize=1024)
def _phrase(phrase: str) -> re.Pattern[str]:
    """A threat phrase with a pronoun allowed between its words: «мало ему не покажется»."""
    return re.compile(r"\s+(?:(?:ему|ей|им|тебе|вам|его|ее|их|тебя|вас|же|уж|то)\s+)?".join(map(re.escape, phrase.split())))


def _veiled(words: list[str], lowered: str, lex: dict[str, Any]) -> list[str]:
    """A veiled threat to an official's family: their child named («твоя дочка», «у него дети») with a menace
    («подумай хорошенько», «как бы чего не случилось»); «подумайте о своих детях» is an appeal, not one."""
    plain = " " + " ".join(words) + " "
    relatives = set(lex["family_words"])
    family = [w for w in words if w in relatives]
    owned = any(f" {owner} " in plain for owner in lex["family_owners"])
    menace = [m for m in lex["menace"] if re.search(rf"{re.escape(m)}(?! об? )", plain)]
    return family[:1] + menace[:1] if family and owned and menace else []


def _insult(tokens: list[tuple[int, str]], quoted: list[tuple[int, int]], lex: dict[str, Any],
            text: str) -> tuple[str, ...]:
    insults, addressed = set(lex["insult_lemmas"]), lex["_animals"]
    adjectives, of_a_person = set(lex["insult_adjectives"]), set(lex["insult_of_a_person"])
    qualities = set(lex["person_qualities"])
    reporting = set(lex["reporting_verbs"])
    words = [w for _, w in tokens]
    lemmas = [lemma(w) for w in words]
    second_person = {"ты", "вы", "тебя", "вас", "тебе", "вам", "твой", "ваш"}
    known = insults | addressed | adjectives | of_a_person
    hits = []
    for i, (at, word) in enumerate(tokens):
        base = lemmas[i] if lemmas[i] in known else word  # «хамло»: a word the dictionary does not know, as written
        if base not in known:
            continue
        if any(start <= at < end for start, end in quoted):
            continue  # quoted: reported, not said
        if any(lemmas[j] in reporting for j in range(max(0, i - 4), i)):
            continue  # "меня назвали дураком": the author reports an insult
        said_of = _said_of(text, at, tokens, i)  # «мэр — вор»: said of someone
        to_someone = bool(second_person & set(words[max(0, i - 6): i + 4])) or bool(said_of)
        if base in addressed and not (to_someone or _qualified(tokens, i, text, qualities) or _called(tokens, i, text)
                                      or _of_an_institution(words[i + 1: i + 5], lex)):
            continue  # "козёл забрёл на дорогу": an animal, unless said to or of someone, «бездушная скотина»
        if base in of_a_person and not (to_someone or _of_a_person(words[max(0, i - 4): i])
                                        or _of_an_institution(words[i + 1: i + 5], lex)):
            continue  # «вор» said of nobody: «поймали вора»; «глава района вор», «клоуны из минкульта» of people
        if base in adjectives and not (to_someone or _beside_a_person(tokens, i, text)):
            continue  # "тупой нож", "гнилые доски": a thing, not a person
        hits.append(word)
    hits += _hyphenated(text, quoted, insults | addressed)  # «кассирша-овца», «чиновники-бестолочи»
    unquoted = joined(QUOTED.sub(" ", text))  # «обозвала нас «стадом баранов»»: reported, not said
    hits += [found for p in lex["insult_phrases"] for found in matches(p, unquoted)]  # «крысы кабинетные», as written
    return tuple(dict.fromkeys(hits))


def _hyphenated(text: str, quoted: list[tuple[int, int]], names: set[str]) -> list[str]:
    """Insults joined to a person by a hyphen: «кассирша-овца», «чиновники-бестолочи» (the lexicon's tokens
    drop the hyphen, as in «х-у-й»); not «сосед-алкаш», a description."""
    found = []
    for m in re.finditer(r"([а-яё]+)-([а-яё]+)", text.lower()):
        person, name = m.group(1).replace("ё", "е"), m.group(2).replace("ё", "е")
        if any(start <= m.start() < end for start, end in quoted):
            continue
        if lemma(name) in names and _animate(person) and known_word(person):
            found.append(name)
    return found


def _said_of(text: str, at: int, tokens: list[tuple[int, str]], i: int) -> bool:
    """«мэр — вор», «депутаты — свиньи у корыта»: said of a person named before the dash (not «в районе —
    свиньи и коровы»)."""
    window = max(0, at - 60)
    if not DASHED.search(text[window:at]):
        return False
    dash = window + max(m.start() for m in re.finditer(r"[—–-]", text[window:at]))
    people = [w for start, w in tokens[:i] if start < dash][-2:]
    return any(_animate(w) or w in {"он", "она", "они", "вы", "ты"} for w in people)


def _of_a_person(near: list[str]) -> bool:
    """An animate noun among these words («глава района вор»)."""
    return any(_animate(word) for word in near)


def _joined(tokens: list[tuple[int, str]], a: int, b: int, text: str) -> bool:
    """Tokens a and b are in the text and in one clause: no punctuation between them («гнилые. дети» is two)."""
    return 0 <= a < b < len(tokens) and not re.search(r"[.,!?;:—–()]", text[tokens[a][0]:tokens[b][0]])


def _qualified(tokens: list[tuple[int, str]], i: int, text: str, qualities: set[str]) -> bool:
    """The animal word has a person's quality beside it, in the same clause: «бездушная скотина», «крысы
    канцелярские» (not «бродячие собаки»)."""
    return any(_joined(tokens, min(i, j), max(i, j), text) and lemma(tokens[j][1]) in qualities for j in (i - 1, i + 1))


def _of_an_institution(after: list[str], lex: dict[str, Any]) -> bool:
    """«бараны из дорожного управления», «эта овца в вавожском загсе»: people of an institution, named right
    after «из» or «в» (an adjective may come between; not «крысы в подвале управляйки»)."""
    if not after or after[0] not in ("из", "в"):
        return False

    def institution(word: str) -> bool:
        return any(matches(i, word) for i in lex["institutions"])

    nxt = after[1:3]
    return bool(nxt) and (institution(nxt[0]) or (len(nxt) == 2 and institution(nxt[1])
                                                  and parses(nxt[0])[0][1].startswith("ADJF")))


def _called(tokens: list[tuple[int, str]], i: int, text: str) -> bool:
    """The animal word names a person just named, both in the nominative, in one clause: «наш мэр крыса» (not
    «у соседа корова», «бабушка корову доит»)."""
    if not any("nomn" in tag for _, tag in parses(tokens[i][1])[:1]):
        return False
    return any(_joined(tokens, j, i, text) and _animate(tokens[j][1]) and known_word(tokens[j][1])
               and any("nomn" in tag for _, tag in parses(tokens[j][1])[:1]) for j in (i - 1, i - 2))


def _beside_a_person(tokens: list[tuple[int, str]], i: int, text: str) -> bool:
    """The adjective's noun is a person, in the same clause: the next word, or the one after another
    adjective («продажные зажравшиеся чинуши»), or the word before («бараны безмозглые»), is an animate noun."""

    def joined(a: int, b: int) -> bool:
        return _joined(tokens, a, b, text)

    words = [w for _, w in tokens]
    animals = lexicon()["_animals"]

    def person(word: str) -> bool:  # «гнилая курица» is food, not an insult
        return _animate(word) and lemma(word) not in animals

    if joined(i, i + 1) and person(words[i + 1]):
        return True
    if joined(i - 1, i) and person(words[i - 1]):
        return True
    return (joined(i, i + 2) and any(t.startswith(("ADJF", "PRTF")) for _, t in parses(words[i + 1])[:1])
            and person(words[i + 2]))


def _animate(word: str) -> bool:
    return any("NOUN" in tag and "anim" in tag.replace(" ", ",").split(",") for _, tag in parses(word)[:1])
