"""Read the Formex 4 XML of Regulation (EU) 2024/1689 into a tree of provisions.

Serves the whole structure of the Act: recitals (``CONSID``), chapters and sections (``DIVISION``),
articles (``ARTICLE``), paragraphs (``PARAG``), subparagraphs (``ALINEA``), points (``NP`` / ``NO.P``),
annexes (``ANNEX``), annex sections and points (``GR.SEQ``). The node shapes and their notation are
documented in ``docs/notation.md``; the running text of an element (plain and HTML) is read by
``kg.build.formex_inline``. Nothing here knows about RDF.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from kg.build.formex_inline import BLOCKS as _BLOCKS
from kg.build.formex_inline import Run, Text, add_child, inline, text_of

# Formex file of each annex, in the order of the Official Journal package.
ANNEX_FILES = {
    "I": "012401", "II": "012601", "III": "012701", "IV": "013001", "V": "013201",
    "VI": "013301", "VII": "013401", "VIII": "013601", "IX": "013801", "X": "013901",
    "XI": "014101", "XII": "014301", "XIII": "014401",
}  # fmt: skip
ACT_FILE = "L_202401689EN.000101.fmx.xml"


@dataclass
class Node:
    """One provision. ``parts`` holds its wording in document order: strings (its own text) and
    child nodes (whose text belongs to the child)."""

    kind: str
    number: str
    label: str = ""  # the number as printed ("(a)", "1.", "3.2.")
    title: str | None = None
    anchor: str | None = None  # EUR-Lex HTML anchor, where the rendering has one
    unnumbered: bool = False  # paragraphs of articles written as plain alineas (Art. 85, 113)
    parts: list[str | Node] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)
    quoted: set[int] = field(default_factory=set)  # indexes of parts quoting another act's text
    markup: dict[int, str] = field(default_factory=dict)  # HTML of the parts that have markup

    @property
    def children(self) -> list[Node]:
        return [p for p in self.parts if isinstance(p, Node)]

    def add(self, child: Node) -> Node:
        child.parent = self
        self.parts.append(child)
        return child

    def add_text(self, text: Text, quoted: bool = False) -> None:
        """A part of the node's own wording, then the quoted footnotes it carries (their own parts)."""
        for piece in (text, *text.notes):
            if not piece.plain:
                continue
            if quoted:
                self.quoted.add(len(self.parts))
            if piece.html is not None:
                self.markup[len(self.parts)] = piece.html
            self.parts.append(piece.plain)

    def own_parts(self) -> Iterator[tuple[int, str, bool]]:
        """(offset in the node's own text, its parts joined by newlines; text; quoted) of each own text part."""
        offset = 0
        for i, p in enumerate(self.parts):
            if isinstance(p, str):
                yield offset, p, i in self.quoted
                offset += len(p) + 1

    def full_text(self) -> str:
        """The whole wording, children included (each child prefixed with its printed number)."""
        return self._compose(as_html=False)

    def has_markup(self) -> bool:
        return bool(self.markup) or any(c.has_markup() for c in self.children)

    def full_html(self) -> str:
        """:meth:`full_text` as HTML: escaped, with the markup of ``formex_inline``."""
        return self._compose(as_html=True)

    def _compose(self, as_html: bool) -> str:
        def esc(s: str) -> str:
            return html.escape(s, quote=False) if as_html else s

        lines: list[str] = []
        for i, p in enumerate(self.parts):
            if isinstance(p, str):
                lines.append(self.markup.get(i, esc(p)) if as_html else p)
            else:
                body = p._compose(as_html)
                head = p.label or ""
                if p.title and p.kind in ("Point",):
                    head = f"{head} {p.title}".strip()
                lines.append(f"{esc(head)} {body}".strip() if head else body)
        return "\n".join(line for line in lines if line)

    def walk(self) -> Iterator[Node]:
        yield self
        for c in self.children:
            yield from c.walk()


def _has_structure(el: etree._Element) -> bool:
    return any(isinstance(d.tag, str) and d.tag in ("LIST", "NP") for d in el.iterdescendants())


def _quotes(el: etree._Element) -> bool:
    """Whether a block is (or holds) text quoted from another act (amending provisions)."""
    return el.tag == "QUOT.S" or el.find(".//QUOT.S") is not None


def _point_number(label: str) -> str:
    return label.strip().strip("()").rstrip(".").strip()


def _content(el: etree._Element, node: Node) -> None:
    """Walk a container's children, adding text parts and point nodes to ``node``."""
    _children(el.text, list(el), node)


def _children(head_text: str | None, elements: list[etree._Element], node: Node) -> None:
    # running text between blocks is gathered as read, tails with their leading spaces, and
    # normalised once: "by <DATE>2 August 2025</DATE> shall" keeps both its spaces
    buf = Run()
    buf.text(head_text)

    def flush() -> None:
        nonlocal buf
        node.add_text(buf.done())
        buf = Run()

    for child in elements:
        tag = child.tag if isinstance(child.tag, str) else None
        if tag is None:
            pass
        elif tag == "LIST":
            flush()
            for item in child:
                if not isinstance(item.tag, str):
                    continue
                np = item.find("NP")
                if np is not None:
                    _point(np, node)
                else:  # dash-indented item: not a numbered point, stays in the parent's text
                    t = text_of(item)
                    node.add_text(Text("— " + t.plain, None if t.html is None else "— " + t.html, t.notes))
        elif tag == "NP":
            flush()
            _point(child, node)
        elif tag in _BLOCKS and _has_structure(child) and not _quotes(child):
            flush()
            _content(child, node)
        elif tag in _BLOCKS:
            flush()
            node.add_text(text_of(child), quoted=_quotes(child))
        else:
            add_child(child, buf)
        buf.text(child.tail)
    flush()


