"""``GET /sparql`` without a query: the SPARQL 1.1 Service Description, parsed with rdflib and checked —
the endpoint, the language, the result formats, the features, the dataset with each named graph and its
triple count, the limits — in each RDF format by content negotiation."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from api.app import create_app
from api.settings import Settings
from api.sparql_description import AIKG, FORMATS, SD, VOID, description
from kg.store.core import OxigraphStore
from tests.test_protocol import GRAPH, JSON, client, count, problem

__all__ = ["client"]  # the fixture, shared with test_protocol


def test_the_service_description(client: TestClient) -> None:
    r = client.get("/sparql")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    service = URIRef("http://testserver/sparql")
    assert (service, RDF.type, SD.Service) in g and (service, SD.endpoint, service) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert set(g.objects(service, SD.resultFormat)) == {
        FORMATS[f]
        for f in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML")
    }  # fmt: skip
    assert set(g.objects(service, SD.feature)) == {SD.UnionDefaultGraph}  # no BasicFederatedQuery
    dataset = g.value(service, SD.defaultDataset)
    assert g.value(g.value(dataset, SD.defaultGraph), VOID.triples) == Literal(count(client, {}))
    named = {
        g.value(n, SD.name): g.value(g.value(n, SD.graph), VOID.triples)
        for n in g.objects(dataset, SD.namedGraph)
    }
    assert named == {
        URIRef(GRAPH + name): Literal(count(client, {"default-graph-uri": GRAPH + name}))
        for name in ("provisions", "ontology", "shapes")
    }
    assert g.value(service, AIKG.queryTimeout).toPython() == 5
    assert g.value(service, AIKG.maxResultRows).toPython() == 500
    for prop in ("queryTimeout", "maxResultRows", "maxQueryLength", "maxQueryDepth"):
        assert g.value(AIKG[prop], RDF.type) == RDF.Property and g.value(AIKG[prop], RDFS.comment)


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("application/ld+json", "json-ld"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml")],
)
def test_the_service_description_by_content_negotiation(client: TestClient, accept: str, fmt: str) -> None:
    turtle = Graph().parse(data=client.get("/sparql").text, format="turtle")
    r = client.get("/sparql", headers={"accept": accept})
    assert r.headers["content-type"].startswith(accept) and "Accept" in r.headers["vary"]
    assert isomorphic(Graph().parse(data=r.text, format=fmt), turtle)
    problem(client.get("/sparql", headers={"accept": "application/sparql-results+json"}), 406, "description")


def test_the_description_names_the_public_endpoint_and_federation_only_where_it_runs() -> None:
    store = OxigraphStore(named_graphs=True)
    public = "https://w3id.org/aiact-kg/sparql"
    embedded = description(public, Settings(allow_service=True), store)
    assert (URIRef(public), SD.endpoint, URIRef(public)) in embedded
    assert (URIRef(public), SD.feature, SD.BasicFederatedQuery) not in embedded  # workers have no network
    external = description(public, Settings(allow_service=True, sparql_endpoint="http://upstream/"), store)
    assert (URIRef(public), SD.feature, SD.BasicFederatedQuery) in external
    assert external.value(URIRef(public), AIKG.maxResultRows) is None  # not enforced on an external store


def test_the_public_endpoint_url_is_the_name_and_the_base() -> None:
    public = "https://w3id.org/aiact-kg/sparql"
    with TestClient(create_app(Settings(endpoint_url=public, query_workers=1))) as c:
        r = c.get(
            "/sparql", params={"query": "SELECT ?iri WHERE { BIND(<id/art_53> AS ?iri) }"}, headers=JSON
        )
        assert r.json()["results"]["bindings"][0]["iri"]["value"] == "https://w3id.org/aiact-kg/id/art_53"
        g = Graph().parse(data=c.get("/sparql").text, format="turtle")
        assert g.value(predicate=SD.endpoint, object=URIRef(public)) == URIRef(public)
