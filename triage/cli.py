"""`python -m triage classify [--agencies FILE] [--model FILE]`: JSON Lines in (one message a line: ``{"id",
"text", "author"?, "posted_at"?, "engagement"?}``), one JSON line out per message: ``id``, ``exclusion``
(``none`` | ``threat`` | ``obscenity`` | ``insult``, the gravest found, with ``flags`` for all), ``agencies``
(ranked ids), ``topic``, ``municipality`` (its name, or null), ``significant`` and ``significance``,
``repeat_of`` (an earlier message of the same input, or null). Offline, with the built-in rubricator and
lexicon, or a trained model.

`python -m triage train --out FILE [--version V]`: routed messages in (``{"text", "agency"}`` a line), a
model out, with its accuracy on the most recent fifth against the rubricator.

`python -m triage train-threats --out FILE SET...`: the threat model of `triage.threats` trained on labelled
sets (JSON Lines with ``text`` and ``exclusion``, a label or a list of them), as the built-in one is (docs/triage.md)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO


def classify_line(item: dict[str, Any], earlier: list[Any], known: set[str] | None,
                  ids: dict[str, Any], model: Any = None) -> dict[str, Any]:
    """One message's triage; `earlier` (the input's messages before it) grows by it, `ids` maps their ids
    as text to the ids as given."""
    from triage.places import places
    from triage.read import first_read
    from triage.repeats import Earlier, repeat_of
    from triage.significance import as_repeat

    text = str(item.get("text") or "")
    read = first_read(text, item.get("engagement"), known, model)
    where = read["municipality_id"]
    me = Earlier(str(item["id"]), text, str(item.get("author") or "") or None, where, _instant(item.get("posted_at")))
    repeat = repeat_of(me, earlier)
    if repeat and any(e.significant for e in earlier if e.id == repeat[0]):
        read |= as_repeat(read)
    earlier.append(replace(me, significant=read["significant"]))
    ids[me.id] = item["id"]
    return {
        "id": item["id"],
        "exclusion": read["exclusion"],
        "flags": read["flags"],
        "agencies": [a["id"] for a in read["agencies"]],
        "agency_scores": {a["id"]: a["score"] for a in read["agencies"]},
        "topic": read["topic"],
        "municipality": places()["municipalities"][where]["name"] if where else None,
        "significant": read["significant"],
        "significance": read["significance"],
        "significance_reasons": read["significance_reasons"],
        "repeat_of": ids[repeat[0]] if repeat else None,
    }


def _instant(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def classify(lines: TextIO, out: TextIO, known: set[str] | None, model: Any = None) -> int:
    """Classify each line; a bad line gets an ``error`` line and the rest go on. Returns the bad lines."""
    earlier: list[Any] = []
    ids: dict[str, Any] = {}
    bad = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or "id" not in item or not isinstance(item.get("text"), str):
                raise ValueError("a line needs an object with id and text")
            result = classify_line(item, earlier, known, ids, model)
        except (ValueError, RecursionError) as err:
            bad += 1
            result = {"line": number, "error": str(err)[:200]}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return bad


def train(lines: TextIO, out: Path, version: str) -> int:
    """Train a model on routed messages and write it; print its accuracy (a line that is not an object with
    ``text`` and ``agency`` is an error, and nothing is written)."""
    from datetime import UTC

    from triage.learn import Example, retrain

    now = datetime.now(UTC)  # every line at once: their order in the file is their order in time
    examples = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            examples.append(Example(str(item["text"]), str(item["agency"]), now))
        except (ValueError, KeyError, TypeError) as err:
            print(f"error: line {number}: a line needs an object with text and agency ({err})", file=sys.stderr)
            return 1
    outcome = retrain(examples, None, version, now)
    print(outcome.reason, file=sys.stderr)
    if outcome.model is None:
        return 1
    out.write_text(json.dumps(outcome.model.document(), ensure_ascii=False), encoding="utf-8")
    return 0


def train_threats(sets: list[Path], out: Path, version: str) -> int:
    """Train the threat model on the labelled sets and write it (a line without ``text`` and ``exclusion``
    is an error, and nothing is written)."""
    from triage.learn import train_threats as fit_threats

    texts, threats = [], []
    for path in sets:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                texts.append(str(item["text"]))
                labels = item["exclusion"]  # one label, or a list of them (tests/data/triage_exclusion.jsonl)
                threats.append("threat" in ([labels] if isinstance(labels, str) else labels))
            except (ValueError, KeyError, TypeError) as err:
                print(f"error: {path.name}: line {number}: a line needs text and exclusion ({err})", file=sys.stderr)
                return 1
    facts = {"trained_on": [path.name for path in sets], "examples": len(texts), "threats": sum(threats)}
    model = fit_threats(texts, threats, version, facts)
    out.write_text(json.dumps(model.document(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(texts)} messages, {sum(threats)} threats: {len(model.terms)} terms", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m triage", description="Triage of citizens' messages (docs/triage.md)")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("classify", help="JSON Lines in on stdin, one JSON line out per message")
    run.add_argument("--agencies", type=Path, default=None,
                     help="a JSON file of the agencies to rank (a list, or {agencies: [...]} with ids)")
    run.add_argument("--model", type=Path, default=None, help="a trained model (python -m triage train)")
    learn = sub.add_parser("train", help="routed messages in on stdin ({text, agency} a line), a model out")
    learn.add_argument("--out", type=Path, required=True, help="where to write the model (JSON)")
    learn.add_argument("--version", default="model-local", help="the model's version, kept with each result")
    threats = sub.add_parser("train-threats", help="labelled sets in ({text, exclusion} a line), a threat model out")
    threats.add_argument("sets", type=Path, nargs="+", help="JSON Lines files of labelled messages")
    threats.add_argument("--out", type=Path, required=True, help="where to write the model (JSON)")
    threats.add_argument("--version", default="threats-local", help="the model's version, kept with each result")
    args = parser.parse_args(argv)
    if args.command == "train":
        return train(sys.stdin, args.out, args.version)
    if args.command == "train-threats":
        return train_threats(args.sets, args.out, args.version)
    model = None
    if args.model is not None:
        from triage.model import Model

        try:
            model = Model.from_document(json.loads(args.model.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as err:
            print(f"error: {args.model} is not a model written by python -m triage train ({err})", file=sys.stderr)
            return 2
    known = None
    if args.agencies is not None:
        data = json.loads(args.agencies.read_text(encoding="utf-8"))
        items = (data.get("agencies") if isinstance(data, dict) else data) or []
        known = {a["id"] if isinstance(a, dict) else str(a) for a in items}
    bad = classify(sys.stdin, sys.stdout, known, model)
    return 1 if bad else 0
