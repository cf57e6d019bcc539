"""What a reader of the Act needs: the table of contents, and a provision as a tree of its
sub-provisions with their own words and the cross-references in them (for linking)."""

from __future__ import annotations

import re
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


def _document_order(act: Act) -> list[str]:
    """Every provision of the Act, depth first, in the order the Act prints them."""
    idx, out, stack = act.index, [], list(reversed(act.index.children.get(act.index.act, [])))
    while stack:
        cur = stack.pop()
        out.append(cur)
        stack += reversed(idx.children.get(cur, []))
    return out


def neighbours(act: Act, iri: str) -> dict[str, dict[str, Any] | None]:
    """The article, annex or recital before and after this one (of the same kind), for paging through."""
    idx = act.index
    kind = idx[iri].kind
    if kind not in ("Article", "Annex", "Recital"):
        return {"previous": None, "next": None}
    same = [i for i in _document_order(act) if idx[i].kind == kind]
    at = same.index(iri)

    def entry(k: int) -> dict[str, Any] | None:
        if not 0 <= k < len(same):
            return None
        return {"notation": idx[same[k]].notation, "title": idx[same[k]].title}

    return {"previous": entry(at - 1), "next": entry(at + 1)}


_EXT_LAST = re.compile(r"(?:\(([^()]+)\)|\b(?:Art\.|Article|Annex|point|paragraph)\s+(\S+))$")


def _own_number(act: Act, target: str, notation: str) -> str | None:
    """The last step of a target's notation: what a span names it by ("a" of Art. 53(1)(a), "6" of Art. 6
    of Regulation (EU) 2018/1725)."""
    if target in act.index:
        return act.index[target].number
    m = _EXT_LAST.search(notation.split(" of ")[0].strip())
    return (m.group(1) or m.group(2)) if m else None


def _named_at(span: str, number: str | None) -> int | None:
    """Where in the span the number is named: as "(a)" first, else as a word of its own (not the article
    "5" of "Article 5(2)")."""
    if not number:
        return None
    at = span.find(f"({number})")
    if at >= 0:
        return at
    m = re.search(rf"(?<![\w./]){re.escape(number)}(?![\w/(])", span)
    return m.start() if m else None


def order_targets(
    act: Act, span: str, targets: list[dict[str, Any]], position: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    """The targets of a reference in the order its words name them ("points (a) and (b)": (a) first).
    RDF keeps no order, so it is read back from the span: each target where its own number is named;
    one the span does not name (inside "Articles 8 to 15") goes right after its predecessor in the Act."""
    if position is None:
        position = {p: k for k, p in enumerate(_document_order(act))}

    def natural(t: dict[str, Any]) -> tuple[int, list[Any]]:
        key = [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", t["iri"])]
        return (position.get(t["iri"], len(position)), key)

    in_act = sorted(targets, key=natural)
    keyed, last = [], -1
    for k, t in enumerate(in_act):
        at = _named_at(span, _own_number(act, t["iri"], t["notation"]))
        last = at if at is not None else last
        keyed.append(((last, k), t))
    return [t for _, t in sorted(keyed, key=lambda item: item[0])]


def tree(act: Act, iri: str) -> dict[str, Any]:
    """The provision and its sub-provisions, nested, each with lead/tail or text and its references
    (their targets in the order the words name them), and the provisions before and after it."""
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
    position = {p: k for k, p in enumerate(_document_order(act))}
    for entries in by_source.values():
        for entry in entries.values():
            if len(entry["targets"]) > 1:
                entry["targets"] = order_targets(act, entry["text"], entry["targets"], position)

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

    out = build(iri)
    out.update(neighbours(act, iri))
    return out
