"""``POST /validate`` and ``POST /classify``: a model description in, the docs/contract.md §3 report out."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from api.deps import ServicesDep
from api.problems import PROBLEM_REF, Problem, documented
from api.sparql_negotiation import media_ranges, quality
from api.state import Services
from kg.excerpt import excerpt
from reasoner.description import DescriptionError, check, load
from reasoner.report import report, shacl_report

router = APIRouter(tags=["validation"])
AsOf = Annotated[dt.date | None, Query(description="assessment date, YYYY-MM-DD (default today)")]

ACCEPTED = (
    "application/json",
    "application/yaml",
    "application/x-yaml",
    "text/yaml",
    "text/turtle",
    "application/ld+json",
)
EXAMPLE = {
    "name": "ExampleLM-7B",
    "provider": {"name": "Example AI SAS", "country": "FR"},
    "placed_on_market": "2025-09-01",
    "placed_on_eu_market": True,
    "training_compute_flop": 8.4e23,
    "input_modalities": ["text"],
    "output_modalities": ["text"],
    "licence": "apache-2.0",
    "weights_public": True,
    "architecture_public": True,
    "usage_information_public": True,
    "monetised": False,
    "access_requires_personal_data": False,
    "documentation": {"copyright_policy": "https://example.ai/copyright"},
}
BODY = {
    "requestBody": {
        "required": True,
        "description": "A model description (docs/contract.md §2) as JSON, YAML, Turtle or JSON-LD, "
        "by Content-Type.",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Description"}, "example": EXAMPLE},
            "application/yaml": {
                "schema": {"type": "string"},
                "example": "name: ExampleLM-7B\ntraining_compute_flop: 8.4e23\n",
            },
            "application/x-yaml": {"schema": {"type": "string"}},
            "text/yaml": {"schema": {"type": "string"}},
            "text/turtle": {"schema": {"type": "string"}},
            "application/ld+json": {"schema": {"type": "object"}},
        },
    }
}
EXAMPLE_DAY = dt.date(2026, 11, 24)


def example_report(services: Services) -> dict[str, Any]:
    """The report of :data:`EXAMPLE` on :data:`EXAMPLE_DAY` (the OpenAPI example of a 200)."""
    engine = services.engine
    rep: dict[str, Any] = json.loads(json.dumps(report(engine, engine.assess(check(EXAMPLE), EXAMPLE_DAY))))
    return rep


RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report (docs/contract.md §3, docs/report.schema.json); with Accept "
        "text/turtle or "
        "application/ld+json, the W3C SHACL validation report.",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Report"}},
            "text/turtle": {"schema": {"type": "string"}},
            "application/ld+json": {"schema": {"type": "object"}},
        },
    },
    **documented(400, 406, 413, 415),
    422: {
        "description": "The description has problems: every one is listed in `errors` (field and problem), "
        "the first also in `field`. Also a description that cannot be read: not UTF-8, not valid JSON, "
        "YAML, Turtle or JSON-LD, nested too deeply, with YAML anchors or aliases, or naming a remote "
        "JSON-LD context (which is never fetched).",
        "content": {
            "application/problem+json": {
                "schema": PROBLEM_REF,
                "example": {
                    "type": "about:blank",
                    "title": "Unprocessable description",
                    "status": 422,
                    "detail": "2 problems: training_compute_flops: unknown field (did you mean "
                    "'training_compute_flop'?); parameters: is a quoted number: write 7e9 without quotes",
                    "field": "training_compute_flops",
                    "errors": [
                        {
                            "field": "training_compute_flops",
                            "problem": "unknown field (did you mean 'training_compute_flop'?)",
                        },
                        {"field": "parameters", "problem": "is a quoted number: write 7e9 without quotes"},
                    ],
                },
            }
        },
    },
}


async def _body(request: Request) -> tuple[bytes, str]:
    """The description's bytes and media type (415 for a type this route does not read)."""
    media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if media not in ACCEPTED:
        raise Problem(415, f"send the description as {', '.join(ACCEPTED)}; got {excerpt(media, 60)}")
    return await request.body(), media


def _assess(services: Services, body: bytes, media: str, day: dt.date) -> Any:
    """Parse and assess a description: CPU-bound, so routes run it in the thread pool."""
    try:
        data = load(body, media)
    except UnicodeDecodeError as err:
        raise Problem(
            422, f"the description is not UTF-8 text: byte 0x{body[err.start]:02X} at position {err.start}"
        ) from err
    except DescriptionError as err:
        errors = [{"field": e.field or None, "problem": e.problem} for e in err.problems]
        raise Problem(422, str(err), field=err.field or None, errors=errors) from err
    engine = services.engine
    return engine, engine.assess(data, day)


# what /validate can send, in order of preference on a tie: the report, or the W3C SHACL report
REPORT_TYPES = ("application/json", "text/turtle", "application/ld+json")


def report_type(accept: str) -> str:
    """The media type to answer in (RFC 9110 qualities, as for /sparql); a 406 when none fits."""
    ranges = media_ranges(accept)
    q, _, media = max((quality(ranges, m), -i, m) for i, m in enumerate(REPORT_TYPES))
    if q <= 0:
        raise Problem(406, f"cannot send a report as {accept!r}: it can be sent as {', '.join(REPORT_TYPES)}")
    return media


def _validate(services: Services, body: bytes, media: str, day: dt.date, answer: str) -> Response:
    engine, outcome = _assess(services, body, media, day)
    if answer == "text/turtle":
        return Response(shacl_report(outcome, "ttl"), media_type="text/turtle")
    if answer == "application/ld+json":
        return Response(shacl_report(outcome, "jsonld"), media_type="application/ld+json")
    return JSONResponse(json.loads(json.dumps(report(engine, outcome))))


def _classify(services: Services, body: bytes, media: str, day: dt.date) -> JSONResponse:
    engine, outcome = _assess(services, body, media, day)
    rep = report(engine, outcome)
    return JSONResponse({k: rep[k] for k in ("model", "as_of", "classification", "designation_indicators")})


@router.post("/validate", responses=RESPONSES, openapi_extra=BODY)
async def validate(request: Request, services: ServicesDep, as_of: AsOf = None) -> Response:
    """Classify a model description and check it against its obligations, with citations."""
    answer = report_type(request.headers.get("accept", ""))
    body, media = await _body(request)
    day = as_of or dt.date.today()
    return await run_in_threadpool(_validate, services, body, media, day, answer)


CLASSIFY_RESPONSES: dict[int | str, dict[str, Any]] = {
    **RESPONSES,
    200: {
        "description": "The classification part of the report (docs/contract.md §3).",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Classification"}}},
    },
}


@router.post("/classify", responses=CLASSIFY_RESPONSES, openapi_extra=BODY)
async def classify(request: Request, services: ServicesDep, as_of: AsOf = None) -> JSONResponse:
    """Classify a model description: GPAI, systemic risk, exemptions, new provider, representative."""
    accept = request.headers.get("accept", "")
    if quality(media_ranges(accept), "application/json") <= 0:
        raise Problem(406, f"cannot send a classification as {accept!r}: it is sent as application/json")
    body, media = await _body(request)
    return await run_in_threadpool(_classify, services, body, media, as_of or dt.date.today())
