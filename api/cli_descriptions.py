"""The ``aiact`` commands that read model descriptions and cards: ``validate``, ``classify``, ``schema``,
``describe`` (the collections behind ``validate`` are ``api.cli_collections``)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reasoner.description import DescriptionError, load, media_type_of

if TYPE_CHECKING:
    pass
from api.cli_collections import (
    COLLECTION_SUFFIXES,
    Entry,
    as_of_day,
    collect,
    options_of,
    run_collection,
    worst,
)

REPORT_FORMATS = ("text", "json", "ttl", "jsonld", "jsonl", "csv")
DESCRIPTION_SUFFIXES = (".json", ".yaml", ".yml", ".ttl", ".jsonld")  # what validate DIR reads

# -- model descriptions ---------------------------------------------------------------------------


def _read(path: str) -> dict[str, Any]:
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as err:
        raise DescriptionError("", f"cannot read {path}: {err.strerror}") from err
    try:
        return load(raw, media_type_of(path))
    except UnicodeDecodeError as err:
        raise DescriptionError("", f"{path} is not UTF-8 text") from err


# what validate DIR reads: descriptions, JSON Lines files of them, and model cards


def _validate_one(entry: Entry, fmt: str, engine: Any, several: bool) -> tuple[int, Any]:
    """One input in the text, json, ttl or jsonld format, in this process."""
    from reasoner import _engine
    from reasoner.batch import Source, Unreadable, finish, prepare
    from reasoner.report import report, shacl_report, text

    name, source = entry
    if not isinstance(source, Source):
        print(f"aiact: {name}: {source['error']['problem']}", file=sys.stderr)
        return 2, engine
    try:
        if source.path is not None and not source.card:
            data, card = _read(source.path), None
            as_of = as_of_day(_AS_OF[0])
        else:
            as_of = as_of_day(_AS_OF[0])
            data, card = prepare(source, as_of)
    except (DescriptionError, Unreadable) as err:
        print(f"aiact: {name}: {err}", file=sys.stderr)
        return 2, engine
    engine = engine or _engine()
    outcome = engine.assess(data, as_of)
    rep = finish(report(engine, outcome), card)
    if fmt == "json":
        print(json.dumps(rep, ensure_ascii=False, indent=2))
    elif fmt in ("ttl", "jsonld"):
        print(shacl_report(outcome, fmt))
    else:
        print(text(rep) + ("\n" if several else ""))
    return {True: 0, False: 1, None: 3}[rep["conforms"]], engine


_AS_OF: list[str | None] = [None]


def cmd_validate(args: argparse.Namespace) -> int:
    from reasoner.summary import text as summary_text

    try:
        options = options_of(args)
    except DescriptionError as err:
        print(f"aiact: {err}", file=sys.stderr)
        return 2
    entries, empty = collect(args.files, options)
    codes = [0]
    for folder in empty:
        print(f"aiact: {folder}: no descriptions in it ({', '.join(COLLECTION_SUFFIXES)})", file=sys.stderr)
        codes.append(2)
    if args.format in ("jsonl", "csv") or args.summary_only:
        jobs = args.jobs or os.cpu_count() or 1
        got, summary = run_collection(
            entries, args.as_of, jobs, sys.stdout, args.format, summary_only=args.summary_only
        )
        if args.summary_only:
            as_json = json.dumps(summary, ensure_ascii=False, indent=2)
            print(as_json if args.format == "json" else summary_text(summary))
        elif entries and not args.no_summary:
            print(summary_text(summary), file=sys.stderr)
        return worst(codes + got)
    _AS_OF[0] = args.as_of
    engine = None
    for entry in entries:
        code, engine = _validate_one(entry, args.format, engine, len(entries) > 1)
        codes.append(code)
    return worst(codes)


def cmd_classify(args: argparse.Namespace) -> int:
    from reasoner.engine import Engine
    from reasoner.report import report

    try:
        data = _read(args.file)
        as_of = as_of_day(args.as_of)
    except DescriptionError as err:
        print(f"aiact: {args.file}: {err}", file=sys.stderr)
        return 2
    engine = Engine()
    rep = report(engine, engine.assess(data, as_of))
    out = {k: rep[k] for k in ("model", "as_of", "classification", "designation_indicators")}
    if args.format == "json":
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for key, c in out["classification"].items():
            value = {True: "yes", False: "no", None: "unknown"}[c["value"]]
            cites = "; ".join(x["notation"] for x in c["citations"])
            print(f"{key}: {value} — {c['because']} ({cites})")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from reasoner.schema import json_schema, key_reference

    print(key_reference() if args.keys else json.dumps(json_schema(), indent=2, ensure_ascii=False), end="")
    print("" if args.keys else "\n", end="")
    return 0


def _yaml_scalar(value: Any) -> str:
    """A value written as YAML 1.2 the description reader reads back: JSON scalars and flow lists."""
    return json.dumps(value, ensure_ascii=False)


def _describe_yaml(card: Any, source: str) -> str:
    """The description as YAML, each fact with its source as a comment, then the keys to add (commented
    out, each with its label and the provisions that ask for it), ready to be completed and validated."""
    from kg.act import Act
    from reasoner.model_card import labels

    index = Act().index
    known = labels()

    def about(key: str) -> str:
        label, asks = known.get(key, ("", []))
        cited = ", ".join(index[a].notation for a in asks if a in index)
        return label + (f" ({cited})" if cited else "")

    def note(key: str) -> str:
        return f"; note: {card.notes[key]}" if key in card.notes else ""

    lines = [
        f"# Model description from the model card {source} (aiact describe).",
        "# Each fact says where it came from. Complete the keys listed at the end, then run",
        "# aiact validate on this file.",
    ]
    for key, value in card.description.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            for sub, v in value.items():
                dotted = f"{key}.{sub}"
                source = card.provenance.get(dotted, "?")
                lines.append(f"  {sub}: {_yaml_scalar(v)}  # {source}{note(dotted)}")
        else:
            lines.append(f"{key}: {_yaml_scalar(value)}  # {card.provenance.get(key, '?')}{note(key)}")
    if card.missing:
        lines += ["", "# To add: the validation needs these facts (uncomment, fill in, keep the nesting)."]
        for key in card.missing:
            head, _, sub = key.partition(".")
            if sub:
                lines.append(f"# {head}:\n#   {sub}:   # {about(key)}{note(key)}")
            else:
                lines.append(f"# {key}:   # {about(key)}{note(key)}")
    other = [k for k in card.notes if k not in card.provenance and k not in card.missing]
    if other:
        lines += ["", "# The card also says (not facts: write them as text where they fit):"]
        lines += [f"# {key}: {card.notes[key]}" for key in other]
    return "\n".join(lines) + "\n"


def cmd_describe(args: argparse.Namespace) -> int:
    """A model card (a ``.md`` file or ``hf:OWNER/NAME``) as a description: JSON with provenance and
    the missing keys, or YAML to complete by hand. Exit 2 for a card or facts file that cannot be read."""
    from reasoner.model_card import CardError, load_card, read_facts, with_facts

    try:
        as_of = as_of_day(args.as_of)
        card = load_card(args.card, as_of=as_of)
        if args.facts:
            card = with_facts(card, read_facts(Path(args.facts)), args.facts, as_of=as_of)
    except (CardError, DescriptionError) as err:
        print(f"aiact: {args.card}: {err}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(card.as_json(), ensure_ascii=False, indent=2))
    else:
        print(_describe_yaml(card, args.card), end="")
    return 0
