"""The ``aiact`` command line.

The Act as a graph: ``provision``, ``query``, ``build``. A model description in, a cited report out:
``validate``, ``classify``, ``schema``. The service and its documentation: ``serve``, ``docs``.

Exit codes: 0 success, 2 bad input (unknown provision, unreadable query or description, a graph that does
not load), 1 failure of the build (``--strict``). ``validate``: 0 the description conforms (every
obligation determined, none violated), 1 it violates a requirement, 3 cannot tell (an obligation is
undetermined: the report names the facts to add), 2 bad input; with several files the gravest wins: 2,
then 1, then 3. ``validate DIR`` reads every ``*.json``, ``*.yaml``, ``*.yml``, ``*.ttl``, ``*.jsonld`` in the
folder, sorted; ``--format jsonl`` prints one line per input, the report with ``"file"`` or an error object
(``reasoner.batch``), validated in ``--workers`` processes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import paths
from kg.index import AmbiguousProvision, UnknownProvision
from kg.store import results
from kg.store.core import QueryError

if TYPE_CHECKING:
    pass
from api.cli_descriptions import REPORT_FORMATS, cmd_classify, cmd_describe, cmd_schema, cmd_validate

# -- the Act as a graph ---------------------------------------------------------------------------


def _provision_text(info: dict[str, Any]) -> str:
    lines = [info["notation"] + (f" — {info['title']}" if info.get("title") else ""), info["url"], ""]
    lines += [info["text"] or "(no text of its own)", ""]
    lines.append(f"Part of: {info['parent']}")
    if info["children"]:
        lines.append("Contains: " + ", ".join(info["children"]))
    lines.append("")
    lines.append(f"Refers to ({len(info['references'])}):")
    lines += [f"  {r['target']:<32} from {r['from']}: “{r['text']}”" for r in info["references"]] or [
        "  none"
    ]
    lines.append(f"Referred to by ({len(info['referenced_by'])}):")
    lines += [f"  {r['from']:<32} → {r['target']}: “{r['text']}”" for r in info["referenced_by"]] or [
        "  none"
    ]
    return "\n".join(lines)


def cmd_provision(args: argparse.Namespace) -> int:
    from kg.act import Act

    try:
        info = Act().provision(args.citation)
    except (UnknownProvision, AmbiguousProvision) as err:
        print(f"aiact: {err}", file=sys.stderr)
        return 2
    print(json.dumps(info, ensure_ascii=False, indent=2) if args.format == "json" else _provision_text(info))
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from kg.store.core import OxigraphStore

    text = args.query
    path = Path(text)
    if text.endswith(".rq") or (len(text) < 4096 and "\n" not in text and path.is_file()):
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as err:
            print(f"aiact: cannot read the query file {args.query}: {err.strerror}", file=sys.stderr)
            return 2
    try:
        result = OxigraphStore().query(text)
    except QueryError as err:
        print(f"aiact: {err}", file=sys.stderr)
        return 2
    print(results.render(result, args.format), end="" if args.format == "csv" else "\n")
    return 0


def _write_ontology_docs() -> Path:
    from reasoner.ontology_docs import render

    paths.ONTOLOGY_HTML.write_text(render(), encoding="utf-8")
    return paths.ONTOLOGY_HTML


def cmd_build(args: argparse.Namespace) -> int:
    from kg.build.graph import build, write

    start = time.perf_counter()
    result = build(Path(args.formex) if args.formex else None)
    out = write(result, Path(args.output) if args.output else None)
    if not args.output:
        _write_ontology_docs()
    internal = sum(len(r.targets) for r in result.references)
    external = sum(len(r.external) for r in result.references)
    print(
        f"built {out.name}: {len(result.graph)} triples, {len(result.index.provisions)} provisions, "
        f"{len(result.references)} references ({internal} internal edges, {external} external) "
        f"in {time.perf_counter() - start:.1f} s"
    )
    for ref in result.unresolved:
        print(
            f"unresolved: {result.index[ref.source].notation}: “{ref.text}”: {ref.problem}", file=sys.stderr
        )
    return 1 if result.unresolved and args.strict else 0


# -- the service and its documentation -------------------------------------------------------------


def _few_malloc_arenas() -> None:
    """Two malloc arenas for the whole service (glibc; elsewhere nothing happens). By default glibc gives
    the threads that run the routes arenas of their own, up to 8 per CPU, and under sustained load their
    fragmentation grew the service by some 17 MiB a minute (``bench/load.py``); with two it stays flat,
    at the same throughput. ``MALLOC_ARENA_MAX`` in the environment, if set, has the last word."""
    import ctypes
    import ctypes.util

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

    from api.settings import Settings
    from api.state import Services, Starting
    from kg.integrity import GraphError

    _few_malloc_arenas()
    try:
        settings = Settings.from_env()
        services = Services(settings, background=True)
    except (GraphError, ValueError) as err:
        print(f"aiact serve: {err}", file=sys.stderr)
        return 2

    def application() -> Any:
        from api.app import create_app

        return create_app(settings, services)

    # listening once the graph is checked and loaded; the web application, the search index and the engine
    # are built in the background, and requests that need them wait for them (api.state.Starting)
    uvicorn.run(Starting(services, application), host=args.host, port=args.port)
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    print(f"wrote {_write_ontology_docs().name}")
    return 0


# -- the parser -----------------------------------------------------------------------------------


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="aiact",
        description="The EU AI Act (Regulation (EU) 2024/1689) as a "
        "knowledge graph: provisions, cross-references, SPARQL.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    prov = sub.add_parser("provision", help="show a provision: text, hierarchy, references in and out")
    prov.add_argument("citation", help='e.g. "Art. 53(2)", "Annex XI, Section 1(2)(d)", "Recital 109"')
    prov.add_argument("--format", choices=("text", "json"), default="text")
    prov.set_defaults(func=cmd_provision)
    q = sub.add_parser("query", help="run a SPARQL query (text or a .rq file) over the graph")
    q.add_argument("query", help="a SPARQL query, or the path of a .rq file")
    q.add_argument("--format", choices=results.FORMATS, default="table")
    q.set_defaults(func=cmd_query)
    b = sub.add_parser("build", help="regenerate the provisions graph from the Formex files")
    b.add_argument("--formex", help="folder of the Formex files (default: the copy shipped in kg/formex)")
    b.add_argument("--output", help="where to write the Turtle (default: kg/provisions.ttl)")
    b.add_argument("--strict", action="store_true", help="fail when a reference does not resolve")
    b.set_defaults(func=cmd_build)
    sv = sub.add_parser("serve", help="start the HTTP service (validation, SPARQL, provisions)")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8000)
    sv.set_defaults(func=cmd_serve)
    d = sub.add_parser("docs", help="regenerate the ontology's HTML documentation (ontology/ontology.html)")
    d.set_defaults(func=cmd_docs)
    s = sub.add_parser("schema", help="the JSON Schema of a model description (--keys: the key reference)")
    s.add_argument("--keys", action="store_true", help="print the Markdown reference of every key instead")
    s.set_defaults(func=cmd_schema)
    v = sub.add_parser("validate", help="classify a model description and check it against its obligations")
    v.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="description(s): .json, .yaml, .ttl, .jsonld; .jsonl (one description a line); model cards "
        "(.md); hf:OWNER/NAME (a card on the Hugging Face Hub); - for stdin (JSON, YAML or JSON Lines); "
        "a folder of them or a glob",
    )
    v.add_argument("--as-of", help="assessment date, YYYY-MM-DD (default: today)")
    v.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default="text",
        help='jsonl: one line per input, its report with "file" or an error object; csv: a row per input',
    )
    v.add_argument(
        "--jobs",
        "--workers",
        dest="jobs",
        type=_positive,
        metavar="N",
        help="worker processes for --format jsonl or csv (default: the number of cores; fewer than 20 "
        "inputs run in this process)",
    )
    v.add_argument("--card", action="store_true", help="read every FILE as a model card, whatever its name")
    v.add_argument("--facts", metavar="FILE.yaml", help="facts (description keys) to add to every model card")
    v.add_argument(
        "--summary-only",
        action="store_true",
        help="print only the summary of the collection (text; --format json: as JSON)",
    )
    v.add_argument(
        "--no-summary", action="store_true", help="no summary on standard error after --format jsonl or csv"
    )
    v.set_defaults(func=cmd_validate)
    ds = sub.add_parser("describe", help="read a Hugging Face model card into a model description")
    ds.add_argument(
        "card", metavar="CARD", help="a model card (README.md with YAML front matter), or hf:OWNER/NAME"
    )
    ds.add_argument("--format", choices=("yaml", "json"), default="yaml")
    ds.add_argument(
        "--facts", metavar="FILE", help="a description fragment (YAML or JSON) that adds to the card"
    )
    ds.add_argument("--as-of", help="assessment date for the missing keys, YYYY-MM-DD (default: today)")
    ds.set_defaults(func=cmd_describe)
    c = sub.add_parser("classify", help="classify a model description (GPAI, systemic risk, exemptions)")
    c.add_argument("file", metavar="FILE")
    c.add_argument("--as-of", help="assessment date, YYYY-MM-DD (default: today)")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.set_defaults(func=cmd_classify)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except BrokenPipeError:  # the reader went away (``aiact validate DIR | head``): stop quietly
        own = sys.__stdout__
        if own is not None and sys.stdout is own:  # the process's own stdout (not a caller's stand-in)
            with contextlib.suppress(OSError):  # no second error when Python flushes it at exit
                os.dup2(os.open(os.devnull, os.O_WRONLY), own.fileno())
        return 141  # as a shell reports a command ended by SIGPIPE (128 + 13)
    return code


if __name__ == "__main__":
    sys.exit(main())
