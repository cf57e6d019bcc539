"""Read the EUR-Lex XHTML rendering of the Act (``kg/formex/eurlex.html``) as the graph writes text, to
check the graph against it. Independent of the Formex reader: lxml's HTML parser, no network.

How the HTML is read, so that it reads as ``aikg:text`` does:
- whitespace collapsed (no-break spaces included); ``<span class="oj-super">25</span>`` is ``^25``;
- where a block (``p``, ``div``, table cell) begins or ends there is a space, except before closing
  punctuation: "…into account.’</p></div>;" reads "…into account.’;", as the graph joins blocks;
- footnote calls of the Official Journal (``<a href="#ntr1-...">(1)</a>``) are left out, with the space
  before them, as the graph leaves footnotes out; the footnotes of quoted amending text (``(*)``) are
  text of the amended act and are kept, call and note;
- headings are not wording: titles (``div.eli-title``, the annex titles, the headings of annex
  sections) are left out, and a provision's own printed number ("Article 53", "2.", "(a)") is not part
  of its text; numbered headings inside an annex ("3. Quality management system") are, as the graph
  prints a sub-point's number and heading before its text.
- points have no anchor: a point is a one-row table (or ``div.oj-enumeration-spacing``) whose last
  two cells are its printed number and its text (cells before them are empty indents); a headed point
  of an annex ("3. Quality management system") or an annex section ("Section A") is its heading and
  what follows up to the next heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from lxml import etree
from lxml import html as lhtml

_WS = re.compile(r"\s+")
_BLOCK = {"p", "div", "table", "tbody", "tr", "td"}
_EDGE = "\x00"  # where a block begins or ends
_GAP = re.compile(r"\s*\x00[\s\x00]*")
_SECTION = re.compile(r"^(Section\s+[A-Z0-9]+)\b")
_NUMBERED = re.compile(r"^(\d+\.)\s")


def norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


@dataclass(frozen=True)
class Struct:
    """A point as the HTML lays it out: its printed number and the elements holding its text."""

    label: str
    body: list[etree._Element]  # whose text is the point's
    inner: list[etree._Element]  # where its own points are laid out


@dataclass
class EurLex:
    path: Path
    skip: set[etree._Element] = field(default_factory=set)
    replace: dict[etree._Element, str] = field(default_factory=dict)
    ids: dict[str, etree._Element] = field(default_factory=dict)  # the first element of each id

    @cached_property
    def root(self) -> etree._Element:
        parser = lhtml.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True)
        root = etree.fromstring(self.path.read_bytes(), parser)
        self._headings(root)
        return root

    def _headings(self, root: etree._Element) -> None:
        self.skip |= set(root.xpath('//div[contains(concat(" ", @class, " "), " eli-title ")]'))
        for annex in root.xpath('//div[starts-with(@id, "anx_")]'):
            self.skip |= set(annex.xpath('.//p[@class="oj-doc-ti"]')[1:])  # the annex title
            bare = False
            for p in annex.xpath('.//p[@class="oj-ti-grseq-1"]'):
                heading = norm(p.xpath("string()"))
                m = _SECTION.match(heading)
                if bare:  # the title under a bare "Section 1"
                    self.skip.add(p)
                    bare = False
                elif m:  # "Section A. List of ...", "Section A — Information ...": the title goes
                    self.replace[p] = m.group(1)
                    bare = m.group(1) == heading
        self.ids.update((el.get("id"), el) for el in reversed(root.xpath("//*[@id]")))

    def element(self, anchor: str, within: etree._Element | None = None) -> etree._Element | None:
        _ = self.root
        if within is None:
            return self.ids.get(anchor)
        found = within.xpath(".//*[@id=$id]", id=anchor)
        return found[0] if found else None

    def text(self, el: etree._Element | list[etree._Element]) -> str:
        out: list[str] = []
        for e in el if isinstance(el, list) else [el]:
            self._walk(e, out, top=True)
            out.append(_EDGE)
        joined = _GAP.sub(
            lambda m: "" if m.string[m.end() : m.end() + 1] in tuple(";,.:)") else " ", "".join(out)
        )
        return norm(joined)

    def _walk(self, el: etree._Element, out: list[str], top: bool = False) -> None:
        if not isinstance(el.tag, str):
            return
        href = el.get("href") or ""
        if el in self.skip and not top:
            return
        if el in self.replace:
            out.append(" " + self.replace[el] + " ")
            return
        if el.tag == "a" and href.startswith(("#ntr", "#ntc")):
            if "*" not in href:  # a footnote call of the Official Journal: left out, with its space
                while out and not out[-1].strip():
                    out.pop()
                if out:
                    out[-1] = out[-1].rstrip()
                return
            out.append(_WS.sub(" ", el.xpath("string()")))  # " (*)": kept, not a superscript
            return
        if el.tag == "span" and "oj-super" in (el.get("class") or "").split():
            out.append("^")
        block = _EDGE if el.tag in _BLOCK else ""
        out.append(block + (el.text or ""))
        for child in el:
            self._walk(child, out)
            out.append(child.tail or "")
        out.append(block)

    def structs(self, elements: list[etree._Element], stop: set[etree._Element]) -> list[Struct]:
        """The points laid out among ``elements`` (and inside them), not inside another point, nor
        inside an element of ``stop``."""
        found: list[Struct] = []
        group: list[etree._Element] | None = None
        for el in elements:
            if not isinstance(el.tag, str) or el in stop or el in self.skip:
                continue
            if el.get("class") == "oj-ti-grseq-1":  # a heading ends the headed point before it
                group = None
                heading = norm(el.xpath("string()"))
                m = _NUMBERED.match(heading) or _SECTION.match(heading)
                if m:
                    group = []
                    found.append(Struct(m.group(1), group, group))
            elif group is not None:
                group.append(el)
            elif (cells := _cells(el)) is not None:
                found.append(Struct(self.text(cells[0]), [cells[1]], list(cells[1])))
            else:
                found += self.structs(list(el), stop)
        return found


def _cells(el: etree._Element) -> tuple[etree._Element, etree._Element] | None:
    """(number, text) of a point laid out as a table or an enumeration block."""
    if el.tag == "table":
        rows = el.xpath("./tbody/tr | ./tr")
        cells = rows[0].xpath("./td") if len(rows) == 1 else []
        if len(cells) >= 2 and not any(norm(c.xpath("string()")) for c in cells[:-2]):
            return cells[-2], cells[-1]
    if el.tag == "div" and el.get("class") == "oj-enumeration-spacing":
        ps = el.xpath("./p")
        if len(ps) == 2:
            return ps[0], ps[1]
    return None
