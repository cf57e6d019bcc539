"""Render a SPARQL :class:`~kg.store.core.Result` as a table, CSV (SPARQL 1.1 CSV) or SPARQL JSON: the
command line's formats (``aiact query``), and the service's JSON results (whose layout its clients see).
The service's other formats are pyoxigraph's (:mod:`kg.store.answers`)."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox

from kg.store.core import Result, term_json, term_text

FORMATS = ("table", "csv", "json")


def to_json(result: Result) -> str:
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)})
    if result.kind == "graph":
        return _rdf(result, ox.RdfFormat.JSON_LD)
    bindings = [{k: term_json(v) for k, v in row.items()} for row in result.rows]
    return json.dumps(
        {"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=1
    )


def to_csv(result: Result) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
    elif result.kind == "select":
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow([term_text(row.get(v)) for v in result.variables])
    else:
        writer.writerow(["subject", "predicate", "object"])
        for t in result.triples:
            writer.writerow([term_text(t.subject), term_text(t.predicate), term_text(t.object)])
    return out.getvalue()


def to_table(result: Result, width: int = 60) -> str:
    if result.kind == "ask":
        return "yes" if result.boolean else "no"
    if result.kind == "graph":
        return _rdf(result, ox.RdfFormat.TURTLE)
    cells = [[_clip(term_text(row.get(v)), width) for v in result.variables] for row in result.rows]
    widths = [max([len(v), *(len(r[i]) for r in cells)]) for i, v in enumerate(result.variables)]
    lines = [
        " | ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=True)),
        "-+-".join("-" * w for w in widths),
    ]
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines)


def _rdf(result: Result, fmt: ox.RdfFormat) -> str:
    data = ox.serialize(result.triples, format=fmt)
    return data.decode() if data is not None else ""


def _clip(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def render(result: Result, fmt: str) -> str:
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "table":
        return to_table(result)
    raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
