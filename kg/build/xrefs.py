"""Extract the cross-references of the Act from its text and resolve them to provisions.

Reads each provision's own wording (and its heading) and finds the phrases that cite a provision:
"Article 53(1), points (a) and (b)", "paragraph 2 of this Article", "point (a)", "Articles 91 to 94",
"Annex XI, in particular points 2 (d) and (e) thereof", "Section 4 of Chapter III", "the first
subparagraph", "Article 113(3), point (a)", and other Union acts ("Article 4(3) of Directive (EU)
2019/790", "Regulation (EU) 2019/1020"). Relative phrases resolve against the provision that makes
them. A phrase that does not resolve is returned as unresolved, never dropped.

Left out on purpose: the quoted amending text of Articles 102-110 (its references belong to the acts it
amends) and the Treaties and the Charter (``Article 114 TFEU``), which are not Union secondary acts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.build.grammar import ExtAct, Phrase, Target, Token, lex, parse_phrases
from kg.ids import ID
from kg.index import Index, UnknownProvision
from kg.build.placement import Placed


@dataclass(frozen=True)
class External:
    """Another act, or a provision of it."""

    act_iri: str
    act_notation: str
    provision_iri: str | None = None
    notation: str = ""


@dataclass
class Reference:
    source: str
    text: str
    start: int
    targets: list[str] = field(default_factory=list)
    external: list[External] = field(default_factory=list)
    problem: str | None = None


_CONTEXT_KINDS = {
    "Article": ("Article",),
    # "this paragraph" in an article without paragraphs is the article; "this subparagraph" in a
    # paragraph of one alinea is the paragraph
    "paragraph": ("Paragraph", "Article"),
    "subparagraph": ("Subparagraph", "Paragraph", "Article"),
    "Annex": ("Annex",),
    "Chapter": ("Chapter",),
    "Section": ("Section", "AnnexSection"),
    "point": ("Point",),
}


def _external(target: Target) -> External:
    assert target.ext is not None
    act = target.ext
    if not target.steps:
        return External(act.iri, act.notation)
    local = "/".join(f"{s.hint or 'pt'}_{s.value}" for s in target.steps)
    slug = act.iri.removeprefix("http://data.europa.eu/eli/").removesuffix("/oj").replace("/", "_")
    head, *rest = target.steps
    if head.hint == "Article":
        path = f"Art. {head.value}" + "".join(f"({s.value})" for s in rest)
    elif head.hint == "Annex":  # "point (8) of the Annex to Directive (EU) 2022/2557"
        points = "".join(f"({s.value})" for s in rest)
        path = f"Annex {head.value}{points}" if head.value else f"Annex, point {points}"
    else:
        path = "point " + "".join(f"({s.value})" for s in target.steps)
    return External(act.iri, act.notation, str(ID[f"ext/{slug}/{local}"]), f"{path} of {act.notation}")


class Resolver:
    """Resolves parsed targets against the index, relative to the provision that makes them."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def start(self, base: str, source: str) -> list[str]:
        """Candidate provisions from which a target's steps descend."""
        idx = self.index
        if base == "top":
            return [idx.act]
        if base.startswith("this:"):
            found = idx.nearest(source, _CONTEXT_KINDS[base[5:]])
            return [found] if found else []
        if base == "article":
            found = idx.nearest(source, ("Article",))
            return [found] if found else []
        if base.startswith("previous:"):  # "the preceding subparagraph"
            here = idx.nearest(source, _CONTEXT_KINDS[base[9:]])
            if here is None:
                return []
            siblings = idx.children[idx[here].parent or idx.act]
            pos = siblings.index(here)
            return [siblings[pos - 1]] if pos > 0 else []
        if base == "chapter":  # a bare "Section 2": of the chapter, or of the annex
            found = idx.nearest(source, ("Chapter", "Annex"))
            return [found] if found else []
        # "point (a)", "the first subparagraph": the nearest enclosing provision that has it
        return idx.ancestors(source)

    def resolve(self, target: Target, source: str, context: list[Target] | None = None) -> list[str]:
        error: UnknownProvision | None = None
        try:
            nodes = self._resolve(target, source)
        except UnknownProvision as err:
            if not context:
                raise
            nodes, error = [], err
        if context and (len(nodes) != 1 or (target.range_end is not None and not nodes)):
            # "Section A, points 1 to 10, of Annex VIII, with the exception of points 6, 8 and 9":
            # a phrase that does not resolve on its own is read beside the previous one
            near = self._beside(target, source, context)
            if near:
                nodes = near
        if not nodes:
            raise error or UnknownProvision(
                f"no provision fits {target.describe()} from {self.index[source].notation}"
            )
        if len(nodes) > 1 and target.range_end is None:
            names = ", ".join(self.index[n].notation for n in nodes)
            raise UnknownProvision(f"{target.describe()} fits several provisions: {names}")
        return nodes

    def _beside(self, target: Target, source: str, context: list[Target]) -> list[str]:
        idx = self.index
        for c in context:
            try:
                anchor = self._resolve(c, source)[0]
            except (UnknownProvision, IndexError):
                continue
            parent = idx[anchor].parent
            if parent is None:
                continue
            if target.base == "top":
                found = [n for n in self._candidates(target, source) if parent in idx.ancestors(n)]
            else:
                found = idx.descend(parent, list(target.steps))
            if len(found) == 1:
                return self._close_range(found, target, source, context)
        return []

    def _candidates(self, target: Target, source: str) -> list[str]:
        idx = self.index
        first = idx.top.get((str(target.steps[0].hint), target.steps[0].value))
        return idx.descend(first, list(target.steps[1:])) if first else []

    def _close_range(self, nodes: list[str], target: Target, source: str, context: list[Target]) -> list[str]:
        if target.range_end is None:
            return nodes
        end = self.resolve(target.range_end, source, context)[0]
        return self._range(nodes[0], end)

    def _resolve(self, target: Target, source: str) -> list[str]:
        idx = self.index
        if target.base == "top":
            first = idx.resolve(list(target.steps[:1]))
            nodes = idx.descend(first, list(target.steps[1:])) if len(target.steps) > 1 else [first]
            if not nodes and not self._paragraph_of_point(target, source):
                idx.resolve(list(target.steps))  # raises, naming what does not exist
        else:
            nodes = []
            for start in self.start(target.base, source):
                nodes = idx.descend(start, list(target.steps)) if target.steps else [start]
                if nodes:
                    break
        if not nodes:
            nodes = self._paragraph_of_point(target, source)
        if not nodes:
            raise UnknownProvision(f"no provision fits {target.describe()} from {idx[source].notation}")
        if len(nodes) > 1:
            return nodes
        if target.range_end is None:
            return nodes
        end = self._resolve(target.range_end, source)
        if len(end) != 1:
            raise UnknownProvision(f"the end of the range {target.range_end.describe()} is unclear")
        return self._range(nodes[0], end[0])

    def _paragraph_of_point(self, target: Target, source: str) -> list[str]:
        """ "the fifth paragraph of point 4.6 of Annex VII": points have no paragraph nodes, so the
        finest provision the graph has is the point."""
        if not target.steps or target.steps[-1].hint not in ("paragraph", "subparagraph"):
            return []
        shorter = Target(target.base, target.steps[:-1], target.ext)
        try:
            nodes = self._resolve(shorter, source) if shorter.steps else []
        except UnknownProvision:
            return []
        return [n for n in nodes if self.index[n].kind == "Point"]

    def _range(self, first: str, last: str) -> list[str]:
        idx = self.index
        a, b = idx[first], idx[last]
        if a.kind != b.kind:
            raise UnknownProvision(f"range from {a.notation} to {b.notation} mixes kinds")
        if a.parent == b.parent or a.kind in ("Article", "Annex", "Recital"):
            if a.kind in ("Article", "Recital"):
                lo, hi = int(a.number), int(b.number)
                return [idx.top[(a.kind, str(n))] for n in range(lo, hi + 1)]
            siblings = [s for s in idx.children[a.parent or idx.act] if idx[s].kind == a.kind]
            if a.kind == "Annex":
                siblings = [iri for (k, _), iri in idx.top.items() if k == "Annex"]
            i, j = siblings.index(first), siblings.index(last)
            if i > j:
                raise UnknownProvision(f"range from {a.notation} to {b.notation} runs backwards")
            return siblings[i : j + 1]
        raise UnknownProvision(f"range from {a.notation} to {b.notation} crosses provisions")


