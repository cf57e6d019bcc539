"""Read a model description (CONTRACT §2) from JSON, YAML, Turtle or JSON-LD, and check it.

The keys, their types and the RDF property of each come from ``ontology/description.ttl``
(``aikg:jsonKey``, ``aikg:valueType``), so the vocabulary has one home. A bad description raises
:class:`DescriptionError` naming the field and the problem; nothing the user sent is altered.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import XSD

from reasoner import paths
from reasoner.ids import AIKG

MAX_BYTES = 1_000_000
MODALITIES = ("text", "code", "image", "audio", "speech", "video", "other")
_NESTED = ("provider", "base_model", "documentation")
MODEL = URIRef("urn:aiact-kg:description")


class Yaml12Loader(yaml.SafeLoader):
    """YAML with the YAML 1.2 float syntax: PyYAML follows YAML 1.1, where ``8.4e23`` (no sign in the
    exponent) is a string, which would turn every compute figure written the usual way into an error."""


Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)$|^[-+]?[0-9][0-9_]*\.[0-9_]*$"),
    list("-+0123456789."),
)


def yaml_load(text: str) -> Any:
    return yaml.load(text, Loader=Yaml12Loader)  # a SafeLoader subclass


class DescriptionError(ValueError):
    """The description cannot be read; ``field`` names where, the message says what is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}" if field else problem)
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class Field:
    key: str
    prop: URIRef
    type: str  # string, boolean, double, integer, date
    documentation: bool


@cache
def fields() -> dict[str, Field]:
    g = Graph().parse(paths.ONTOLOGY / "description.ttl")
    out = {}
    for prop, key in g.subject_objects(AIKG.jsonKey):
        vtype = str(g.value(prop, AIKG.valueType)).split("#")[1]
        doc = g.value(prop, AIKG.documentationKey) is not None
        out[str(key)] = Field(str(key), URIRef(str(prop)), vtype, doc)
    return out


def load(text: str | bytes, media_type: str = "application/json") -> dict[str, Any]:
    """Parse a description in any accepted format into the CONTRACT §2 dictionary, checked."""
    if len(text) > MAX_BYTES:
        raise DescriptionError("", f"the description is larger than {MAX_BYTES} bytes")
    raw = text.decode("utf-8", errors="strict") if isinstance(text, bytes) else text
    kind = media_type.split(";")[0].strip().lower()
    if kind in ("text/turtle", "application/ld+json", "application/n-triples"):
        data = from_rdf(raw, kind)
    elif kind in ("application/yaml", "application/x-yaml", "text/yaml"):
        try:
            data = yaml_load(raw)
        except yaml.YAMLError as err:
            raise DescriptionError("", f"not valid YAML: {err}") from err
    elif kind == "application/json":
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as err:
            raise DescriptionError(
                "", f"not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}"
            ) from err
    else:
        raise DescriptionError(
            "", f"unsupported media type {media_type!r}: use JSON, YAML, Turtle or JSON-LD"
        )
    return check(data)


def media_type_of(filename: str) -> str:
    lower = filename.lower()
    if lower.endswith((".yaml", ".yml")):
        return "application/yaml"
    if lower.endswith(".ttl"):
        return "text/turtle"
    if lower.endswith((".jsonld", ".json-ld")):
        return "application/ld+json"
    return "application/json"


def check(data: object) -> dict[str, Any]:
    """Check keys and values; return the description as given (no default is filled in)."""
    if not isinstance(data, dict):
        raise DescriptionError("", "a description is an object with at least a 'name'")
    known = fields()
    for key, value in data.items():
        if key in _NESTED:
            if value is None:
                continue
            if not isinstance(value, dict):
                raise DescriptionError(key, "must be an object")
            for sub, subvalue in value.items():
                _check_value(f"{key}.{sub}", subvalue, known)
        else:
            _check_value(key, value, known)
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        raise DescriptionError("name", "is required and must be a non-empty string")
    return data


