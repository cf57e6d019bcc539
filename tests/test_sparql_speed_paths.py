"""The fast paths of the SPARQL endpoint and of start-up keep the behaviour of the slow ones: the parse cache
(``kg.store.syntax.ReadCache``) gives the parser's own verdict for the exact text it was given, never another
text's, and refuses SERVICE and updates every time; the background start (``api.state.Starting``, the
workers started in a thread) answers the requests that come during it correctly, not with errors."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.state import Services, Starting
from kg.store import syntax
from kg.store.core import default_files
from kg.store.pool import QueryPool

ROOT = Path(__file__).parent.parent
EXAMPLE = (ROOT / "examples" / "documented-model.json").read_bytes()
BASE = "http://testserver/sparql"
SKOS = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
ARTICLE_53 = SKOS + 'SELECT ?p WHERE { ?p skos:notation "Art. 53" }'
REFUSED = {
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }": "federated queries (SERVICE)",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://example.org/> { ?s ?q ?x } } }": "SERVICE",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }": "read-only",
    "LOAD <http://example.org/data.ttl>": "LOAD would fetch",
    "DELETE WHERE { ?s ?p ?o }": "read-only",
}


@pytest.fixture(scope="module")
def client() -> Any:
    with TestClient(create_app()) as c:
        yield c


@pytest.fixture
def fresh_cache() -> Any:
    syntax.CACHE.clear()
    yield syntax.CACHE
    syntax.CACHE.clear()


@pytest.mark.parametrize("query", list(REFUSED))
def test_a_refused_text_is_refused_every_time_it_comes(client: TestClient, query: str) -> None:
    syntax.CACHE.clear()
    for _ in range(3):  # the first parses, the others come from the cache
        r = client.post("/sparql", content=query, headers={"content-type": "application/sparql-query"})
        assert r.status_code == 403 and REFUSED[query] in r.json()["detail"]
    assert syntax.cached(query, BASE) is not None  # it was read from the cache indeed


def test_the_cached_verdict_is_the_parsers_own(fresh_cache: syntax.ReadCache) -> None:
    texts = [ARTICLE_53, *REFUSED, "ASK { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"]
    for text in texts:
        first = syntax.read(text, BASE)
        assert syntax.read(text, BASE) == first == syntax.parse(text, BASE)
    assert fresh_cache.hits >= len(texts) and len(fresh_cache) == len(texts)


def test_a_cached_decision_is_not_given_to_another_text(client: TestClient, fresh_cache: Any) -> None:
    """Texts a character apart, one hiding SERVICE in a comment or a string, each get their own parse."""
    harmless = "SELECT * WHERE { ?s ?p ?o } LIMIT 1 # SERVICE <http://example.org/> { }"
    service = "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } } LIMIT 1"
    in_string = 'SELECT * WHERE { ?s ?p "SERVICE <http://example.org/> { }" } LIMIT 1'
    for text in (harmless, in_string, service, harmless + " ", service.replace("LIMIT 1", "LIMIT 2")):
        syntax.read(text, BASE)
    assert syntax.read(harmless, BASE) == syntax.Query("select", False, harmless)
    assert syntax.read(in_string, BASE) == syntax.Query("select", False, in_string)
    assert syntax.read(service, BASE).service is True  # type: ignore[union-attr]
    assert syntax.read(service.replace("LIMIT 1", "LIMIT 2"), BASE).service is True  # type: ignore[union-attr]
    post = {"content-type": "application/sparql-query"}
    assert client.post("/sparql", content=harmless, headers=post).status_code == 200
    assert client.post("/sparql", content=service, headers=post).status_code == 403
    assert client.post("/sparql", content=harmless, headers=post).status_code == 200
    escaped = "SELECT * WHERE { \\u0053ERVICE <http://example.org/> { ?s ?p ?o } }"  # \u0053 is S
    assert syntax.read(escaped, BASE).service is True  # type: ignore[union-attr]
    assert client.post("/sparql", content=escaped, headers=post).status_code == 403


def test_the_base_iri_is_part_of_the_key(fresh_cache: syntax.ReadCache) -> None:
    syntax.read(ARTICLE_53, "http://a.example/sparql")
    assert syntax.cached(ARTICLE_53, "http://b.example/sparql") is None
    assert syntax.cached(ARTICLE_53, "http://a.example/sparql") is not None


def test_a_syntax_error_is_kept_and_raised_afresh_each_time(fresh_cache: syntax.ReadCache) -> None:
    raised = []
    for _ in range(2):
        with pytest.raises(syntax.SparqlSyntaxError) as err:
            syntax.read("SELECT ?x WHERE { ?x ?y }", BASE)
        raised.append(err.value)
    assert raised[0] is not raised[1]
    assert str(raised[0]) == str(raised[1]) and (raised[0].line, raised[0].column) == (
        raised[1].line,
        raised[1].column,
    )
    assert raised[1].line == 1 and fresh_cache.hits >= 1


def test_the_cache_is_bounded_by_entries_characters_and_text_length() -> None:
    cache = syntax.ReadCache(entries=2, characters=100, max_text=60)
    verdict = syntax.Query("ask", False, "ASK {}")
    cache.put("a", None, verdict)
    cache.put("b", None, verdict)
    assert cache.get("a", None) is verdict  # a is now the most recent
    cache.put("c", None, verdict)
    assert cache.get("b", None) is None and cache.get("a", None) is verdict and len(cache) == 2
    cache.put("x" * 61, None, verdict)  # too long to keep
    assert cache.get("x" * 61, None) is None
    cache.put("y" * 60, None, verdict)
    cache.put("z" * 60, None, verdict)  # 120 characters: the older one goes
    assert cache.get("y" * 60, None) is None and cache.get("z" * 60, None) is verdict


def test_reads_in_many_threads_agree_with_the_parser(fresh_cache: syntax.ReadCache) -> None:
    texts = [f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {i}" for i in range(20)] + list(REFUSED)

    def verdict(text: str) -> object:
        try:
            return syntax.read(text, BASE)
        except syntax.SparqlSyntaxError as err:
            return str(err)

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(verdict, texts * 5))
    assert got == [syntax.parse(t, BASE) for t in texts] * 5


def test_a_pool_started_in_the_background_answers_at_once() -> None:
    pool = QueryPool(default_files(), workers=1, background=True, timeout=60)
    try:
        answer = pool.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "csv")
        assert answer.body.startswith(b"n\r\n") and int(answer.body.split()[1]) > 1000
        assert pool.started() and len(pool.pids()) == 1
    finally:
        pool.close()


async def _lifespan(app: Starting) -> tuple[asyncio.Queue[dict[str, Any]], asyncio.Task[None]]:
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    task = asyncio.ensure_future(app({"type": "lifespan"}, inbox.get, outbox.put))  # type: ignore[arg-type]
    await inbox.put({"type": "lifespan.startup"})
    assert (await outbox.get())["type"] == "lifespan.startup.complete"
    return inbox, task


def _services() -> Services:
    return Services(Settings.from_env(), background=True)


def _gated(services: Services, gate: threading.Event) -> Callable[[], FastAPI]:
    def build() -> FastAPI:
        gate.wait(60)  # the application is not there until the test says so
        return create_app(services.settings, services)

    return build


def test_requests_during_the_background_start_are_answered_correctly() -> None:
    """Health answers while the application is still being built; the other requests wait for it and get
    their right answers, not errors."""

    async def scenario() -> None:
        services = _services()
        gate = threading.Event()
        front = Starting(services, _gated(services, gate))
        inbox, lifespan = await _lifespan(front)
        transport = httpx.ASGITransport(app=front)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=120) as c:
            health = await c.get("/health")
            assert health.status_code == 200
            body = health.json()
            assert body["status"] == "ok" and body["store"] == "embedded" and body["provisions"] == 1622
            assert "search" in body["starting"] and "engine" in body["starting"]
            waiting = [
                asyncio.ensure_future(c.get("/sparql", params={"query": ARTICLE_53, "format": "csv"})),
                asyncio.ensure_future(
                    c.post("/validate", content=EXAMPLE, headers={"content-type": "application/json"})
                ),
                asyncio.ensure_future(c.get("/provisions/Art. 53")),
                asyncio.ensure_future(c.get("/search", params={"q": "systemic risk"})),
                asyncio.ensure_future(c.get("/health", params={"x": "1"})),
            ]
            await asyncio.sleep(0.2)
            assert not any(t.done() for t in waiting)  # they wait for the application, not fail
            gate.set()
            sparql, validate, provision, search, later = await asyncio.gather(*waiting)
            assert sparql.status_code == 200 and sparql.text == "p\r\nhttps://w3id.org/aiact-kg/id/art_53\r\n"
            assert validate.status_code == 200 and "conforms" in validate.json()
            assert provision.status_code == 200 and search.status_code == 200
            assert later.status_code == 200 and later.json()["provisions"] == 1622
            assert front.app is not None and services.warming is not None
            services.warming.join(120)
            final = (await c.get("/health")).json()
            assert final == {"status": "ok", "store": "embedded", "provisions": 1622}
            assert (await c.get("/openapi.json")).status_code == 200  # through the real application now
        await inbox.put({"type": "lifespan.shutdown"})
        await lifespan
        assert services.pool is not None and services.pool.pids() == []  # the workers stopped with it

    asyncio.run(scenario())


def test_a_start_that_fails_is_a_503_with_the_reason_not_a_hang_and_health_says_so() -> None:
    async def scenario() -> None:
        services = _services()

        def broken() -> FastAPI:
            raise RuntimeError("no application today")

        front = Starting(services, broken)
        inbox, lifespan = await _lifespan(front)
        transport = httpx.ASGITransport(app=front)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=60) as c:
            r = await c.get("/sparql", params={"query": "ASK {}"})
            assert r.status_code == 503 and "no application today" in r.json()["detail"]
            assert r.headers["content-type"] == "application/problem+json"
            front._built.wait(60)
            health = await c.get("/health")
            assert health.status_code == 503 and "no application today" in health.json()["detail"]
        await inbox.put({"type": "lifespan.shutdown"})
        await lifespan

    asyncio.run(scenario())
