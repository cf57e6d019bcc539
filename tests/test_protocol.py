"""``/sparql`` and the SPARQL 1.1 Protocol, clause by clause, as raw HTTP exchanges (TestClient): the
query read by a parser (updates, LOAD, SERVICE), the dataset parameters, one query per request, the base
IRI, HEAD, 405 with Allow, Vary, content negotiation by query form (text/*, 406), CORS. The service
description is in ``test_service_description.py``, never fetching anything in ``test_protocol_fetch.py``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

PROBLEM = "application/problem+json"
GRAPH = "https://w3id.org/aiact-kg/graph/"
JSON = {"accept": "application/sparql-results+json"}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
NAMED = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
CONSTRUCT = "CONSTRUCT { <https://w3id.org/aiact-kg/id/art_53> ?p ?o } WHERE { <https://w3id.org/aiact-kg/id/art_53> ?p ?o }"  # noqa: E501


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(query_timeout=5, max_rows=500, query_workers=2))) as c:
        yield c


def problem(response: Any, status: int, words: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert words in body["detail"], body
    return body


def count(client: TestClient, params: dict[str, Any] | list[tuple[str, str]], query: str = COUNT) -> int:
    pairs = [("query", query), *(params.items() if isinstance(params, dict) else params)]
    r = client.get("/sparql", params=pairs, headers=JSON)
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def graphs(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [b["g"]["value"].removeprefix(GRAPH) for b in response.json()["results"]["bindings"]]


# 1. decided on the parsed query


@pytest.mark.parametrize(
    "query",
    [
        'ASK { # a comment with """ in it\n SERVICE <http://example.org/sparql> { ?s ?p ?o } }',
        "PREFIX x: <urn:x#> ASK { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE ?endpoint { ?s ?p ?o } } } }",
        "ASK { FILTER NOT EXISTS { OPTIONAL { SERVICE SILENT <http://example.org/> { ?s ?p ?o } } } }",
        "ASK { ?s ?p ?o MINUS { SERVICE <http://example.org/> { ?s ?p ?o } } }",
    ],
)
def test_service_is_found_wherever_it_is(client: TestClient, query: str) -> None:
    problem(client.get("/sparql", params={"query": query}), 403, "SERVICE")


@pytest.mark.parametrize(
    "query",
    [
        'ASK { FILTER("SERVICE <http://example.org/> { }" != "") }',
        "ASK { # SERVICE <http://example.org/> { ?s ?p ?o }\n }",
        "ASK { FILTER(<http://example.org/SERVICE> != <urn:x>) }",
        'SELECT * WHERE { ?s ?p "DROP ALL ; INSERT DATA { <a> <b> <c> }" }',
        "PREFIX insert: <urn:x#> SELECT * WHERE { ?s insert:clear ?o } LIMIT 1",
    ],
)
def test_words_in_strings_comments_and_iris_are_not_clauses(client: TestClient, query: str) -> None:
    assert client.get("/sparql", params={"query": query}).status_code == 200


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX ask: <urn:a#> INSERT DATA { ask:a ask:b ask:c }",
        "CLEAR ALL",
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "# a comment\nDROP SILENT GRAPH <urn:g>",
    ],
)
def test_every_update_is_refused_whatever_the_form(client: TestClient, update: str) -> None:
    before = count(client, {})
    problem(client.get("/sparql", params={"query": update}), 403, "read-only")
    problem(client.post("/sparql", data={"query": update}), 403, "read-only")
    direct = {"content-type": "application/sparql-query"}
    problem(client.post("/sparql", content=update, headers=direct), 403, "read-only")
    problem(client.post("/sparql", data={"update": update}), 403, "read-only")
    problem(client.get("/sparql", params={"update": update}), 403, "read-only")
    update_type = {"content-type": "application/sparql-update"}
    problem(client.post("/sparql", content=update, headers=update_type), 403, "read-only")
    assert count(client, {}) == before


