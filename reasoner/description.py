"""Read a model description (docs/contract.md §2) from JSON, YAML, Turtle or JSON-LD, check it, and turn it
into RDF. The keys, their types and the RDF property of each come from ``ontology/description.ttl``
(``aikg:jsonKey``, ``aikg:valueType``), and so do the keys that take a list of vocabulary terms
(``aikg:valueVocabulary``) and the modality vocabulary itself (``aikg:Modality``, with its aliases), so
the vocabulary has one home. A bad description raises :class:`DescriptionError` listing every problem
at once, each naming its field; nothing the user sent is altered: an alias (a modality spelt
``images``) is read as its key only when the description is turned into RDF.

The work is in three modules, re-exported here: :mod:`reasoner.description_vocabulary` (what the
ontology declares), :mod:`reasoner.description_formats` (the readers of each format) and
:mod:`reasoner.description_check` (the checks of keys and values).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.excerpt import excerpt
from kg.ids import AIKG
from reasoner.description_check import MAX_PROBLEMS, DescriptionError, Problem, check
from reasoner.description_formats import (
    BASE,
    MAX_DEPTH,
    MAX_DIGITS,
    DescriptionLoader,
    RemoteContext,
    Yaml12Loader,
    _offline,
    from_rdf,
    json_description,
    yaml_description,
    yaml_load,
)
from reasoner.description_vocabulary import (
    Field,
    Modality,
    fields,
    list_keys,
    modalities,
    modality_key,
    nested,
)

__all__ = [
    "BASE",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_PROBLEMS",
    "MODEL",
    "DescriptionError",
    "DescriptionLoader",
    "Field",
    "Modality",
    "Problem",
    "RemoteContext",
    "Yaml12Loader",
    "_offline",
    "check",
    "fields",
    "flatten",
    "from_rdf",
    "list_keys",
    "load",
    "media_type_of",
    "modalities",
    "modality_key",
    "nested",
    "to_rdf",
    "to_triples",
    "yaml_load",
]

MAX_BYTES = 1_000_000
MODEL = URIRef("urn:aiact-kg:description")


def load(text: str | bytes, media_type: str = "application/json") -> dict[str, Any]:
    """Parse a description in any accepted format into the docs/contract.md §2 dictionary, checked."""
    if len(text) > MAX_BYTES:
        raise DescriptionError("", f"the description is larger than {MAX_BYTES} bytes")
    raw = text.decode("utf-8", errors="strict") if isinstance(text, bytes) else text
    kind = media_type.split(";")[0].strip().lower()
    if kind in ("text/turtle", "application/ld+json", "application/n-triples"):
        data = from_rdf(raw, kind)
    elif kind in ("application/yaml", "application/x-yaml", "text/yaml"):
        data = yaml_description(raw)
    elif kind == "application/json":
        data = json_description(raw)
    else:
        raise DescriptionError(
            "", f"unsupported media type {excerpt(media_type)}: use JSON, YAML, Turtle or JSON-LD"
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


def flatten(data: dict[str, Any]) -> dict[str, Any]:
    """``{"provider": {"country": "FR"}}`` -> ``{"provider.country": "FR"}``; nulls dropped. An object
    form ``{"authorised_representative": {"name": "R", "country": "DE"}}`` gives the name under its own
    key and the other members under dotted keys (``provider.authorised_representative.country``)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in nested() and isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, dict):
                    out.update({f"{key}.{k}" if m == "name" else f"{key}.{k}.{m}": mv
                                for m, mv in v.items() if mv is not None})  # fmt: skip
                elif v is not None:
                    out[f"{key}.{k}"] = v
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
            if key in list_keys():  # an alias is read as its key; the description keeps it
                v = modality_key(v) or v
            g.add((MODEL, f.prop, _literal(v, f)))
    return g


def to_triples(data: dict[str, Any], as_of: dt.date, model: ox.NamedNode | None = None) -> list[ox.Triple]:
    """The triples of :func:`to_rdf` built directly as pyoxigraph terms (no rdflib graph, no N-Triples
    round trip): the same terms, each literal with the lexical form rdflib gives it, about ``model``
    (:data:`MODEL` unless given). ``tests/test_engine_paths.py`` checks that both give one graph."""
    node = model or _MODEL
    out = [ox.Triple(node, _TYPE, _AIMODEL)]
    out.append(ox.Triple(node, _AS_OF, ox.Literal(as_of.isoformat(), datatype=_DATE)))
    known = fields()
    keys = list_keys()
    for key, value in flatten(data).items():
        f = known[key]
        prop = _prop(str(f.prop))
        for v in value if isinstance(value, list) else [value]:
            if key in keys:  # an alias is read as its key; the description keeps it
                v = modality_key(v) or v
            out.append(ox.Triple(node, prop, _ox_literal(v, f.type)))
    return list(dict.fromkeys(out))  # a graph: a value given twice (an alias and its key) is one triple


_MODEL = ox.NamedNode(str(MODEL))
_TYPE = ox.NamedNode(str(RDF.type))
_AIMODEL = ox.NamedNode(str(AIKG.AIModel))
_AS_OF = ox.NamedNode(str(AIKG.asOf))
_DATE = ox.NamedNode(str(XSD.date))
_DATATYPES = {
    "date": _DATE,
    "double": ox.NamedNode(str(XSD.double)),
    "integer": ox.NamedNode(str(XSD.integer)),
    "boolean": ox.NamedNode(str(XSD.boolean)),
}
_PROPS: dict[str, ox.NamedNode] = {}


def _prop(iri: str) -> ox.NamedNode:
    node = _PROPS.get(iri)
    if node is None:
        node = _PROPS[iri] = ox.NamedNode(iri)
    return node


def _ox_literal(value: Any, kind: str) -> ox.Literal:
    """The literal :func:`_literal` makes, as rdflib writes its lexical form."""
    if kind == "date":
        return ox.Literal(str(value), datatype=_DATE)
    if kind == "double":
        return ox.Literal(str(float(value)), datatype=_DATATYPES["double"])
    if kind == "integer":
        return ox.Literal(str(int(value)), datatype=_DATATYPES["integer"])
    if kind == "boolean":
        return ox.Literal("true" if bool(value) else "false", datatype=_DATATYPES["boolean"])
    return ox.Literal(str(value))


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
