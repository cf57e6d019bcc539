"""An external SPARQL endpoint (an Oxigraph server, Apache Jena Fuseki) as the graph store.

Loaded with the same dump (``GET /graph`` or ``kg/provisions.ttl`` plus ``ontology/`` and ``shapes/``),
it answers the same queries as the embedded store, for deployments that outgrow one process.
"""

from __future__ import annotations

from typing import Any

import httpx
import pyoxigraph as ox

from kg.store.core import QueryError, Result

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _term(j: dict[str, Any]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    kind = j["type"]
    if kind == "uri":
        return ox.NamedNode(j["value"])
    if kind == "bnode":
        return ox.BlankNode(j["value"])
    if "xml:lang" in j:
        return ox.Literal(j["value"], language=j["xml:lang"])
    return ox.Literal(j["value"], datatype=ox.NamedNode(j.get("datatype", _XSD_STRING)))


class SparqlEndpointStore:
    """The store interface over the SPARQL 1.1 Protocol."""

    def __init__(self, endpoint: str, timeout: float = 30.0) -> None:
        self.endpoint = endpoint
        self.client = httpx.Client(timeout=timeout)

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
            data = response.json()
            if "boolean" in data:
                return Result("ask", boolean=bool(data["boolean"]))
            names = data["head"]["vars"]
            rows = [{k: _term(v) for k, v in b.items()} for b in data["results"]["bindings"]]
            return Result("select", names, rows)
        triples = list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
        return Result("graph", triples=[ox.Triple(t.subject, t.predicate, t.object) for t in triples])