def _phrase_reference(
    phrase: Phrase, source: str, offset: int, resolver: Resolver, amended: ExtAct | None
) -> Reference:
    ref = Reference(source=source, text=phrase.text, start=offset + phrase.start)
    problems = []
    for target in phrase.targets:
        if amended is not None and target.ext is None and target.steps and target.steps[0].hint == "Article":
            # in an amending article (Art. 102-110) "in Article 17" is an article of the amended act
            target = Target(target.base, target.steps, amended)
        if target.ext is not None:
            ref.external.append(_external(target))
            continue
        try:
            for iri in resolver.resolve(target, source, phrase.context):
                if iri not in ref.targets:
                    ref.targets.append(iri)
        except LookupError as err:
            problems.append(str(err))
    if problems:
        ref.problem = "; ".join(problems)
    return ref


def extract(
    text: str, source: str, resolver: Resolver, offset: int = 0, amended: ExtAct | None = None
) -> list[Reference]:
    """The references made by one piece of a provision's own text."""
    tokens: list[Token] = lex(text)
    return [_phrase_reference(p, source, offset, resolver, amended) for p in parse_phrases(text, tokens)]


def _amended_act(p: Placed, index: Index) -> ExtAct | None:
    """The act an amending article (titled "Amendment to Regulation ...") amends."""
    article = index.nearest(p.provision.iri, ("Article",))
    title = index[article].title if article else None
    if not title or not title.startswith("Amendment"):
        return None
    acts = [t.act for t in lex(title) if t.act is not None]
    return acts[0] if acts else None


def extract_all(placed: list[Placed], index: Index) -> tuple[list[Reference], list[Reference]]:
    """(resolved references, unresolved ones) of the whole Act, in document order."""
    resolver = Resolver(index)
    found: list[Reference] = []
    for p in placed:
        source = p.provision.iri
        if p.node.title and p.node.kind == "Annex":  # annex headings cite the articles they serve
            found += extract(p.node.title, source, resolver, offset=-len(p.node.title) - 1)
        amended = _amended_act(p, index)
        for offset, text, quoted in p.node.own_parts():
            if not quoted:
                found += extract(text, source, resolver, offset, amended)
    resolved = [r for r in found if r.problem is None and (r.targets or r.external)]
    unresolved = [r for r in found if r.problem is not None]
    return resolved, unresolved
