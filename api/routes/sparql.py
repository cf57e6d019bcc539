"""``/sparql``: the W3C SPARQL 1.1 Protocol, read-only, with a time and a row limit per query.

GET ``?query=``, POST form-encoded, POST ``application/sparql-query``. SELECT and ASK answer in SPARQL
JSON, XML, CSV or TSV; CONSTRUCT and DESCRIBE in Turtle, N-Triples, JSON-LD or RDF/XML, by ``Accept``
or by the ``format`` parameter. Updates are refused (403), ``SERVICE`` too unless enabled.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.deps import ServicesDep
from api.problems import PROBLEM_SCHEMA, Problem
from reasoner.query_pool import GRAPH_TYPES, SELECT_TYPES, QueryFailed, QueryTimeout, TooManyRows
from reasoner.store import QueryError

router = APIRouter(tags=["sparql"])

ALIASES = {
    "application/json": "json",
    "text/plain": "ntriples",
    "application/xml": "xml",
    "text/xml": "xml",
    "*/*": "*",
    "application/*": "*",
    "text/*": "*",
}
BY_TYPE = {**{v: k for k, v in SELECT_TYPES.items()}, **{v: k for k, v in GRAPH_TYPES.items()}}
_STRINGS = re.compile(
    r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|<[^<>"{}|^`\\\s]*>'
)
_COMMENTS = re.compile(r"#[^\n]*")
_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Query results.",
        "content": {t: {} for t in [*SELECT_TYPES.values(), *GRAPH_TYPES.values()]},
    },
    400: PROBLEM_SCHEMA,
    403: PROBLEM_SCHEMA,
    406: PROBLEM_SCHEMA,
    503: PROBLEM_SCHEMA,
}


def _code(sparql: str) -> str:
    """The query without its strings, IRIs and comments: what keywords are looked for in."""
    return _COMMENTS.sub(" ", _STRINGS.sub(" ", sparql))


FORMAT_PARAM = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
    "csv": ("csv", "turtle"),
    "tsv": ("tsv", "turtle"),
    "turtle": ("json", "turtle"),
    "ttl": ("json", "turtle"),
    "n3": ("json", "turtle"),
    "ntriples": ("json", "ntriples"),
    "nt": ("json", "ntriples"),
    "jsonld": ("json", "jsonld"),
    "json-ld": ("json", "jsonld"),
    "rdfxml": ("xml", "rdfxml"),
    "rdf+xml": ("xml", "rdfxml"),
    **{media: (name, "turtle") for name, media in SELECT_TYPES.items()},
    **{media: ("json", name) for name, media in GRAPH_TYPES.items()},
}


def _formats(accept: str, fmt: list[str]) -> tuple[str, str]:
    """(SELECT/ASK format, CONSTRUCT/DESCRIBE format) for the client's ``format`` or ``Accept``.

    ``format`` (repeatable; the first known value wins) serves browsers and clients such as SPARQLWrapper
    that send ``format=xml`` or ``format=n3`` beside their Accept header."""
    if fmt:
        known = [FORMAT_PARAM[f.lower()] for f in fmt if f.lower() in FORMAT_PARAM]
        if known:
            return known[0]
        raise Problem(
            406,
            f"unknown format {fmt[0]!r}: use one of {', '.join(sorted(set(FORMAT_PARAM) - set(BY_TYPE)))}",
        )
    ranked = []
    for part in accept.split(",") if accept else ["*/*"]:
        media, *params = [p.strip() for p in part.split(";")]
        q = next((float(p[2:]) for p in params if p.startswith("q=") and _is_float(p[2:])), 1.0)
        ranked.append((q, media.lower()))
    ranked.sort(key=lambda x: -x[0])
    names = [ALIASES.get(m) or BY_TYPE.get(m) for weight, m in ranked if weight > 0]
    select = next((n for n in names if n in SELECT_TYPES or n == "*"), None)
    graph = next((n for n in names if n in GRAPH_TYPES or n == "*"), None)
    if select is None and graph is None:
        raise Problem(
            406,
            f"cannot answer in {accept!r}: SPARQL results as {', '.join(SELECT_TYPES.values())}; "
            f"graphs as {', '.join(GRAPH_TYPES.values())}",
        )
    return (select if select not in (None, "*") else "json"), (
        graph if graph not in (None, "*") else "turtle"
    )


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


async def _answer(sparql: str | None, request: Request, services: ServicesDep, fmt: list[str]) -> Response:
    if not sparql or not sparql.strip():
        raise Problem(
            400, "no query: send a SPARQL query in the 'query' parameter or as application/sparql-query"
        )
    code = _code(sparql)
    if _UPDATE.search(code) and not re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", code, re.I):
        raise Problem(403, "this endpoint is read-only: SPARQL updates are refused")
    if re.search(r"\bSERVICE\b", code, re.I) and not services.settings.allow_service:
        raise Problem(403, "federated queries (SERVICE) are disabled on this endpoint")
    select_fmt, graph_fmt = _formats(request.headers.get("accept", ""), fmt)
    if services.remote is not None:
        accept = f"{SELECT_TYPES[select_fmt]}, {GRAPH_TYPES[graph_fmt]};q=0.9"
        try:
            upstream = await run_in_threadpool(services.remote.raw, sparql, accept)
        except QueryError as err:
            raise Problem(400, str(err)) from err
        return Response(upstream.content, media_type=upstream.headers.get("content-type"))
    assert services.pool is not None
    try:
        answer = await run_in_threadpool(services.pool.run, sparql, select_fmt, graph_fmt)
    except QueryTimeout as err:
        raise Problem(503, str(err)) from err
    except TooManyRows as err:
        raise Problem(400, str(err)) from err
    except QueryFailed as err:
        raise Problem(400, f"the query cannot run: {err}") from err
    return Response(answer.body, media_type=answer.media_type)


@router.get("/sparql", responses=RESPONSES)
async def sparql_get(
    request: Request,
    services: ServicesDep,
    query: str | None = Query(
        None,
        description="a SPARQL 1.1 query",
        examples=["SELECT ?n WHERE { ?p <http://www.w3.org/2004/02/skos/core#notation> ?n } LIMIT 5"],
    ),
    format: str | None = Query(None, description="json, xml, csv, tsv, turtle, ntriples, jsonld, rdfxml"),
) -> Response:
    """SPARQL 1.1 query via GET."""
    if request.query_params.get("update"):
        raise Problem(403, "this endpoint is read-only: SPARQL updates are refused")
    return await _answer(query, request, services, request.query_params.getlist("format"))


@router.post(
    "/sparql",
    responses=RESPONSES,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/sparql-query": {"schema": {"type": "string"}, "example": "ASK { ?s ?p ?o }"},
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": {"query": {"type": "string"}}}
                },
            }
        }
    },
)
async def sparql_post(
    request: Request,
    services: ServicesDep,
    format: str | None = Query(None, description="json, xml, csv, tsv, turtle, ntriples, jsonld, rdfxml"),
) -> Response:
    """SPARQL 1.1 query via POST (form-encoded or application/sparql-query)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/sparql-update":
        raise Problem(403, "this endpoint is read-only: SPARQL updates are refused")
    if media == "application/sparql-query":
        try:
            sparql = (await request.body()).decode("utf-8")
        except UnicodeDecodeError as err:
            raise Problem(400, "the query is not UTF-8 text") from err
    elif media == "application/x-www-form-urlencoded":
        form = await request.form()
        if form.get("update"):
            raise Problem(403, "this endpoint is read-only: SPARQL updates are refused")
        value = form.get("query")
        sparql = value if isinstance(value, str) else ""
        fmt = request.query_params.getlist("format") or [str(v) for v in form.getlist("format")]
        return await _answer(sparql, request, services, fmt)
    else:
        raise Problem(415, "POST a query as application/sparql-query or application/x-www-form-urlencoded")
    return await _answer(sparql, request, services, request.query_params.getlist("format"))
