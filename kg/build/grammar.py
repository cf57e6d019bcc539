"""The grammar of the Act's citation phrases: a lexer and a recursive-descent parser.

A phrase is a chain of units joined by "of": ``point (a) of paragraph 1 of Article 5``; a unit is a
heading word and a list of numbers joined by ",", "and", "or", "to": ``Articles 91 to 94``,
``Article 53(1), points (a) and (b)``, ``Annex XI, in particular points 2 (d) and (e) thereof``.
Each phrase yields :class:`Target` paths; :mod:`kg.build.xrefs` resolves them against the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from kg.ids import ORDINALS
from kg.index import Step

_ACT_RE = (
    r"(?:(?:Council|Commission)\s+)?(?:(?:Implementing|Delegated)\s+)?(Framework\s+Decision|Regulation|"
    r"Directive|Decision)\s+(?:\((EU|EC|EEC|EU,\s*Euratom|Euratom)\)\s+)?(No\s+)?(\d{2,4})/(\d{1,4})"
    r"(?:/(EC|EU|EEC|JHA|CFSP|Euratom))?"
)
_LEX = re.compile(
    rf"(?P<ext>{_ACT_RE})|\((?P<paren>\s*(?:[a-z]{{1,5}}|\d{{1,3}}(?:\.\d+)?)\s*)\)|"
    r"(?P<num>\d+(?:\.\d+)*)|(?P<word>[A-Za-z][A-Za-z/\-]*)|(?P<punct>[,;:.()\u2014\u2013])"
)
_UNITS = {
    "article": "Article", "articles": "Article", "paragraph": "paragraph", "paragraphs": "paragraph",
    "subparagraph": "subparagraph", "subparagraphs": "subparagraph", "point": "point", "points": "point",
    "annex": "Annex", "annexes": "Annex", "chapter": "Chapter", "chapters": "Chapter",
    "section": "Section", "sections": "Section", "recital": "Recital", "recitals": "Recital",
}  # fmt: skip
_ROMAN = re.compile(r"^[IVXLC]+$")
_RELATIVE_ORDINALS = {"preceding": -1, "previous": -1}
_ELI_TYPE = {"regulation": "reg", "directive": "dir", "decision": "dec", "framework decision": "dec_framw"}


@dataclass(frozen=True)
class ExtAct:
    iri: str
    notation: str
    type: str  # regulation, directive, decision, framework decision


@dataclass(frozen=True)
class Token:
    kind: str  # ext, paren, num, word, punct
    value: str
    start: int
    end: int
    act: ExtAct | None = None

    @property
    def low(self) -> str:
        return self.value.lower()


@dataclass(frozen=True)
class Target:
    """A path to a provision: ``steps`` descend from ``base`` ("top", "article", "chapter", "context",
    "this:<Kind>"), or into another act ``ext``; ``range_end`` closes a range ("Articles 91 to 94")."""

    base: str
    steps: tuple[Step, ...] = ()
    ext: ExtAct | None = None
    range_end: Target | None = None

    def describe(self) -> str:
        return " ".join(s.describe() for s in self.steps) or self.base

    def under(self, outer: Target) -> Target:
        """This target read as a part of ``outer`` ("point (a)" of "paragraph 1")."""
        if self.base == "top" and outer.ext is None:
            return self  # "Article 6 of this Regulation": already absolute
        end = self.range_end.under(outer) if self.range_end else None
        return Target(outer.base, outer.steps + self.steps, outer.ext, end)


@dataclass
class Phrase:
    text: str
    start: int
    targets: list[Target] = field(default_factory=list)
    context: list[Target] = field(default_factory=list)  # the previous phrase's targets


@dataclass
class _Parsed:
    targets: list[Target]
    end: int
    unit: str | None = None
    outer: list[Target] | None = None  # what the phrase was composed into by "of"


def _act(m: re.Match[str]) -> ExtAct:
    kind, qual, no, a, b, suffix = (m.group(i) for i in range(2, 8))
    kind = re.sub(r"\s+", " ", kind)
    # Numbering: "No 765/2008" and "Decision No 768/2008/EC" put the number first; "2019/790" and
    # "2006/42/EC" put the year first. Two-digit years are of the 20th century.
    number, year = (a, b) if no else (b, a)
    if len(year) == 2:
        year = "19" + year
    iri = f"http://data.europa.eu/eli/{_ELI_TYPE[kind.lower()]}/{year}/{int(number)}/oj"
    notation = f"{kind} " + (f"({qual}) " if qual else "") + (f"No {a}/{b}" if no else f"{a}/{b}")
    if suffix:
        notation += f"/{suffix}"
    return ExtAct(iri, notation, kind.lower())


def lex(text: str) -> list[Token]:
    out = []
    for m in _LEX.finditer(text):
        kind = m.lastgroup or "punct"
        if kind == "ext":
            out.append(Token("ext", m.group(0), m.start(), m.end(), _act(m)))
        elif kind == "paren":
            out.append(Token("paren", m.group("paren").strip(), m.start(), m.end()))
        elif kind in ("num", "word", "punct"):
            out.append(Token(kind, m.group(kind), m.start(), m.end()))
        else:  # a group of the act pattern
            out.append(Token("ext", m.group(0), m.start(), m.end(), _act(m)))
    return out


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.t = tokens
        self.last_ext: dict[str, ExtAct] = {}
        self.last_top: dict[str, Target] = {}

    # -- token helpers -----------------------------------------------------------------------------
    def tok(self, i: int) -> Token | None:
        return self.t[i] if 0 <= i < len(self.t) else None

    def word(self, i: int, *words: str) -> bool:
        tok = self.tok(i)
        return tok is not None and tok.kind == "word" and tok.low in words

    def punct(self, i: int, p: str) -> bool:
        tok = self.tok(i)
        return tok is not None and tok.kind == "punct" and tok.value == p

    def unit_at(self, i: int) -> str | None:
        tok = self.tok(i)
        return _UNITS.get(tok.low) if tok is not None and tok.kind == "word" else None

    # -- phrases -----------------------------------------------------------------------------------
    def phrases(self) -> list[Phrase]:
        out: list[Phrase] = []
        previous: list[Target] = []
        i = 0
        while i < len(self.t):
            got = self.phrase(i, previous)
            if got is None:
                i += 1
                continue
            targets, j = got.targets, got.end
            if targets and got.outer is None:
                targets = self._shared_outer(got, previous)
            if targets:
                start, end = self.t[i].start, self.t[j - 1].end
                out.append(Phrase(self.text[start:end], start, targets, previous))
                previous = targets
            i = j
        return out

    def _shared_outer(self, got: _Parsed, previous: list[Target]) -> list[Target]:
        """ "Article 4(2) and Article 10 of Directive (EU) 2016/680", "Points 4.3., 4.4. and the fifth
        paragraph of point 4.6 of Annex VII": a trailing "of ..." can govern the coordinated phrase
        before it."""
        k = got.end + 1 if self.punct(got.end, ",") else got.end
        if not self.word(k, "and", "or"):
            return got.targets
        saved = (dict(self.last_ext), dict(self.last_top))
        nxt = self.phrase(k + 2 if self.word(k + 1, "the") else k + 1, previous)
        self.last_ext, self.last_top = saved
        if nxt is None or not nxt.outer:
            return got.targets
        relative = all(t.base != "top" for t in got.targets)
        external = all(o.ext is not None for o in nxt.outer)
        if (external and nxt.unit == got.unit) or (relative and not external):
            return [t.under(o) for o in nxt.outer for t in got.targets]
        return got.targets

    def phrase(self, i: int, previous: list[Target] | None = None) -> _Parsed | None:
        got = self.head(i)
        if got is None:
            return None
        targets, j = got
        unit = self.unit_at(i)
        # "Article 114 TFEU", "Article 47 of the Charter": Treaty articles, not references we keep
        if (
            self.word(j, "tfeu", "teu")
            or (self.word(j, "of") and self.word(j + 1, "protocol"))
            or (self.word(j, "of") and self.word(j + 1, "the") and self._capitalised(j + 2))
        ):
            return _Parsed([], j + 1)
        if self.word(j - 1, "thereof") and previous and all(t.base == "context" for t in targets):
            # "point (h)(iii) thereof", "point 2 thereof": of what the previous phrase named
            targets = [t.under(_without_repeat(p, t)) for p in previous for t in targets]
        outer_used: list[Target] | None = None
        while True:
            k = j + 1 if self.punct(j, ",") and self.word(j + 1, "of") else j
            if not self.word(k, "of"):
                break
            outer = self.head(k + 1, composing=True)
            if outer is None:
                break
            outer_targets, j = outer
            if outer_targets:
                targets = [t.under(o) for o in outer_targets for t in targets]
                outer_used = outer_targets
        for t in targets:
            if t.ext is None and t.base == "top" and t.steps:
                self.last_top[t.steps[0].hint or ""] = Target("top", t.steps[:1])
        return _Parsed(targets, j, unit, outer_used)

    def _capitalised(self, i: int) -> bool:
        tok = self.tok(i)
        return (
            tok is not None
            and tok.kind == "word"
            and tok.value[:1].isupper()
            and tok.low not in ORDINALS
            and tok.low not in _UNITS
        )

    def head(self, i: int, composing: bool = False) -> tuple[list[Target], int] | None:
        """One unit: an act, "this Article", "the first subparagraph", "Articles 53 and 55"."""
        tok = self.tok(i)
        if tok is None:
            return None
        if tok.kind == "ext" and tok.act is not None:
            self.last_ext[tok.act.type] = tok.act
            return [Target("top", (), tok.act)], i + 1
        if tok.kind != "word":
            return None
        if tok.low in ("this", "that") and self.tok(i + 1) is not None:
            nxt = self.t[i + 1].low
            if nxt == "regulation" and tok.low == "this":
                return ([], i + 2) if composing else None
            if tok.low == "that":
                act = self.last_ext.get(nxt)
                if act is not None:
                    return [Target("top", (), act)], i + 2
                unit = _UNITS.get(nxt)
                if unit in self.last_top:
                    return [self.last_top[unit]], i + 2
                return None
            unit = _UNITS.get(nxt)
            if unit is None:
                return None
            return [Target(f"this:{unit}")], i + 2
        if tok.low == "the" and composing:
            cited = self.tok(i + 3)
            if self.word(i + 1, "annex") and self.word(i + 2, "to") and cited is not None and cited.act:
                self.last_ext[cited.act.type] = cited.act
                return [Target("top", (Step("Annex", ""),), cited.act)], i + 4
            return self.head(i + 1, composing)
        if tok.low in ORDINALS or tok.low in _RELATIVE_ORDINALS:
            return self.ordinal_unit(i)
        unit = self.unit_at(i)
        if unit is None:
            return None
        return self.unit(unit, i + 1)

    def ordinal_unit(self, i: int) -> tuple[list[Target], int] | None:
        """ "first subparagraph", "first and second subparagraphs", "third paragraph"."""
        ordinals: list[int] = []
        j = i
        while True:
            tok = self.tok(j)
            if tok is None or tok.kind != "word":
                return None
            if tok.low in ORDINALS:
                ordinals.append(ORDINALS.index(tok.low) + 1)
            elif tok.low in _RELATIVE_ORDINALS:
                ordinals.append(0)
            else:
                return None
            j += 1
            if self.punct(j, ",") or self.word(j, "and", "or"):
                j += 1
                continue
            break
        unit = self.unit_at(j)
        if unit not in ("subparagraph", "paragraph"):
            return None
        base = "context" if unit == "subparagraph" else "article"
        if 0 in ordinals:  # "the preceding subparagraph": resolved by the caller's context
            return [Target("previous:" + unit)], j + 1
        return [Target(base, (Step(unit, str(n)),)) for n in ordinals], j + 1

    # -- units -------------------------------------------------------------------------------------
    def unit(self, unit: str, i: int) -> tuple[list[Target], int] | None:
        items: list[Target] = []
        j = end = i
        while True:
            got = self.item(unit, j, items[-1] if items else None)
            if got is None:
                j = end
                break
            item, j = got
            more, j = self.modifiers(item, j)
            if items and self._range_pending:
                items[-1] = replace(items[-1], range_end=more[0])
                items += more[1:]
            else:
                items += more
            self._range_pending = False
            end = k = j
            if self.punct(k, ","):
                k += 1
            if self.word(k, "and", "or", "and/or"):
                k += 1
            elif self.word(k, "to"):
                k += 1
                self._range_pending = True
            elif k == j:
                break
            if not self._item_start(unit, k):
                self._range_pending = False
                break
            j = k
        if not items:
            return None
        if self.word(j, "thereof"):
            j += 1
        return items, j

    _range_pending = False

    def _item_start(self, unit: str, i: int) -> bool:
        tok = self.tok(i)
        if tok is None:
            return False
        if unit in ("Annex", "Chapter"):
            return tok.kind == "word" and bool(_ROMAN.match(tok.value))
        if unit == "Section":
            return tok.kind == "num" or (tok.kind == "word" and len(tok.value) == 1 and tok.value.isupper())
        return tok.kind in ("num", "paren")

    def item(self, unit: str, i: int, previous: Target | None) -> tuple[Target, int] | None:
        tok = self.tok(i)
        if tok is None:
            return None
        if unit in ("Annex", "Chapter"):
            if tok.kind == "word" and _ROMAN.match(tok.value):
                return Target("top", (Step(unit, tok.value),)), i + 1
            return None
        if unit == "Section":
            if self._item_start("Section", i):
                return Target("chapter", (Step("section", tok.value),)), i + 1
            return None
        if unit == "subparagraph":
            return None
        steps: list[Step] = []
        j = i
        if tok.kind == "num":
            hint = {"Article": "Article", "Recital": "Recital", "paragraph": "paragraph"}.get(unit, "point")
            steps.append(Step(hint, tok.value))
            j += 1
            if "." in tok.value and self.punct(j, ".") and self.tok(j + 1) is not None:
                j += 1  # "Points 4.3., 4.4."
        while self.tok(j) is not None and self.t[j].kind == "paren":
            steps.append(
                Step(None if steps else ("paragraph" if unit == "paragraph" else "point"), self.t[j].value)
            )
            j += 1
        if not steps:
            return None
        if tok.kind == "paren" and previous is not None and previous.steps:
            # "Article 6(1) and (2)", "point (h), (2) to (6)": the continuation replaces the previous
            # item from its last number of the same kind (digits for paragraphs, letters for points)
            digits = steps[0].value[:1].isdigit()
            cut = None
            for n, prev in enumerate(previous.steps):
                if (
                    prev.hint not in ("Article", "Recital", "subparagraph")
                    and prev.value[:1].isdigit() == digits
                ):
                    cut = n
            if cut is not None:
                keep = previous.steps[:cut]
                return Target(previous.base, keep + tuple(replace(s, hint=None) for s in steps)), j
            if previous.steps[-1].value[:1].isdigit() != digits:
                return None  # "point (h), (2) to (6)": the "(2)" continues the enclosing list
        base = {"Article": "top", "Recital": "top", "paragraph": "article"}.get(unit, "context")
        return Target(base, tuple(steps)), j

    def modifiers(self, item: Target, i: int) -> tuple[list[Target], int]:
        """ ", first subparagraph", ", point (a)", ", Section 1", ", in particular points 2(d)"."""
        j = i
        k = j + 1 if self.punct(j, ",") else j
        if self.word(k, "in") and self.word(k + 1, "particular"):
            unit = self.unit_at(k + 2)
            if unit == "point":
                got = self.unit("point", k + 3)
                if got is not None:
                    parts, j = got
                    return [item, *[p.under(item) for p in parts]], j
        tok = self.tok(k)
        if tok is None:
            return [item], j
        if tok.low in ORDINALS and self.word(k + 1, "subparagraph", "paragraph"):
            ordinal = ORDINALS.index(tok.low) + 1
            unit = self.t[k + 1].low
            item = Target(item.base, (*item.steps, Step(unit, str(ordinal))), item.ext)
            return self.modifiers(item, k + 2)
        unit = self.unit_at(k)
        if unit == "point" and item.base != "context":
            got = self.unit("point", k + 1)
            if got is not None:
                parts, j = got
                return [p.under(item) for p in parts], j
        if unit == "Section" and item.steps and item.steps[0].hint in ("Annex", "Chapter"):
            got = self.unit("Section", k + 1)
            if got is not None:
                parts, j = got
                out = []
                for p in parts:
                    p = Target("top", item.steps + p.steps)
                    more, j = self.modifiers(p, j)
                    out += more
                return out, j
        return [item], j


def _without_repeat(outer: Target, inner: Target) -> Target:
    """ "paragraph 1, point (h), ... point (h)(iii) thereof": the repeated point is not nested twice."""
    if outer.steps and inner.steps and outer.steps[-1].value == inner.steps[0].value:
        return Target(outer.base, outer.steps[:-1], outer.ext)
    return outer


def parse_phrases(text: str, tokens: list[Token]) -> list[Phrase]:
    return _Parser(text, tokens).phrases()
