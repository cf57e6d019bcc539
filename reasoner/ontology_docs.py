"""Human-readable HTML documentation of the ontology, generated at build time (``aiact docs``) and
served by the API at ``/ontology``: every class, property, obligation, threshold, date and licence,
with labels, definitions and the provisions they cite."""

from __future__ import annotations

import html
from collections import defaultdict

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg import paths
from kg.ids import AIKG

SECTIONS = [
    ("Classes", OWL.Class),
    ("Object properties", OWL.ObjectProperty),
    ("Data properties", OWL.DatatypeProperty),
    ("Annotation properties", OWL.AnnotationProperty),
    ("Obligations", AIKG.Obligation),
    ("Thresholds", AIKG.Threshold),
    ("Key dates", AIKG.KeyDate),
    ("Guidance", AIKG.GuidanceSection),
    ("Licences", AIKG.Licence),
    ("Modalities", AIKG.Modality),
]


def _anchor(name: str) -> str:
    return html.escape(name.lower().replace(" ", "-"))


def _label(g: Graph, term: URIRef, lang: str = "en") -> str:
    for lit in g.objects(term, RDFS.label):
        if isinstance(lit, Literal) and lit.language == lang:
            return str(lit)
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _local(term: URIRef) -> str:
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def render() -> str:
    g = Graph()
    for f in sorted(paths.ONTOLOGY.glob("*.ttl")):
        g.parse(f)
    out = [
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>aiact-kg ontology</title>",
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;color:#111}"
        "h2{border-bottom:1px solid #999}dt{font-weight:600;margin-top:.8rem}code{background:#eee}"
        "a{color:#0645ad}</style></head><body>",
        "<h1>aiact-kg ontology</h1>",
        "<p>Vocabulary, law and guidance of the aiact-kg knowledge graph of Regulation (EU) 2024/1689. "
        "Namespace <code>https://w3id.org/aiact-kg/ontology#</code>. "
        "Generated from <code>ontology/*.ttl</code>."
        "</p><nav><ul>",
    ]
    out += [
        f'<li><a href="#{html.escape(name.lower().replace(" ", "-"))}">{html.escape(name)}</a></li>'
        for name, _ in SECTIONS
    ]
    out.append("</ul></nav>")
    for name, kind in SECTIONS:
        terms = sorted((t for t in g.subjects(RDF.type, kind) if isinstance(t, URIRef)), key=str)
        out.append(f'<h2 id="{_anchor(name)}">{html.escape(name)} ({len(terms)})</h2><dl>')
        for t in terms:
            labels = defaultdict(list)
            for lit in g.objects(t, RDFS.label):
                if isinstance(lit, Literal) and lit.language and lit.language != "en":
                    labels[lit.language].append(str(lit))
            others = "; ".join(f"{lang}: {', '.join(v)}" for lang, v in sorted(labels.items()))
            out.append(
                f'<dt id="{html.escape(_local(t))}">{html.escape(_label(g, t))} '
                f"<code>{html.escape(_local(t))}</code></dt>"
            )
            definition = g.value(t, SKOS.definition) or g.value(t, AIKG.reason) or g.value(t, RDFS.comment)
            if definition:
                out.append(f"<dd>{html.escape(str(definition))}</dd>")
            if others:
                out.append(f"<dd><small>{html.escape(others)}</small></dd>")
            cited = sorted(str(o) for p in (AIKG.legalBasis, AIKG.definedBy) for o in g.objects(t, p))
            if cited:
                links = ", ".join(
                    f'<a href="/provisions/{html.escape(c.rsplit("/id/", 1)[-1])}">'
                    f"{html.escape(c.rsplit('/id/', 1)[-1])}</a>"
                    for c in cited
                )
                out.append(f"<dd>Cites: {links}</dd>")
        out.append("</dl>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