def test_load_is_refused_and_says_why(client: TestClient) -> None:
    problem(client.get("/sparql", params={"query": "LOAD <http://example.org/data.ttl>"}), 403, "LOAD")


def test_a_syntax_error_is_a_400_with_the_parser_message_and_position(client: TestClient) -> None:
    body = problem(client.get("/sparql", params={"query": "SELECT *\nWHERE { ?s ?p }"}), 400, "syntax error")
    assert (body["line"], body["column"]) == (2, 9) and "line 2, column 9" in body["detail"]
    problem(client.get("/sparql", params={"query": "# only a comment"}), 400, "syntax error")


def test_a_long_query_reaches_the_parser_s_depth_and_still_runs(client: TestClient) -> None:
    patterns = " ".join("?s a <https://w3id.org/aiact-kg/ontology#Chapter> ." for _ in range(150))
    query = f"SELECT DISTINCT ?s WHERE {{ {patterns} }}"
    assert (
        len(client.get("/sparql", params={"query": query}, headers=JSON).json()["results"]["bindings"]) == 13
    )


# 2. the dataset of the query


def test_default_graph_uri_is_the_default_graph(client: TestClient) -> None:
    whole = count(client, {})
    parts = {g: count(client, {"default-graph-uri": GRAPH + g}) for g in ("provisions", "ontology", "shapes")}
    assert all(0 < n < whole for n in parts.values())
    both = [("default-graph-uri", GRAPH + "ontology"), ("default-graph-uri", GRAPH + "shapes")]
    assert count(client, both) == parts["ontology"] + parts["shapes"]
    # only default graphs given: no named graphs
    assert graphs(client.get("/sparql", params={"query": NAMED, "default-graph-uri": GRAPH + "shapes"})) == []


def test_named_graph_uri_gives_the_named_graphs_and_an_empty_default(client: TestClient) -> None:
    r = client.get(
        "/sparql", params={"query": NAMED, "named-graph-uri": [GRAPH + "shapes", GRAPH + "ontology"]}
    )
    assert graphs(r) == ["ontology", "shapes"]
    assert count(client, {"named-graph-uri": GRAPH + "shapes"}) == 0


def test_the_protocol_dataset_overrides_from_and_from_named(client: TestClient) -> None:
    q = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}provisions> WHERE {{ ?s ?p ?o }}"
    assert count(client, {}, q) > count(client, {"default-graph-uri": GRAPH + "shapes"}, q)
    assert count(client, {"default-graph-uri": GRAPH + "shapes"}, q) == count(
        client, {"default-graph-uri": GRAPH + "shapes"}
    )
    q = f"SELECT DISTINCT ?g FROM NAMED <{GRAPH}provisions> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert graphs(client.get("/sparql", params={"query": q})) == ["provisions"]
    assert graphs(client.get("/sparql", params={"query": q, "named-graph-uri": GRAPH + "shapes"})) == [
        "shapes"
    ]


def test_dataset_parameters_in_each_form_of_request(client: TestClient) -> None:
    shapes = count(client, {"default-graph-uri": GRAPH + "shapes"})
    form = client.post("/sparql", data={"query": COUNT, "default-graph-uri": GRAPH + "shapes"}, headers=JSON)
    assert int(form.json()["results"]["bindings"][0]["n"]["value"]) == shapes
    url_and_form = client.post(
        "/sparql", params={"default-graph-uri": GRAPH + "shapes"}, data={"query": COUNT}, headers=JSON
    )
    assert int(url_and_form.json()["results"]["bindings"][0]["n"]["value"]) == shapes
    direct = client.post(
        "/sparql",
        params={"default-graph-uri": GRAPH + "shapes"},
        content=COUNT,
        headers={**JSON, "content-type": "application/sparql-query"},
    )
    assert int(direct.json()["results"]["bindings"][0]["n"]["value"]) == shapes


