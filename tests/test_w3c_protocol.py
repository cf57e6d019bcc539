"""The W3C SPARQL 1.1 Protocol tests (tests/w3c/protocol, vendored unmodified), every one of them, each run
as the HTTP exchanges its manifest describes, adapted to a read-only service that never fetches:

- dataset tests (those with ``ut:graphData``) name the test's own graphs; they are mapped to the service's
  named graphs, and each ``<dataN.rdf> a ?type`` to a resource of that graph with its type. Each is run a
  second time with the dataset's graphs replaced by one the service does not hold: the ASK must then be
  false, which shows that the dataset parameters are obeyed (the default graph holds everything);
- update tests must be refused (403), and their follow-up check finds nothing changed;
- every other test runs as written (path ``/sparql/`` is the service's ``/sparql``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection

from api.app import create_app
from api.settings import Settings

SUITE = Path(__file__).parent / "w3c" / "protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
KASEI = "http://kasei.us/2009/09/sparql/data/"
OURS = "https://w3id.org/aiact-kg/"
# data IRI of the suite: (the service's named graph, a resource of that graph with its type)
DATA = {
    f"{KASEI}data1.rdf": (f"{OURS}graph/provisions", f"<{OURS}id/art_53> a <{OURS}ontology#Article>"),
    f"{KASEI}data2.rdf": (f"{OURS}graph/ontology", f"<{OURS}ontology> a <http://www.w3.org/2002/07/owl#Ontology>"),
    f"{KASEI}data3.rdf": (f"{OURS}graph/shapes", f"<{OURS}id/shape/art55-1-d> a <http://www.w3.org/ns/shacl#NodeShape>"),
}  # fmt: skip
ABSENT = "http://example.org/no-such-graph"
TABULAR = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values"}  # fmt: skip
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
             "application/ld+json": "json-ld"}  # fmt: skip
COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } } GROUP BY ?g"


@dataclass
class Exchange:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]  # classes: 2 for 2xx, ...
    boolean: bool | None
    form: str | None  # boolean, tabular, RDF


@dataclass
class W3CTest:
    name: str
    exchanges: list[Exchange]
    dataset: bool
    update: bool


def _manifest() -> tuple[list[str], list[W3CTest]]:
    g = Graph().parse(SUITE / "manifest.ttl", format="turtle")
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    entries = list(Collection(g, g.value(manifest, MF.entries)))
    tests = []
    for entry in entries:
        name = str(entry).rsplit("#", 1)[1]
        action = g.value(entry, MF.action)
        exchanges = [_exchange(g, r) for r in Collection(g, g.value(action, HT.requests))]
        dataset = g.value(entry, UT.graphData) is not None
        tests.append(W3CTest(name, exchanges, dataset, name.startswith("update_")))
    return [str(e).rsplit("#", 1)[1] for e in entries], tests


def _exchange(g: Graph, request: Any) -> Exchange:
    headers = {}
    if (listed := g.value(request, HT.headers)) is not None:
        for h in Collection(g, listed):
            headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
    body = None
    if (content := g.value(request, HT.body)) is not None:
        encoding = str(g.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(g.value(content, CNT.chars)).encode(encoding)
    resp = g.value(request, HT.resp)
    statuses = {int(str(s).removeprefix(HTS)[0]) for s in g.objects(resp, MF.expectedStatus)}
    boolean = g.value(resp, MF.expectedBoolean)
    form = g.value(resp, MF.expectedFormat)
    return Exchange(
        str(g.value(request, HT.methodName)),
        str(g.value(request, HT.absolutePath)),
        headers,
        body,
        statuses,
        None if boolean is None else bool(boolean.toPython()),
        None if form is None else str(form),
    )


ENTRIES, TESTS = _manifest()


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(query_timeout=10, query_workers=2))) as c:
        yield c


def _adapt_text(text: str, absent: bool) -> str:
    for iri, (graph, resource) in DATA.items():
        text = text.replace(f"<{iri}> a ?type", resource)
        text = text.replace(f"<{iri}>", f"<{ABSENT if absent else graph}>")
    return text


def _adapt_pairs(pairs: list[tuple[str, str]], absent: bool) -> list[tuple[str, str]]:
    out = []
    for key, value in pairs:
        if key in ("default-graph-uri", "named-graph-uri") and value in DATA:
            value = ABSENT if absent else DATA[value][0]
        elif key == "query":
            value = _adapt_text(value, absent)
        out.append((key, value))
    return out


def _request(exchange: Exchange, dataset: bool, absent: bool = False) -> tuple[str, bytes | None]:
    """The path and body to send: /sparql/ is /sparql; a dataset test's graphs are the service's."""
    path, _, query = exchange.path.partition("?")
    path = "/sparql" + path.removeprefix("/sparql/").removeprefix("/sparql")
    body = exchange.body
    if dataset:
        query = urlencode(_adapt_pairs(parse_qsl(query, keep_blank_values=True), absent))
        media = exchange.headers.get("content-type", "")
        if body is not None and media == "application/x-www-form-urlencoded":
            body = urlencode(_adapt_pairs(parse_qsl(body.decode(), keep_blank_values=True), absent)).encode()
        elif body is not None and media == "application/sparql-query":
            body = _adapt_text(body.decode(), absent).encode()
    return (f"{path}?{query}" if query else path), body


def _send(client: TestClient, exchange: Exchange, dataset: bool, absent: bool = False) -> Any:
    path, body = _request(exchange, dataset, absent)
    return client.request(exchange.method, path, content=body, headers=exchange.headers)


def _boolean(response: Any) -> bool:
    media = response.headers["content-type"].split(";")[0]
    if media == "application/sparql-results+json":
        return bool(json.loads(response.text)["boolean"])
    assert media == "application/sparql-results+xml", media
    found = re.search(r"<boolean>(true|false)</boolean>", response.text)
    assert found, response.text
    return found[1] == "true"


def _check(response: Any, exchange: Exchange, boolean: bool | None) -> None:
    assert response.status_code // 100 in exchange.statuses, (response.status_code, response.text)
    media = response.headers.get("content-type", "").split(";")[0]
    if exchange.form == "boolean":
        assert _boolean(response) is boolean if boolean is not None else isinstance(_boolean(response), bool)
    elif exchange.form == "tabular":
        assert media in TABULAR, media
    elif exchange.form == "RDF":
        assert media in RDF_TYPES, media
        Graph().parse(data=response.content, format=RDF_TYPES[media])


def _counts(client: TestClient) -> list[Any]:
    r = client.get("/sparql", params={"query": COUNTS}, headers={"accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return sorted(json.dumps(b, sort_keys=True) for b in r.json()["results"]["bindings"])


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_protocol(client: TestClient, test: W3CTest) -> None:
    if test.update:  # read-only: the update is refused, and the check that follows finds nothing changed
        before = _counts(client)
        first, *checks = test.exchanges
        refused = _send(client, first, dataset=False)
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        for check in checks:
            _check(_send(client, check, dataset=False), check, boolean=False)
        assert _counts(client) == before
        return
    for exchange in test.exchanges:
        _check(_send(client, exchange, test.dataset), exchange, exchange.boolean)
        if test.dataset:  # the same with the dataset's graphs swapped for one the service does not hold
            _check(_send(client, exchange, test.dataset, absent=True), exchange, boolean=False)


def test_every_w3c_test_of_the_manifest_runs() -> None:
    """The suite cannot shrink unseen: every entry of the vendored manifest is one case above."""
    assert len(ENTRIES) == 34
    assert [t.name for t in TESTS] == ENTRIES
    assert sum(t.dataset for t in TESTS) == 6 and sum(t.update for t in TESTS) == 7
    assert all(t.exchanges for t in TESTS)


def test_the_vendored_files_are_unmodified() -> None:
    readme = (SUITE / "README.md").read_text(encoding="utf-8")
    for name, digest in re.findall(r"\| `([\w.]+)` \| `([0-9a-f]{64})` \|", readme):
        assert hashlib.sha256((SUITE / name).read_bytes()).hexdigest() == digest, name
    vendored = {p.name for p in SUITE.iterdir()}
    assert {"manifest.ttl", "data1.nt", "data2.nt", "data3.nt", "LICENSE.md"} <= vendored
    assert "W3C Test Suite License" in (SUITE / "LICENSE-W3C-TEST-SUITE").read_text(encoding="utf-8")


def test_the_dataset_adaptation_maps_onto_the_service(client: TestClient) -> None:
    """Each resource the adapted tests look for is in its named graph and in no other."""
    for graph, resource in DATA.values():
        ask = f"ASK {{ GRAPH ?g {{ {resource} }} FILTER(?g != <{graph}>) }}"
        assert client.get("/sparql", params={"query": ask}).json()["boolean"] is False
        ask = f"ASK {{ GRAPH <{graph}> {{ {resource} }} }}"
        assert client.get("/sparql", params={"query": ask}).json()["boolean"] is True
    assert URIRef(ABSENT) not in {URIRef(g) for g, _ in DATA.values()}
