"""The one store seam (``kg.store.protocol.Store``): every store answers a SPARQL request serialised, within
its row limit, and dumps the default graph; the service holds one copy of the dataset in its own process."""

from __future__ import annotations

import asyncio
import csv
import io
import json

import pyoxigraph as ox
import pytest

from kg.store.answers import SparqlRequest, serialise
from kg.store.core import OxigraphStore, Result, rows_of
from kg.store.embedded import EmbeddedStore
from kg.store.errors import QueryError, TooManyRows
from kg.store.protocol import Store
from kg.store.remote import SparqlEndpointStore

ODD = 'x,"y"\n\tz'  # a comma, quotes, a newline and a tab: one solution all the same


@pytest.fixture(scope="module")
def small() -> OxigraphStore:
    s = OxigraphStore([], max_rows=5)
    p = ox.NamedNode("urn:p")
    for i in range(8):
        s.store.add(ox.Quad(ox.NamedNode(f"urn:s{i}"), p, ox.Literal(f"{ODD}{i}", language="en")))
    s.store.add(ox.Quad(ox.BlankNode("b"), p, ox.Literal("1", datatype=ox.NamedNode(XSD_INTEGER))))
    return s


XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def test_every_store_is_a_store(small: OxigraphStore) -> None:
    stores: list[Store] = [small, SparqlEndpointStore("http://127.0.0.1:9/sparql", local=small)]
    assert [s.federated for s in stores] == [False, True]
    assert EmbeddedStore.federated is False


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_the_row_limit_holds_in_every_format(small: OxigraphStore, fmt: str) -> None:
    with pytest.raises(TooManyRows, match="more than 5 rows"):
        asyncio.run(small.answer(SparqlRequest("SELECT * WHERE { ?s ?p ?o }", fmt)))
    answer = asyncio.run(small.answer(SparqlRequest("SELECT * WHERE { ?s ?p ?o } LIMIT 5", fmt)))
    assert answer.rows == 5


def test_solutions_with_newlines_and_tabs_are_counted_and_kept(small: OxigraphStore) -> None:
    query = 'SELECT ?s ?o WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?o), "x")) } ORDER BY ?s LIMIT 3'
    answer = serialise(small.store.query(query), "csv", "turtle", 3)
    assert answer.rows == 3 and answer.media_type == "text/csv"
    table = list(csv.reader(io.StringIO(answer.body.decode())))
    assert table[0] == ["s", "o"] and [r[1] for r in table[1:]] == [f"{ODD}{i}" for i in range(3)]
    xml = serialise(small.store.query(query), "xml", "turtle", 3).body.decode()
    assert xml.count("<result>") == 3 and 'xml:lang="en"' in xml


def test_json_results_keep_their_terms(small: OxigraphStore) -> None:
    answer = serialise(
        small.store.query("SELECT ?o WHERE { _:x <urn:p> ?o FILTER(ISNUMERIC(?o)) }"), "json", "", 9
    )
    [binding] = json.loads(answer.body)["results"]["bindings"]
    assert binding["o"] == {"type": "literal", "value": "1", "datatype": XSD_INTEGER}


def test_booleans_and_graphs(small: OxigraphStore) -> None:
    ask = asyncio.run(small.answer(SparqlRequest("ASK { ?s ?p ?o }", "xml")))
    assert "<boolean>true</boolean>" in ask.body.decode()
    assert asyncio.run(small.answer(SparqlRequest("ASK {}", "csv"))).body == b"boolean\r\ntrue\r\n"
    graph = asyncio.run(small.answer(SparqlRequest("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2", "ntriples")))
    assert graph.media_type == "application/n-triples" and graph.rows == 2
    with pytest.raises(TooManyRows, match="more than 5 triples"):
        asyncio.run(small.answer(SparqlRequest("CONSTRUCT WHERE { ?s ?p ?o }", "turtle")))


def test_the_request_dataset_replaces_the_store_default(small: OxigraphStore) -> None:
    request = SparqlRequest("ASK { ?s ?p ?o }", "json", default_graphs=["urn:absent"], named_graphs=[])
    assert json.loads(asyncio.run(small.answer(request)).body)["boolean"] is False
    with pytest.raises(QueryError, match="cannot run"):
        asyncio.run(small.answer(SparqlRequest("SELECT WHERE {", "json")))


def test_rows_are_written_once_and_leave_unbound_variables_out(small: OxigraphStore) -> None:
    raw = small.store.query("SELECT ?s ?u WHERE { ?s <urn:p> ?o OPTIONAL { ?s <urn:q> ?u } } LIMIT 2")
    assert isinstance(raw, ox.QuerySolutions)
    result = rows_of(raw)
    assert result == Result("select", ["s", "u"], result.rows) and all(set(r) == {"s"} for r in result.rows)


def test_the_dump_is_the_default_graph(small: OxigraphStore) -> None:
    dump = small.dump(ox.RdfFormat.N_TRIPLES)
    assert len(list(ox.parse(dump, format=ox.RdfFormat.N_TRIPLES))) == len(small)
    external = SparqlEndpointStore("http://127.0.0.1:9/sparql", local=small)  # never asked: the local copy
    assert external.dump(ox.RdfFormat.N_TRIPLES) == dump


def test_an_external_store_checks_the_same_bounds() -> None:
    external = SparqlEndpointStore("http://127.0.0.1:9/sparql", max_length=10, max_depth=2)
    with pytest.raises(QueryError, match="11 characters long"):
        external.check("x" * 11)
    with pytest.raises(QueryError, match="3 levels deep"):
        external.check("{{{}}}")


def test_the_service_holds_one_copy_of_the_dataset_in_its_process() -> None:
    from api.settings import Settings
    from api.state import Services

    services = Services(Settings(query_workers=1))
    try:
        assert isinstance(services.store, EmbeddedStore) and services.store.local is services.local
        assert services.engine.act.store is services.local  # the rules' graphs go into the same store
        assert services.store.dump(ox.RdfFormat.N_TRIPLES) == services.local.dump(ox.RdfFormat.N_TRIPLES)
    finally:
        services.close()
