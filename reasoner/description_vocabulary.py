"""The vocabulary of a model description, as ``ontology/description.ttl`` declares it: the keys (with
their type, RDF property and allowed values), which keys take a list of vocabulary terms, the nested
objects, and the modality vocabulary with its aliases. Nothing of it is written out in Python."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg import paths
from kg.ids import AIKG


@dataclass(frozen=True)
class Field:
    key: str
    prop: URIRef
    type: str  # string, boolean, double, integer, date
    documentation: bool
    allowed: tuple[str, ...] = ()  # the values a string key may take (aikg:allowedValue), if limited
    vocabulary: str = ""  # the class whose terms a list-valued key names (aikg:valueVocabulary), if any


@dataclass(frozen=True)
class Modality:
    key: str  # skos:notation, what a description writes
    label: str
    aliases: tuple[str, ...]
    definition: str
    generative_language: bool
    generative_from_text: bool


@cache
def _vocabulary() -> Graph:
    return Graph().parse(paths.ONTOLOGY / "description.ttl")


@cache
def fields() -> dict[str, Field]:
    g = _vocabulary()
    out = {}
    for prop, key in g.subject_objects(AIKG.jsonKey):
        vtype = str(g.value(prop, AIKG.valueType)).split("#")[1]
        doc = g.value(prop, AIKG.documentationKey) is not None
        allowed = tuple(sorted(str(v) for v in g.objects(prop, AIKG.allowedValue)))
        vocabulary = str(g.value(prop, AIKG.valueVocabulary) or "")
        out[str(key)] = Field(str(key), URIRef(str(prop)), vtype, doc, allowed, vocabulary)
    return out


@cache
def list_keys() -> frozenset[str]:
    """The keys that take a list (of terms of a vocabulary: ``input_modalities``, ``output_modalities``)."""
    return frozenset(k for k, f in fields().items() if f.vocabulary)


@cache
def nested() -> frozenset[str]:
    """The keys whose value is an object of further keys (``provider``): the heads of the dotted keys."""
    return frozenset(k.split(".", 1)[0] for k in fields() if "." in k)


@cache
def modalities() -> dict[str, Modality]:
    """The modality vocabulary of ``ontology/description.ttl``, by key."""
    g = _vocabulary()
    out = {}
    for m in g.subjects(RDF.type, AIKG.Modality):
        key = str(g.value(m, SKOS.notation))
        out[key] = Modality(
            key=key,
            label=str(g.value(m, SKOS.prefLabel)),
            aliases=tuple(sorted(str(a) for a in g.objects(m, SKOS.altLabel))),
            definition=str(g.value(m, SKOS.definition)),
            generative_language=_flag(g.value(m, AIKG.generativeLanguage)),
            generative_from_text=_flag(g.value(m, AIKG.generativeFromText)),
        )
    return dict(sorted(out.items()))


def _flag(value: object) -> bool:
    return isinstance(value, Literal) and value.toPython() is True


def spelling(value: str) -> str:
    """How a modality is compared: no case, and spaces, hyphens and underscores alike."""
    return re.sub(r"[\s_\-]+", "_", value.strip().lower())


@cache
def modality_spellings() -> dict[str, str]:
    out = {}
    for m in modalities().values():
        for written in (m.key, *m.aliases):
            out[spelling(written)] = m.key
    return out


def modality_key(value: str) -> str | None:
    """The vocabulary key a modality as written stands for (``"Images"`` -> ``"image"``), or None."""
    return modality_spellings().get(spelling(value))
