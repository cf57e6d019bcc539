"""Give every node of the Formex tree its IRI, canonical notation (CONTRACT §1) and EUR-Lex link.

The notation rules are those of ``docs/notation.md``: points leave subparagraphs out
(``Art. 5(1)(h)(iii)``), unnumbered paragraphs are ordinal (``Art. 113, third paragraph, point (b)``),
dotted annex points show their own number only (``Annex VII(3.2)``).
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.build.formex import Node
from kg.ids import ACT, ID, SEGMENT, eurlex_url, ordinal
from kg.index import Index, Provision


@dataclass(frozen=True)
class Placed:
    """A node of the tree with what the graph says of it."""

    node: Node
    provision: Provision
    url: str
    order: int


def _iri(node: Node) -> str:
    if node.kind == "Act":
        return str(ACT)
    parent = node.parent
    segment = f"{SEGMENT[node.kind]}_{node.number}"
    if node.kind in ("Article", "Recital", "Annex", "Chapter") or parent is None:
        return str(ID[segment])
    if (
        node.kind == "Point"
        and parent.kind == "Subparagraph"
        and parent.parent is not None
        and not _names_points(parent)
    ):
        # points keep the paragraph's path: the subparagraph is structure, not part of their name
        return f"{_iri(parent.parent)}/{segment}"
    return f"{_iri(parent)}/{segment}"


def _names_points(subparagraph: Node) -> bool:
    """Whether a subparagraph's points carry it in their name: only where two subparagraphs of the
    paragraph both have a point (a) (Art. 43(1)), as the Act itself then writes "first subparagraph"."""
    paragraph = subparagraph.parent
    if paragraph is None:
        return False
    numbers = [p.number for sub in paragraph.children for p in sub.children if p.kind == "Point"]
    return len(numbers) != len(set(numbers))


def _point_chain(node: Node) -> tuple[Node, list[str]]:
    """The provision a point hangs from (article, paragraph, annex, annex section) and the numbers
    down to the point."""
    numbers: list[str] = []
    cur: Node | None = node
    while cur is not None and cur.kind in ("Point", "Subparagraph"):
        if cur.kind == "Subparagraph" and _names_points(cur):
            break
        if cur.kind == "Point":
            if numbers and numbers[0].startswith(cur.number + "."):
                pass  # "3.2" under "3": the dotted number already says it
            else:
                numbers.insert(0, cur.number)
        cur = cur.parent
    if cur is None:
        raise ValueError(f"point {node.number} has no article or annex above it")
    return cur, numbers


def notation(node: Node) -> str:
    parent = node.parent
    match node.kind:
        case "Act":
            return "Regulation (EU) 2024/1689"
        case "Recital":
            return f"Recital {node.number}"
        case "Chapter":
            return f"Chapter {node.number}"
        case "Article":
            return f"Art. {node.number}"
        case "Annex":
            return f"Annex {node.number}"
        case "Section" | "AnnexSection":
            assert parent is not None
            return f"{notation(parent)}, Section {node.number}"
        case "Paragraph":
            assert parent is not None
            if node.unnumbered:
                return f"{notation(parent)}, {ordinal(int(node.number))} paragraph"
            return f"{notation(parent)}({node.number})"
        case "Subparagraph":
            assert parent is not None
            return f"{notation(parent)}, {ordinal(int(node.number))} subparagraph"
        case "Point":
            base, numbers = _point_chain(node)
            path = "".join(f"({n})" for n in numbers)
            if base.kind == "Subparagraph" or (base.kind == "Paragraph" and base.unnumbered):
                return f"{notation(base)}, point {path}"
            return f"{notation(base)}{path}"
    raise ValueError(f"no notation for {node.kind}")


def _anchor(node: Node) -> str | None:
    cur: Node | None = node
    while cur is not None:
        if cur.anchor:
            return cur.anchor
        cur = cur.parent
    return None


def place(act: Node) -> tuple[list[Placed], Index]:
    """Every node with its IRI, notation and link, in document order, and the index over them."""
    placed: list[Placed] = []
    index = Index(act=str(ACT))
    for node in act.walk():
        if node.kind == "Act":
            continue
        parent = node.parent
        assert parent is not None
        prov = Provision(
            iri=_iri(node),
            kind=node.kind,
            number=node.number,
            notation=notation(node),
            parent=_iri(parent),
            title=node.title,
        )
        index.add(prov)
        siblings = [c for c in parent.children if c.kind == node.kind]
        placed.append(Placed(node, prov, eurlex_url(_anchor(node)), siblings.index(node) + 1))
    return placed, index
