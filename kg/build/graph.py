"""Build the provisions graph of the Act from the Formex files: ``aiact build``.

Reads ``kg/formex/``, places every provision (``kg.build.placement``), extracts the cross-references
(``kg.build.xrefs``) and writes ``kg/provisions.ttl``, with its manifest ``kg/provisions.manifest.json``
beside it. The same input gives byte-identical Turtle: triples are written sorted, with no blank nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg import paths
from kg.build.formex import Node, read_act
from kg.ids import ACT, AIKG, ELI, EURLEX
from kg.index import Index
from kg.integrity import write_manifest
from kg.build.placement import Placed, place
from kg.build.xrefs import External, Reference, extract_all

PREFIXES = {
    "aikg": AIKG, "eli": ELI, "skos": SKOS, "rdfs": RDFS, "xsd": XSD, "dcterms": DCTERMS,
    "aiact": "https://w3id.org/aiact-kg/id/",
}  # fmt: skip


@dataclass
class BuildResult:
    graph: Graph
    index: Index
    references: list[Reference]
    unresolved: list[Reference]


def _act(g: Graph) -> None:
    g.add((ACT, RDF.type, ELI.LegalResource))
    g.add((ACT, RDF.type, AIKG.Act))
    g.add((ACT, SKOS.notation, Literal("Regulation (EU) 2024/1689")))
    g.add(
        (
            ACT,
            ELI.title,
            Literal(
                "Regulation (EU) 2024/1689 of the European Parliament and of the Council of 13 June 2024 "
                "laying down harmonised rules on artificial intelligence (Artificial Intelligence Act)",
                lang="en",
            ),
        )
    )
    g.add((ACT, ELI.id_local, Literal("32024R1689")))
    g.add((ACT, ELI.date_document, Literal("2024-06-13", datatype=XSD.date)))
    g.add((ACT, ELI.date_publication, Literal("2024-07-12", datatype=XSD.date)))
    g.add((ACT, AIKG.eurLex, URIRef(EURLEX)))
    g.add(
        (
            ACT,
            AIKG.textVersion,
            Literal(
                "Original text as published in OJ L, 2024/1689, 12.7.2024; "
                "amendments (Regulation (EU) 2026/1744) not included",
                lang="en",
            ),
        )
    )


def _provision(g: Graph, p: Placed) -> None:
    s = URIRef(p.provision.iri)
    parent = URIRef(p.provision.parent or str(ACT))
    g.add((s, RDF.type, AIKG[p.provision.kind]))
    g.add((s, RDF.type, ELI.LegalResourceSubdivision))
    g.add((s, ELI.is_part_of, parent))
    g.add((parent, ELI.has_part, s))
    g.add((s, ELI.number, Literal(p.provision.number)))
    g.add((s, SKOS.notation, Literal(p.provision.notation)))
    label = p.provision.notation + (f" — {p.provision.title}" if p.provision.title else "")
    g.add((s, RDFS.label, Literal(label, lang="en")))
    if p.provision.title:
        g.add((s, ELI.title, Literal(p.provision.title, lang="en")))
    text = p.node.full_text()
    if text:
        g.add((s, AIKG.text, Literal(text, lang="en")))
        if p.node.has_markup():  # the same wording with its superscripts and italics, for display
            g.add((s, AIKG.textHtml, Literal(p.node.full_html(), datatype=RDF.HTML)))
    if p.node.children:  # the node's own words around its sub-provisions, for readers that nest them
        lead, tail = _lead_and_tail(p.node)
        if lead:
            g.add((s, AIKG.leadText, Literal(lead, lang="en")))
        if tail:
            g.add((s, AIKG.tailText, Literal(tail, lang="en")))
    g.add((s, AIKG.eurLex, URIRef(p.url)))
    # recitals explain the enacting terms and the annexes; they are not binding law
    g.add((s, AIKG.binding, Literal(p.provision.kind != "Recital")))
    g.add((s, AIKG.order, Literal(p.order)))
    if p.node.label:
        g.add((s, AIKG.printedNumber, Literal(p.node.label)))


def _lead_and_tail(node: Node) -> tuple[str, str]:
    """Own text before the first sub-provision and after the last; the own text (its parts joined by newlines) is
    lead + newline + tail,
    so a reference's offset falls in the lead when it is smaller than the lead's length."""
    first = next(i for i, part in enumerate(node.parts) if not isinstance(part, str))
    lead = "\n".join(part for part in node.parts[:first] if isinstance(part, str))
    tail = "\n".join(part for part in node.parts[first:] if isinstance(part, str))
    return lead, tail


def _external(g: Graph, ext: External) -> URIRef:
    act = URIRef(ext.act_iri)
    g.add((act, RDF.type, AIKG.ExternalAct))
    g.add((act, RDF.type, ELI.LegalResource))
    g.add((act, SKOS.notation, Literal(ext.act_notation)))
    g.add((act, RDFS.label, Literal(ext.act_notation, lang="en")))
    if ext.provision_iri is None:
        return act
    prov = URIRef(ext.provision_iri)
    g.add((prov, RDF.type, AIKG.ExternalProvision))
    g.add((prov, ELI.is_part_of, act))
    g.add((prov, SKOS.notation, Literal(ext.notation)))
    g.add((prov, RDFS.label, Literal(ext.notation, lang="en")))
    return prov


def _reference(g: Graph, ref: Reference, k: int) -> None:
    node = URIRef(f"{ref.source}/ref_{k}")
    source = URIRef(ref.source)
    g.add((node, RDF.type, AIKG.CrossReference))
    g.add((node, AIKG.source, source))
    g.add((node, AIKG.span, Literal(ref.text)))
    g.add((node, AIKG.offset, Literal(ref.start)))
    for target in ref.targets:
        t = URIRef(target)
        g.add((node, AIKG.target, t))
        g.add((source, AIKG.refersTo, t))
    for ext in ref.external:
        t = _external(g, ext)
        g.add((node, AIKG.target, t))
        g.add((source, AIKG.refersTo, t))


def build(formex: Path | None = None) -> BuildResult:
    act = read_act(formex or paths.FORMEX)
    placed, index = place(act)
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    _act(g)
    for p in placed:
        _provision(g, p)
    references, unresolved = extract_all(placed, index)
    counter: dict[str, int] = {}
    for ref in references:
        counter[ref.source] = counter.get(ref.source, 0) + 1
        _reference(g, ref, counter[ref.source])
    return BuildResult(g, index, references, unresolved)


def serialise(g: Graph) -> str:
    """Deterministic Turtle: rdflib sorts subjects and predicates; there are no blank nodes."""
    return g.serialize(format="turtle")


def write(result: BuildResult, target: Path | None = None) -> Path:
    """Write the Turtle, and its manifest beside it (``kg.integrity``: what the service checks)."""
    out = target or paths.PROVISIONS
    out.write_text(serialise(result.graph), encoding="utf-8")
    write_manifest(out)
    return out
