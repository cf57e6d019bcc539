"""The service through FastAPI's TestClient: every route, error shapes, limits, golden responses."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph
from rdflib.namespace import SH

from api.app import create_app
from api.settings import Settings

ROOT = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"
EXAMPLE = (ROOT / "examples" / "documented-model.json").read_text()
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(query_timeout=3, max_rows=500, query_workers=2))) as c:
        yield c


def golden(name: str, data: Any) -> None:
    """Compare with tests/golden/<name>.json (reviewed by hand when first written)."""
    path = GOLDEN / f"{name}.json"
    assert path.exists(), f"missing golden file {path.name}"
    assert data == json.loads(path.read_text())


def problem(response: Any, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and words in body["detail"], body


def test_health(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "store": "embedded", "provisions": 1622}


def test_provision_by_notation_id_and_iri(client: TestClient) -> None:
    a = client.get("/provisions/Art. 53(2)").json()
    golden("provision-art53-2", a)
    assert client.get("/provisions/art_53/par_2").json() == a
    assert client.get("/provisions/https://w3id.org/aiact-kg/id/art_53/par_2").json() == a
    assert [o["id"] for o in a["obligations"]] == ["art53-1-a", "art53-1-b"]  # the exemption cites 53(2)
    assert a["ancestors"] == ["Chapter V", "Chapter V, Section 2", "Art. 53"]


def test_unknown_provision_is_a_problem(client: TestClient) -> None:
    problem(client.get("/provisions/Art. 114"), 404, "Article 114 does not exist")
    problem(client.get("/provisions/Art. 53(9)"), 404, "Art. 53(9) does not exist")


def test_provision_graph(client: TestClient) -> None:
    one = client.get("/provisions/Art. 53(5)/graph", params={"depth": 1}).json()
    notations = {n["notation"] for n in one["nodes"]}
    assert {"Art. 53(5)", "Annex XI", "Annex XI, Section 1(2)(d)", "Art. 97"} <= notations
    assert all({"source", "target", "from", "to", "text"} <= set(e) for e in one["edges"])
    two = client.get("/provisions/Art. 53(5)/graph", params={"depth": 2}).json()
    assert len(two["nodes"]) > len(one["nodes"])
    problem(client.get("/provisions/Art. 53/graph", params={"depth": 9}), 400, "depth")


def test_obligations(client: TestClient) -> None:
    data = client.get("/obligations").json()
    golden("obligations", data)
    assert client.get("/obligations/art55-1-c").json()["legal_basis"] == ["Art. 55(1)(c)"]
    problem(client.get("/obligations/art99"), 404, "no obligation")


def test_search(client: TestClient) -> None:
    assert client.get("/search", params={"q": "Art. 53(2)"}).json()["results"][0]["notation"] == "Art. 53(2)"
    hits = [r["notation"] for r in client.get("/search", params={"q": "copyright policy"}).json()["results"]]
    assert "Art. 53(1)(c)" in hits[:5]
    problem(client.get("/search"), 400, "q")


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")],
)
def test_graph_dump(client: TestClient, accept: str, fmt: str) -> None:
    r = client.get("/graph", headers={"accept": accept})
    assert r.headers["content-type"].startswith(accept)
    g = Graph().parse(data=r.text, format=fmt)
    assert len(g) > 25000


def test_graph_dump_refuses_unknown_types(client: TestClient) -> None:
    problem(client.get("/graph", headers={"accept": "image/png"}), 406, "text/turtle")


def test_ontology_docs(client: TestClient) -> None:
    html = client.get("/ontology").text
    assert "General-purpose AI model with systemic risk" in html and "Technical documentation" in html


def test_validate_json_yaml_turtle(client: TestClient) -> None:
    r = client.post(
        "/validate",
        params={"as_of": "2026-11-24"},
        content=EXAMPLE,
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 200 and r.json()["conforms"] is True
    golden("validate-documented-model", r.json())
    yaml_text = (ROOT / "examples" / "fine-tune.yaml").read_text()
    r = client.post(
        "/validate",
        params={"as_of": "2026-11-24"},
        content=yaml_text,
        headers={"content-type": "application/yaml"},
    )
    assert r.json()["classification"]["provider_of_new_model"]["value"] is False
    ttl = """@prefix aikg: <https://w3id.org/aiact-kg/ontology#> .
        <urn:m> a aikg:AIModel ; aikg:modelName "T" ;
            aikg:trainingCompute 2.0e25 ; aikg:outputModality "text" ."""
    r = client.post("/validate", content=ttl, headers={"content-type": "text/turtle"})
    assert r.json()["classification"]["systemic_risk"]["value"] is True


def test_validate_returns_the_w3c_report_on_request(client: TestClient) -> None:
    body = (ROOT / "examples" / "closed-frontier-model.json").read_text()
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        r = client.post(
            "/validate",
            params={"as_of": "2026-11-24"},
            content=body,
            headers={"content-type": "application/json", "accept": accept},
        )
        g = Graph().parse(data=r.text, format=fmt)
        assert g.value(next(g.subjects(predicate=SH.conforms)), SH.conforms).toPython() is False


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("", "application/json"),
        ("*/*", "application/json"),
        ("application/*", "application/json"),
        ("text/*", "text/turtle"),
        ("application/json;q=0.1, application/ld+json", "application/ld+json"),
        ("text/html, */*;q=0.1", "application/json"),
    ],
)
def test_validate_negotiates_the_report(client: TestClient, accept: str, media: str) -> None:
    r = client.post(
        "/validate", content=EXAMPLE, headers={"content-type": "application/json", "accept": accept}
    )
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media


@pytest.mark.parametrize(
    ("route", "accept"),
    [
        ("/validate", "image/png"),
        ("/validate", "text/html"),
        ("/classify", "text/turtle"),
        ("/classify", "*/*;q=0"),
    ],
)
def test_report_in_a_format_it_cannot_be_sent_in_is_406(client: TestClient, route: str, accept: str) -> None:
    r = client.post(route, content=EXAMPLE, headers={"content-type": "application/json", "accept": accept})
    problem(r, 406, "application/json")


def test_health_answers_while_the_thread_pool_is_busy() -> None:
    """AIACT_THREADS bounds the pool; /health runs on the event loop, so a full pool does not delay it."""
    import anyio.to_thread

    async def tokens() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    release = threading.Event()
    with TestClient(create_app(Settings(threads=1))) as c:
        assert c.portal.call(tokens) == 1
        c.portal.start_task_soon(anyio.to_thread.run_sync, release.wait)  # the one thread, held
        answers: list[int] = []
        probe = threading.Thread(target=lambda: answers.append(c.get("/health").status_code))
        try:
            probe.start()
            probe.join(10)  # a /health in the pool would wait for the held thread, that is for ever
            assert answers == [200], "/health waited for the thread pool"
        finally:
            release.set()
            probe.join()


def test_classify(client: TestClient) -> None:
    r = client.post(
        "/classify",
        params={"as_of": "2026-11-24"},
        content=EXAMPLE,
        headers={"content-type": "application/json"},
    )
    assert set(r.json()) == {"model", "as_of", "classification", "designation_indicators"}


def test_validate_errors(client: TestClient) -> None:
    problem(
        client.post("/validate", content="{", headers={"content-type": "application/json"}),
        422,
        "not valid JSON",
    )
    r = client.post(
        "/validate",
        content='{"name": "x", "training_compute_flop": "1e25 FLOP"}',
        headers={"content-type": "application/json"},
    )
    problem(r, 422, "must be a number (FLOP)")
    assert r.json()["field"] == "training_compute_flop"
    problem(
        client.post("/validate", content="name: x", headers={"content-type": "text/plain"}),
        415,
        "application/json",
    )
    problem(
        client.post(
            "/validate",
            params={"as_of": "soon"},
            content=EXAMPLE,
            headers={"content-type": "application/json"},
        ),
        400,
        "as_of",
    )
    big = '{"name": "' + "x" * 1_100_000 + '"}'
    problem(
        client.post("/validate", content=big, headers={"content-type": "application/json"}),
        413,
        "larger than",
    )


ART53 = "<https://w3id.org/aiact-kg/id/art_53>"
SELECT = f"SELECT ?n WHERE {{ {ART53} <http://www.w3.org/2004/02/skos/core#notation> ?n }}"


@pytest.mark.parametrize(
    ("accept", "media", "needle"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", '"value":"Art. 53"'),
        ("application/sparql-results+xml", "application/sparql-results+xml", "<literal>Art. 53</literal>"),
        ("text/csv", "text/csv", "Art. 53"),
        ("text/tab-separated-values", "text/tab-separated-values", '"Art. 53"'),
    ],
)
def test_sparql_select_formats(client: TestClient, accept: str, media: str, needle: str) -> None:
    r = client.get("/sparql", params={"query": SELECT}, headers={"accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    assert needle in (r.text if "json" not in media else json.dumps(r.json(), separators=(",", ":")))


def test_sparql_post_forms_and_format_parameter(client: TestClient) -> None:
    r = client.post(
        "/sparql", data={"query": "ASK { ?s ?p ?o }"}, headers={"accept": "application/sparql-results+json"}
    )
    assert r.json() == {"head": {}, "boolean": True}
    r = client.post(
        "/sparql",
        content=SELECT,
        params={"format": "csv"},
        headers={"content-type": "application/sparql-query"},
    )
    assert r.text.splitlines() == ["n", "Art. 53"]


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_sparql_construct_formats(client: TestClient, accept: str, fmt: str) -> None:
    q = f"CONSTRUCT {{ {ART53} ?p ?o }} WHERE {{ {ART53} ?p ?o }}"
    r = client.get("/sparql", params={"query": q}, headers={"accept": accept})
    assert len(Graph().parse(data=r.text, format=fmt)) > 5


def test_named_graphs(client: TestClient) -> None:
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    rows = client.get("/sparql", params={"query": q}).json()["results"]["bindings"]
    assert [r["g"]["value"].rsplit("/", 1)[1] for r in rows] == ["ontology", "provisions", "shapes"]


def test_sparql_refuses_updates_and_service(client: TestClient) -> None:
    problem(
        client.post(
            "/sparql",
            content="INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            headers={"content-type": "application/sparql-query"},
        ),
        403,
        "read-only",
    )
    problem(client.post("/sparql", data={"update": "CLEAR ALL"}), 403, "read-only")
    problem(
        client.post("/sparql", content="DROP ALL", headers={"content-type": "application/sparql-update"}),
        403,
        "read-only",
    )
    problem(client.get("/sparql", params={"update": "CLEAR ALL"}), 403, "read-only")
    q = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    problem(client.get("/sparql", params={"query": q}), 403, "SERVICE")
    # the word inside a string is not a SERVICE clause
    ok = client.get("/sparql", params={"query": 'ASK { FILTER("SERVICE" != "") }'})
    assert ok.status_code == 200


def test_sparql_errors(client: TestClient) -> None:
    problem(client.get("/sparql", params={"query": "SELECT WHERE {"}), 400, "error at line 1, column 8")
    problem(client.get("/sparql", params={"query": ""}), 400, "no query")
    problem(client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}), 400, "more than 500 rows")
    problem(
        client.get("/sparql", params={"query": SELECT}, headers={"accept": "image/png"}), 406, "cannot answer"
    )


def test_a_runaway_query_is_stopped_while_others_are_served(client: TestClient) -> None:
    runaway = "SELECT (COUNT(*) AS ?c) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    result: dict[str, Any] = {}

    def slow() -> None:
        result["slow"] = client.get("/sparql", params={"query": runaway})

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)
    start = time.monotonic()
    quick = client.get("/sparql", params={"query": SELECT})
    quick_took = time.monotonic() - start
    thread.join(timeout=30)
    assert quick.status_code == 200 and quick_took < 3  # answered while the runaway query ran
    problem(result["slow"], 503, "longer than 3 s")
    assert client.get("/sparql", params={"query": SELECT}).status_code == 200  # the worker was replaced


def test_openapi_is_complete(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/validate",
        "/classify",
        "/sparql",
        "/provisions/{ref}",
        "/provisions/{ref}/graph",
        "/obligations",
        "/obligations/{oid}",
        "/search",
        "/health",
        "/graph",
        "/ontology",
    } <= paths
    body = spec["paths"]["/validate"]["post"]["requestBody"]["content"]
    assert body["application/json"]["example"]["name"] == "ExampleLM-7B"
    assert "example" in spec["paths"]["/validate"]["post"]["responses"]["200"]["content"]["application/json"]
    assert "application/problem+json" in spec["paths"]["/validate"]["post"]["responses"]["422"]["content"]
    assert "Description" in spec["components"]["schemas"]
    for path, ops in spec["paths"].items():
        for op in ops.values():
            assert op.get("description") or op.get("summary"), path


def test_explorer_routes(client: TestClient) -> None:
    assert "<main" in client.get("/").text
    assert client.get("/static/js/main.js").status_code == 200
    toc = client.get("/toc").json()
    assert len(toc["chapters"]) == 13 and len(toc["annexes"]) == 13 and toc["recitals"] == 180
    tree = client.get("/provisions/Annex XI/tree").json()
    point2 = tree["children"][0]["children"][1]
    assert point2["notation"] == "Annex XI, Section 1(2)"
    assert point2["tail"].startswith("With regard to point (e)")
    ref = point2["tail_refs"][0]
    assert point2["tail"][ref["start"] : ref["end"]] == "point (e)"
    assert ref["targets"][0]["notation"] == "Annex XI, Section 1(2)(e)"
    leaf = tree["children"][0]["children"][0]["children"][0]
    assert leaf["text"].startswith("the tasks that the model is intended to perform")
    heading = tree["heading_refs"][0]
    assert heading["targets"][0]["notation"] == "Art. 53(1)(a)"
    assert len(client.get("/queries").json()) == 16
    assert client.get("/examples").json()[0] == "closed-frontier-model.json"
    assert client.get("/examples/fine-tune.yaml").text.startswith("# A fine-tune")
    problem(client.get("/examples/nope.json"), 404, "no example")
    assert client.get("/examples/..%2Fpyproject.toml").status_code == 404
