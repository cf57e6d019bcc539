"""The Act as the CLI and the service read it: the store, the index of provisions, citations.

``Act.provision("Art. 53(2)")`` gives a provision with its text, place in the hierarchy, and the
references it makes and receives (docs/contract.md §1 citation objects).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from kg.ids import ACT
from kg.index import Index, Provision
from kg.notation import parse
from kg.store.core import OxigraphStore, Store, term_text

PREFIXES = """PREFIX aikg: <https://w3id.org/aiact-kg/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

_INDEX_QUERY = (
    PREFIXES
    + """
SELECT ?p ?kind ?number ?notation ?parent ?title ?order WHERE {
  ?p a eli:LegalResourceSubdivision ; a ?type ; eli:number ?number ; skos:notation ?notation ;
     eli:is_part_of ?parent ; aikg:order ?order .
  FILTER(STRSTARTS(STR(?type), STR(aikg:)))
  BIND(STRAFTER(STR(?type), "#") AS ?kind)
  OPTIONAL { ?p eli:title ?title }
} ORDER BY ?parent ?order
"""
)


_RANK = {
    kind: n
    for n, kind in enumerate(
        (
            "Recital",
            "Chapter",
            "Section",
            "Article",
            "Paragraph",
            "Subparagraph",
            "Annex",
            "AnnexSection",
            "Point",
        )
    )
}


class Act:
    def __init__(self, store: Store | None = None) -> None:
        self.store = store or OxigraphStore()

    @cached_property
    def index(self) -> Index:
        index = Index(act=str(ACT))
        rows = self.store.query(_INDEX_QUERY).rows
        # siblings in document order: recitals, then the enacting terms, then the annexes
        rows.sort(
            key=lambda r: (term_text(r["parent"]), _RANK[term_text(r["kind"])], int(term_text(r["order"])))
        )
        for row in rows:
            index.add(Provision(
                iri=term_text(row["p"]), kind=term_text(row["kind"]), number=term_text(row["number"]),
                notation=term_text(row["notation"]), parent=term_text(row["parent"]),
                title=term_text(row["title"]) if "title" in row else None,
            ))  # fmt: skip
        return index

    def resolve(self, citation: str) -> str:
        """The IRI of a cited provision; :class:`~kg.index.UnknownProvision` if there is none."""
        return parse(citation, self.index)

    def citation(self, iri: str) -> dict[str, Any]:
        """The docs/contract.md §1 citation object of a provision."""
        rows = self.store.query(
            PREFIXES
            + f"""
            SELECT ?notation ?title ?url ?text WHERE {{
              <{iri}> skos:notation ?notation .
              OPTIONAL {{ <{iri}> eli:title ?title }} OPTIONAL {{ <{iri}> aikg:eurLex ?url }}
              OPTIONAL {{ <{iri}> aikg:text ?text }}
            }}"""
        ).rows
        if not rows:
            raise KeyError(iri)
        row = rows[0]
        return {
            "notation": term_text(row["notation"]),
            "iri": iri,
            "title": term_text(row.get("title")) or self._inherited_title(iri),
            "url": term_text(row.get("url")),
            "text": term_text(row.get("text")),
            # recitals explain the articles; they do not bind (the graph says so too: aikg:binding)
            "binding": iri not in self.index or self.index[iri].kind != "Recital",
        }

    def _inherited_title(self, iri: str) -> str | None:
        """A paragraph or point has no heading of its own: it is cited with its article's or annex's."""
        for a in self.index.ancestors(iri):
            if self.index[a].title:
                return self.index[a].title
        return None

    def references(self, iri: str, incoming: bool = False) -> list[dict[str, str]]:
        """References made by the provision and its sub-provisions (or, ``incoming``, made to them)."""
        inner = "?target" if incoming else "?source"
        rows = self.store.query(
            PREFIXES
            + f"""
            SELECT ?ref ?source ?target ?notation ?span ?offset WHERE {{
              {inner} eli:is_part_of* <{iri}> .
              ?ref a aikg:CrossReference ; aikg:source ?source ; aikg:target ?target ; aikg:span ?span ;
                   aikg:offset ?offset .
              OPTIONAL {{ ?target skos:notation ?notation }}
            }}"""
        ).rows
        found = []
        for row in rows:
            source = term_text(row["source"])
            entry = {
                "target": term_text(row.get("notation")) or term_text(row["target"]),
                "from": self.index[source].notation,
                "text": term_text(row["span"]),
            }
            found.append(((self._order_key(source), int(term_text(row["offset"])), entry["target"]), entry))
        return [entry for _, entry in sorted(found, key=lambda item: item[0])]

    @cached_property
    def _position(self) -> dict[str, int]:
        """Document order of the provisions."""
        order: dict[str, int] = {}
        stack = [self.index.act]
        while stack:
            cur = stack.pop()
            order[cur] = len(order)
            stack += reversed(self.index.children.get(cur, []))
        return order

    def _order_key(self, iri: str) -> int:
        return self._position.get(iri, len(self._position))

    def provision(self, citation: str) -> dict[str, Any]:
        """Everything ``aiact provision`` shows of a provision."""
        iri = self.resolve(citation)
        p = self.index[iri]
        info = self.citation(iri)
        parent = p.parent
        info["type"] = p.kind
        info["parent"] = (
            self.index[parent].notation
            if parent is not None and parent in self.index
            else "Regulation (EU) 2024/1689"
        )
        info["children"] = [self.index[c].notation for c in self.index.children.get(iri, [])]
        info["references"] = self.references(iri)
        info["referenced_by"] = self.references(iri, incoming=True)
        return info
