"""The JSON Schema and the key reference of a model description, generated from
``ontology/description.ttl`` so the documentation cannot drift from what the engine reads."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.namespace import SKOS

from kg import paths
from kg.ids import AIKG, ID
from reasoner.description import fields, list_keys, modalities

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


_COUNTRY: dict[str, Any] = {"type": "string", "pattern": "^[A-Z]{2}$"}


def _modality_schema() -> dict[str, Any]:
    """A key of the modality vocabulary or an alias (the engine also ignores case and treats spaces,
    hyphens and underscores alike; the schema lists the spellings as the vocabulary writes them)."""
    vocabulary = modalities().values()
    keys = [m.key for m in vocabulary]
    aliases = sorted({a for m in vocabulary for a in m.aliases})
    return {
        "anyOf": [
            {"enum": keys, "description": "a key of the modality vocabulary"},
            {"enum": aliases, "description": "an alias, read as its key"},
        ]
    }


def json_schema() -> dict[str, Any]:
    defs = _definitions()
    top: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    known = fields()
    for key, f in sorted(known.items()):
        if key.count(".") > 1:  # a member of an object form, written inside its parent below
            continue
        schema: dict[str, Any] = dict(_TYPES[f.type])
        if key in list_keys():
            schema = {"type": "array", "items": _modality_schema()}
        if f.documentation and f.type == "string":
            schema = {"type": ["string", "number", "boolean"]}
        if f.allowed:
            schema = {"type": "string", "enum": list(f.allowed)}
        if key.endswith(".country"):
            schema = _COUNTRY
        members = {k[len(key) + 1 :]: k for k in known if k.startswith(key + ".")}
        if members:  # a name, or an object {"name": ..., member: ...}
            props: dict[str, dict[str, Any]] = {"name": {"type": "string", "minLength": 1}}
            props |= {
                m: _COUNTRY if m == "country" else dict(_TYPES[known[k].type]) for m, k in members.items()
            }
            for m, k in members.items():
                props[m] = {**props[m], "description": defs[k][0]}
            form = {
                "type": "object",
                "properties": props,
                "required": ["name"],
                "additionalProperties": False,
            }
            schema = {"anyOf": [{"type": "string"}, form]}
        schema = {"anyOf": [*schema.get("anyOf", [schema]), {"type": "null"}], "description": defs[key][0]}
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
        "title": "Model description (aiact-kg docs/contract.md §2)",
        "type": "object",
        "required": ["name"],
        "properties": dict(sorted(top.items())),
        "additionalProperties": False,
    }


DOC_HEAD = """# Model description: every key

Generated from `ontology/description.ttl` by `aiact schema --keys` (a test keeps this page in step with
it). Every field is optional except `name`; a missing fact is reported, never assumed. `documentation.*`
keys hold a URL or a short text (energy: a number of MWh). The JSON Schema is
`docs/description.schema.json` (`aiact schema`); a description may name it in a top-level `$schema`
key, which is kept and not reasoned on. A description with problems is refused with every problem at
once, each naming its key: a misspelt key gets a "did you mean", a quoted number a hint to drop the
quotes.

"""


def key_reference() -> str:
    """Markdown page: every key, its type and the provisions that ask for it."""
    from kg.act import Act

    index = Act().index
    defs = _definitions()
    lines = ["| key | type | what | provisions |", "|---|---|---|---|"]
    for key, f in sorted(fields().items(), key=lambda kv: (kv[1].documentation, kv[0])):
        what, asks = defs[key]
        cited = ", ".join(index[str(ID[a])].notation for a in asks)
        kind = "string or object" if any(k.startswith(key + ".") for k in fields()) else f.type
        kind = "list of modalities" if key in list_keys() else kind
        lines.append(f"| `{key}` | {kind} | {what} | {cited} |")
    return DOC_HEAD + "\n".join(lines) + "\n" + _modality_reference()


def _modality_reference() -> str:
    lines = [
        "",
        "## Modalities",
        "",
        "The values of `input_modalities` and `output_modalities` (`aikg:Modality` in",
        "`ontology/description.ttl`). Case does not matter, and spaces, hyphens and underscores count",
        "alike; an alias is read as its key when the description becomes RDF, and the description keeps",
        "what was written. A task (`text-to-image`) is not a modality: write its input and its output.",
        "*Language*: the output meets the modality part of the Guidelines' indicative criterion of a",
        "general-purpose AI model; *from text*: it does when generated from a text input (Guidelines",
        "C(2025) 5045, section 2.1).",
        "",
        "| key | aliases | language | from text | what |",
        "|---|---|---|---|---|",
    ]
    for m in modalities().values():
        aliases = ", ".join(f"`{a}`" for a in m.aliases)
        yes = {True: "yes", False: ""}
        flags = f"{yes[m.generative_language]} | {yes[m.generative_from_text]}"
        lines.append(f"| `{m.key}` | {aliases} | {flags} | {m.definition} |")
    return "\n".join(lines) + "\n"


SCHEMA_PATH = paths.ROOT / "docs" / "description.schema.json"
KEYS_PATH = paths.ROOT / "docs" / "description.md"


def schema_text() -> str:
    """The text of ``docs/description.schema.json`` (what ``aiact schema`` prints)."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m reasoner.schema [DIR]``: write the JSON Schema and the key reference into ``DIR``
    (default ``docs/``); ``make generate`` runs it."""
    return write_generated([(SCHEMA_PATH, schema_text), (KEYS_PATH, key_reference)], argv)


def write_generated(files: list[tuple[Path, Callable[[], str]]], argv: list[str] | None = None) -> int:
    """Write each generated file (its path, the function that renders it) into the directory named by
    the first argument, else where it is committed; the ``main`` of the generators."""
    args = sys.argv[1:] if argv is None else argv
    for target, render in files:
        out = Path(args[0]) / target.name if args else target
        out.write_text(render(), encoding="utf-8")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
