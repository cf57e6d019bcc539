"""``/sparql``: the W3C SPARQL 1.1 Protocol, read-only, with a time and a row limit per query.

A request is read by ``api.sparql_protocol`` (query via GET, POST form, POST direct; the dataset
parameters), the query by a SPARQL parser (``kg.store.syntax``): updates and ``LOAD`` are refused
(403), ``SERVICE`` too unless allowed for an external store, a syntax error is a 400 that says where. A
text read before gets the parser's verdict kept for that exact text (``kg.store.syntax.ReadCache``), on the
event loop; a new one is parsed in a thread, one at a time. The
format follows from the query's form and ``Accept`` (``api.sparql_negotiation``; 406 when nothing fits).
Without a query, ``GET /sparql`` is the service description (``api.sparql_description``).
``GET /prefixes`` is the graph's prefix map, for an editor's completion (the explorer's YASGUI).
"""

from __future__ import annotations

import re
import threading
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from rdflib.namespace import OWL, RDF, SH

from api import sparql_description, sparql_negotiation, sparql_protocol
from api.deps import services as services_of
from api.problems import PROBLEM_SCHEMA, Problem, documented, problem_response
from api.state import Services
from kg import paths
from kg.build.graph import PREFIXES as GRAPH_PREFIXES
from kg.store import syntax as sparql_syntax
from kg.store.answers import GRAPH_TYPES, SELECT_TYPES, SparqlRequest
from kg.store.errors import QueryError, QueryStopped, QueryTimeout

router = APIRouter(tags=["sparql"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Query results; without a query, the service description (RDF).",
        "content": {t: {} for t in [*SELECT_TYPES.values(), *GRAPH_TYPES.values()]},
    },
    **documented(400, 406, 413, 415, 503),
    403: {**PROBLEM_SCHEMA, "description": "Forbidden: an update, LOAD, or SERVICE where it is not allowed."},
}
_PARSING = threading.BoundedSemaphore(1)
NO_SERVICE = (
    "federated queries (SERVICE) are disabled on this endpoint: its query workers have no network access"
)


def _parameter(name: str, description: str, many: bool = False, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": {"type": "string"}} if many else {"type": "string"}
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {**schema, **extra}}  # fmt: skip


# The protocol's parameters, documented here and read by api.sparql_protocol (GET: the URL; POST: the URL
# and a form body): the routes take the request alone, so that no per-request parameter model runs for
# what the protocol reader reads anyway (a tenth of a millisecond on every query)
FORMAT = _parameter("format", "json, xml, csv, tsv, turtle, ntriples, jsonld, rdfxml (overrides Accept)")
DATASET = [
    _parameter("default-graph-uri", "the default graph(s) of the dataset", many=True),
    _parameter("named-graph-uri", "the named graphs of the dataset", many=True),
]
QUERY = _parameter(
    "query",
    "a SPARQL 1.1 query; without it, the SPARQL service description",
    examples=["SELECT ?n WHERE { ?p <http://www.w3.org/2004/02/skos/core#notation> ?n } LIMIT 5"],
)


PREFIX_LINE = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)
EXTRA_PREFIXES = {"rdf": str(RDF), "owl": str(OWL), "sh": str(SH)}  # the ontology and the shapes use them


@router.get(
    "/prefixes",
    responses={
        200: {"content": {"application/json": {"example": {"aikg": "https://w3id.org/aiact-kg/ontology#"}}}},
        **documented(400),
    },
)
def prefixes() -> dict[str, str]:
    """The graph's prefixes, prefix to namespace IRI (the form of prefix.cc's ``all.file.json``): those the
    build binds, the ontology's and those the query library declares. The explorer's SPARQL editor
    completes ``PREFIX`` lines from them, with nothing asked of another host."""
    out = {p: str(ns) for p, ns in GRAPH_PREFIXES.items()} | EXTRA_PREFIXES
    for q in sorted(paths.QUERIES.glob("*.rq")):
        for prefix, iri in PREFIX_LINE.findall(q.read_text(encoding="utf-8")):
            out.setdefault(prefix, iri)
    return dict(sorted(out.items()))


@router.get("/sparql", responses=RESPONSES, openapi_extra={"parameters": [QUERY, FORMAT, *DATASET]})
async def sparql_get(request: Request) -> Response:
    """SPARQL 1.1 query via GET (HEAD too); without a query, the service description."""
    return await _serve(request, await services_of(request))


