"""The cross-reference neighbourhood of a provision, as nodes and edges, and the obligations that
cite a provision."""

from __future__ import annotations

from typing import Any

from kg.act import PREFIXES, Act
from kg.store.core import term_text


def subtree(act: Act, iri: str) -> set[str]:
    out, stack = set(), [iri]
    while stack:
        cur = stack.pop()
        out.add(cur)
        stack += act.index.children.get(cur, [])
    return out


def _edges(act: Act) -> list[tuple[str, str, str]]:
    rows = act.store.query(
        PREFIXES
        + """SELECT ?s ?t ?span WHERE {
        ?r a aikg:CrossReference ; aikg:source ?s ; aikg:target ?t ; aikg:span ?span }"""
    ).rows
    return [(term_text(r["s"]), term_text(r["t"]), term_text(r["span"])) for r in rows]


def neighbourhood(act: Act, iri: str, depth: int) -> dict[str, Any]:
    """Provisions within ``depth`` references of ``iri`` (or of its sub-provisions), both directions."""
    edges = [e for e in _edges(act) if e[0] in act.index and e[1] in act.index]
    frontier = subtree(act, iri)
    reached = set(frontier)
    kept: list[tuple[str, str, str]] = []
    for _ in range(depth):
        nxt = set()
        for s, t, span in edges:
            if s in frontier or t in frontier:
                if (s, t, span) not in kept:
                    kept.append((s, t, span))
                nxt |= {s, t} - reached
        reached |= nxt
        frontier = nxt
        if not frontier:
            break
    nodes = sorted({iri} | {n for e in kept for n in e[:2]})
    return {
        "root": act.index[iri].notation,
        "depth": depth,
        "nodes": [
            {
                "id": n,
                "notation": act.index[n].notation,
                "type": act.index[n].kind,
                "title": act.index[n].title,
                "root": n in subtree(act, iri),
            }
            for n in nodes
        ],
        "edges": [
            {
                "source": s,
                "target": t,
                "from": act.index[s].notation,
                "to": act.index[t].notation,
                "text": span,
            }
            for s, t, span in kept
        ],
    }


def _cited(obligation: dict[str, Any]) -> list[str]:
    exemption = obligation["exempted_by"]
    return [*obligation["legal_basis"], *([exemption] if exemption else [])]


def obligations(act: Act, iri: str | None = None) -> list[dict[str, Any]]:
    """The obligations of the graph (those citing ``iri`` or a provision within it, if given)."""
    rows = act.store.query(
        PREFIXES
        + """SELECT ?o ?id ?title ?basis ?exemption ?from ?legacy WHERE {
        ?o a aikg:Obligation ; aikg:obligationId ?id ; rdfs:label ?title ; aikg:legalBasis ?basis ;
           aikg:appliesFrom/aikg:value ?from ; aikg:legacyDeadline/aikg:value ?legacy .
        OPTIONAL { ?o aikg:exemptedBy ?exemption }
        FILTER(LANG(?title) = "en") } ORDER BY ?id"""
    ).rows
    within = (subtree(act, iri) | set(act.index.ancestors(iri))) if iri else None
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        oid = term_text(r["id"])
        entry = out.setdefault(
            oid,
            {
                "id": oid,
                "iri": term_text(r["o"]),
                "title": term_text(r["title"]),
                "legal_basis": [],
                "exempted_by": None,
                "applies_from": term_text(r["from"]),
                "legacy_deadline": term_text(r["legacy"]),
            },
        )
        basis = term_text(r["basis"])
        if basis in act.index and act.index[basis].notation not in entry["legal_basis"]:
            entry["legal_basis"].append(act.index[basis].notation)
        if "exemption" in r:
            entry["exempted_by"] = act.index[term_text(r["exemption"])].notation
    result = list(out.values())
    for o in result:  # articles before annexes
        o["legal_basis"].sort(key=lambda n: (n.startswith("Annex"), n))
    if within is not None:
        result = [o for o in result if any(act.resolve(b) in within for b in _cited(o))]
    return result
