"""``POST /validate`` and ``POST /classify``: a model description in, the docs/contract.md §3 report out;
``POST /validate/batch``: many in, their reports (or error objects) out, in order (docs/contract.md §5)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response, StreamingResponse

from api.deps import ServicesDep
from api.problems import PROBLEM_REF, Problem, documented, unprocessable
from api.sparql_negotiation import negotiate
from api.state import Services
from kg.excerpt import excerpt, not_utf8
from reasoner.batch import Source, as_json, dumps
from reasoner.description import DescriptionError, check, load
from reasoner.description_formats import json_description
from reasoner.report import report, shacl_report


class FastJSON(JSONResponse):
    """JSON serialised once, by orjson (``reasoner.batch.dumps``): text as it is (‘ ’, é), numbers as
    JSON numbers (``1e25``). The service's default response class."""

    def render(self, content: Any) -> bytes:
        return dumps(content)


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
    rep: dict[str, Any] = json.loads(dumps(report(engine, engine.assess(check(EXAMPLE), EXAMPLE_DAY))))
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
    422: unprocessable(
        "The description has problems: every one is listed in `errors` (field and problem), the first also "
        "in `field`. Also a description that cannot be read: not UTF-8, not valid JSON, YAML, Turtle or "
        "JSON-LD, nested too deeply, with YAML anchors or aliases, or naming a remote JSON-LD context (which "
        "is never fetched).",
        {
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
    ),
}


async def _body(
    request: Request, accepted: tuple[str, ...] = ACCEPTED, what: str = "the description"
) -> tuple[bytes, str]:
    """The body's bytes and media type (415 for a type this route does not read)."""
    media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if media not in accepted:
        raise Problem(415, f"send {what} as {', '.join(accepted)}; got {excerpt(media, 60)}")
    return await request.body(), media


def _assess(services: Services, body: bytes, media: str, day: dt.date) -> Any:
    """Parse and assess a description: CPU-bound, so routes run it in the thread pool."""
    try:
        data = load(body, media)
    except UnicodeDecodeError as err:
        raise Problem(422, not_utf8(body, err, "the description")) from err
    except DescriptionError as err:
        errors = [{"field": e.field or None, "problem": e.problem} for e in err.problems]
        raise Problem(422, str(err), field=err.field or None, errors=errors) from err
    engine = services.engine
    return engine, engine.assess(data, day)


# what /validate can send, in order of preference on a tie: the report, or the W3C SHACL report
REPORT_TYPES = ("application/json", "text/turtle", "application/ld+json")


def report_type(accept: str) -> str:
    """The media type to answer in (RFC 9110 qualities, as for /sparql); a 406 when none fits."""
    return negotiate(accept, REPORT_TYPES, "a report")


def _validate(services: Services, body: bytes, media: str, day: dt.date, answer: str) -> Response:
    engine, outcome = _assess(services, body, media, day)
    if answer == "text/turtle":
        return Response(shacl_report(outcome, "ttl"), media_type="text/turtle")
    if answer == "application/ld+json":
        return Response(shacl_report(outcome, "jsonld"), media_type="application/ld+json")
    return Response(dumps(report(engine, outcome)), media_type="application/json")


def _classify(services: Services, body: bytes, media: str, day: dt.date) -> Response:
    engine, outcome = _assess(services, body, media, day)
    rep = report(engine, outcome)
    part = {k: rep[k] for k in ("model", "as_of", "classification", "designation_indicators")}
    return Response(dumps(part), media_type="application/json")


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
async def classify(request: Request, services: ServicesDep, as_of: AsOf = None) -> Response:
    """Classify a model description: GPAI, systemic risk, exemptions, new provider, representative."""
    negotiate(request.headers.get("accept", ""), ("application/json",), "a classification")
    body, media = await _body(request)
    return await run_in_threadpool(_classify, services, body, media, as_of or dt.date.today())


# -- POST /validate/batch ---------------------------------------------------------------------------

