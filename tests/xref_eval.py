"""Score the extracted cross-references against the hand-checked sample ``fixtures/xref_gold.yaml``.

A gold pair is (source provision, span, target); an extracted pair matches it when the source and the
target are the same and one span contains the other (whitespace normalised: the Formex writes no-break
spaces). Matching is one-to-one. Precision counts every extracted pair whose source is in the sample's
scope; recall counts every gold pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kg.build.xrefs import Reference
from kg.index import Index
from kg.notation import parse

GOLD = Path(__file__).parent / "fixtures" / "xref_gold.yaml"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Score:
    gold: list[tuple[str, str, str]]
    extracted: list[tuple[str, str, str]]
    matched_gold: set[int] = field(default_factory=set)
    matched_extracted: set[int] = field(default_factory=set)

    @property
    def precision(self) -> float:
        return len(self.matched_extracted) / len(self.extracted)

    @property
    def recall(self) -> float:
        return len(self.matched_gold) / len(self.gold)

    def missed(self) -> list[tuple[str, str, str]]:
        return [g for i, g in enumerate(self.gold) if i not in self.matched_gold]

    def spurious(self) -> list[tuple[str, str, str]]:
        return [e for i, e in enumerate(self.extracted) if i not in self.matched_extracted]


def _gold_target(target: str, index: Index) -> str:
    if target.startswith("ext:"):
        act, _, article = target[4:].partition(", ")
        return f"{article} of {act}" if article else act
    return parse(target, index)


def load_gold(index: Index) -> tuple[set[str], list[tuple[str, str, str]]]:
    data = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    scope: set[str] = set()
    for entry in data["scope"]:
        iri = parse(entry["provision"], index)
        scope.add(iri)
        if not entry.get("own"):
            stack = [iri]
            while stack:
                cur = stack.pop()
                scope.add(cur)
                stack += index.children.get(cur, [])
    pairs = []
    for ref in data["references"]:
        source = parse(ref["source"], index)
        for target in ref["targets"]:
            pairs.append((source, _norm(ref["text"]), _gold_target(target, index)))
    return scope, pairs


def score(references: list[Reference], index: Index) -> Score:
    scope, gold = load_gold(index)
    extracted = []
    for ref in references:
        if ref.source in scope:
            extracted += [(ref.source, _norm(ref.text), t) for t in ref.targets]
            extracted += [(ref.source, _norm(ref.text), e.notation or e.act_notation) for e in ref.external]
    result = Score(gold, extracted)
    for gi, (gs, gt, gtarget) in enumerate(gold):
        for ei, (es, et, etarget) in enumerate(extracted):
            if ei in result.matched_extracted or gs != es or gtarget != etarget:
                continue
            if gt in et or et in gt:
                result.matched_gold.add(gi)
                result.matched_extracted.add(ei)
                break
    return result
