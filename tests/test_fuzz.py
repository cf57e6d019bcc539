"""A property-based fuzz of the whole OpenAPI surface, in process: schemathesis generates requests for
every operation of ``/openapi.json`` (valid ones from the schemas and examples, and invalid ones: wrong
types, missing and extra parameters, NUL bytes, odd bodies) and sends them to the ASGI app.

It proves, for every operation, that no request gets a server error (5xx), that every status code
answered is documented for the operation, that every response's media type is one the document lists,
and that every response body conforms to the documented schema (the Problem schema for errors). It is
bounded (a fixed number of examples per operation, derandomized, so that a run is reproducible and
takes some seconds), and uses the test settings of the SPARQL endpoint (3 s, 500 rows)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.settings import Settings

EXAMPLES_PER_OPERATION = 15
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SENT: dict[str, int] = {}  # requests the app received, by operation
# Bodies that are text: a SPARQL query, a Turtle description
schemathesis.serializer.alias(["application/sparql-query", "text/turtle"], "text/plain")


@pytest.fixture(scope="module")
def fuzz_schema() -> Iterator[Any]:
    """The schema of a test app whose lifespan (store, engine, SPARQL workers) the fixture runs once;
    the app schemathesis calls counts the requests it receives."""
    app = create_app(Settings(query_timeout=3, max_rows=500, query_workers=2))

    async def started(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":  # the lifespan is run once, by the TestClient below
            await app(scope, receive, send)

    with TestClient(app):
        yield schemathesis.openapi.from_asgi("/openapi.json", started)
    counts = ", ".join(f"{label} {n}" for label, n in sorted(SENT.items()))
    print(f"\nfuzz: {sum(SENT.values())} requests over {len(SENT)} operations ({counts})")


schema = schemathesis.pytest.from_fixture("fuzz_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_fuzz(case: Any) -> None:
    SENT[case.operation.label] = SENT.get(case.operation.label, 0) + 1
    case.call_and_validate(checks=CHECKS)


def test_every_error_response_is_a_documented_problem() -> None:
    """The document the fuzz reads: every operation lists its errors, each a Problem, with its meaning;
    none lists FastAPI's 422 validation error, which this service never sends (it sends a 400)."""
    spec = create_app(Settings()).openapi()
    assert "HTTPValidationError" not in json.dumps(spec)
    assert spec["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status", "detail"]
    expected = {
        ("post", "/validate"): {"400", "406", "413", "415", "422"},
        ("post", "/classify"): {"400", "406", "413", "415", "422"},
        ("post", "/validate/batch"): {"400", "406", "413", "415", "422"},
        ("get", "/provisions/{ref}"): {"400", "404"},
        ("get", "/provisions/{ref}/graph"): {"400", "404"},
        ("get", "/provisions/{ref}/tree"): {"400", "404"},
        ("get", "/obligations/{oid}"): {"400", "404"},
        ("get", "/examples/{name}"): {"400", "404"},
        ("get", "/graph"): {"400", "406"},
        ("get", "/search"): {"400"},
        ("get", "/health"): {"400"},
        ("post", "/sparql"): {"400", "403", "406", "413", "415", "503"},
    }
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            errors = {s for s in operation["responses"] if s >= "400"}
            assert "400" in errors, (method, path)
            assert errors >= expected.get((method, path), set()), (method, path, errors)
            for status in errors:
                response = operation["responses"][status]
                assert response["description"], (method, path, status)
                assert response["content"]["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }, (method, path, status)
