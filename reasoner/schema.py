"""The JSON Schema and the key reference of a model description, generated from
``ontology/description.ttl`` so the documentation cannot drift from what the engine reads."""

from __future__ import annotations

from typing import Any

from rdflib import Graph
from rdflib.namespace import SKOS

from reasoner import paths
from reasoner.description import MODALITIES, fields
from reasoner.ids import AIKG, ID

_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "double": {"type": "number", "minimum": 0},
    "integer": {"type": "integer", "minimum": 0},
    "date": {"type": "string", "format": "date"},
}


def _definitions() -> dict[str, tuple[str, list[str]]]:
    g = Graph().parse(paths.ONTOLOGY / "description.ttl")
    out = {}
    for prop, key in g.subject_objects(AIKG.jsonKey):
        asks = sorted(str(p).removeprefix(str(ID)) for p in g.objects(prop, AIKG.asksFor))
        out[str(key)] = (str(g.value(prop, SKOS.definition)), asks)
    return out


def json_schema() -> dict[str, Any]:
    defs = _definitions()
    top: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for key, f in sorted(fields().items()):
        schema: dict[str, Any] = dict(_TYPES[f.type])
        if key in ("input_modalities", "output_modalities"):
            schema = {"type": "array", "items": {"enum": list(MODALITIES)}}
        if f.documentation and f.type == "string":
            schema = {"type": ["string", "number", "boolean"]}
        schema = {"anyOf": [schema, {"type": "null"}], "description": defs[key][0]}
        head, _, tail = key.partition(".")
        if tail:
            nested.setdefault(head, {})[tail] = schema
        else:
            top[key] = schema
    for head, props in nested.items():
        top[head] = {"anyOf": [{"type": "object", "properties": props, "additionalProperties": False},
                               {"type": "null"}]}  # fmt: skip
    top["name"] = {"type": "string", "minLength": 1, "description": defs["name"][0]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://w3id.org/aiact-kg/schema/description.json",
        "title": "Model description (aiact-kg CONTRACT §2)",
        "type": "object",
        "required": ["name"],
        "properties": dict(sorted(top.items())),
        "additionalProperties": False,
    }


DOC_HEAD = """# Model description: every key

Generated from `ontology/description.ttl` by `aiact schema --keys` (a test keeps this page in step with
it). Every field is optional except `name`; a missing fact is reported, never assumed. `documentation.*`
keys hold a URL or a short text (energy: a number of MWh). The JSON Schema is
`docs/description.schema.json` (`aiact schema`).

"""


def key_reference() -> str:
    """Markdown page: every key, its type and the provisions that ask for it."""
    from reasoner.act import Act

    index = Act().index
    defs = _definitions()
    lines = ["| key | type | what | provisions |", "|---|---|---|---|"]
    for key, f in sorted(fields().items(), key=lambda kv: (kv[1].documentation, kv[0])):
        what, asks = defs[key]
        cited = ", ".join(index[str(ID[a])].notation for a in asks)
        lines.append(f"| `{key}` | {f.type} | {what} | {cited} |")
    return DOC_HEAD + "\n".join(lines) + "\n"
