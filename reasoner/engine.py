"""Classify a model description and validate it against the obligations (docs/contract.md §2-3).

The legal reasoning lives in the ontology: the rules (``ontology/rules/``) classify the model and
decide which obligations are due; the SHACL shapes (``shapes/``) check the documentation of the due
ones. This module loads both once and joins their results into the report (``reasoner.report``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH

from kg import paths
from kg.act import Act
from kg.ids import AIKG
from reasoner.citations import Citations
from reasoner.description import MODEL, to_rdf
from reasoner.obligations import Catalogue, catalogue
from reasoner.rules import Classification, RuleEngine


@dataclass(frozen=True)
class ShapeInfo:
    iri: str
    severity: str
    message: str
    key: str
    obligation: str
    bases: tuple[str, ...]
    guidance: tuple[str, ...]


@dataclass
class Outcome:
    """What the engine concluded about one description."""

    data: dict[str, Any]
    as_of: dt.date
    classification: Classification
    results: Graph  # the W3C SHACL validation report
    violations: list[tuple[ShapeInfo, str]]  # (shape, focus node)


def load_shapes() -> Graph:
    g = Graph()
    for f in sorted(paths.SHAPES.glob("*.ttl")):
        g.parse(f, format="turtle")
    return g


def load_lookups() -> Graph:
    """Facts of the ontology that SPARQL-based shapes look up next to the description: the Member
    States and their country codes (Art. 54(1): the representative is established in the Union)."""
    ontology = Graph()
    for f in sorted(paths.ONTOLOGY.glob("*.ttl")):
        ontology.parse(f, format="turtle")
    g = Graph()
    for state in ontology.subjects(RDF.type, AIKG.MemberState):
        g.add((state, RDF.type, AIKG.MemberState))
        for code in ontology.objects(state, AIKG.countryCode):
            g.add((state, AIKG.countryCode, code))
    return g


class Engine:
    def __init__(self, act: Act | None = None, law: list[Path] | None = None) -> None:
        """``act`` is the Act's graph (citations, the obligation catalogue); ``law`` the Turtle files the
        rules run over, loaded into the rule engine's own scratch store (the ontology and law files)."""
        self.act = act or Act()
        self.rules = RuleEngine(files=law)
        self.shapes = load_shapes()
        self.lookups = load_lookups()
        self.shape_info = self._shape_info()
        self.citations = Citations(self.act)

    @property
    def obligations(self) -> Catalogue:
        """The obligation catalogue of the graph (``reasoner.obligations``), read once."""
        return catalogue(self.act)

    @property
    def text_version(self) -> str:
        """The version of the Act's text the report cites (``aikg:textVersion``)."""
        return self.obligations.text_version

    def _shape_info(self) -> dict[str, ShapeInfo]:
        g = self.shapes
        out = {}
        for s in g.subjects(RDF.type, SH.PropertyShape):
            severity = str(g.value(s, SH.severity)).rsplit("#", 1)[1].lower()
            out[str(s)] = ShapeInfo(
                iri=str(s),
                severity=severity,
                message=str(g.value(s, SH.message)),
                key=str(g.value(s, AIKG.jsonKey)),
                obligation=str(g.value(s, AIKG.obligation)).rsplit("/", 1)[1],
                bases=tuple(sorted(str(b) for b in g.objects(s, AIKG.legalBasis))),
                guidance=tuple(sorted(str(b) for b in g.objects(s, AIKG.guidance))),
            )
        return out

    def assess(self, data: dict[str, Any], as_of: dt.date) -> Outcome:
        rdf = to_rdf(data, as_of)
        classification = self.rules.run(data, _quads(rdf))
        classification.obligations.sort(key=lambda s: self.obligations.rank(s.id))  # the graph's order
        for prop, value in classification.derived:  # derived facts the shapes check (compute accuracy)
            rdf.add((MODEL, URIRef(prop), Literal(value.value, datatype=URIRef(value.datatype.value))))
        for state in classification.obligations:
            if state.status == "due":
                rdf.add((MODEL, RDF.type, URIRef(state.due_class)))
        _, results, _ = shacl_validate(rdf + self.lookups, shacl_graph=self.shapes, inference="none",
                                              allow_warnings=True, advanced=False)  # fmt: skip
        found = []
        for r in results.subjects(RDF.type, SH.ValidationResult):
            shape = str(results.value(r, SH.sourceShape))
            found.append((self.shape_info[shape], str(results.value(r, SH.focusNode))))
        found.sort(key=lambda x: (x[0].obligation, x[0].iri))
        return Outcome(data, as_of, classification, results, found)


def _quads(g: Graph) -> list[ox.Quad]:
    data = g.serialize(format="nt", encoding="utf-8")
    return [ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
