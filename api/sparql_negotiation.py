"""Content negotiation for ``/sparql``: the format of an answer, chosen once the query's form is known.

SELECT and ASK answer in SPARQL results (JSON, XML, CSV, TSV); CONSTRUCT, DESCRIBE and the service
description in RDF (Turtle, N-Triples, JSON-LD, RDF/XML). ``Accept`` is read as RFC 9110 says: each of our
media types takes the quality of the most specific range that matches it (``text/csv`` before ``text/*``
before ``*/*``), the highest quality wins, a tie goes to the order below; so ``text/*`` is CSV for results and
Turtle for graphs. An ``Accept`` that fits no format of the form is a 406 — a CONSTRUCT asked for
``application/sparql-results+json``, a SELECT asked for ``text/turtle``. The ``format`` parameter (sent by
browsers' links and by SPARQLWrapper beside its ``Accept``) overrides the header.
"""

from __future__ import annotations

from api.problems import Problem
from kg.store.answers import GRAPH_TYPES, SELECT_TYPES

# (format, media type) in order of preference; the other media types that mean the same format follow
RESULTS = [
    *SELECT_TYPES.items(),
    ("json", "application/json"),
    ("xml", "application/xml"),
    ("xml", "text/xml"),
]
GRAPHS = [
    *GRAPH_TYPES.items(),
    ("turtle", "application/x-turtle"),
    ("turtle", "application/turtle"),
    ("turtle", "text/n3"),
    ("turtle", "text/rdf+n3"),
    ("ntriples", "text/plain"),
    ("jsonld", "application/json"),
    ("rdfxml", "application/xml"),
    ("rdfxml", "text/xml"),
]
GRAPH_FORMS = ("construct", "describe", "description")

# format=...: (results format, graph format)
FORMAT_PARAM = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
    "csv": ("csv", "turtle"),
    "tsv": ("tsv", "turtle"),
    "turtle": ("json", "turtle"),
    "ttl": ("json", "turtle"),
    "n3": ("json", "turtle"),
    "ntriples": ("json", "ntriples"),
    "nt": ("json", "ntriples"),
    "jsonld": ("json", "jsonld"),
    "json-ld": ("json", "jsonld"),
    "rdfxml": ("xml", "rdfxml"),
    "rdf+xml": ("xml", "rdfxml"),
    **{media: (name, "turtle") for name, media in SELECT_TYPES.items()},
    **{media: ("json", name) for name, media in GRAPH_TYPES.items()},
}
FORMAT_NAMES = sorted(k for k in FORMAT_PARAM if "/" not in k)


def media_ranges(accept: str) -> list[tuple[str, float]]:
    """The ranges of an Accept header with their qualities; no header is ``*/*``."""
    ranges = []
    for part in accept.split(",") if accept.strip() else ["*/*"]:
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for p in params:
            name, _, value = p.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    return ranges


def quality(ranges: list[tuple[str, float]], media: str) -> float:
    """The quality of ``media`` under the most specific matching range (0 when none matches)."""
    patterns = {media: 2, media.split("/")[0] + "/*": 1, "*/*": 0}
    best = (-1, 0.0)
    for pattern, q in ranges:
        specificity = patterns.get(pattern, -1)
        if specificity > best[0]:
            best = (specificity, q)
    return best[1]


def choose(form: str, accept: str, fmt: list[str] | None = None) -> str:
    """The format name for a query ``form`` (select, ask, construct, describe; or description for the
    service description); raises a 406 :class:`Problem` when nothing the client accepts fits."""
    graph = form in GRAPH_FORMS
    if fmt:
        known = [FORMAT_PARAM[f.lower()] for f in fmt if f.lower() in FORMAT_PARAM]
        if not known:
            raise Problem(406, f"unknown format {fmt[0]!r}: use one of {', '.join(FORMAT_NAMES)}")
        return known[0][1 if graph else 0]
    offers = GRAPHS if graph else RESULTS
    ranges = media_ranges(accept)
    scored = [(quality(ranges, media), -i, name) for i, (name, media) in enumerate(offers)]
    q, _, name = max(scored)
    if q > 0:
        return name
    what = "the service description" if form == "description" else f"a {form.upper()} query"
    kinds = GRAPH_TYPES if graph else SELECT_TYPES
    raise Problem(406, f"cannot answer {what} in {accept!r}: it can be sent as {', '.join(kinds.values())}")


def media_type(name: str) -> str:
    return {**SELECT_TYPES, **GRAPH_TYPES}[name]


def negotiate(accept: str, offers: tuple[str, ...], what: str) -> str:
    """The media type of ``offers`` (in order of preference on a tie) that ``accept`` rates highest;
    a 406 :class:`Problem` naming ``what`` and the offers when it rates none above 0."""
    ranges = media_ranges(accept)
    q, _, media = max((quality(ranges, m), -i, m) for i, m in enumerate(offers))
    if q <= 0:
        raise Problem(406, f"cannot send {what} as {accept!r}: it can be sent as {', '.join(offers)}")
    return media
