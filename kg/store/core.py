"""The embedded engine: an Oxigraph store in this process, and the query-solutions-to-rows conversion.

The embedded engine is Oxigraph (``pyoxigraph``), chosen on the measurement in the README ("Why these
libraries", ``python bench/bench_store.py``); start-up loads the committed Turtle, never the XML. rdflib
stays for building and serialising.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg import paths
from kg.store.errors import QueryError, TooManyRows
from kg.store.protocol import Cancelled, Store

if TYPE_CHECKING:
    from kg.store.answers import Answer, SparqlRequest

__all__ = [
    "GRAPHS", "OxigraphStore", "QueryError", "Result", "Store", "default_files", "graph_of", "rows_of",
    "term_json", "term_text", "to_result", "triples_of",
]  # fmt: skip

Term = ox.NamedNode | ox.Literal | ox.BlankNode


@dataclass
class Result:
    """A SPARQL result: ``kind`` is "select", "ask" or "graph"."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)


def rows_of(solutions: ox.QuerySolutions, max_rows: int | None = None) -> Result:
    """The solutions of a SELECT as rows (unbound variables left out); :class:`TooManyRows` past
    ``max_rows``. The one place query solutions become rows: the embedded store, its workers and the
    external endpoint's parsed answers all come through here."""
    names = [v.value for v in solutions.variables]
    rows: list[dict[str, Term]] = []
    for row in solutions:
        if len(rows) == max_rows:
            raise TooManyRows(f"the result has more than {max_rows} rows: add a LIMIT to the query")
        rows.append({n: row[n] for n in names if row[n] is not None})
    return Result("select", names, rows)


def triples_of(triples: Iterable[ox.Triple], max_rows: int | None = None) -> list[ox.Triple]:
    """The triples of a CONSTRUCT or DESCRIBE; :class:`TooManyRows` past ``max_rows``."""
    out: list[ox.Triple] = []
    for t in triples:
        if len(out) == max_rows:
            raise TooManyRows(f"the result has more than {max_rows} triples: add a LIMIT to the query")
        out.append(t)
    return out


def to_result(raw: Any, max_rows: int | None = None) -> Result:
    """A pyoxigraph query result (solutions, boolean or triples) as a :class:`Result`."""
    if isinstance(raw, ox.QuerySolutions):
        return rows_of(raw, max_rows)
    if isinstance(raw, ox.QueryBoolean):
        return Result("ask", boolean=bool(raw))
    return Result("graph", triples=triples_of(raw, max_rows))


class OxigraphStore:
    """The embedded default: an in-memory Oxigraph store loaded from the committed Turtle files.

    It is the whole :class:`~kg.store.protocol.Store` in one process, without a time limit (the CLI, the
    tests, the reasoner); the service answers ``/sparql`` from worker processes instead
    (:class:`~kg.store.embedded.EmbeddedStore`), each of which holds one of these."""

    federated = False  # SERVICE: no outbound fetches from the embedded engine

    def __init__(
        self, files: list[Path] | None = None, named_graphs: bool = False, max_rows: int = 10_000
    ) -> None:
        self.max_rows = max_rows
        self.store = ox.Store()
        for f in files if files is not None else default_files():
            self.store.load(path=str(f), format=ox.RdfFormat.TURTLE)
            if named_graphs:  # each part of the dataset also as a named graph of its own
                self.store.load(path=str(f), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph_of(f)))

    def query(self, sparql: str) -> Result:
        try:
            raw = self.store.query(sparql)
        except SyntaxError as err:
            raise QueryError(f"SPARQL syntax error: {err}") from err
        except (OSError, ValueError) as err:
            raise QueryError(f"the query failed: {err}") from err
        return to_result(raw)

    def check(self, sparql: str) -> None:
        """No bounds in-process: the caller wrote the query."""

    async def answer(self, request: SparqlRequest, cancelled: Cancelled | None = None) -> Answer:
        """The serialised answer, computed here (no time limit: a runaway query runs until it ends)."""
        from kg.store.answers import dataset_options, serialise, split_format

        try:
            raw = self.store.query(request.query, **dataset_options(request))
        except (SyntaxError, ValueError, OSError) as err:
            raise QueryError(f"the query cannot run: {err}") from err
        return serialise(raw, *split_format(request.format), self.max_rows)

    def dump(self, format: ox.RdfFormat) -> bytes:
        """The default graph (provisions, ontology, shapes) in an RDF format."""
        return bytes(self.store.dump(format=format, from_graph=ox.DefaultGraph()) or b"")

    def __len__(self) -> int:
        return len(self.store)


GRAPHS = "https://w3id.org/aiact-kg/graph/"


def graph_of(path: Path) -> str:
    """The named graph of a file of the dataset: provisions, ontology or shapes."""
    if path.parent.name == "shapes":
        return GRAPHS + "shapes"
    if path.parent.name == "ontology":
        return GRAPHS + "ontology"
    return GRAPHS + "provisions"


def default_files() -> list[Path]:
    """The provisions graph, the ontology files and the SHACL shapes."""
    return [paths.PROVISIONS, *sorted(paths.ONTOLOGY.glob("*.ttl")), *sorted(paths.SHAPES.glob("*.ttl"))]


def term_json(term: object) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    raise TypeError(f"not an RDF term: {term!r}")


def term_text(term: object) -> str:
    """A term as a person reads it in a table: IRIs bare, literals by value."""
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return str(term.value)
    return "" if term is None else str(term)
