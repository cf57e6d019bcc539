"""The SPARQL 1.1 Service Description of ``/sparql`` (https://www.w3.org/TR/sparql11-service-description/):
what ``GET /sparql`` without a query returns, in Turtle, N-Triples, JSON-LD or RDF/XML.

It names the endpoint, the language (SPARQL 1.1 Query, no update), every result format, the features
(``sd:UnionDefaultGraph``: the default graph is the merge of the named graphs; ``sd:BasicFederatedQuery``
only where ``SERVICE`` can run: allowed, and on an external store), the default dataset with each named
graph and its triple count (``void:triples``), and the limits of a query as properties of the project's
vocabulary, each defined in the document itself: ``aikg:queryTimeout``, ``aikg:maxResultRows``,
``aikg:maxQueryLength``, ``aikg:maxQueryDepth``.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef

from api.settings import Settings
from kg.store.core import Store

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")
AIKG = Namespace("https://w3id.org/aiact-kg/ontology#")
ENTAILMENT = URIRef("http://www.w3.org/ns/entailment/Simple")
RESULT_FORMATS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML"]  # fmt: skip
TITLE = "aiact-kg: Regulation (EU) 2024/1689 (the AI Act) as a knowledge graph"
RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
# (property, range, label, comment): the limits, as the description states them
LIMITS = [
    ("queryTimeout", XSD.decimal, "query time limit",
     "Seconds a query may run, waiting for a free worker included; past it the query is stopped (503)."),
    ("maxResultRows", XSD.integer, "maximum result rows",
     "Rows (SELECT) or triples (CONSTRUCT, DESCRIBE) a result may have; a larger one is refused (400)."),
    ("maxQueryLength", XSD.integer, "maximum query length",
     "Characters a query may have; a longer one is refused (400)."),
    ("maxQueryDepth", XSD.integer, "maximum query nesting",
     "How deep the brackets of a query may nest; a deeper one is refused (400)."),
]  # fmt: skip


NAMED_SIZES = """SELECT ?g (COUNT(*) AS ?n) WHERE {
  GRAPH ?g { ?s ?p ?o }
} GROUP BY ?g"""


def graph_sizes(store: Store) -> tuple[int, dict[str, int]]:
    """Triples in the default graph, and in each named graph."""
    default = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
    named = store.query(NAMED_SIZES).rows
    sizes = {str(r["g"].value): int(r["n"].value) for r in named if "g" in r and "n" in r}
    return (int(default[0]["n"].value) if default else 0), sizes


def description(endpoint: str, settings: Settings, store: Store) -> Graph:
    g = Graph()
    for prefix, ns in (("sd", SD), ("formats", FORMATS), ("void", VOID), ("aikg", AIKG)):
        g.bind(prefix, ns)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, RDFS.label, Literal(TITLE, lang="en")))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for name in RESULT_FORMATS:
        g.add((service, SD.resultFormat, FORMATS[name]))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.allow_service and settings.sparql_endpoint:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    g.add((service, SD.defaultEntailmentRegime, ENTAILMENT))
    default_size, named_sizes = graph_sizes(store)
    dataset, default = BNode("dataset"), BNode("default")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(default_size)))
    for i, (name, size) in enumerate(sorted(named_sizes.items())):
        named, graph = BNode(f"named{i}"), BNode(f"graph{i}")
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(size)))
    values = [
        f"{float(settings.query_timeout)}",
        settings.max_rows,
        settings.max_query_length,
        settings.max_query_depth,
    ]
    for (prop, kind, label, comment), value in zip(LIMITS, values, strict=True):
        if prop == "maxResultRows" and settings.sparql_endpoint:
            continue  # an external store's answers are passed on as they come
        g.add((service, AIKG[prop], Literal(str(value), datatype=kind)))
        g.add((AIKG[prop], RDF.type, RDF.Property))
        g.add((AIKG[prop], RDFS.label, Literal(label, lang="en")))
        g.add((AIKG[prop], RDFS.comment, Literal(comment, lang="en")))
        g.add((AIKG[prop], RDFS.domain, SD.Service))
        g.add((AIKG[prop], RDFS.range, kind))
    return g


def render(graph: Graph, fmt: str) -> bytes:
    """The description in a format of :data:`api.sparql_negotiation.GRAPHS` (turtle, ntriples, ...)."""
    return graph.serialize(format=RDFLIB_FORMAT[fmt], encoding="utf-8")
