"""``POST /describe``: a Hugging Face model card (README.md with YAML front matter) in, the description it
yields out, with where each key came from and what it does not say: what ``aiact describe CARD.md --format
json`` prints (docs/contract.md §4), from the same reader (``reasoner.model_card.read_card``). A body only:
this route never fetches anything (no ``hf:`` names). Also ``GET /schema``: the JSON Schema of a
description (docs/description.schema.json), which the explorer's editor completes and checks against."""

from __future__ import annotations

import datetime as dt
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.problems import Problem, documented, unprocessable
from api.routes.validate import AsOf, _body
from kg.excerpt import not_utf8
from reasoner.batch import dumps
from reasoner.description import DescriptionError
from reasoner.model_card import CardError, card_name, read_card
from reasoner.schema import json_schema

router = APIRouter(tags=["validation"])

CARD_TYPES = ("text/markdown", "text/plain")
CARD_EXAMPLE = (
    "---\nlicense: apache-2.0\npipeline_tag: text-generation\nlanguage: [en, fr]\n---\n# ExampleLM-7B\n\n"
    "A small language model.\n"
)
FileName = Annotated[
    str | None,
    Query(
        max_length=255,
        description="the card's file name (e.g. owner_model_README.md), which names the model as `aiact "
        "describe FILE` does; without it (or for a bare README.md) the card's own model-index name, else "
        '"unnamed model"',
    ),
]
CARD_BODY = {
    "requestBody": {
        "required": True,
        "description": "A Hugging Face model card: Markdown with YAML front matter (docs/model-cards.md).",
        "content": {
            "text/markdown": {"schema": {"type": "string"}, "example": CARD_EXAMPLE},
            "text/plain": {"schema": {"type": "string"}},
        },
    }
}
TEXTS = {"type": "object", "additionalProperties": {"type": "string"}}
DESCRIBED: dict[str, Any] = {
    "type": "object",
    "description": "What `aiact describe CARD.md --format json` prints (docs/contract.md §4).",
    "required": ["description", "provenance", "missing"],
    "additionalProperties": False,
    "properties": {
        "description": {"$ref": "#/components/schemas/Description"},
        "provenance": {**TEXTS, "description": "each dotted key of the description -> where it came from"},
        "missing": {
            "type": "array",
            "items": {"type": "string"},
            "description": "the keys the engine names as missing for this description, as of `as_of`",
        },
        "notes": {**TEXTS, "description": "a key -> what the card says near it that is not a fact"},
    },
}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The description the card yields, where each key came from, and what it lacks.",
        "content": {"application/json": {"schema": DESCRIBED}},
    },
    **documented(400, 413, 415),
    422: unprocessable(
        "The card cannot be read: empty, not UTF-8, front matter that is not valid YAML (the line of the "
        "card is named) or not a mapping, or facts that make no valid description. `detail` names the "
        "problem.",
        {"detail": "the front matter is not valid YAML: line 3: expected ',' or ']'"},
    ),
}


def _name(file_name: str | None) -> tuple[str | None, str | None]:
    """The model name a file name gives, as the CLI reads it (``card_name``), and where it came from; a
    bare README.md names no model here (the CLI would take its folder, which a body does not have)."""
    if not file_name:
        return None, None
    base = PurePosixPath(file_name.replace("\\", "/")).name
    if not base or base.lower() == "readme.md":
        return None, None
    return card_name(Path(base)), f"file name {base}"  # not README.md: no folder is looked at


def _describe(body: bytes, day: dt.date, file_name: str | None) -> Response:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Problem(422, not_utf8(body, err, "the model card")) from err
    if not text.strip():
        raise Problem(422, "the model card is empty: send its README.md (YAML front matter and Markdown)")
    name, source = _name(file_name)
    try:
        out = read_card(text, name, name_source=source, as_of=day).as_json()
    except (CardError, DescriptionError) as err:
        raise Problem(422, str(err)) from err
    return Response(dumps(out), media_type="application/json")


@router.post("/describe", responses=RESPONSES, openapi_extra=CARD_BODY)
async def describe(request: Request, as_of: AsOf = None, file_name: FileName = None) -> Response:
    """Read a model card: the description it yields, where each key came from, and what it does not say."""
    body, _ = await _body(request, CARD_TYPES, "the model card")
    return await run_in_threadpool(_describe, body, as_of or dt.date.today(), file_name)


SCHEMA_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "docs/description.schema.json (JSON Schema, draft 2020-12).",
        "content": {"application/schema+json": {"schema": {"type": "object"}}},
    },
    **documented(400),
}


@router.get("/schema", response_class=Response, responses=SCHEMA_RESPONSES)
def schema() -> Response:
    """The JSON Schema of a model description (docs/contract.md §2), for editors and validators."""
    return Response(dumps(json_schema()), media_type="application/schema+json")