def _check_value(key: str, value: object, known: dict[str, Field]) -> None:
    if key not in known:
        close = [k for k in known if k.split(".")[-1] == key.split(".")[-1]]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise DescriptionError(key, f"unknown field{hint}")
    if value is None:
        return
    f = known[key]
    if key in ("input_modalities", "output_modalities"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DescriptionError(key, 'must be a list of modalities, e.g. ["text"]')
        bad = [v for v in value if v not in MODALITIES]
        if bad:
            raise DescriptionError(key, f"unknown modality {bad[0]!r}; use {', '.join(MODALITIES)}")
        return
    if f.type == "boolean" and not isinstance(value, bool):
        raise DescriptionError(key, f"must be true, false or null, not {value!r}")
    if f.type in ("double", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            unit = "FLOP" if key.endswith("flop") else "MWh" if key.endswith("mwh") else "a count"
            raise DescriptionError(
                key, f"must be a number ({unit}), not {value!r}; write 1.2e24, without units"
            )
        if not math.isfinite(value) or value < 0:
            raise DescriptionError(key, f"must be a finite number not below zero, not {value!r}")
        if f.type == "integer" and int(value) != value:
            raise DescriptionError(key, f"must be a whole number, not {value!r}")
    if f.type == "date" and (not isinstance(value, str | dt.date) or not _is_date(value)):
        raise DescriptionError(key, f"must be a date written YYYY-MM-DD, not {value!r}")
    documented = f.documentation and isinstance(value, int | float | bool)
    if f.type == "string" and not isinstance(value, str) and not documented:
        raise DescriptionError(key, f"must be a string, not {value!r}")
    if key == "provider.country" and not re.fullmatch(r"[A-Z]{2}", str(value)):
        raise DescriptionError(
            key, f"must be an ISO 3166-1 alpha-2 code in capitals (e.g. FR, US), not {value!r}"
        )


def _is_date(value: str | dt.date) -> bool:
    if isinstance(value, dt.date):
        return True
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def flatten(data: dict[str, Any]) -> dict[str, Any]:
    """``{"provider": {"country": "FR"}}`` -> ``{"provider.country": "FR"}``; nulls dropped."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in _NESTED and isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items() if v is not None})
        elif value is not None:
            out[key] = value
    return out


def to_rdf(data: dict[str, Any], as_of: dt.date) -> Graph:
    """The description as triples about one model node, in the project's vocabulary."""
    g = Graph()
    g.add((MODEL, RDF.type, AIKG.AIModel))
    g.add((MODEL, AIKG.asOf, Literal(as_of.isoformat(), datatype=XSD.date)))
    known = fields()
    for key, value in flatten(data).items():
        f = known[key]
        for v in value if isinstance(value, list) else [value]:
            g.add((MODEL, f.prop, _literal(v, f)))
    return g


def _literal(value: Any, f: Field) -> Literal:
    if f.type == "date":
        return Literal(str(value), datatype=XSD.date)
    if f.type == "double":
        return Literal(float(value), datatype=XSD.double)
    if f.type == "integer":
        return Literal(int(value), datatype=XSD.integer)
    if f.type == "boolean":
        return Literal(bool(value))
    return Literal(str(value))


def from_rdf(text: str, media_type: str) -> dict[str, Any]:
    """A description written in the project's vocabulary (one aikg:AIModel) back to the dictionary."""
    fmt = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt"}[
        media_type
    ]
    g = Graph()
    try:
        g.parse(data=text, format=fmt)
    except Exception as err:  # rdflib raises many types for bad syntax
        raise DescriptionError("", f"not valid {fmt}: {err}") from err
    models = list(g.subjects(RDF.type, AIKG.AIModel))
    if len(models) != 1:
        raise DescriptionError("", f"expected one aikg:AIModel in the graph, found {len(models)}")
    by_prop = {f.prop: f for f in fields().values()}
    out: dict[str, Any] = {}
    for p, o in g.predicate_objects(models[0]):
        if p == RDF.type:
            continue
        f = by_prop.get(URIRef(str(p)))
        if f is None:
            raise DescriptionError(str(p), "unknown property in a description")
        value = o.toPython() if isinstance(o, Literal) else str(o)
        if isinstance(value, dt.date):
            value = value.isoformat()
        head, _, tail = f.key.partition(".")
        target = out.setdefault(head, {}) if tail else out
        name = tail or head
        if name in ("input_modalities", "output_modalities"):
            target.setdefault(name, []).append(value)
            target[name].sort()
        else:
            target[name] = value
    return out
