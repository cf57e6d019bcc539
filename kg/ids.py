"""Namespaces, IRIs and EUR-Lex links of the provisions graph (see ``docs/notation.md``)."""

from __future__ import annotations

from rdflib import Namespace, URIRef

ACT = URIRef("http://data.europa.eu/eli/reg/2024/1689/oj")
ID = Namespace("https://w3id.org/aiact-kg/id/")
AIKG = Namespace("https://w3id.org/aiact-kg/ontology#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
EURLEX = "https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=OJ:L_202401689"

ORDINALS = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
    "eighteenth", "nineteenth", "twentieth",
]  # fmt: skip

# Local-name prefix of each provision type in its IRI.
SEGMENT = {
    "Recital": "rct", "Chapter": "cpt", "Section": "sct", "Article": "art", "Paragraph": "par",
    "Subparagraph": "subpar", "Point": "pt", "Annex": "anx", "AnnexSection": "sct",
}  # fmt: skip


def ordinal(n: int) -> str:
    return ORDINALS[n - 1]


def eurlex_url(anchor: str | None) -> str:
    return f"{EURLEX}#{anchor}" if anchor else EURLEX