JSON_LINES = ("application/x-ndjson", "application/jsonl")
BATCH_ACCEPTED = ("application/json", *JSON_LINES)
BATCH_TYPES = BATCH_ACCEPTED  # what it answers in, preferred on a tie in this order
BATCH_ERROR = {
    "type": "object",
    "description": "A description of the batch that cannot be read or has problems, in its place "
    "(docs/contract.md §5, Batches): `status` is what POST /validate would answer for it alone.",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "title", "problem", "field", "errors"],
            "additionalProperties": False,
            "properties": {
                "status": {"type": "integer", "enum": [422, 500]},
                "title": {"type": "string"},
                "problem": {"type": "string"},
                "field": {"type": ["string", "null"]},
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "problem"],
                        "properties": {"field": {"type": ["string", "null"]}, "problem": {"type": "string"}},
                    },
                },
            },
        }
    },
}
BATCH_BODY = {
    "requestBody": {
        "required": True,
        "description": "Descriptions (docs/contract.md §2): a JSON array of them, or JSON Lines (one JSON "
        "description a line; blank lines are skipped), at most AIACT_MAX_BATCH (default 1000) and within "
        "the body limit (AIACT_MAX_BODY).",
        "content": {
            "application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Description"}},
                "example": [EXAMPLE],
            },
            "application/x-ndjson": {"schema": {"type": "string"}},
            "application/jsonl": {"schema": {"type": "string"}},
        },
    }
}
BATCH_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "One entry per description, in input order: its report (docs/contract.md §3), or "
        "an error object in its place; a JSON array, or JSON Lines when Accept asks for them (streamed: "
        "the lines of each chunk of descriptions as soon as it is done, in input order).",
        "content": {
            "application/json": {
                "schema": {
                    "type": "array",
                    "items": {"anyOf": [{"$ref": "#/components/schemas/Report"}, BATCH_ERROR]},
                }
            },
            "application/x-ndjson": {"schema": {"type": "string"}},
            "application/jsonl": {"schema": {"type": "string"}},
        },
    },
    **documented(400, 406, 415),
    413: {
        "description": "Request too large: the body is larger than the limit (AIACT_MAX_BODY), or the batch "
        "holds more descriptions than AIACT_MAX_BATCH (`detail` names the limit).",
        "content": {"application/problem+json": {"schema": PROBLEM_REF}},
    },
    422: {
        "description": "The body is not a batch: not UTF-8, not valid JSON, or not a JSON array. A "
        "description of the batch with problems is not a 422: it is an error object in its place.",
        "content": {"application/problem+json": {"schema": PROBLEM_REF}},
    },
}


def batch_type(accept: str) -> str:
    """The media type of the answer: a JSON array, or JSON Lines when Accept prefers them; else 406."""
    return negotiate(accept, BATCH_TYPES, "a batch")


def batch_sources(body: bytes, media: str) -> list[Source]:
    """The descriptions of a batch body, each still to be read and checked (422 for a body that is not a
    batch at all)."""
    if media in JSON_LINES:
        return [Source(line) for line in body.split(b"\n") if line.strip()]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Problem(422, not_utf8(body, err, "the batch")) from err
    try:
        values = json_description(text) if text.strip() else None
    except DescriptionError as err:
        raise Problem(422, f"the batch is {err}") from err
    if not isinstance(values, list):
        kind = "empty" if values is None else f"a JSON {type(values).__name__.replace('dict', 'object')}"
        raise Problem(
            422, f"a batch is a JSON array of descriptions (or JSON Lines, application/x-ndjson), not {kind}"
        )
    return [Source(v, None) for v in values]


def _validate_batch(services: Services, body: bytes, media: str, day: dt.date, answer: str) -> Response:
    sources = batch_sources(body, media)
    limit = services.settings.max_batch
    if len(sources) > limit:
        raise Problem(
            413, f"a batch holds at most {limit} descriptions (AIACT_MAX_BATCH); this one has {len(sources)}"
        )
    if answer in JSON_LINES:
        return StreamingResponse(_stream(services, sources, day), media_type=answer)
    # each report serialised where it is made (a worker process, for a large batch), joined here
    body = b",".join(services.batch.stream(sources, day, as_json, count=len(sources)))
    return Response(b"[" + body + b"]", media_type="application/json")


STREAM_CHUNK = 25  # descriptions written at once while streaming JSON Lines


def _stream(services: Services, sources: list[Source], day: dt.date) -> Iterator[bytes]:
    """JSON Lines, in input order, a few lines at a time as they are assessed (in the worker processes for
    a large batch; Starlette iterates this in the thread pool)."""
    lines: list[bytes] = []
    for line in services.batch.stream(sources, day, as_json, count=len(sources)):
        lines.append(line)
        if len(lines) >= STREAM_CHUNK:
            yield b"\n".join(lines) + b"\n"
            lines = []
    if lines:
        yield b"\n".join(lines) + b"\n"


@router.post("/validate/batch", responses=BATCH_RESPONSES, openapi_extra=BATCH_BODY)
async def validate_batch(request: Request, services: ServicesDep, as_of: AsOf = None) -> Response:
    """Validate many model descriptions at once: their reports, or error objects, in input order."""
    answer = batch_type(request.headers.get("accept", ""))
    body, media = await _body(request, BATCH_ACCEPTED, "the batch")
    return await run_in_threadpool(_validate_batch, services, body, media, as_of or dt.date.today(), answer)
