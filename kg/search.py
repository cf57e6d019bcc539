"""Full-text search over the provisions: notations first, then words, ranked by tf-idf with a boost
for headings. Built once from the store; a query that is a citation jumps to the cited provision."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from kg.act import PREFIXES, Act
from kg.index import AmbiguousProvision, UnknownProvision
from kg.store.core import term_text

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class Hit:
    iri: str
    notation: str
    title: str | None
    score: float
    snippet: str


class Search:
    def __init__(self, act: Act) -> None:
        self.act = act
        rows = act.store.query(
            PREFIXES
            + """SELECT ?p ?text WHERE {
            ?p a <http://data.europa.eu/eli/ontology#LegalResourceSubdivision> ; aikg:text ?text }"""
        ).rows
        self.text = {term_text(r["p"]): term_text(r["text"]) for r in rows}
        self.postings: dict[str, dict[str, int]] = defaultdict(dict)
        self.length: dict[str, int] = {}
        for iri, text in self.text.items():
            own = words(text)
            self.length[iri] = len(own) or 1
            for word, n in Counter(own).items():
                self.postings[word][iri] = n
        self.titles = {iri: (p.title or "").lower() for iri, p in act.index.provisions.items()}

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        hits: dict[str, float] = {}
        try:
            exact = self.act.resolve(query)
            hits[exact] = math.inf
        except (UnknownProvision, AmbiguousProvision):
            pass
        terms = [w for w in words(query) if w in self.postings]
        total = len(self.text)
        for term in terms:
            idf = math.log(1 + total / len(self.postings[term]))
            for iri, n in self.postings[term].items():
                boost = 2.0 if term in self.titles.get(iri, "") else 1.0
                # shorter provisions rank first: the finest provision that says it
                hits[iri] = hits.get(iri, 0.0) + boost * idf * n / math.sqrt(self.length[iri])
        if len(terms) > 1:
            phrase = " ".join(terms)
            for iri in list(hits):
                if phrase in " ".join(words(self.text.get(iri, ""))):
                    hits[iri] *= 2
        ranked = sorted(hits.items(), key=lambda kv: (-kv[1], self.act.index[kv[0]].notation))[:limit]
        return [Hit(iri, self.act.index[iri].notation, self.act.index[iri].title,
                    score if math.isfinite(score) else 1e9, self._snippet(iri, terms))
                for iri, score in ranked]  # fmt: skip

    def _snippet(self, iri: str, terms: list[str], width: int = 200) -> str:
        text = self.text.get(iri, "")
        low = text.lower()
        positions = [low.find(t) for t in terms if low.find(t) >= 0]
        start = max(min(positions) - width // 4, 0) if positions else 0
        piece = text[start : start + width].replace("\n", " ")
        return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")