@router.post(
    "/sparql",
    responses=RESPONSES,
    openapi_extra={
        "parameters": [FORMAT, *DATASET],
        "requestBody": {
            "content": {
                "application/sparql-query": {"schema": {"type": "string"}, "example": "ASK { ?s ?p ?o }"},
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "query": {"type": "string"},
                            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                            "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                        },
                    }
                },
            }
        },
    },
)
async def sparql_post(request: Request) -> Response:
    """SPARQL 1.1 query via POST, form-encoded or application/sparql-query (the other parameters in the
    URL)."""
    return await _serve(request, await services_of(request))


async def _serve(request: Request, services: Services) -> Response:
    operation = await sparql_protocol.read(request)
    endpoint = sparql_protocol.endpoint(request, services.settings)
    accept = request.headers.get("accept", "")
    if operation.query is None:
        fmt = sparql_negotiation.choose("description", accept, operation.formats)
        graph = await run_in_threadpool(
            sparql_description.description, endpoint, services.settings, services.store
        )
        body = await run_in_threadpool(sparql_description.render, graph, fmt)
        return _varying(Response(body, media_type=sparql_negotiation.media_type(fmt)))
    parsed = await _parse(operation.query, endpoint, services)
    fmt = sparql_negotiation.choose(parsed.form, accept, operation.formats)
    sparql_request = SparqlRequest(
        parsed.text,  # as the parser read it (codepoint escapes replaced): what was checked is what runs
        fmt,
        operation.default_graphs,
        operation.named_graphs,
        base_iri=endpoint,
    )
    try:
        # the embedded store waits for a worker on the event loop, no thread held, and stops the query if
        # the client goes away; an external one is asked from a thread
        answer = await services.store.answer(sparql_request, cancelled=request.is_disconnected)
    except QueryTimeout as err:
        raise Problem(503, str(err)) from err
    except QueryStopped as err:  # queue full, worker died, out of memory: the service's side, not the query's
        stopped = problem_response(503, str(err))
        if err.retry_after is not None:
            stopped.headers["Retry-After"] = str(err.retry_after)
        return stopped
    except QueryError as err:  # the query's side: it cannot run, too many rows, the endpoint refused it
        raise Problem(400, str(err)) from err
    return _varying(Response(answer.body, media_type=answer.media_type))


async def _parse(sparql: str, endpoint: str, services: Services) -> sparql_syntax.Query:
    """The parsed query, once it is within the bounds, neither an update nor a SERVICE call not allowed."""
    _bounded(sparql, services)
    try:
        # a text read before: the parser's verdict on it, kept (kg.store.syntax.ReadCache), on the event loop;
        # else the parse, in a thread
        parsed = sparql_syntax.cached(sparql, endpoint)
        if parsed is None:
            parsed = await run_in_threadpool(_read, sparql, endpoint, services.settings.query_timeout)
    except sparql_syntax.SparqlSyntaxError as err:
        where = {"line": err.line, "column": err.column} if err.line is not None else {}
        raise Problem(400, str(err), **where) from err
    if isinstance(parsed, sparql_syntax.Update):
        if parsed.load:
            raise Problem(403, f"{sparql_protocol.READ_ONLY}; LOAD would fetch a graph, which it never does")
        raise Problem(403, sparql_protocol.READ_ONLY)
    if parsed.service and not services.settings.allow_service:
        raise Problem(403, "federated queries (SERVICE) are disabled on this endpoint")
    if parsed.service and not services.store.federated:
        raise Problem(403, f"{NO_SERVICE}; AIACT_ALLOW_SERVICE applies to an external store only")
    if parsed.text != sparql:
        _bounded(parsed.text, services)  # escapes replaced: \u007B is a bracket too
    return parsed


def _read(sparql: str, endpoint: str, wait: float) -> sparql_syntax.Query | sparql_syntax.Update:
    """The parse, one at a time, waiting at most ``wait`` seconds for its turn: parsing is pure Python in the
    service's own process (up to a few seconds for a query at the length bound) and pyparsing runs one
    parse at a time anyway (``kg.store.parsing_lock``); past the wait, a 503 rather than a pile-up."""
    if not _PARSING.acquire(timeout=wait):
        raise Problem(503, "the endpoint is busy reading other queries: try again in a moment")
    try:
        return sparql_syntax.read(sparql, endpoint)
    finally:
        _PARSING.release()


def _bounded(sparql: str, services: Services) -> None:
    """The length and nesting bounds, before the parser spends time on a query."""
    try:
        services.store.check(sparql)
    except QueryError as err:
        raise Problem(400, str(err)) from err


def _varying(response: Response) -> Response:
    response.headers["Vary"] = "Accept"
    return response
