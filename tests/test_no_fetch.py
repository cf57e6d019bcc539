"""Nothing a model description names is ever fetched.

A local HTTP server on 127.0.0.1 stands in for the internet and records every request it gets. First
it is shown to work: rdflib, left to itself, fetches a JSON-LD remote context from it (and reads a
``file:`` context from disk). Then, for every way a description can name something to load — a JSON-LD
``@context`` URL, a list of contexts with a URL, a ``@context`` in a nested node, a term's scoped
context, ``@import``, a relative context after ``@base``, a ``file:///etc/passwd`` context, Turtle with
``@base`` and ``owl:imports`` — the Python API (``reasoner.description.load``) and ``POST /validate``
refuse it with a clear message naming what was not fetched (422 ``application/problem+json``), and the
server has received no request. An embedded ``@context`` object still works. And the second line of
defence: even past the pre-scan, rdflib's context loader refuses to load anything while a description
is parsed.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph
from rdflib.parser import PythonInputSource

from api.app import create_app
from api.settings import Settings
from reasoner.description import DescriptionError, RemoteContext, _offline, load

AIKG = "https://w3id.org/aiact-kg/ontology#"
CONTEXT = {"@context": {"@vocab": AIKG, "modelName": f"{AIKG}modelName"}}


class Internet:
    """An HTTP server on a free port of 127.0.0.1 that answers every GET with a JSON-LD context."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        internet = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                internet.requests.append(self.path)
                body = json.dumps(CONTEXT).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def internet() -> Iterator[Internet]:
    server = Internet()
    yield server
    server.close()


@pytest.fixture
def net(internet: Internet) -> Internet:
    internet.requests.clear()
    return internet


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(query_timeout=3, max_rows=500, query_workers=1))) as c:
        yield c


def _model(**extra: Any) -> dict[str, Any]:
    return {"@id": "urn:m", "@type": f"{AIKG}AIModel", f"{AIKG}modelName": "M", **extra}


def _hostile(url: str, local: Path) -> dict[str, tuple[str, str, str]]:
    """Each input: (media type, text, what the message must name)."""
    jsonld = "application/ld+json"
    return {
        "context URL": (
            jsonld,
            json.dumps({"@context": f"{url}/ctx.jsonld", **_model()}),
            f"{url}/ctx.jsonld",
        ),
        "context list with a URL": (
            jsonld,
            json.dumps({"@context": [{"@vocab": AIKG}, f"{url}/list.jsonld"], **_model()}),
            f"{url}/list.jsonld",
        ),
        "context in a nested node": (
            jsonld,
            json.dumps({"@graph": [{"@context": f"{url}/nested.jsonld", **_model()}]}),
            f"{url}/nested.jsonld",
        ),
        "scoped context of a term": (
            jsonld,
            json.dumps(
                {"@context": {"m": {"@id": f"{AIKG}m", "@context": f"{url}/scoped.jsonld"}}, **_model()}
            ),
            f"{url}/scoped.jsonld",
        ),
        "@import": (
            jsonld,
            json.dumps({"@context": {"@version": 1.1, "@import": f"{url}/import.jsonld"}, **_model()}),
            f"{url}/import.jsonld",
        ),
        "relative context after @base": (
            jsonld,
            json.dumps({"@context": [{"@base": f"{url}/"}, "relative.jsonld"], **_model()}),
            "relative.jsonld",
        ),
        "file:///etc/passwd context": (
            jsonld,
            json.dumps({"@context": "file:///etc/passwd", **_model()}),
            "file:///etc/passwd",
        ),
        "file: context that exists": (
            jsonld,
            json.dumps({"@context": local.as_uri(), **_model()}),
            local.as_uri(),
        ),
        "Turtle @base and owl:imports": (
            "text/turtle",
            f"""@base <{url}/> .
            @prefix owl: <http://www.w3.org/2002/07/owl#> .
            @prefix aikg: <{AIKG}> .
            <> owl:imports <ontology.ttl> .
            <m> a aikg:AIModel ; aikg:modelName "M" .""",
            f"{url}/ontology.ttl",
        ),
    }


CASES = [
    "context URL",
    "context list with a URL",
    "context in a nested node",
    "scoped context of a term",
    "@import",
    "relative context after @base",
    "file:///etc/passwd context",
    "file: context that exists",
    "Turtle @base and owl:imports",
]


@pytest.fixture(scope="module")
def local_context(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ctx") / "context.jsonld"
    path.write_text(json.dumps(CONTEXT))
    return path


def test_the_stand_in_internet_is_reached_by_rdflib_left_to_itself(
    net: Internet, local_context: Path
) -> None:
    """Without the guards rdflib fetches a remote context, and reads a file: one: the vectors are real."""
    for context in (f"{net.url}/ctx.jsonld", local_context.as_uri()):
        document = json.dumps({"@context": context, "@id": "urn:m", "modelName": "M"})
        assert len(Graph().parse(data=document, format="json-ld")) == 1  # the context was loaded
    assert net.requests == ["/ctx.jsonld"]


@pytest.mark.parametrize("case", CASES)
def test_the_python_api_fetches_nothing(case: str, net: Internet, local_context: Path) -> None:
    media, text, named = _hostile(net.url, local_context)[case]
    with pytest.raises(DescriptionError) as err:
        load(text, media)
    assert named in str(err.value) and ("not fetched" in str(err.value) or "not followed" in str(err.value))
    assert net.requests == []


@pytest.mark.parametrize("case", CASES)
def test_the_service_fetches_nothing(
    case: str, net: Internet, local_context: Path, client: TestClient
) -> None:
    media, text, named = _hostile(net.url, local_context)[case]
    r = client.post("/validate", content=text, headers={"content-type": media})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert named in problem["detail"], problem
    assert "not fetched" in problem["detail"] or "not followed" in problem["detail"]
    assert len(r.content) < 1000
    assert net.requests == []


def test_an_embedded_context_is_read(net: Internet, client: TestClient) -> None:
    text = json.dumps({"@context": {"@vocab": AIKG}, "@id": "urn:m", "@type": "AIModel", "modelName": "M",
                       "trainingCompute": 2e25})  # fmt: skip
    assert load(text, "application/ld+json") == {"name": "M", "training_compute_flop": 2e25}
    r = client.post("/classify", content=text, headers={"content-type": "application/ld+json"})
    assert r.status_code == 200 and r.json()["model"] == "M"
    assert net.requests == []


def test_relative_iris_do_not_resolve_against_the_servers_directory(client: TestClient) -> None:
    ttl = f'@prefix aikg: <{AIKG}> . <m> a aikg:AIModel ; aikg:modelName "M" ; <secret> "x" .'
    problem = client.post("/validate", content=ttl, headers={"content-type": "text/turtle"}).json()
    assert problem["field"] == "https://w3id.org/aiact-kg/description/secret"
    assert "file:" not in problem["detail"] and str(Path.cwd()) not in problem["detail"]


def test_rdflib_loads_no_context_while_a_description_is_parsed(net: Internet) -> None:
    """The second line: past the pre-scan, rdflib's context loader itself refuses."""
    document = {"@context": f"{net.url}/past-the-scan.jsonld", **_model()}
    with pytest.raises(RemoteContext, match=r"past-the-scan\.jsonld"), _offline():
        Graph().parse(source=PythonInputSource(document), format="json-ld")
    assert net.requests == []
    Graph().parse(source=PythonInputSource(document), format="json-ld")  # outside, rdflib is itself again
    assert net.requests == ["/past-the-scan.jsonld"]
