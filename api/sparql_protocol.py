"""A request to ``/sparql`` read as the SPARQL 1.1 Protocol defines it, before anything runs.

- query via GET (``?query=``), via POST form-encoded (``query=`` in the body), via POST directly
  (``application/sparql-query``, UTF-8, the other parameters in the URL); exactly one ``query``;
- ``default-graph-uri`` and ``named-graph-uri`` (repeatable; in the URL, or in a form body) give the
  dataset of the query and override its FROM / FROM NAMED; each must be an absolute IRI;
- an update in any form (``update=``, ``application/sparql-update``, a query parameter holding one) is
  refused: the endpoint is read-only (403);
- another body type, or none, is a 415; a charset other than UTF-8 too.

A GET (or HEAD) without any query, update or dataset parameter asks for the service description.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from fastapi import Request

from api.problems import Problem
from api.settings import Settings

READ_ONLY = "this endpoint is read-only: SPARQL updates are refused"
DIRECT, UPDATE = "application/sparql-query", "application/sparql-update"
FORM = "application/x-www-form-urlencoded"
DATASET = ("default-graph-uri", "named-graph-uri")
PARAMETERS = ("query", *DATASET, "format")
PUBLIC = "https://w3id.org/aiact-kg/sparql"  # the base IRI when the request's own URL is not a valid IRI


@dataclass(frozen=True)
class Operation:
    """``query`` None: no query (the service description); ``default_graphs`` / ``named_graphs`` None:
    the request gives no dataset (the store's, or the query's FROM / FROM NAMED)."""

    query: str | None
    default_graphs: list[str] | None
    named_graphs: list[str] | None
    formats: list[str]

    @property
    def dataset(self) -> bool:
        return self.default_graphs is not None or self.named_graphs is not None


async def read(request: Request) -> Operation:
    url = request.query_params
    if "update" in url:
        raise Problem(403, READ_ONLY)
    if request.method in ("GET", "HEAD"):
        nothing = not any(k in url for k in ("query", *DATASET))
        return _operation({k: url.getlist(k) for k in PARAMETERS}, describe=nothing)
    media, charset = _content_type(request.headers.get("content-type", ""))
    if media == UPDATE:
        raise Problem(403, READ_ONLY)
    if charset not in (None, "utf-8", "utf8"):
        raise Problem(415, f"the request must be UTF-8, not {charset}")
    if media == DIRECT:
        if "query" in url:
            raise Problem(400, "a query both in the body and in the URL: send exactly one")
        try:
            text = (await request.body()).decode("utf-8")
        except UnicodeDecodeError as err:
            raise Problem(400, f"the query is not UTF-8 text (byte {err.start} cannot be read)") from err
        return _operation({**{k: url.getlist(k) for k in PARAMETERS}, "query": [text]})
    if media == FORM:
        form = await request.form()
        if "update" in form:
            raise Problem(403, READ_ONLY)

        return _operation(
            {k: [*url.getlist(k), *(v for v in form.getlist(k) if isinstance(v, str))] for k in PARAMETERS}
        )
    given = f"not {media}" if media else "without a Content-Type"
    raise Problem(415, f"POST a query as {DIRECT} or {FORM}, {given}")


def _operation(values: dict[str, list[str]], describe: bool = False) -> Operation:
    """The operation of the request's parameters (each name with its values, in order)."""
    queries, default, named = values["query"], values["default-graph-uri"], values["named-graph-uri"]
    if len(queries) > 1:
        raise Problem(400, f"{len(queries)} queries in one request: send exactly one 'query'")
    if not describe and (not queries or not queries[0].strip()):
        raise Problem(400, "no query: send a SPARQL query in the 'query' parameter or as " + DIRECT)
    for name, iris in zip(DATASET, (default, named), strict=True):
        for iri in iris:
            try:
                ox.NamedNode(iri)
            except ValueError as err:
                raise Problem(400, f"{name} {iri!r} is not an absolute IRI: {err}") from err
    dataset = bool(default or named)
    return Operation(
        queries[0] if queries else None,
        list(default) if dataset else None,
        list(named) if dataset else None,
        values["format"],
    )


def _content_type(header: str) -> tuple[str, str | None]:
    media, *params = (p.strip() for p in header.split(";"))
    charset = None
    for p in params:
        name, _, value = p.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def endpoint(request: Request, settings: Settings) -> str:
    """The endpoint's URL: the configured public one, else the URL the request came to (without its query
    string) when that is a valid IRI. Relative IRIs in queries resolve against it."""
    if settings.endpoint_url:
        return settings.endpoint_url
    url = str(request.url.replace(query="", fragment="")).rstrip("?")
    try:
        ox.NamedNode(url)
    except ValueError:
        return PUBLIC
    return url
