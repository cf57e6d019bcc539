"""An in-memory index of the Act's provisions: notation, IRI, hierarchy, and the descent that
resolves a path of numbers ("Article 53", "1", "a") to a provision.

Both the citation parser (``kg.notation``) and the cross-reference resolver
(``kg.build.xrefs``) resolve through :meth:`Index.resolve`, so a citation a user types and a reference
the Act makes follow the same rules (``docs/notation.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

TOP_KINDS = ("Article", "Annex", "Recital", "Chapter")
# Which provision types a hinted step may land on.
HINTS = {
    None: ("Paragraph", "Point"),
    "paragraph": ("Paragraph",),
    "subparagraph": ("Subparagraph",),
    "point": ("Point",),
    "section": ("Section", "AnnexSection"),
}


_PLURAL = {
    "Paragraph": "paragraphs",
    "Point": "points",
    "Subparagraph": "subparagraphs",
    "Section": "sections",
    "AnnexSection": "sections",
    "Article": "articles",
}


class UnknownProvision(LookupError):
    """A citation names a provision that the Act does not have."""


class AmbiguousProvision(LookupError):
    """A citation fits more than one provision."""


@dataclass(frozen=True)
class Step:
    hint: str | None  # None, "paragraph", "subparagraph", "point", "section" or a TOP_KIND
    value: str

    def suffix(self) -> str:
        """How the step reads appended to its parent's notation."""
        if self.hint == "section":
            return f", Section {self.value}"
        if self.hint == "subparagraph":
            return f", subparagraph {self.value}"
        return f"({self.value})"

    def describe(self) -> str:
        if self.hint in TOP_KINDS:
            return f"{self.hint} {self.value}"
        if self.hint == "subparagraph":
            return f"subparagraph {self.value}"
        return f"{self.hint or 'point'} ({self.value})" if self.hint != "section" else f"Section {self.value}"


@dataclass(frozen=True)
class Provision:
    iri: str
    kind: str
    number: str
    notation: str
    parent: str | None
    title: str | None = None


@dataclass
class Index:
    act: str
    provisions: dict[str, Provision] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    by_notation: dict[str, str] = field(default_factory=dict)
    top: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, p: Provision) -> None:
        if p.notation in self.by_notation:
            raise ValueError(f"two provisions share the notation {p.notation!r}")
        self.provisions[p.iri] = p
        self.by_notation[p.notation] = p.iri
        self.children.setdefault(p.iri, [])
        if p.parent is not None:
            self.children.setdefault(p.parent, []).append(p.iri)
        if p.kind in TOP_KINDS:
            self.top[(p.kind, p.number)] = p.iri

    def __getitem__(self, iri: str) -> Provision:
        return self.provisions[iri]

    def __contains__(self, iri: object) -> bool:
        return iri in self.provisions

    def ancestors(self, iri: str) -> list[str]:
        """From the node itself up to (not including) the act."""
        out = []
        cur: str | None = iri
        while cur is not None and cur in self.provisions:
            out.append(cur)
            cur = self.provisions[cur].parent
        return out

    def nearest(self, iri: str, kinds: tuple[str, ...]) -> str | None:
        for a in self.ancestors(iri):
            if self.provisions[a].kind in kinds:
                return a
        return None

    # -- descent ---------------------------------------------------------------------------------
    def _matches(self, iri: str, step: Step) -> bool:
        p = self.provisions[iri]
        return p.number.lower() == step.value.lower() and p.kind in HINTS.get(step.hint, ())

    def candidates(self, parent: str, step: Step) -> list[str]:
        """Children of ``parent`` that ``step`` names, looking through subparagraphs (the Act's own
        notation leaves them out) and, when nothing matches directly, through annex sections."""
        kids = self.children.get(parent, [])
        found = [k for k in kids if self._matches(k, step)]
        if step.hint != "subparagraph":
            for k in kids:
                if self.provisions[k].kind == "Subparagraph":
                    found += [g for g in self.children.get(k, []) if self._matches(g, step)]
        if not found and "." in step.value:  # "point 4.6" of Annex VII hangs from point 4
            head = step.value.split(".")[0]
            for k in kids:
                if self.provisions[k].number == head:
                    found += [g for g in self.children.get(k, []) if self._matches(g, step)]
        if not found and step.hint in (None, "point"):
            for k in kids:
                if self.provisions[k].kind == "AnnexSection":
                    found += [g for g in self.children.get(k, []) if self._matches(g, step)]
        return found

    def descend(self, start: str, steps: list[Step]) -> list[str]:
        """All provisions reached from ``start`` by following ``steps``."""
        current = [start]
        for step in steps:
            nxt: list[str] = []
            for c in current:
                nxt += [n for n in self.candidates(c, step) if n not in nxt]
            if not nxt:
                return []
            current = nxt
        return current

    def resolve(self, steps: list[Step], start: str | None = None) -> str:
        """The one provision that ``steps`` name, from ``start`` or from a top-level step.

        Raises :class:`UnknownProvision` naming the first step that does not exist."""
        if start is None:
            if not steps or steps[0].hint not in TOP_KINDS:
                raise UnknownProvision("a citation starts with an Article, Annex, Recital or Chapter")
            head = steps[0]
            key = (str(head.hint), head.value)
            if key not in self.top:
                raise UnknownProvision(f"{head.describe()} does not exist in {self.describe_range(key[0])}")
            start, steps = self.top[key], steps[1:]
        for i in range(len(steps)):
            if not self.descend(start, steps[: i + 1]):
                prefix = self.descend(start, steps[:i])
                base = prefix[0] if len(prefix) == 1 else start
                name = self.provisions[base].notation if base in self.provisions else "the Act"
                raise UnknownProvision(
                    f"{name}{steps[i].suffix()} does not exist: {name}{self.describe_children(base)}"
                )
        found = self.descend(start, steps)
        if len(found) > 1:
            names = ", ".join(self.provisions[f].notation for f in found)
            raise AmbiguousProvision(f"the citation fits several provisions: {names}")
        return found[0]

    def describe_children(self, iri: str) -> str:
        kids = self._numbered_children(iri)
        if not kids:
            return " has no subdivisions"
        kinds = sorted({self.provisions[k].kind for k in kids})
        noun = " and ".join(_PLURAL.get(k, k.lower() + "s") for k in kinds)
        numbers = [self.provisions[k].number for k in kids]
        listed = ", ".join(numbers) if len(numbers) < 12 else f"{numbers[0]} to {numbers[-1]}"
        return f" has {noun} {listed}"

    def _numbered_children(self, iri: str) -> list[str]:
        out = []
        for k in self.children.get(iri, []):
            if self.provisions[k].kind in ("Subparagraph",):
                out += self.children.get(k, [])
            else:
                out.append(k)
        return out

    def describe_range(self, kind: str) -> str:
        numbers = [num for (k, num) in self.top if k == kind]
        if not numbers:
            return "the Act"
        plural = {"Article": "Articles", "Annex": "Annexes", "Recital": "Recitals", "Chapter": "Chapters"}
        return f"Regulation (EU) 2024/1689, which has {plural[kind]} {numbers[0]} to {numbers[-1]}"
