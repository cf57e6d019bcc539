"""Counts of the graph against the official text: fixed numbers of the Act, and numbers measured
from the Formex XML here with XPath, independently of the parser."""

from collections import Counter

import pytest
from lxml import etree

from kg import paths
from kg.build.formex import ACT_FILE
from kg.build.graph import BuildResult
from kg.store.core import OxigraphStore


@pytest.fixture(scope="module")
def by_type(store: OxigraphStore) -> Counter[str]:
    rows = store.query("""PREFIX eli: <http://data.europa.eu/eli/ontology#>
        SELECT ?p ?t WHERE { ?p a eli:LegalResourceSubdivision ; a ?t .
        FILTER(STRSTARTS(STR(?t), "https://w3id.org/aiact-kg/ontology#")) }""").rows
    return Counter(row["t"].value.split("#")[1] for row in rows)


def _xml() -> tuple[etree._ElementTree, list[etree._ElementTree]]:
    act = etree.parse(str(paths.FORMEX / ACT_FILE))
    annexes = [etree.parse(str(f)) for f in sorted(paths.FORMEX.glob("L_202401689EN.01*.fmx.xml"))]
    return act, annexes


def test_fixed_numbers_of_the_act(by_type: Counter[str]) -> None:
    assert by_type["Article"] == 113
    assert by_type["Recital"] == 180
    assert by_type["Annex"] == 13
    assert by_type["Chapter"] == 13


def test_counts_measured_from_the_xml(by_type: Counter[str]) -> None:
    act, annexes = _xml()
    not_quoted = "[not(ancestor::QUOT.S)]"
    numbered = len(act.xpath(f"//PARAG{not_quoted}"))
    # articles written as several plain alineas (Art. 85, 113) have unnumbered paragraphs
    unnumbered = sum(
        len(a.findall("ALINEA")) for a in act.xpath("//ARTICLE[not(PARAG)]") if len(a.findall("ALINEA")) > 1
    )
    assert by_type["Paragraph"] == numbered + unnumbered == 500 + 5
    subparagraphs = sum(
        len(p.findall("ALINEA")) for p in act.xpath(f"//PARAG{not_quoted}") if len(p.findall("ALINEA")) > 1
    )
    assert by_type["Subparagraph"] == subparagraphs
    points = len(act.xpath(f"//ENACTING.TERMS//NP{not_quoted}")) + sum(len(a.xpath("//NP")) for a in annexes)
    assert by_type["Point"] == points
    sections = len(act.xpath("//DIVISION/DIVISION"))
    assert by_type["Section"] == sections
    annex_sections = sum(len(a.xpath("//GR.SEQ[not(TITLE/TI/NP)]")) for a in annexes)
    assert by_type["AnnexSection"] == annex_sections == 7


def test_reference_edges_are_counted_in_the_graph(fresh: BuildResult, store: OxigraphStore) -> None:
    rows = store.query("""PREFIX aikg: <https://w3id.org/aiact-kg/ontology#>
        SELECT (COUNT(*) AS ?n) WHERE { ?r a aikg:CrossReference }""").rows
    assert int(rows[0]["n"].value) == len(fresh.references)
