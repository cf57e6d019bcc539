"""SHACL validation of a description's data against the shapes of ``shapes/`` (issue 11).

One interface, two engines:

* :func:`reference` - pyshacl, called exactly as the engine always has (``inference="none"``,
  ``allow_warnings=True``, ``advanced=False``) over the data plus the lookups. It is the reference the
  other one is tested against (``tests/test_shacl_paths.py``), and it builds the W3C validation report
  graph (:func:`w3c_report`).
* :func:`fast` - the same validation done by the fast engine (see below); what the request path uses.

:func:`default` picks the request path's validator: the fast one, unless the environment variable
``AIACT_SHACL=pyshacl`` asks for the reference.

``triples`` handed to :meth:`Validator.validate` is the description's data only (the description, the
derived facts, one ``rdf:type`` per due obligation); each validator adds the lookups
(:func:`reasoner.engine.load_lookups`) itself, loaded once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

import pyoxigraph as ox
import pyrudof
from pyshacl import validate as shacl_validate
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
ENV = "AIACT_SHACL"  # "pyshacl" selects the reference on the request path


@dataclass(frozen=True, order=True)
class ShaclHit:
    """One validation result."""

    shape: str  # IRI of sh:sourceShape
    focus: str  # IRI (or blank node id) of sh:focusNode
    severity: str  # "Violation" | "Warning" | "Info" (local name of sh:resultSeverity)


class Validator(Protocol):
    def validate(self, triples: Sequence[ox.Triple]) -> list[ShaclHit]:
        """The validation results of ``triples`` plus the lookups, sorted."""
        ...


# -- shared inputs -------------------------------------------------------------------------------------


@cache
def _shapes() -> Graph:
    from reasoner.engine import load_shapes

    return load_shapes()


@cache
def _lookups() -> Graph:
    from reasoner.engine import load_lookups

    return load_lookups()


def triples_of(graph: Graph) -> list[ox.Triple]:
    """The triples of an rdflib graph as pyoxigraph triples (what :meth:`Validator.validate` takes)."""
    return [ox.Triple(_to_ox(s), _to_ox(p), _to_ox(o)) for s, p, o in graph]  # type: ignore[arg-type]


def _to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def _to_rdflib(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:  # rdflib's plain literal, as rdflib's own parsers give it
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"not an RDF term of a triple: {term!r}")


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


# -- the reference: pyshacl -------------------------------------------------------------------------------


class Reference:
    """pyshacl, with the options the engine has always used."""

    def __init__(self) -> None:
        self.shapes = _shapes()
        self.lookups = _lookups()

    def report(self, triples: Sequence[ox.Triple]) -> Graph:
        """The W3C SHACL validation report graph of ``triples`` plus the lookups."""
        data = Graph()
        for t in triples:
            data.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
        _, results, _ = shacl_validate(data + self.lookups, shacl_graph=self.shapes, inference="none",
                                       allow_warnings=True, advanced=False)  # fmt: skip
        assert isinstance(results, Graph)
        return results

    def validate(self, triples: Sequence[ox.Triple]) -> list[ShaclHit]:
        return hits_of(self.report(triples))


def hits_of(results: Graph) -> list[ShaclHit]:
    """The results of a W3C validation report graph, sorted."""
    out = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        out.append(
            ShaclHit(
                shape=str(results.value(r, SH.sourceShape)),
                focus=str(results.value(r, SH.focusNode)),
                severity=_local(str(results.value(r, SH.resultSeverity))),
            )
        )
    return sorted(out)


@cache
def reference() -> Reference:
    """The pyshacl validator (stateless between calls: one instance serves every thread)."""
    return Reference()


def w3c_report(triples: Sequence[ox.Triple]) -> Graph:
    """The W3C validation report graph (what a report asked for as ``text/turtle`` carries): built by the
    reference validator, whose report graph is the W3C vocabulary itself."""
    return reference().report(triples)


# -- the fast one: pyrudof ----------------------------------------------------------------------------------


class Fast:
    """rudof (a SHACL engine in Rust, through pyrudof) holding the shapes and the lookups loaded once.

    The lookups are the session's data; each call opens a staging frame over them, reads the description's
    triples into it (N-Triples, merged, strict), validates and rolls the frame back, so the session holds
    only the lookups again between calls (reading a graph afresh costs far more than a frame). A session
    is state: one instance per thread (:func:`fast`), never shared; a process pool must start its
    workers with ``spawn``, not ``fork``, which would copy a session another thread may be inside.
    """

    def __init__(self) -> None:
        self.rudof = pyrudof.Rudof()
        self.rudof.read_shacl(_shapes().serialize(format="turtle"), reader_mode=pyrudof.ReaderMode.Strict)
        self.rudof.read_data(_lookups().serialize(format="nt"), format=pyrudof.RDFFormat.NTriples,
                             reader_mode=pyrudof.ReaderMode.Strict)  # fmt: skip
        self.messages = _shape_messages()

    def _run(self, triples: Sequence[ox.Triple], report: bool) -> tuple[list[ShaclHit], str]:
        nt = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        rudof = self.rudof
        depth = rudof.begin_staging()
        try:
            if nt:
                rudof.read_data(nt, format=pyrudof.RDFFormat.NTriples, merge=True,
                                reader_mode=pyrudof.ReaderMode.Strict)  # fmt: skip
            found = rudof.validate_shacl()
            text = (
                rudof.serialize_shacl_validation_results(format=pyrudof.ResultShaclValidationFormat.NTriples)
                if report
                else ""
            )
        finally:
            rudof.rollback_staging()
        assert rudof.staging_depth() == depth - 1, "a staging frame was left open"
        hits = [
            ShaclHit(shape=e.source_shape or "", focus=_node_id(e.focus_node), severity=_local(e.severity))
            for e in found
        ]
        return sorted(hits), text

    def validate(self, triples: Sequence[ox.Triple]) -> list[ShaclHit]:
        return self._run(triples, report=False)[0]

    def report(self, triples: Sequence[ox.Triple]) -> Graph:
        """The W3C validation report graph, as the reference words it: rudof adds its own message of the
        constraint next to the shape's ``sh:message`` (where the shape has one, only the shape's is kept),
        and it does not conform on a warning or an information, which the reference (pyshacl with
        ``allow_warnings``) lets conform."""
        hits, text = self._run(triples, report=True)
        g = Graph()
        if text:
            g.parse(data=text, format="nt")
        for r in list(g.subjects(RDF.type, SH.ValidationResult)):
            mine = self.messages.get(str(g.value(r, SH.sourceShape)))
            if mine:
                g.remove((r, SH.resultMessage, None))
                for m in mine:
                    g.add((r, SH.resultMessage, m))
        conforms = Literal(not any(h.severity == "Violation" for h in hits))
        for report in list(g.subjects(RDF.type, SH.ValidationReport)):
            g.set((report, SH.conforms, conforms))
        return g


def _node_id(node: str) -> str:
    """A focus node as rudof writes it (an IRI bare, a blank node ``_:id``) as :class:`ShaclHit` holds it."""
    return node[2:] if node.startswith("_:") else node.removeprefix("<").removesuffix(">")


@cache
def _shape_messages() -> dict[str, tuple[Node, ...]]:
    g = _shapes()
    out: dict[str, tuple[Node, ...]] = {}
    for s in set(g.subjects(SH.message, None)):
        out[str(s)] = tuple(sorted(g.objects(s, SH.message), key=str))
    return out


_local_state = threading.local()


def fast() -> Fast:
    """The fast validator of this thread (a rudof session is not shared between threads)."""
    v: Fast | None = getattr(_local_state, "fast", None)
    if v is None:
        v = Fast()
        _local_state.fast = v
    return v


def default() -> Validator:
    """The request path's validator: the fast one, unless ``AIACT_SHACL=pyshacl``."""
    choice = os.environ.get(ENV, "").strip().lower()
    chooser: Callable[[], Validator] = reference if choice == "pyshacl" else fast
    return chooser()
