"""Real clients against a live ``aiact serve`` started by the test: SPARQLWrapper and rdflib's
SPARQLStore against /sparql (SELECT, ASK, CONSTRUCT, each result format, a dataset of named graphs),
httpx against /validate and for HEAD, CORS, 405 and the service description; and the service pointed at a
real external Oxigraph server, the dataset parameters passed on to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from api.app import create_app
from api.settings import Settings
from tests.api_fixtures import live_server, oxigraph_server

ROOT = Path(__file__).parent.parent
ART53 = "https://w3id.org/aiact-kg/id/art_53"
NOTATION = "http://www.w3.org/2004/02/skos/core#notation"
SELECT = f"SELECT ?n WHERE {{ <{ART53}> <{NOTATION}> ?n }}"
CONSTRUCT = f"CONSTRUCT {{ <{ART53}> ?p ?o }} WHERE {{ <{ART53}> ?p ?o }}"
GRAPH = "https://w3id.org/aiact-kg/graph/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
NAMED = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with live_server() as url:
        yield url


def _wrapper(base: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    w = SPARQLWrapper(f"{base}/sparql")
    w.setQuery(query)
    w.setReturnFormat(fmt)
    w.setMethod(method)
    return w


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json(base: str, method: str) -> None:
    data = _wrapper(base, SELECT, JSON, method).query().convert()
    assert [b["n"]["value"] for b in data["results"]["bindings"]] == ["Art. 53"]


def test_sparqlwrapper_select_xml_csv_tsv(base: str) -> None:
    xml = _wrapper(base, SELECT, XML).query().convert()
    assert "Art. 53" in xml.toxml()
    assert _wrapper(base, SELECT, CSV).query().convert().decode().splitlines() == ["n", "Art. 53"]
    assert '"Art. 53"' in _wrapper(base, SELECT, TSV).query().convert().decode()


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(base: str, fmt: str) -> None:
    result = _wrapper(base, f"ASK {{ <{ART53}> ?p ?o }}", fmt).query().convert()
    assert (result["boolean"] if fmt == JSON else "true" in result.toxml()) is True


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML])
def test_sparqlwrapper_construct(base: str, fmt: str) -> None:
    result = _wrapper(base, CONSTRUCT, fmt).query().convert()
    g = (
        result
        if isinstance(result, Graph)
        else Graph().parse(data=result, format="turtle" if fmt != RDFXML else "xml")
    )
    assert (URIRef(ART53), URIRef(NOTATION), Literal("Art. 53")) in g


def test_rdflib_sparqlstore(base: str) -> None:
    g = Graph(store=SPARQLStore(f"{base}/sparql", returnFormat="json"))
    assert [str(r[0]) for r in g.query(SELECT)] == ["Art. 53"]
    assert g.query(f"ASK {{ <{ART53}> ?p ?o }}").askAnswer is True
    # rdflib's default return format accepts results and RDF/XML alike; with "json" it asks a CONSTRUCT for
    # SPARQL JSON results, which no graph can be sent as: a 406 (as Oxigraph's own server answers)
    default = Graph(store=SPARQLStore(f"{base}/sparql"))
    constructed = default.query(CONSTRUCT).graph
    assert constructed is not None and len(constructed) > 5
    with pytest.raises(ValueError):
        g.query(CONSTRUCT)
    assert (URIRef(ART53), URIRef(NOTATION), Literal("Art. 53")) in g


def test_httpx_validate(base: str) -> None:
    body = (ROOT / "examples" / "closed-frontier-model.json").read_bytes()
    r = httpx.post(
        f"{base}/validate",
        params={"as_of": "2026-11-24"},
        content=body,
        headers={"content-type": "application/json"},
        timeout=60,
    )
    report = r.json()
    assert r.status_code == 200 and report["conforms"] is False
    assert report["classification"]["systemic_risk"]["value"] is True
    assert {v["path"] for v in report["violations"]} == {
        "documentation.adversarial_testing",
        "documentation.system_architecture",
    }


def test_service_on_an_external_oxigraph_server(tmp_path: Path) -> None:
    with oxigraph_server(tmp_path) as endpoint:
        app = create_app(Settings(sparql_endpoint=endpoint, query_timeout=20))
        with TestClient(app) as client:
            assert client.get("/health").json()["store"] == endpoint
            r = client.get(
                "/sparql", params={"query": SELECT}, headers={"accept": "application/sparql-results+json"}
            )
            assert [b["n"]["value"] for b in r.json()["results"]["bindings"]] == ["Art. 53"]
            info = client.get("/provisions/Art. 53(1)").json()
            assert info["children"] == ["Art. 53(1)(a)", "Art. 53(1)(b)", "Art. 53(1)(c)", "Art. 53(1)(d)"]
            assert {"target": "Annex XI", "from": "Art. 53(1)(a)", "text": "Annex XI"} in info["references"]
            assert client.post("/sparql", data={"update": "CLEAR ALL"}).status_code == 403


def _count(base: str, **dataset: str) -> int:
    pairs = [("query", COUNT), *((k.replace("_", "-"), v) for k, v in dataset.items())]
    r = httpx.get(f"{base}/sparql", params=pairs, headers={"accept": "application/sparql-results+json"})
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_rdflib_sparqlstore_graph_scoped_to_a_named_graph(base: str) -> None:
    """A Graph over SPARQLStore with a named graph's identifier sees that graph only (default-graph-uri)."""
    store = SPARQLStore(f"{base}/sparql", returnFormat="json")
    whole, shapes = Graph(store=store), Graph(store=store, identifier=URIRef(GRAPH + "shapes"))
    assert len(shapes) == _count(base, default_graph_uri=GRAPH + "shapes") and 0 < len(shapes) < len(whole)
    notation = (URIRef(ART53), URIRef(NOTATION), Literal("Art. 53"))
    assert notation in whole and notation not in shapes
    shape_types = {URIRef("http://www.w3.org/ns/shacl#" + t) for t in ("NodeShape", "PropertyShape")}
    assert {o for o in shapes.objects(predicate=RDF.type)} <= shape_types | {
        URIRef("http://www.w3.org/ns/shacl#SPARQLConstraint")
    }
    assert [int(r[0]) for r in shapes.query(COUNT)] == [len(shapes)]  # queries too are scoped


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_default_and_named_graphs(base: str, method: str) -> None:
    w = _wrapper(base, COUNT, JSON, method)
    w.addDefaultGraph(GRAPH + "ontology")
    w.addDefaultGraph(GRAPH + "shapes")
    n = int(w.query().convert()["results"]["bindings"][0]["n"]["value"])
    assert n == _count(base, default_graph_uri=GRAPH + "ontology") + _count(
        base, default_graph_uri=GRAPH + "shapes"
    )
    w = _wrapper(base, NAMED, JSON, method)
    w.addNamedGraph(GRAPH + "ontology")
    assert [b["g"]["value"] for b in w.query().convert()["results"]["bindings"]] == [GRAPH + "ontology"]


