"""The running text of Formex elements, as plain text and as minimal HTML.

Plain text is what ``aikg:text`` holds: whitespace collapsed, quotation marks rendered, footnotes of
the Official Journal left out, a superscript written with a caret (``10<HT TYPE="SUP">25</HT>`` is
``10^25``), a subscript with an underscore, a formatted number grouped by thousands as printed
(``<FT TYPE="NUMBER">35000000</FT>`` is ``35 000 000``). The HTML form is the same text, escaped, with
``<sup>``, ``<sub>``, ``<i>`` and ``<b>`` where Formex has ``HT`` of those types and no other markup.

Footnotes of quoted amending text (``NOTE TYPE="QUOTATION"``, Articles 102-109) are text of the act
being amended: their call is kept in place as ``(*)`` and their wording is returned apart (``notes``),
to follow the quoted block, as the Official Journal prints it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from lxml import etree

_WS = re.compile(r"\s+")
BLOCKS = {"P", "ALINEA", "TXT", "QUOT.S"}
_SPACED = BLOCKS | {"LIST", "ITEM", "NP"}
_MARKUP = {"SUP": "sup", "SUB": "sub", "ITALIC": "i", "BOLD": "b"}
_SIGN = {"SUP": "^", "SUB": "_"}
_CLOSING = tuple(";,.:)")


def norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


@dataclass(frozen=True)
class Text:
    """A piece of wording: plain, and as HTML (``html`` is None when it has no markup)."""

    plain: str
    html: str | None = None
    notes: tuple[Text, ...] = ()


@dataclass
class Run:
    """Text being gathered, not yet whitespace-normalised."""

    plain: list[str] = field(default_factory=list)
    markup: list[str] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)
    marked: bool = False
    gap: bool = False  # a block just ended: a space follows, unless punctuation does ("...’;")

    def _close_gap(self, following: str) -> None:
        if self.gap and not following.startswith(_CLOSING):
            self.plain.append(" ")
            self.markup.append(" ")
        self.gap = False

    def text(self, s: str | None) -> None:
        if not s:
            return
        self._close_gap(s)
        self.plain.append(s)
        self.markup.append(html.escape(s, quote=False))

    def wrap(self, inner: Run, tag: str | None, sign: str = "") -> None:
        """Add ``inner``, in ``<tag>`` if given; surrounding whitespace stays outside the tag."""
        plain, markup = "".join(inner.plain), "".join(inner.markup)
        self.notes += inner.notes
        self.marked |= inner.marked
        body = plain.strip()
        if not body:
            self.text(plain)
            return
        self._close_gap(plain)
        lead, trail = plain[: len(plain) - len(plain.lstrip())], plain[len(plain.rstrip()) :]
        self.plain += [lead, sign + body, trail]
        if tag is None:
            self.markup.append(markup)
        else:
            self.markup += [lead, f"<{tag}>{markup.strip()}</{tag}>", trail]
            self.marked = True
        self.gap = inner.gap

    def done(self) -> Text:
        plain = norm("".join(self.plain))
        return Text(plain, norm("".join(self.markup)) if self.marked else None, tuple(self.notes))


def _number(text: str) -> str:
    digits = text.strip()
    if not digits.isdigit():
        return text
    return f"{int(digits):,}".replace(",", " ")


def _note(note: etree._Element, run: Run) -> None:
    if note.get("TYPE") != "QUOTATION":
        return  # a footnote of the Official Journal: not wording of the provision
    call = f"({note.get('NUMBER.ORG') or '*'})"
    run.text(f" {call}")
    inner = Run()
    for p in note:
        if isinstance(p.tag, str):
            inner.text(" ")
            add_content(p, inner)
    body = inner.done()
    markup = f"{call} {body.html}" if body.html is not None else None
    run.notes.append(Text(f"{call} {body.plain}", markup))


def add_child(child: etree._Element, run: Run) -> None:
    """One child element of running text, without its tail."""
    tag = child.tag
    if not isinstance(tag, str):  # processing instruction (<?PAGE?>) or comment
        return
    if tag in ("QUOT.START", "QUOT.END"):
        code = child.get("CODE")
        run.text(chr(int(code, 16)) if code else "\u201c")
    elif tag == "NOTE":
        _note(child, run)
    elif tag == "FT" and child.get("TYPE") == "NUMBER":
        inner = Run()
        add_content(child, inner)
        run.text(_number("".join(inner.plain)))
    elif tag == "HT":
        kind = child.get("TYPE", "")
        inner = Run()
        add_content(child, inner)
        if kind == "UC":
            upper = [s.upper() for s in inner.plain]  # small capitals: printed in capitals
            inner = Run(upper, [html.escape(s, quote=False) for s in upper], inner.notes)
        run.wrap(inner, _MARKUP.get(kind), _SIGN.get(kind, ""))
    elif tag in _SPACED:
        run.text(" ")
        add_content(child, run)
        run.gap = True
    else:  # DATE, REF.DOC.OJ, REF.DOC and other inline elements: their text as printed
        add_content(child, run)


def add_content(el: etree._Element, run: Run) -> None:
    """An element's text and children (not its tail)."""
    run.text(el.text)
    for child in el:
        add_child(child, run)
        run.text(child.tail)


def text_of(el: etree._Element | None) -> Text:
    run = Run()
    if el is not None:
        add_content(el, run)
    return run.done()


def inline(el: etree._Element | None) -> str:
    """Plain text of an element as read."""
    return text_of(el).plain
