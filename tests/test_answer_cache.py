"""Kept answers of the embedded store (kg.store.answer_cache): a repeated query is answered without a
worker, byte for byte as the worker answered it; what may change between runs, errors and other
datasets or formats are never answered from the cache; the cache stays within its bytes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from kg.store.answer_cache import AnswerCache, key_of
from kg.store.answers import Answer, SparqlRequest
from kg.store.embedded import EmbeddedStore
from kg.store.errors import TooManyRows

Q = "SELECT ?n WHERE { ?p <http://www.w3.org/2004/02/skos/core#notation> ?n } ORDER BY ?n LIMIT 3"


class CountingPool:
    """Stands in for the worker pool: counts the queries that reach it, answers each with a new body."""

    def __init__(self, fail: BaseException | None = None) -> None:
        self.calls: list[str] = []
        self.fail = fail

    async def run_async(self, sparql: str, *_: Any, **__: Any) -> Answer:
        self.calls.append(sparql)
        if self.fail is not None:
            raise self.fail
        return Answer("application/sparql-results+json", f"answer {len(self.calls)}".encode(), 1)


def _ask(store: EmbeddedStore, request: SparqlRequest) -> Answer:
    return asyncio.run(store.answer(request))


def test_a_repeated_query_is_answered_once_by_a_worker() -> None:
    pool = CountingPool()
    store = EmbeddedStore(None, pool, cache=1 << 20)  # type: ignore[arg-type]
    first, again = _ask(store, SparqlRequest(Q)), _ask(store, SparqlRequest(Q))
    assert again == first and len(pool.calls) == 1
    assert store.answers.hits == 1


@pytest.mark.parametrize(
    "other",
    [
        SparqlRequest(Q, "xml"),  # another format
        SparqlRequest(Q, default_graphs=["https://w3id.org/aiact-kg/graph/provisions"]),  # another dataset
        SparqlRequest(Q, named_graphs=[]),
        SparqlRequest(Q, base_iri="http://example.org/sparql"),  # relative IRIs resolve elsewhere
        SparqlRequest(Q + " "),  # another text
    ],
)
def test_what_decides_the_answer_is_in_the_key(other: SparqlRequest) -> None:
    pool = CountingPool()
    store = EmbeddedStore(None, pool, cache=1 << 20)  # type: ignore[arg-type]
    _ask(store, SparqlRequest(Q))
    assert _ask(store, other).body == b"answer 2" and len(pool.calls) == 2


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (NOW() AS ?t) {}",
        "SELECT (rand() AS ?r) {}",
        "SELECT (UUID() AS ?u) {}",
        "SELECT (STRUUID () AS ?u) {}",
        "CONSTRUCT { ?s <http://example.org/p> ?b } WHERE { ?s ?p ?o BIND(BNODE() AS ?b) } LIMIT 1",
    ],
)
def test_a_query_whose_answer_may_change_is_never_kept(query: str) -> None:
    pool = CountingPool()
    store = EmbeddedStore(None, pool, cache=1 << 20)  # type: ignore[arg-type]
    assert key_of(SparqlRequest(query)) is None
    assert _ask(store, SparqlRequest(query)) != _ask(store, SparqlRequest(query))
    assert len(pool.calls) == 2


def test_an_error_is_never_kept() -> None:
    pool = CountingPool(fail=TooManyRows("more than 3 rows"))
    store = EmbeddedStore(None, pool, cache=1 << 20)  # type: ignore[arg-type]
    for _ in range(2):
        with pytest.raises(TooManyRows):
            _ask(store, SparqlRequest(Q))
    assert len(pool.calls) == 2 and len(store.answers) == 0


def test_the_cache_keeps_within_its_bytes_least_recently_used_out_first() -> None:
    cache = AnswerCache(8000)
    answer = Answer("text/csv", b"x" * 700, 1)
    keys = [key_of(SparqlRequest(f"SELECT * {{}} LIMIT {i}")) for i in range(20)]
    for k in keys:
        cache.put(k, answer)
        assert cache.size <= 8000
    assert cache.get(keys[0]) is None and cache.get(keys[-1]) == answer
    cache.put(keys[0], Answer("text/csv", b"y" * 1001, 1))  # over an eighth of the capacity
    assert cache.get(keys[0]) is None
    off = AnswerCache(0)
    off.put(keys[1], answer)
    assert off.get(keys[1]) is None and len(off) == 0


def test_the_service_answers_a_repeated_query_the_same_bytes_from_its_cache() -> None:
    with TestClient(create_app(Settings(query_workers=1))) as client:
        store = client.app.state.services.store  # type: ignore[attr-defined]
        first = client.get("/sparql", params={"query": Q}, headers={"accept": "text/csv"})
        again = client.get("/sparql", params={"query": Q}, headers={"accept": "text/csv"})
        assert first.status_code == again.status_code == 200
        assert again.content == first.content
        assert again.headers["content-type"] == first.headers["content-type"]
        assert store.answers.hits == 1
        as_json = client.get("/sparql", params={"query": Q})  # another format: asked of a worker
        assert as_json.headers["content-type"].startswith("application/sparql-results+json")
        assert store.answers.hits == 1
    with TestClient(create_app(Settings(query_workers=1, answer_cache=0))) as client:
        store = client.app.state.services.store  # type: ignore[attr-defined]
        for _ in range(2):
            client.get("/sparql", params={"query": Q})
        assert store.answers.hits == 0 and len(store.answers) == 0
