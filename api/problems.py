"""Errors as RFC 9457 ``application/problem+json``, with a message a person understands."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.excerpt import excerpt

PROBLEM = "application/problem+json"
TITLES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Not found",
    406: "Not acceptable",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Unprocessable description",
    500: "Internal error",
    503: "Query stopped",
}


class Problem(Exception):
    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.extra = extra


def problem_response(status: int, detail: str, **extra: Any) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


# The body of every error, as a JSON Schema (components/schemas/Problem in the OpenAPI document).
PROBLEM_JSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A problem (RFC 9457): what went wrong, in words a person understands.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Not found"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "field": {
            "type": ["string", "null"],
            "description": "422 from /validate and /classify: the first description key with a problem",
        },
        "errors": {
            "type": "array",
            "description": "422 from /validate and /classify: every problem of the description",
            "items": {
                "type": "object",
                "required": ["field", "problem"],
                "properties": {"field": {"type": ["string", "null"]}, "problem": {"type": "string"}},
            },
        },
    },
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA = {
    "description": "A problem (RFC 9457)",
    "content": {
        PROBLEM: {
            "schema": PROBLEM_REF,
            "example": {
                "type": "about:blank",
                "title": "Not found",
                "status": 404,
                "detail": "Art. 114 does not exist in Regulation (EU) 2024/1689, which has Articles 1 to 113",
            },
        }
    },
}
# What each status means on this service, for the OpenAPI document.
MEANING = {
    400: "Bad request: a parameter is missing or invalid, or the path or query string is not UTF-8 text or "
    "holds a control character (`detail` names it).",
    403: "Forbidden: SPARQL updates, and federated SERVICE unless enabled.",
    404: "Not found: no such provision, obligation or example (`detail` says what exists).",
    406: "Not acceptable: the `Accept` header asks for a media type this route cannot send.",
    413: "Request too large: the body is larger than the limit (AIACT_MAX_BODY).",
    415: "Unsupported media type: the body's `Content-Type` is not one this route reads.",
    422: "Unprocessable description: every problem is listed in `errors`, the first also in `field`.",
    503: "Query stopped: the SPARQL query ran past its time limit, or the service is too busy to run it.",
}


# Every status the SPARQL routes return: 400 (syntax, rows, parameters), 403 (updates, SERVICE), 406,
# 503 (time limit, busy), and for POST 413 (body limit) and 415 (neither a query nor a form).
SPARQL_STATUSES = {
    ("get", "/sparql"): (400, 403, 406, 503),
    ("post", "/sparql"): (400, 403, 406, 413, 415, 503),
}


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error statuses a route really returns, each a problem."""
    return {s: {"description": MEANING[s], "content": {PROBLEM: {"schema": PROBLEM_REF}}} for s in statuses}


def unprocessable(description: str, example: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI entry of a route's 422: what it means there, and an example problem (its ``detail`` and
    any further members; type, title and status added)."""
    problem = {"type": "about:blank", "title": "Unprocessable description", "status": 422, **example}
    return {"description": description, "content": {PROBLEM: {"schema": PROBLEM_REF, "example": problem}}}


def document(schema: dict[str, Any]) -> None:
    """Make the OpenAPI document say what the service sends on errors: the Problem schema, and no
    FastAPI ``422 HTTPValidationError`` (invalid parameters are a 400 problem here, see ``install``)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_JSON_SCHEMA
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            unprocessable = responses.get("422", {}).get("content", {}).get("application/json", {})
            if unprocessable.get("schema", {}).get("$ref", "").endswith("/HTTPValidationError"):
                del responses["422"]
            # what /sparql really returns and its route may not document yet (its own entries win)
            for status in SPARQL_STATUSES.get((method, path), ()):
                responses.setdefault(str(status), documented(status)[status])
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(_: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc.status, exc.detail, **exc.extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", []))
        given = first.get("input")
        shown = f" (got {excerpt(given, 40)})" if isinstance(given, str) else ""
        return problem_response(400, f"{where}: {first.get('msg', 'invalid request')}{shown}")

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        return problem_response(
            500, f"the service failed on this request ({type(exc).__name__}); please report it"
        )