def _point(np: etree._Element, parent: Node) -> Node:
    no = np.find("NO.P")
    label = inline(no) if no is not None else ""
    number = _point_number(label)
    point = Node("Point", number, label=label)
    parent.add(point)
    _children(None, [c for c in np if c.tag != "NO.P"], point)
    return point


def _ordinal_split(node: Node, alineas: list[etree._Element], kind: str) -> None:
    if len(alineas) == 1:
        _content(alineas[0], node)
        return
    for i, alinea in enumerate(alineas, start=1):
        sub = node.add(Node(kind, str(i), unnumbered=kind == "Paragraph"))
        _content(alinea, sub)


def _article(el: etree._Element) -> Node:
    number = str(int(el.get("IDENTIFIER", "0")))
    sti = el.find("STI.ART")
    # One title in the OJ carries a stray backtick (Art. 1 "Subject matter`").
    title = inline(sti).rstrip("`") if sti is not None else None
    art = Node("Article", number, label=inline(el.find("TI.ART")), title=title, anchor=f"art_{number}")
    parags = el.findall("PARAG")
    alineas = el.findall("ALINEA")
    if parags and alineas:
        raise ValueError(f"Article {number} mixes numbered paragraphs and plain alineas")
    for parag in parags:
        no = inline(parag.find("NO.PARAG"))
        par = art.add(Node("Paragraph", no.rstrip("."), label=no, anchor=parag.get("IDENTIFIER")))
        _ordinal_split(par, parag.findall("ALINEA"), "Subparagraph")
    if alineas:
        _ordinal_split(art, alineas, "Paragraph")
    return art


_CHAPTER = re.compile(r"^(CHAPTER|SECTION)\s+([IVXLC]+|\d+)$", re.I)


def _division(el: etree._Element, parent: Node) -> None:
    ti = inline(el.find("TITLE/TI"))
    m = _CHAPTER.match(ti)
    if not m:
        raise ValueError(f"unexpected division title {ti!r}")
    kind = "Chapter" if m.group(1).upper() == "CHAPTER" else "Section"
    number = m.group(2)
    sti = el.find("TITLE/STI")
    anchor = f"cpt_{number}" if kind == "Chapter" else f"{parent.anchor}.sct_{number}"
    node = parent.add(
        Node(kind, number, label=ti, title=inline(sti) if sti is not None else None, anchor=anchor)
    )
    for child in el:
        if child.tag == "DIVISION":
            _division(child, node)
        elif child.tag == "ARTICLE":
            node.add(_article(child))


def parse_act(root: etree._Element, act: Node) -> None:
    for consid in root.iter("CONSID"):
        np = consid.find("NP")
        if np is None:
            raise ValueError("recital without a number")
        number = _point_number(inline(np.find("NO.P")))
        rec = act.add(Node("Recital", number, label=f"({number})", anchor=f"rct_{number}"))
        for child in np:
            if isinstance(child.tag, str) and child.tag != "NO.P":
                rec.add_text(text_of(child))
    terms = root.find("ENACTING.TERMS")
    if terms is None:
        raise ValueError("no enacting terms")
    for div in terms.findall("DIVISION"):
        _division(div, act)


_ANNEX_SECTION = re.compile(r"^Section\s+([A-Z0-9]+)\s*[.—–-]?\s*(.*)$")


def _annex_content(elements: list[etree._Element], node: Node) -> None:
    run: list[etree._Element] = []
    for child in [*elements, None]:
        if child is None or child.tag == "GR.SEQ":
            _children(None, run, node)
            run = []
            if child is not None:
                _annex_group(child, node)
        else:
            run.append(child)


def _annex_group(el: etree._Element, parent: Node) -> None:
    title = el.find("TITLE")
    ti = title.find("TI") if title is not None else None
    if ti is None or title is None:
        raise ValueError("annex group without a title")
    np = ti.find("NP")
    rest = [child for child in el if child is not title]
    if np is not None:  # a numbered group is a point with a heading (Annex VII, Annex X)
        label = inline(np.find("NO.P"))
        node = parent.add(Node("Point", _point_number(label), label=label, title=inline(np.find("TXT"))))
    else:
        m = _ANNEX_SECTION.match(inline(ti))
        if not m:
            raise ValueError(f"unexpected annex group title {inline(ti)!r}")
        sti = title.find("STI")
        heading = inline(sti) if sti is not None else m.group(2)
        node = parent.add(
            Node("AnnexSection", m.group(1), label=f"Section {m.group(1)}", title=heading or None)
        )
    _annex_content(rest, node)


def parse_annex(root: etree._Element, number: str) -> Node:
    tis = root.findall("TITLE/TI/P")
    sti = root.find("TITLE/STI")
    # Annex X prints its heading inside TI
    title = inline(sti) if sti is not None else " ".join(inline(p) for p in tis[1:])
    annex = Node("Annex", number, label=f"ANNEX {number}", title=title, anchor=f"anx_{number}")
    contents = root.find("CONTENTS")
    if contents is None:
        raise ValueError(f"Annex {number} has no contents")
    _annex_content(list(contents), annex)
    return annex


def read_act(folder: Path) -> Node:
    """The whole Act as a tree rooted at the act node."""
    parser = etree.XMLParser(remove_comments=True, resolve_entities=False, no_network=True)
    act = Node("Act", "2024/1689", title="Artificial Intelligence Act")
    parse_act(etree.parse(str(folder / ACT_FILE), parser).getroot(), act)
    for number, code in ANNEX_FILES.items():
        root = etree.parse(str(folder / f"L_202401689EN.{code}.fmx.xml"), parser).getroot()
        act.add(parse_annex(root, number))
    return act
