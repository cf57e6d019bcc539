"""The ``aiact`` command line: ``provision``, ``query``, ``build``, ``validate``, ``classify``.

Exit codes: 0 success, 2 bad input (unknown provision, unreadable query), 1 failure of the build.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from api.commands import add_commands
from kg import paths
from kg.index import AmbiguousProvision, UnknownProvision
from kg.store.core import QueryError
from kg.store.results import FORMATS, render


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
    print(render(result, args.format), end="" if args.format == "csv" else "\n")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from kg.build.graph import build, write

    start = time.perf_counter()
    result = build(Path(args.formex) if args.formex else None)
    out = write(result, Path(args.output) if args.output else None)
    if not args.output:
        from reasoner.ontology_docs import render

        paths.ONTOLOGY_HTML.write_text(render(), encoding="utf-8")
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
    q.add_argument("--format", choices=FORMATS, default="table")
    q.set_defaults(func=cmd_query)
    b = sub.add_parser("build", help="regenerate the provisions graph from the Formex files")
    b.add_argument("--formex", help="folder of the Formex files (default: the copy shipped in kg/formex)")
    b.add_argument("--output", help="where to write the Turtle (default: kg/provisions.ttl)")
    b.add_argument("--strict", action="store_true", help="fail when a reference does not resolve")
    b.set_defaults(func=cmd_build)
    add_commands(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
