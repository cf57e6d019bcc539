"""``aiact validate`` and ``aiact classify``: a model description in, a cited report out.

Exit codes: 0 the description conforms (every obligation determined, none violated), 1 it violates a
requirement, 3 cannot tell (an obligation is undetermined: the report names the facts to add), 2 bad
input. With several files the gravest wins: 2, then 1, then 3.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from reasoner.description import DescriptionError, load, media_type_of

FORMATS = ("text", "json", "ttl", "jsonld")


def _date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise DescriptionError("--as-of", f"must be a date written YYYY-MM-DD, not {text!r}") from err


def _read(path: str) -> dict[str, Any]:
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as err:
        raise DescriptionError("", f"cannot read {path}: {err.strerror}") from err
    try:
        return load(raw, media_type_of(path))
    except UnicodeDecodeError as err:
        raise DescriptionError("", f"{path} is not UTF-8 text") from err


def cmd_validate(args: argparse.Namespace) -> int:
    from reasoner.engine import Engine
    from reasoner.report import report, shacl_report, text

    codes = [0]
    engine = None
    for path in args.files:
        try:
            data = _read(path)
            as_of = _date(args.as_of)
        except DescriptionError as err:
            print(f"aiact: {path}: {err}", file=sys.stderr)
            codes.append(2)
            continue
        engine = engine or Engine()
        outcome = engine.assess(data, as_of)
        rep = report(engine, outcome)
        if args.format == "json":
            print(json.dumps(rep, ensure_ascii=False, indent=2))
        elif args.format in ("ttl", "jsonld"):
            print(shacl_report(outcome, args.format))
        else:
            print(text(rep) + ("\n" if len(args.files) > 1 else ""))
        codes.append({True: 0, False: 1, None: 3}[rep["conforms"]])
    return max(codes, key=[0, 3, 1, 2].index)


def cmd_classify(args: argparse.Namespace) -> int:
    from reasoner.engine import Engine
    from reasoner.report import report

    try:
        data = _read(args.file)
        as_of = _date(args.as_of)
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


def _few_malloc_arenas() -> None:
    """Two malloc arenas for the whole service (glibc; elsewhere nothing happens). By default glibc gives
    the threads that run the routes arenas of their own, up to 8 per CPU, and under sustained load their
    fragmentation grew the service by some 17 MiB a minute (``bench/load.py``); with two it stays flat,
    at the same throughput. ``MALLOC_ARENA_MAX`` in the environment, if set, has the last word."""
    import ctypes
    import ctypes.util
    import os

    if "MALLOC_ARENA_MAX" in os.environ:
        return
    libc = ctypes.util.find_library("c")
    if libc is None:
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(libc).mallopt(-8, 2)  # M_ARENA_MAX


def cmd_serve(args: argparse.Namespace) -> int:
    """Load and check everything first: a bad graph is a one-line message and exit code 2."""
    import uvicorn

    from api.app import create_app
    from api.settings import Settings
    from api.state import Services
    from kg.integrity import GraphError

    _few_malloc_arenas()
    try:
        settings = Settings.from_env()
        services = Services(settings)
    except (GraphError, ValueError) as err:
        print(f"aiact serve: {err}", file=sys.stderr)
        return 2
    services.warm_up()
    uvicorn.run(create_app(settings, services), host=args.host, port=args.port)
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from kg import paths
    from reasoner.ontology_docs import render

    target = paths.ONTOLOGY_HTML
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target.name}")
    return 0


def add_commands(sub: Any) -> None:
    sv = sub.add_parser("serve", help="start the HTTP service (validation, SPARQL, provisions)")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8000)
    sv.set_defaults(func=cmd_serve)
    d = sub.add_parser("docs", help="regenerate the HTML documentation of the ontology (docs/ontology.html)")
    d.set_defaults(func=cmd_docs)
    s = sub.add_parser("schema", help="the JSON Schema of a model description (--keys: the key reference)")
    s.add_argument("--keys", action="store_true", help="print the Markdown reference of every key instead")
    s.set_defaults(func=cmd_schema)
    v = sub.add_parser("validate", help="classify a model description and check it against its obligations")
    v.add_argument(
        "files", nargs="+", metavar="FILE", help="description(s): .json, .yaml, .ttl, .jsonld, or - for stdin"
    )
    v.add_argument("--as-of", help="assessment date, YYYY-MM-DD (default: today)")
    v.add_argument("--format", choices=FORMATS, default="text")
    v.set_defaults(func=cmd_validate)
    c = sub.add_parser("classify", help="classify a model description (GPAI, systemic risk, exemptions)")
    c.add_argument("file", metavar="FILE")
    c.add_argument("--as-of", help="assessment date, YYYY-MM-DD (default: today)")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.set_defaults(func=cmd_classify)
