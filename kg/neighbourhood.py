"""The cross-reference neighbourhood of a provision, as nodes and edges. (The obligations citing a
provision are the GPAI law's: ``reasoner.obligations``.)"""

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