def test_a_graph_not_in_the_dataset_is_empty_and_a_bad_iri_a_400(client: TestClient) -> None:
    assert count(client, {"default-graph-uri": "http://example.org/no-such-graph"}) == 0
    assert count(client, {}, "SELECT (COUNT(*) AS ?n) FROM <http://example.org/none> WHERE { ?s ?p ?o }") == 0
    problem(
        client.get("/sparql", params={"query": COUNT, "default-graph-uri": "not an iri"}), 400, "absolute IRI"
    )


# 3. one query, and its base IRI


def test_exactly_one_query(client: TestClient) -> None:
    problem(client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")]), 400, "exactly one")
    problem(client.post("/sparql", data={"query": ["ASK {}", "ASK {}"]}), 400, "exactly one")
    problem(client.post("/sparql", params={"query": "ASK {}"}, data={"query": "ASK {}"}), 400, "exactly one")
    direct = {"content-type": "application/sparql-query"}
    problem(client.post("/sparql", params={"query": "ASK {}"}, content="ASK {}", headers=direct), 400, "one")
    problem(client.get("/sparql", params={"query": "ASK {}", "update": "CLEAR ALL"}), 403, "read-only")
    problem(client.post("/sparql", data={"query": "ASK {}", "update": "CLEAR ALL"}), 403, "read-only")
    problem(client.get("/sparql", params={"default-graph-uri": GRAPH + "shapes"}), 400, "no query")


def test_bodies_the_protocol_does_not_know_are_refused(client: TestClient) -> None:
    problem(
        client.post("/sparql", content="ASK {}", headers={"content-type": "text/plain"}), 415, "POST a query"
    )
    problem(client.post("/sparql", content="query=ASK%20%7B%7D"), 415, "without a Content-Type")
    utf16 = {"content-type": "application/sparql-query; charset=UTF-16"}
    problem(client.post("/sparql", content="ASK {}".encode("utf-16"), headers=utf16), 415, "UTF-8")
    latin = {"content-type": "application/sparql-query"}
    problem(
        client.post("/sparql", content='ASK { FILTER("é" != "") }'.encode("latin-1"), headers=latin),
        400,
        "UTF-8",
    )


def test_relative_iris_resolve_against_the_endpoint(client: TestClient) -> None:
    q = "SELECT ?iri WHERE { BIND(<art_53> AS ?iri) }"
    r = client.get("/sparql", params={"query": q}, headers=JSON)
    assert r.json()["results"]["bindings"][0]["iri"]["value"] == "http://testserver/art_53"
    own = "BASE <https://w3id.org/aiact-kg/id/> ASK { <art_53> ?p ?o }"
    assert client.get("/sparql", params={"query": own}, headers=JSON).json()["boolean"] is True
    construct = client.get("/sparql", params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"})
    assert construct.text.startswith("<http://testserver/s> <http://testserver/p> 1")


# 4. HEAD, 405, Vary, negotiation by form


def test_head_wherever_get(client: TestClient) -> None:
    for path, params in [
        ("/sparql", {"query": "ASK {}"}),
        ("/sparql", {}),
        ("/health", {}),
        ("/provisions/Art. 53", {}),
    ]:
        get, head = client.get(path, params=params), client.head(path, params=params)
        assert head.status_code == get.status_code == 200 and head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.headers["content-length"] == get.headers["content-length"] == str(len(get.content))


def test_a_405_says_what_is_allowed(client: TestClient) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        r = client.request(method, "/sparql")
        problem(r, 405, "GET, HEAD, POST")
        assert r.headers["allow"] == "GET, HEAD, POST"
    assert client.put("/provisions/Art. 53").headers["allow"] == "GET, HEAD"
    assert client.get("/validate").headers["allow"] == "POST"


def test_vary_accept(client: TestClient) -> None:
    for params in ({"query": "ASK {}"}, {"query": CONSTRUCT}, {}):
        assert "Accept" in client.get("/sparql", params=params).headers["vary"]


@pytest.mark.parametrize(
    ("query", "accept", "media"),
    [
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "text/*", "text/csv"),
        ("ASK {}", "text/*", "text/csv"),
        (CONSTRUCT, "text/*", "text/turtle"),
        ("DESCRIBE <https://w3id.org/aiact-kg/id/art_53>", "text/*", "text/turtle"),
        ("ASK {}", "*/*", "application/sparql-results+json"),
        (CONSTRUCT, "*/*", "text/turtle"),
        ("ASK {}", "", "application/sparql-results+json"),
        ("ASK {}", "text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("ASK {}", "text/csv;q=0, */*;q=0.1", "application/sparql-results+json"),
        ("ASK {}", "application/json", "application/sparql-results+json"),
        (CONSTRUCT, "application/json", "application/ld+json"),
        (CONSTRUCT, "application/*", "application/n-triples"),
        (CONSTRUCT, "text/plain", "application/n-triples"),
        (CONSTRUCT, "application/sparql-results+json, application/rdf+xml;q=0.2", "application/rdf+xml"),
    ],
)
def test_the_format_follows_the_query_form(client: TestClient, query: str, accept: str, media: str) -> None:
    r = client.get("/sparql", params={"query": query}, headers={"accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media, r.text


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (CONSTRUCT, "application/sparql-results+json"),
        ("DESCRIBE <https://w3id.org/aiact-kg/id/art_53>", "text/csv"),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "text/turtle"),
        ("ASK {}", "application/n-triples"),
        ("ASK {}", "application/sparql-results+json;q=0"),
        ("ASK {}", "image/*"),
    ],
)
def test_an_accept_that_fits_no_format_of_the_form_is_a_406(
    client: TestClient, query: str, accept: str
) -> None:
    problem(client.get("/sparql", params={"query": query}, headers={"accept": accept}), 406, "cannot answer")


# 5. CORS


def test_cors_preflight_and_simple_requests(client: TestClient) -> None:
    for path in ("/sparql", "/validate", "/provisions/Art. 53"):
        r = client.options(
            path,
            headers={
                "origin": "https://yasgui.example",
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type",
            },
        )
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"
        assert {"GET", "HEAD", "POST"} <= {
            m.strip() for m in r.headers["access-control-allow-methods"].split(",")
        }
        assert "access-control-allow-credentials" not in r.headers
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"origin": "https://yasgui.example"})
    assert r.headers["access-control-allow-origin"] == "*"


def test_cors_origins_are_configurable_and_can_be_off() -> None:
    preflight = {"origin": "https://a.example", "access-control-request-method": "GET"}
    off = TestClient(create_app(Settings(cors_origins=())))  # no lifespan: the middleware alone answers
    assert "access-control-allow-origin" not in off.options("/sparql", headers=preflight).headers
    assert "access-control-allow-origin" not in off.get("/openapi.json", headers=preflight).headers
    one = TestClient(create_app(Settings(cors_origins=("https://a.example",))))
    assert (
        one.options("/sparql", headers=preflight).headers["access-control-allow-origin"]
        == "https://a.example"
    )
    other = one.options("/sparql", headers={**preflight, "origin": "https://b.example"})
    assert other.status_code == 400 and "access-control-allow-origin" not in other.headers


def test_the_protocol_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIACT_CORS_ORIGINS", " https://a.example, https://b.example ,")
    monkeypatch.setenv("AIACT_ENDPOINT_URL", "https://w3id.org/aiact-kg/sparql")
    settings = Settings.from_env()
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.endpoint_url == "https://w3id.org/aiact-kg/sparql"
    monkeypatch.setenv("AIACT_CORS_ORIGINS", "")
    assert Settings.from_env().cors_origins == ()
    monkeypatch.delenv("AIACT_CORS_ORIGINS")
    monkeypatch.delenv("AIACT_ENDPOINT_URL")
    assert Settings.from_env().cors_origins == ("*",) and Settings.from_env().endpoint_url is None
