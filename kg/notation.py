"""Parse citations of the AI Act (docs/contract.md §1) into provisions of the graph.

Accepts the canonical notation (``Art. 53(1)(a)``, ``Annex XI, Section 1(2)(d)``,
``Art. 113, third paragraph, point (b)``), the Act's own long forms (``Article 53(1), point (a)``,
``Article 5(1), first subparagraph, point (h)(iii)``, ``point (a) of Article 53(1)``), sloppy forms
(``Art 53 1 a``, ``art. 53(1)(a)``, ``Art. 53 para. 2``, ``Annex XI Section 1 point 2(d)``) and IRIs.
A provision the Act does not have raises :class:`UnknownProvision` naming it.
"""

from __future__ import annotations

import re

from kg.excerpt import cut, excerpt
from kg.ids import ORDINALS
from kg.index import TOP_KINDS, Index, Step, UnknownProvision

_ROOTS = {
    "art": "Article", "arts": "Article", "article": "Article", "articles": "Article",
    "annex": "Annex", "anx": "Annex", "recital": "Recital", "rct": "Recital",
    "chapter": "Chapter", "cpt": "Chapter", "ch": "Chapter",
}  # fmt: skip
_HINT_WORDS = {
    "paragraph": "paragraph", "para": "paragraph", "par": "paragraph", "paragraphs": "paragraph",
    "subparagraph": "subparagraph", "subpara": "subparagraph",
    "point": "point", "points": "point", "pt": "point", "section": "section", "sect": "section",
    "sec": "section", "sct": "section",
}  # fmt: skip
_FILLER = {"of", "the", "this", "thereof", "regulation", "and", "in", "ai", "act", "eu", "2024/1689"}
MAX_LENGTH = 200  # characters of a citation (the longest the Act writes has about 60)
_TOKEN = re.compile(r"\(([^()]*)\)|([A-Za-z]+\.?|\d+(?:\.\d+)*\.?)|§")


def int_to_roman(n: int) -> str:
    out = ""
    for value, sym in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                       (4, "IV"), (1, "I")):  # fmt: skip
        while n >= value:
            out += sym
            n -= value
    return out


def _reorder(text: str) -> str:
    """``point (a) of Article 53(1)`` -> ``Article 53(1) point (a)``."""
    parts = re.split(
        r"\s+of\s+(?=(?:art\.?|articles?|annex|chapter|recital|para\.?|paragraph|section)\b)",
        text,
        flags=re.I,
    )
    return " ".join(reversed(parts)) if len(parts) > 1 else text


def tokens(text: str) -> list[Step]:
    """Split a citation into descent steps; raise :class:`UnknownProvision` on a form it cannot read."""
    raw = _reorder(text.strip())
    steps: list[Step] = []
    pending: str | None = None  # a hint word waiting for its number
    ordinal_: int | None = None
    for m in _TOKEN.finditer(raw):
        inner, word = m.group(1), m.group(2)
        if inner is not None:
            # "(1)(a)" parts; "(h)(iii)" -> two steps
            for piece in re.findall(r"[A-Za-z0-9.]+", inner):
                steps.append(Step(pending, piece.rstrip(".")))
                pending = None
            continue
        if word is None:
            continue
        w = word.rstrip(".").lower()
        if w in _ROOTS and not steps:
            steps.append(Step(_ROOTS[w], ""))
            continue
        if w in ORDINALS:
            ordinal_ = ORDINALS.index(w) + 1
            continue
        if w in _HINT_WORDS:
            hint = _HINT_WORDS[w]
            if ordinal_ is not None and hint in ("paragraph", "subparagraph"):
                steps.append(Step(hint, str(ordinal_)))
                ordinal_ = None
            else:
                pending = hint
            continue
        if w in _FILLER:
            continue
        if not steps:
            raise UnknownProvision(
                f"cannot read {excerpt(text)}: a citation starts with Art., Annex, Recital or Chapter"
            )
        if steps[-1].hint in TOP_KINDS and steps[-1].value == "":
            steps[-1] = Step(steps[-1].hint, _top_number(steps[-1].hint, word.rstrip(".")))
            continue
        steps.append(Step(pending, word.rstrip(".")))
        pending = None
    if not steps or steps[0].value == "":
        raise UnknownProvision(f"cannot read {excerpt(text)} as a provision of Regulation (EU) 2024/1689")
    return steps


def _top_number(kind: str | None, value: str) -> str:
    if len(value) > 12:  # no provision has such a number
        raise UnknownProvision(f"no {str(kind).lower()} is numbered {cut(value, 20)}")
    if kind in ("Annex", "Chapter"):
        if value.isdigit():
            if len(value) > 2:  # int_to_roman of a long number would take for ever
                raise UnknownProvision(
                    f"{kind} {cut(value, 20)} does not exist: annexes and chapters are I to XIII"
                )
            return int_to_roman(int(value))
        if not re.fullmatch(r"[IVXLCivxlc]+", value):
            raise UnknownProvision(f"{kind} {cut(value, 20)} is not a {kind.lower()} number (Roman numerals)")
        return value.upper()
    if not value.isdigit():
        raise UnknownProvision(f"{kind} {cut(value, 20)} is not a number")
    return str(int(value))


def parse(text: str, index: Index) -> str:
    """The IRI of the provision ``text`` cites.

    A citation longer than :data:`MAX_LENGTH`, or with a number no provision has the length of, is
    unknown (and its message quotes only the start of it)."""
    text = text.strip()
    if len(text) > MAX_LENGTH:
        raise UnknownProvision(f"cannot read {excerpt(text)}: a citation has at most {MAX_LENGTH} characters")
    if text.startswith(("http://", "https://")):
        if text in index:
            return text
        raise UnknownProvision(f"{cut(text)} is not a provision of Regulation (EU) 2024/1689")
    if text in index.by_notation:
        return index.by_notation[text]
    steps = tokens(text)
    for step in steps:
        if len(step.value) > 12:
            raise UnknownProvision(
                f"cannot read {excerpt(text)}: no provision is numbered {cut(step.value, 20)}"
            )
    return index.resolve(steps)
