"""Real clients against a live ``aiact serve`` started by the test: SPARQLWrapper and rdflib's
SPARQLStore against /sparql (SELECT, ASK, CONSTRUCT, each result format), httpx against /validate;
and the service pointed at a real external Oxigraph server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
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
    constructed = g.query(CONSTRUCT).graph
    assert constructed is not None and len(constructed) > 5
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
