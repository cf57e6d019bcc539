"""Classify a model description and validate it against the obligations (docs/contract.md §2-3).

The legal reasoning lives in the ontology: the rules (``ontology/rules/``) classify the model and
decide which obligations are due; the SHACL shapes (``shapes/``) check the documentation of the due
ones. This module loads both once and joins their results into the report (``reasoner.report``).

The request path builds no rdflib graph: the description's triples are made directly as pyoxigraph
terms (:func:`reasoner.description.to_triples`), the rules run in a scratch store of the rule engine's
own, and the shapes are checked by :func:`reasoner.shacl.default` (the fast validator). The W3C SHACL
validation report (a graph, what ``text/turtle`` and ``application/ld+json`` answers carry) is built
only when asked for, by the reference validator (pyshacl): :attr:`Outcome.results`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, Graph
from rdflib.namespace import SH

from kg import paths
from kg.act import Act
from kg.ids import AIKG
from reasoner import shacl
from reasoner.citations import Citations
from reasoner.description import MODEL, to_triples
from reasoner.obligations import Catalogue, catalogue
from reasoner.rules import MODELS, Classification, RuleEngine

_MODEL = ox.NamedNode(str(MODEL))
_TYPE = ox.NamedNode(str(RDF.type))


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
    violations: list[tuple[ShapeInfo, str]]  # (shape, focus node)
    shacl_data: Sequence[ox.Triple] = field(default=(), repr=False)  # what the shapes were checked on

    @cached_property
    def results(self) -> Graph:
        """The W3C SHACL validation report, built on first use by the reference validator (pyshacl)
        over the same data the request path's validator checked."""
        return shacl.w3c_report(self.shacl_data)


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
        self.shape_info = self._shape_info()
        self.citations = Citations(self.act)

    @cached_property
    def lookups(self) -> Graph:
        """The Member States the shapes look up (:func:`load_lookups`); the validators hold their own."""
        return load_lookups()

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
        return self.assess_many([(data, as_of)])[0]

    def assess_many(self, items: Sequence[tuple[dict[str, Any], dt.date]]) -> list[Outcome]:
        """The outcomes of many descriptions, the same as :meth:`assess` of each, in order: the rules run
        once over all of them (each its own model node in one graph), and the shapes once over all."""
        if not items:
            return []
        described = [to_triples(data, as_of) for data, as_of in items]
        classifications = self.rules.run_many(
            [(data, t) for (data, _), t in zip(items, described, strict=True)]
        )
        checked = []
        for triples, classification in zip(described, classifications, strict=True):
            classification.obligations.sort(key=lambda s: self.obligations.rank(s.id))  # the graph's order
            extra = [
                ox.Triple(_MODEL, ox.NamedNode(p), v) for p, v in classification.derived
            ]  # compute accuracy
            extra += [
                ox.Triple(_MODEL, _TYPE, ox.NamedNode(s.due_class))
                for s in classification.obligations
                if s.status == "due"
            ]
            checked.append(list(dict.fromkeys(triples + extra)))
        hits = self._check(checked)
        outcomes = []
        for (data, as_of), classification, triples, found in zip(
            items, classifications, checked, hits, strict=True
        ):
            found.sort(key=lambda x: (x[0].obligation, x[0].iri))
            outcomes.append(Outcome(data, as_of, classification, found, tuple(triples)))
        return outcomes

    def _check(self, checked: list[list[ox.Triple]]) -> list[list[tuple[ShapeInfo, str]]]:
        """The SHACL results of each description's data, one validation over all of them: each is its own
        model node there, and a result is given back to the description whose node it is about."""
        validator = shacl.default()  # per call: the fast validator is one per thread
        if len(checked) == 1:
            return [[(self.shape_info[h.shape], h.focus) for h in validator.validate(checked[0])]]
        nodes = [ox.NamedNode(f"{MODELS}{i}") for i in range(len(checked))]
        merged = [
            ox.Triple(nodes[i] if t.subject == _MODEL else t.subject, t.predicate, t.object)
            for i, triples in enumerate(checked)
            for t in triples
        ]
        index = {n.value: i for i, n in enumerate(nodes)}
        out: list[list[tuple[ShapeInfo, str]]] = [[] for _ in checked]
        hits = validator.validate(merged)
        if any(h.focus not in index for h in hits):  # a result about another node: check each alone
            return [self._check([c])[0] for c in checked]
        for h in hits:
            out[index[h.focus]].append((self.shape_info[h.shape], str(MODEL)))
        return out
