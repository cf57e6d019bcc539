"""``/sparql`` never fetches: not for SERVICE (refused, however hidden), LOAD (refused), FROM / FROM NAMED
or the dataset parameters (a graph the store does not hold is empty). A local listener stands for the
outside world and must hear nothing. Behind the endpoint's refusals, the query workers cannot open an
outbound connection at all, SERVICE allowed or not."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from kg.store.pool import QueryFailed, QueryPool

JSON = {"accept": "application/sparql-results+json"}


@contextmanager
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A TCP listener on 127.0.0.1; yields its URL and what arrives (every connection, even an empty one)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.1)
    heard: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            conn.settimeout(1)
            try:
                heard.append(conn.recv(65536) or b"(connected)")
            except OSError:
                heard.append(b"(connected)")
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/", heard
        time.sleep(0.3)  # anything on its way arrives
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(query_timeout=5, query_workers=1))) as c:
        yield c


@pytest.fixture(scope="module")
def federated() -> Iterator[TestClient]:
    """SERVICE allowed, on the embedded store."""
    with TestClient(create_app(Settings(query_timeout=5, query_workers=1, allow_service=True))) as c:
        yield c


def test_service_is_refused_and_nothing_is_fetched(client: TestClient, federated: TestClient) -> None:
    with listener() as (url, heard):
        hidden = f'ASK {{ # a comment with """\n SERVICE <{url}sparql> {{ ?s ?p ?o }} }}'
        for c in (client, federated):
            r = c.get("/sparql", params={"query": hidden})
            assert r.status_code == 403 and "SERVICE" in r.json()["detail"], r.text
        assert "no network access" in federated.get("/sparql", params={"query": hidden}).json()["detail"]
    assert heard == []


def test_load_is_refused_and_nothing_is_fetched(client: TestClient) -> None:
    with listener() as (url, heard):
        for form in ({"query": f"LOAD <{url}data.ttl>"}, {"update": f"LOAD <{url}data.ttl>"}):
            assert client.post("/sparql", data=form).status_code == 403
    assert heard == []


def test_from_and_the_dataset_parameters_never_fetch(client: TestClient) -> None:
    with listener() as (url, heard):
        queries = [
            (f"SELECT (COUNT(*) AS ?n) FROM <{url}g.ttl> WHERE {{ ?s ?p ?o }}", {}),
            (f"SELECT (COUNT(*) AS ?n) FROM NAMED <{url}g.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
            ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"default-graph-uri": f"{url}g.ttl"}),
            ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"named-graph-uri": f"{url}g.ttl"}),
        ]
        for query, params in queries:
            r = client.get("/sparql", params={"query": query, **params}, headers=JSON)
            assert r.status_code == 200, r.text
            assert r.json()["results"]["bindings"][0]["n"]["value"] == "0"  # an empty graph
    assert heard == []


@pytest.mark.parametrize(
    ("query", "status"),
    [
        # SPARQL replaces \u escapes before parsing: the engine runs the text the parser read, in which
        # \u0022 opened a long string (an engine reading escapes only in strings saw SERVICE)
        ('ASK {{ FILTER("\\u0022" != "") SERVICE <{url}> {{ ?s ?p ?o }} # """) \n }}', 200),
        ("ASK {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}", 403),
        # a comment ends at a carriage return for the engine, at a line feed for the parser
        ("ASK {{ VALUES ?z {{ 1 }} # a comment\r SERVICE <{url}> {{ ?s ?p ?o }} \n}}", 400),
        ("ASK {{ VALUES ?z {{ 1 }} # a comment\r\n SERVICE <{url}> {{ ?s ?p ?o }} \n}}", 403),
    ],
    ids=["escaped-quote", "escaped-keyword", "lone-cr", "crlf"],
)
def test_what_the_parser_checked_is_what_runs(client: TestClient, query: str, status: int) -> None:
    with listener() as (url, heard):
        direct = {"content-type": "application/sparql-query"}
        r = client.post("/sparql", content=query.format(url=url), headers=direct)
        assert r.status_code == status, r.text
    assert heard == []


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QueryPool]:
    data = Path(tmp_path_factory.mktemp("graph")) / "tiny.ttl"
    data.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    p = QueryPool([data], workers=1, timeout=10)
    yield p
    p.close()


def test_a_worker_cannot_connect_even_when_asked_directly(pool: QueryPool) -> None:
    """The pool is below the endpoint's checks: a SERVICE query sent straight to a worker."""
    with listener() as (url, heard):
        with pytest.raises(QueryFailed, match=r"(?i)permission denied"):
            pool.run(f"SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}")
        silent = pool.run(f"SELECT * WHERE {{ SERVICE SILENT <{url}sparql> {{ ?s ?p ?o }} }}")
        assert json.loads(silent.body)["results"]["bindings"] == [{}]  # SILENT: one empty solution
        assert json.loads(pool.run("ASK { <urn:a> <urn:b> <urn:c> }").body)["boolean"] is True  # answering
    assert heard == []
