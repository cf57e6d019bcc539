"""No input gets a 500, and every refusal is short and says what is wrong.

Hostile and malformed input on every route — deeply nested JSON, YAML and Turtle, numbers too large
for a double or for Python's 4300-digit limit, ``1e309``, impossible dates (``2025-02-30``,
``T25:00``, YAML timestamps), YAML keys that are not strings (``1:``, ``true:``, ``null:``), YAML
tags that cannot be constructed, a YAML "billion laughs" alias bomb, invalid UTF-8 in the body, the
path and the query string, NUL and control characters in paths and parameters, 10 000-character
provision references and search queries, wrong types anywhere — gets a 4xx
``application/problem+json`` naming the problem, with at most a short excerpt of the offending value;
the Python API raises :class:`DescriptionError` for each (never another exception); the CLI exits 2.
Parsing a large description runs off the event loop: ``/health`` answers while it is parsed.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routes import validate as validate_route
from api.settings import Settings
from reasoner.description import DescriptionError, load
from tests.test_cli import run

PROBLEM = "application/problem+json"
JSON = "application/json"
YAML = "application/yaml"
TURTLE = "text/turtle"
LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)),
        "name: *i",
    ]
)
# body, media type, words the message must have
DESCRIPTIONS: dict[str, tuple[str | bytes, str, str]] = {
    "deep JSON": ("[" * 100_000, JSON, "nested too deeply"),
    "deep JSON object": ('{"name": ' * 50_000, JSON, "nested too deeply"),
    "deep YAML list": ("name: x\nprovider:\n" + "- " * 5000 + "x", YAML, "nested more than 20 levels"),
    "deep YAML flow": ("[" * 5000, YAML, "nested more than 20 levels"),
    "deep Turtle": (
        "@prefix a: <urn:a:> . <urn:m> a:p " + "[ a:p " * 3000 + "]" * 3000 + " .",
        TURTLE,
        "nested too deeply",
    ),
    "5000-digit JSON integer": ('{"name": "x", "parameters": ' + "9" * 5000 + "}", JSON, "5000 digits"),
    "4000-digit JSON integer": ('{"name": "x", "parameters": ' + "9" * 4000 + "}", JSON, "4000 digits"),
    "350-digit JSON integer": ('{"name": "x", "parameters": ' + "9" * 350 + "}", JSON, "too large a number"),
    "5000-digit YAML integer": ("name: x\nparameters: " + "9" * 5000, YAML, "5000 digits"),
    "long YAML hexadecimal": ("name: x\nparameters: 0x" + "f" * 500, YAML, "digits is too large"),
    "5000-digit Turtle integer": (
        '@prefix k: <https://w3id.org/aiact-kg/ontology#> . <urn:m> a k:AIModel ; k:modelName "x" ; '
        "k:parameters " + "9" * 5000 + " .",
        TURTLE,
        "more than 4300 digits",
    ),
    "1e309": ('{"name": "x", "training_compute_flop": 1e309}', JSON, "finite number"),
    "NaN": ('{"name": "x", "training_compute_flop": NaN}', JSON, "finite number"),
    "30 February in JSON": ('{"name": "x", "placed_on_market": "2025-02-30"}', JSON, "YYYY-MM-DD"),
    "30 February in YAML": ("name: x\nplaced_on_market: 2025-02-30", YAML, "YYYY-MM-DD"),
    "25 o'clock": ("name: x\nplaced_on_market: 2025-02-03T25:00", YAML, "YYYY-MM-DD"),
    "YAML timestamp": ("name: x\nplaced_on_market: 2025-02-03 10:00:00", YAML, "YYYY-MM-DD"),
    "!!timestamp 2025-02-30": ("name: x\nplaced_on_market: !!timestamp 2025-02-30", YAML, "not valid YAML"),
    "!!float abc": ("name: x\nparameters: !!float abc", YAML, "not valid YAML"),
    "!!bool maybe": ("name: x\nweights_public: !!bool maybe", YAML, "not valid YAML"),
    "!!python/object": ("name: !!python/object:os.system x", YAML, "not valid YAML"),
    "integer key": ("name: x\n1: 2", YAML, "keys are strings"),
    "boolean key": ("name: x\ntrue: 2", YAML, "keys are strings"),
    "null key": ("name: x\nnull: x", YAML, "keys are strings"),
    "list key": ("name: x\n? [a, b]\n: 1", YAML, "not valid YAML"),
    "nested integer key": ("name: x\nprovider: {1: FR}", YAML, "keys are strings"),
    "billion laughs": (LAUGHS, YAML, "anchors and aliases"),
    "merge key": ("base: &b {name: x}\n<<: *b", YAML, "anchors and aliases"),
    "invalid UTF-8": (b'{"name": "\xff"}', JSON, "not UTF-8"),
    "list where an object is": ('{"name": "x", "provider": ["FR"]}', JSON, "provider: must be an object"),
    "object where a string is": ('{"name": {"en": "x"}}', JSON, "name: must be a string"),
    "string where a list is": ('{"name": "x", "input_modalities": "text"}', JSON, "must be a list"),
    "number where a boolean is": ('{"name": "x", "weights_public": 1}', JSON, "true, false or null"),
    "list of lists of modalities": ('{"name": "x", "output_modalities": [["text"]]}', JSON, "modalities"),
    "a list": ("[1, 2]", JSON, "an object"),
    "a string": ('"x"', JSON, "an object"),
    "null": ("null", JSON, "an object"),
    "10 000-character key": ('{"name": "x", "' + "k" * 10_000 + '": 1}', JSON, "unknown field"),
    "10 000-character value": (
        '{"name": "x", "weights_public": "' + "y" * 10_000 + '"}',
        JSON,
        "true, false",
    ),
    "10 000 bad modalities": (
        json.dumps({"name": "x", "input_modalities": [f"m{i}" for i in range(10_000)]}),
        JSON,
        "and 9950 more problems",
    ),
}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(query_timeout=3, max_rows=500, query_workers=1))) as c:
        yield c


def _short_problem(r: httpx.Response, status: int, words: str) -> dict[str, Any]:
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"].startswith(PROBLEM)
    problem: dict[str, Any] = r.json()
    assert problem["status"] == status and words in problem["detail"], problem["detail"][:500]
    return problem


@pytest.mark.parametrize("name", list(DESCRIPTIONS))
def test_the_python_api_raises_a_description_error(name: str) -> None:
    body, media, words = DESCRIPTIONS[name]
    with pytest.raises((DescriptionError, UnicodeDecodeError)) as err:
        load(body, media)
    if isinstance(err.value, DescriptionError):
        assert words in str(err.value)
        assert all(len(p.field) <= 80 for p in err.value.problems)


@pytest.mark.parametrize("name", list(DESCRIPTIONS))
def test_the_service_answers_a_short_422(name: str, client: TestClient) -> None:
    body, media, words = DESCRIPTIONS[name]
    for route in ("/validate", "/classify"):
        start = time.monotonic()
        r = client.post(route, content=body, headers={"content-type": media})
        assert time.monotonic() - start < 10
        _short_problem(r, 422, words)
        limit = 40_000 if name == "10 000 bad modalities" else 2_000  # 50 problems listed, then a count
        assert len(r.content) < limit, len(r.content)


def test_the_alias_bomb_is_answered_at_once(client: TestClient) -> None:
    assert len(LAUGHS.encode()) < 400
    start = time.monotonic()
    r = client.post("/validate", content=LAUGHS, headers={"content-type": YAML})
    assert time.monotonic() - start < 2
    problem = _short_problem(r, 422, "YAML anchors and aliases (&name, *name) are not accepted")
    assert len(r.content) < 600 and "line 1" in problem["detail"]


def test_error_messages_echo_a_short_excerpt(client: TestClient) -> None:
    body = json.dumps({"name": "x", "licence": ["y" * 10_000], "provider": {"country": "z" * 10_000}})
    problem = _short_problem(
        client.post("/validate", content=body, headers={"content-type": JSON}), 422, "2 problems"
    )
    for error in problem["errors"]:
        assert len(error["problem"]) < 200, error
    r = client.get("/provisions/" + "A" * 10_000)
    assert (
        "at most 200 characters; this one has 10000"
        in _short_problem(r, 400, "provision reference")["detail"]
    )
    assert len(r.content) < 400


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/provisions/Art. 53%00", "U+0000 (NUL) after '/provisions/Art. 53'"),
        ("/provisions/Art. 53%01/graph", "U+0001"),
        ("/provisions/Art.%0A53/tree", "U+000A (LINE FEED)"),
        ("/obligations/art53%00", "U+0000"),
        ("/examples/fine-tune.yaml%00", "U+0000"),
        ("/provisions/Art.%FF53", "the path is not UTF-8 text: byte 0xFF"),
        ("/search?q=copyright%00", "query parameter 'q' contains the control character U+0000 (NUL)"),
        ("/search?q=%FF%FE", "query parameter 'q' is not UTF-8 text: byte 0xFF"),
        ("/health?x=%1B", "U+001B (ESCAPE)"),
        ("/provisions/Art.%2053/graph?depth=%C3", "query parameter 'depth' is not UTF-8"),
        ("/sparql?query=ASK%7B%7D%FF", "query parameter 'query' is not UTF-8"),
        ("/search?q=" + "a" * 10_000, "at most 500 characters"),
        ("/provisions/" + "Art. 53(1)" * 1000, "at most 200 characters"),
        ("/provisions/" + "x" * 10_000 + "/graph", "at most 200 characters"),
        ("/provisions/" + "x" * 10_000 + "/tree", "at most 200 characters"),
        ("/provisions/Art. 53/graph?depth=99999999999999999999999", "less than or equal to 4"),
        ("/search?q=a&limit=1e400", "valid integer"),
        ("/validate?as_of=2025-02-30", "as_of"),
        ("/validate?as_of=2025-02-03T25:00", "as_of"),
    ],
)
def test_paths_and_parameters_get_a_400_naming_the_problem(url: str, words: str, client: TestClient) -> None:
    method = "POST" if url.startswith("/validate") else "GET"
    r = client.request(method, url, content='{"name": "x"}', headers={"content-type": JSON})
    _short_problem(r, 400, words)
    assert len(r.content) < 500


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/provisions/Annex 9999999999", "does not exist"),
        ("/provisions/Recital 99999999999999999999", "no recital is numbered"),
        ("/provisions/Art. 53(" + "a" * 100 + ")", "no provision is numbered"),
        ("/obligations/" + "o" * 10_000, "no obligation"),
        ("/examples/" + "e" * 10_000, "no example"),
        ("/examples/..%2Fpyproject.toml", "Not Found"),
    ],
)
def test_unknown_things_are_a_short_404(url: str, words: str, client: TestClient) -> None:
    r = client.get(url)
    _short_problem(r, 404, words)
    assert len(r.content) < 500


def test_a_search_box_may_hold_tabs_and_newlines(client: TestClient) -> None:
    assert client.get("/search", params={"q": "copyright\npolicy\t"}).status_code == 200


def test_the_cli_exits_2_on_a_hostile_file(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(LAUGHS)
    out = run("validate", str(path))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "anchors and aliases" in out.stderr and len(out.stderr) < 600


def test_health_answers_while_a_large_description_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsing runs in the thread pool: /health is answered before the 900 KB description is parsed."""
    body = "name: big\nnotes:\n" + "- ab\n" * 180_000  # ~900 KB of YAML: seconds of parsing
    parsing = threading.Event()

    def observed_load(text: str | bytes, media_type: str = JSON) -> dict[str, Any]:
        parsing.set()
        return load(text, media_type)

    monkeypatch.setattr(validate_route, "load", observed_load)
    app = create_app(Settings(query_timeout=3, max_rows=500, query_workers=1))

    async def scenario() -> tuple[list[str], httpx.Response]:
        order: list[str] = []
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=60) as c:
                assert (await c.get("/health")).status_code == 200  # the Act is loaded

                async def big() -> httpx.Response:
                    r = await c.post("/validate", content=body, headers={"content-type": YAML})
                    order.append("validate")
                    return r

                task = asyncio.create_task(big())
                while not parsing.is_set() and not task.done():
                    await asyncio.sleep(0.01)
                health = await c.get("/health")
                order.append("health" if health.status_code == 200 else "health failed")
                return order, await task

    order, big = asyncio.run(scenario())
    assert order == ["health", "validate"]
    assert big.status_code == 422 and "notes: unknown field" in big.json()["detail"]
