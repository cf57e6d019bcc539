"""The obligations of providers of general-purpose AI models, as ``ontology/law.ttl`` states them: one
catalogue, read once from the graph, in the order the graph gives (``aikg:reportOrder``, the order of
the Act), with the version of the Act's text the reports cite (``aikg:textVersion``). The engine, the
report and the API (``/obligations``, the obligations citing a provision) all read it from here."""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from kg.act import PREFIXES, Act
from kg.neighbourhood import subtree
from kg.store.core import term_text


@dataclass(frozen=True)
class Obligation:
    id: str  # art53-1-a
    iri: str
    title: str  # English
    bases: tuple[str, ...]  # the legal bases, IRIs, articles before annexes
    exemption: str | None  # the IRI of the provision that lifts it for open-source models, if any
    applies_from: str
    legacy_deadline: str
    order: int  # its place in the report's list (aikg:reportOrder)


class Catalogue:
    """The obligations of the graph by id, in report order. Build it with :func:`catalogue`, which
    reads an Act's graph once."""

    def __init__(self, act: Act) -> None:
        self.act = act
        rows = act.store.query(
            PREFIXES
            + """SELECT ?o ?id ?title ?basis ?exemption ?from ?legacy ?order WHERE {
            ?o a aikg:Obligation ; aikg:obligationId ?id ; rdfs:label ?title ; aikg:legalBasis ?basis ;
               aikg:appliesFrom/aikg:value ?from ; aikg:legacyDeadline/aikg:value ?legacy ;
               aikg:reportOrder ?order .
            OPTIONAL { ?o aikg:exemptedBy ?exemption }
            FILTER(LANG(?title) = "en") }"""
        ).rows
        found: dict[str, Obligation] = {}
        for r in rows:
            oid = term_text(r["id"])
            old = found.get(oid)
            bases = {*(old.bases if old else ()), term_text(r["basis"])}
            found[oid] = Obligation(
                id=oid,
                iri=term_text(r["o"]),
                title=term_text(r["title"]),
                bases=tuple(sorted(bases, key=lambda b: ("anx_" in b, b))),
                exemption=term_text(r.get("exemption")) or (old.exemption if old else None),
                applies_from=term_text(r["from"]),
                legacy_deadline=term_text(r["legacy"]),
                order=int(term_text(r["order"])),
            )
        self.obligations = dict(sorted(found.items(), key=lambda kv: (kv[1].order, kv[0])))

    def __getitem__(self, oid: str) -> Obligation:
        return self.obligations[oid]

    def __contains__(self, oid: object) -> bool:
        return oid in self.obligations

    def __len__(self) -> int:
        return len(self.obligations)

    def rank(self, oid: str) -> int:
        """Where an obligation stands in the report (after every known one if it is not in the graph)."""
        o = self.obligations.get(oid)
        return (
            o.order
            if o
            else len(self.obligations) + max((x.order for x in self.obligations.values()), default=0)
        )

    @cached_property
    def text_version(self) -> str:
        """The version of the Act's text the graph holds, as a report names it (``aikg:textVersion``)."""
        rows = self.act.store.query(
            PREFIXES + """SELECT ?v WHERE { ?act aikg:textVersion ?v FILTER(LANG(?v) = "en") }"""
        ).rows
        return term_text(rows[0]["v"]) if rows else ""

    @cached_property
    def modification_scope_reason(self) -> str:
        """What a report adds to the reason of an obligation limited to the modification (the
        ``aikg:scopeReason`` of ``aikg:coversModificationOnly``: Guidelines section 3.2, Recital 109)."""
        rows = self.act.store.query(
            PREFIXES
            + """SELECT ?v WHERE { aikg:coversModificationOnly aikg:scopeReason ?v
                FILTER(LANG(?v) = "en") }"""
        ).rows
        return term_text(rows[0]["v"]) if rows else ""

    def entry(self, o: Obligation) -> dict[str, Any]:
        """An obligation as ``GET /obligations`` gives it: bases and exemption as notations."""
        index = self.act.index
        notations: list[str] = []
        for basis in o.bases:
            if basis in index and index[basis].notation not in notations:
                notations.append(index[basis].notation)
        notations.sort(key=lambda n: (n.startswith("Annex"), n))  # articles before annexes
        return {
            "id": o.id,
            "iri": o.iri,
            "title": o.title,
            "legal_basis": notations,
            "exempted_by": index[o.exemption].notation if o.exemption else None,
            "applies_from": o.applies_from,
            "legacy_deadline": o.legacy_deadline,
        }

    def listing(self, iri: str | None = None) -> list[dict[str, Any]]:
        """The obligations (those citing ``iri``, a provision within it or one it is within, if given),
        as ``GET /obligations`` and the provision pages give them."""
        if iri is None:
            return [self.entry(o) for o in self.obligations.values()]
        index = self.act.index
        within = subtree(self.act, iri) | set(index.ancestors(iri))
        out = []
        for o in self.obligations.values():
            cited = [b for b in o.bases if b in index] + ([o.exemption] if o.exemption else [])
            if any(c in within for c in cited):
                out.append(self.entry(o))
        return out

    def get(self, oid: str) -> dict[str, Any] | None:
        """One obligation as ``GET /obligations/{id}`` gives it, or None."""
        o = self.obligations.get(oid)
        return self.entry(o) if o else None


_CATALOGUES: weakref.WeakKeyDictionary[Act, Catalogue] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def catalogue(act: Act) -> Catalogue:
    """The obligation catalogue of an Act's graph, read the first time it is asked for."""
    with _LOCK:
        found = _CATALOGUES.get(act)
        if found is None:
            found = _CATALOGUES[act] = Catalogue(act)
        return found
