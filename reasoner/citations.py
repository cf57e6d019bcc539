"""Citation objects (docs/contract.md §1) for provisions of the Act and for guidance sections.

A provision is cited with its notation, IRI, heading, EUR-Lex link, its wording (abridged) and
``"binding": true``; a section of the Guidelines or of the Code of Practice with ``"binding": false``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from kg.act import PREFIXES, Act
from kg.store.core import term_text

ABRIDGE = 400


# A sentence ends at a full stop before a capital, an opening bracket or quotation mark; each part of a
# provision's text (a paragraph, a point) is on a line of its own.
_SENTENCE = re.compile(r"(?<=\.)\s+(?=[A-Z(\u201c\u2018])|\n")
OMITTED = "[…]"
_NUMBER = re.compile(r"\d+\.|\([a-z0-9]+\)|[A-Z0-9]+\.")  # a paragraph or point number standing alone


def sentences(text: str) -> list[str]:
    """The sentences of a provision's text. A lead ending in a colon and the points it introduces (each
    ending in a semicolon or a comma, "; or", "; and") are one sentence: Art. 51(1) is never cut after
    its point (a)."""
    out: list[str] = []
    for part in (s.strip() for s in _SENTENCE.split(text)):
        if not part:
            continue
        continues = out and out[-1].endswith((":", ";", ",", "; or", "; and", ", or", ", and"))
        if continues or (out and _NUMBER.fullmatch(out[-1])):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


def abridge(text: str, limit: int = ABRIDGE) -> str:
    """The provision's wording, shortened only between whole sentences, never inside one. The first
    sentence and the last are always kept: a provision states its rule first and its exceptions and
    provisos last (the last sentence of Art. 53(2) and 54(6) excludes systemic-risk models), so a
    conclusion never rests on a cut sentence. Omitted sentences are marked "[…]"."""
    if len(text) <= limit:
        return text
    parts = sentences(text)
    if len(parts) <= 2:
        return text
    kept = [0]
    size = len(parts[0]) + len(parts[-1])
    for i in range(1, len(parts) - 1):
        if size + len(parts[i]) > limit:
            break
        kept.append(i)
        size += len(parts[i])
    kept.append(len(parts) - 1)
    out: list[str] = []
    for n, i in enumerate(kept):
        if n and i != kept[n - 1] + 1:
            out.append(OMITTED)
        out.append(parts[i])
    return " ".join(out)


class Citations:
    def __init__(self, act: Act) -> None:
        self.act = act
        self.cite = cache(self._cite)

    def _cite(self, iri: str) -> dict[str, Any]:
        if iri in self.act.index:
            out = self.act.citation(iri)
            out["text"] = abridge(out["text"] or "")
            return out
        rows = self.act.store.query(
            PREFIXES
            + f"""
            SELECT ?notation ?label ?binding ?url WHERE {{
              <{iri}> skos:notation ?notation ; <https://w3id.org/aiact-kg/ontology#binding> ?binding .
              OPTIONAL {{ <{iri}> rdfs:label ?label }}
              OPTIONAL {{ <{iri}> (rdfs:seeAlso?)/<https://w3id.org/aiact-kg/ontology#sourceUrl> ?url }}
            }}"""
        ).rows
        if not rows:
            raise KeyError(f"{iri} is neither a provision of the Act nor a guidance section of the graph")
        row = rows[0]
        return {
            "notation": term_text(row["notation"]),
            "iri": iri,
            "title": term_text(row.get("label")) or None,
            "url": term_text(row.get("url")) or None,
            "text": None,
            "binding": term_text(row["binding"]) == "true",
        }

    def many(self, iris: list[str]) -> list[dict[str, Any]]:
        seen: list[str] = []
        for i in iris:
            if i not in seen:
                seen.append(i)
        return [self.cite(i) for i in seen]
