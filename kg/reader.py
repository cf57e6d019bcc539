"""What a reader of the Act needs: the table of contents, and a provision as a tree of its
sub-provisions with their own words and the cross-references in them (for linking)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kg.act import PREFIXES, Act
from kg.neighbourhood import subtree
from kg.store.core import term_text


def toc(act: Act) -> dict[str, Any]:
    idx = act.index

    def entry(iri: str) -> dict[str, Any]:
        p = idx[iri]
        out: dict[str, Any] = {"notation": p.notation, "title": p.title, "type": p.kind}
        kids = [k for k in idx.children.get(iri, []) if idx[k].kind in ("Section", "Article")]
        if kids:
            out["children"] = [entry(k) for k in kids]
        return out

    top = idx.children[idx.act]
    return {
        "chapters": [entry(i) for i in top if idx[i].kind == "Chapter"],
        "annexes": [
            {"notation": idx[i].notation, "title": idx[i].title} for i in top if idx[i].kind == "Annex"
        ],
        "recitals": len([i for i in top if idx[i].kind == "Recital"]),
    }


def tree(act: Act, iri: str) -> dict[str, Any]:
    """The provision and its sub-provisions, nested, each with lead/tail or text and its references."""
    nodes = subtree(act, iri)
    values = " ".join(f"<{n}>" for n in nodes)
    rows = act.store.query(
        PREFIXES
        + f"""SELECT ?p ?text ?lead ?tail ?label ?url WHERE {{
        VALUES ?p {{ {values} }}
        OPTIONAL {{ ?p aikg:text ?text }} OPTIONAL {{ ?p aikg:leadText ?lead }}
        OPTIONAL {{ ?p aikg:tailText ?tail }}
        OPTIONAL {{ ?p aikg:printedNumber ?label }} OPTIONAL {{ ?p aikg:eurLex ?url }} }}"""
    ).rows
    facts = {term_text(r["p"]): r for r in rows}
    refs = act.store.query(
        PREFIXES
        + f"""SELECT ?s ?t ?span ?offset ?tn WHERE {{
        VALUES ?s {{ {values} }}
        ?r aikg:source ?s ; aikg:target ?t ; aikg:span ?span ; aikg:offset ?offset .
        OPTIONAL {{ ?t skos:notation ?tn }} }}"""
    ).rows
    by_source: dict[str, dict[tuple[int, str], dict[str, Any]]] = defaultdict(dict)
    for r in refs:
        start, span = int(term_text(r["offset"])), term_text(r["span"])
        target = term_text(r["t"])
        entry = by_source[term_text(r["s"])].setdefault(
            (start, span), {"start": start, "end": start + len(span), "text": span, "targets": []}
        )
        entry["targets"].append({"notation": term_text(r.get("tn")) or target, "iri": target,
                                 "internal": target in act.index})  # fmt: skip

    def build(node: str) -> dict[str, Any]:
        p = act.index[node]
        f = facts.get(node, {})
        kids = act.index.children.get(node, [])
        lead, tail = term_text(f.get("lead")), term_text(f.get("tail"))
        out: dict[str, Any] = {"notation": p.notation, "iri": node, "type": p.kind, "title": p.title}
        out["label"], out["url"] = term_text(f.get("label")), term_text(f.get("url"))
        references = sorted(by_source.get(node, {}).values(), key=lambda r: r["start"])
        if kids:
            split = len(lead) + 1 if lead else 0
            out["lead"], out["tail"] = lead, tail
            out["lead_refs"] = [r for r in references if 0 <= r["start"] < len(lead)]
            out["tail_refs"] = [{**r, "start": r["start"] - split, "end": r["end"] - split}
                                for r in references if r["start"] >= split and tail]  # fmt: skip
            out["children"] = [build(k) for k in kids]
        else:
            out["text"] = term_text(f.get("text"))
            out["refs"] = [r for r in references if r["start"] >= 0]
        out["heading_refs"] = [r for r in references if r["start"] < 0]
        return out

    return build(iri)