def test_http_exchanges_on_a_live_server(base: str) -> None:
    get = httpx.get(f"{base}/sparql", params={"query": "ASK {}"})
    head = httpx.head(f"{base}/sparql", params={"query": "ASK {}"})
    assert head.status_code == 200 and head.content == b""
    assert (
        head.headers["content-length"] == get.headers["content-length"] and "Accept" in head.headers["vary"]
    )
    put = httpx.put(f"{base}/sparql")
    assert put.status_code == 405 and put.headers["allow"] == "GET, HEAD, POST"
    preflight = httpx.options(
        f"{base}/sparql",
        headers={"origin": "https://yasgui.example", "access-control-request-method": "POST",
                 "access-control-request-headers": "content-type"},
    )  # fmt: skip
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == "*"
    description = Graph().parse(data=httpx.get(f"{base}/sparql").text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (URIRef(f"{base}/sparql"), URIRef(sd + "endpoint"), URIRef(f"{base}/sparql")) in description
    r = httpx.get(f"{base}/sparql", params={"query": "ASK {}"}, headers={"accept": "text/*"})
    assert r.headers["content-type"].startswith("text/csv")


def test_the_dataset_is_passed_on_to_an_external_store(tmp_path: Path) -> None:
    with (
        oxigraph_server(tmp_path, named_graphs=True) as endpoint,
        TestClient(create_app(Settings(sparql_endpoint=endpoint, query_timeout=20))) as client,
    ):
        json_results = {"accept": "application/sparql-results+json"}

        def rows(*pairs: tuple[str, str]) -> list[dict[str, dict[str, str]]]:
            r = client.get("/sparql", params=list(pairs), headers=json_results)
            assert r.status_code == 200, r.text
            bindings: list[dict[str, dict[str, str]]] = r.json()["results"]["bindings"]
            return bindings

        whole = int(rows(("query", COUNT))[0]["n"]["value"])
        shapes = int(rows(("query", COUNT), ("default-graph-uri", GRAPH + "shapes"))[0]["n"]["value"])
        assert 0 < shapes < whole
        named = rows(("query", NAMED), ("named-graph-uri", GRAPH + "ontology"))
        assert [b["g"]["value"] for b in named] == [GRAPH + "ontology"]
        base_iri = rows(("query", "SELECT ?iri WHERE { BIND(<x> AS ?iri) }"))
        assert base_iri[0]["iri"]["value"] == "http://testserver/x"
        description = Graph().parse(data=client.get("/sparql").text, format="turtle")
        sd = "http://www.w3.org/ns/sparql-service-description#"
        names = set(description.objects(predicate=URIRef(sd + "name")))
        assert names == {URIRef(GRAPH + g) for g in ("provisions", "ontology", "shapes")}
        service = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
        assert client.get("/sparql", params={"query": service}).status_code == 403
