"""Citation objects (CONTRACT §1) for provisions of the Act and for guidance sections.

A provision is cited with its notation, IRI, heading, EUR-Lex link, its wording (abridged) and
``"binding": true``; a section of the Guidelines or of the Code of Practice with ``"binding": false``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from reasoner.act import PREFIXES, Act
from reasoner.store import term_text

ABRIDGE = 400


class Citations:
    def __init__(self, act: Act) -> None:
        self.act = act
        self.cite = cache(self._cite)

    def _cite(self, iri: str) -> dict[str, Any]:
        if iri in self.act.index:
            out = self.act.citation(iri)
            text = out["text"] or ""
            out["text"] = text if len(text) <= ABRIDGE else text[: ABRIDGE - 1].rstrip() + "…"
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
