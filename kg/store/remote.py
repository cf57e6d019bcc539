"""An external SPARQL endpoint (an Oxigraph server, Apache Jena Fuseki) as the graph store.

Loaded with the same dump (``GET /graph`` or ``kg/provisions.ttl`` plus ``ontology/`` and ``shapes/``),
it answers the same queries as the embedded store, for deployments that outgrow one process. Its answers
to ``/sparql`` are passed on as they come (no row limit here: the endpoint has its own).
"""

from __future__ import annotations

import asyncio

import httpx
import pyoxigraph as ox

from kg.store import bounds
from kg.store.answers import GRAPH_TYPES, SELECT_TYPES, Answer, SparqlRequest
from kg.store.core import OxigraphStore, Result, rows_of, to_result
from kg.store.errors import QueryError
from kg.store.protocol import Cancelled

_JSON = ox.QueryResultsFormat.JSON


class SparqlEndpointStore:
    """The store interface over the SPARQL 1.1 Protocol. ``local``: the dataset as loaded (and checked)
    here, which :meth:`dump` gives (the dump the endpoint is to be loaded with); without it, the dump is
    the endpoint's own default graph."""

    federated = True  # the endpoint's SERVICE, if the settings allow it

    def __init__(
        self,
        endpoint: str,
        timeout: float = 30.0,
        *,
        local: OxigraphStore | None = None,
        max_length: int = 100_000,
        max_depth: int = 200,
    ) -> None:
        self.endpoint = endpoint
        self.client = httpx.Client(timeout=timeout)
        self.local = local
        self.max_length = max_length
        self.max_depth = max_depth

    def raw(
        self,
        sparql: str,
        accept: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> httpx.Response:
        """The upstream's response to a query, passing on the request's dataset (``default-graph-uri``,
        ``named-graph-uri``) and its base IRI (as a ``BASE`` before the query, which the query's own
        ``BASE`` overrides)."""
        form: dict[str, str | list[str]] = {"query": f"BASE <{base_iri}>\n{sparql}" if base_iri else sparql}
        if default_graphs is not None:
            form["default-graph-uri"] = default_graphs
        if named_graphs is not None:
            form["named-graph-uri"] = named_graphs
        try:
            response = self.client.post(self.endpoint, data=form, headers={"Accept": accept})
        except httpx.TimeoutException as err:
            raise QueryError(f"the SPARQL endpoint did not answer in time: {err}") from err
        except httpx.HTTPError as err:
            raise QueryError(f"the SPARQL endpoint cannot be reached: {err}") from err
        if response.status_code >= 400:
            raise QueryError(
                f"the SPARQL endpoint refused the query ({response.status_code}): {response.text[:300]}"
            )
        return response

    def query(self, sparql: str) -> Result:
        response = self.raw(sparql, "application/sparql-results+json, application/n-triples;q=0.9")
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        if kind == "application/sparql-results+json":
            parsed = ox.parse_query_results(response.content, format=_JSON)
            return rows_of(parsed) if isinstance(parsed, ox.QuerySolutions) else to_result(parsed)
        triples = ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
        return Result("graph", triples=[ox.Triple(t.subject, t.predicate, t.object) for t in triples])

    def check(self, sparql: str) -> None:
        bounds.check(sparql, self.max_length, self.max_depth)

    async def answer(self, request: SparqlRequest, cancelled: Cancelled | None = None) -> Answer:
        """The endpoint's answer, asked in a thread (httpx's synchronous client), passed on as it came."""
        accept = {**SELECT_TYPES, **GRAPH_TYPES}[request.format]
        upstream = await asyncio.to_thread(
            self.raw, request.query, accept, request.default_graphs, request.named_graphs, request.base_iri
        )
        return Answer(upstream.headers.get("content-type", accept), upstream.content, None)

    def dump(self, format: ox.RdfFormat) -> bytes:
        if self.local is not None:
            return self.local.dump(format)
        response = self.raw("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
        triples = ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
        return bytes(
            ox.serialize((ox.Triple(t.subject, t.predicate, t.object) for t in triples), format=format) or b""
        )
