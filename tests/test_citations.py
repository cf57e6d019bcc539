"""Citation objects keep the law whole: abridged only between sentences, the deciding sentence kept, and
recitals marked for what they are (not binding) in the citation, the provision JSON and the graph."""

from __future__ import annotations

import pytest

from kg.act import Act
from kg.store.core import OxigraphStore
from reasoner import _engine
from reasoner.citations import OMITTED, abridge, sentences


@pytest.mark.parametrize(
    ("notation", "kept"),
    [
        ("Art. 53(2)", "This exception shall not apply to general-purpose AI models with systemic risks."),
        ("Art. 54(6)", "unless the general-purpose AI models present systemic risks."),
        ("Art. 3(63)", "except AI models that are used for research, development or prototyping"),
        ("Art. 51(1)", "(a) it has high impact capabilities"),
        ("Art. 52(1)", "within two weeks after that requirement is met or it becomes known that it will be"),
        ("Recital 109", "providers of general-purpose AI models should be limited to that modification"),
    ],
)
def test_a_citation_keeps_the_sentence_a_conclusion_rests_on(notation: str, kept: str) -> None:
    engine = _engine()
    cited = engine.citations.cite(engine.act.resolve(notation))
    assert kept in cited["text"]


def test_abridging_cuts_only_between_whole_sentences() -> None:
    engine = _engine()
    provisions = {c for children in engine.act.index.children.values() for c in children}
    abridged = 0
    for iri in provisions:
        text = engine.act.citation(iri)["text"] or ""
        short = abridge(text)
        if short == text:
            continue
        abridged += 1
        whole = sentences(text)
        for piece in short.split(f" {OMITTED} "):
            assert any(piece in s or s in piece for s in whole), (iri, piece[:80])
        assert short.startswith(whole[0]) and short.endswith(whole[-1]), iri
    assert len(provisions) == 1622 and abridged > 100


def test_recitals_are_not_binding_everywhere(act: Act, store: OxigraphStore) -> None:
    assert act.provision("Recital 109")["binding"] is False
    assert act.provision("Art. 53(2)")["binding"] is True
    engine = _engine()
    assert engine.citations.cite(engine.act.resolve("Recital 97"))["binding"] is False
    rows = store.query("""PREFIX aikg: <https://w3id.org/aiact-kg/ontology#>
        SELECT ?binding (COUNT(?p) AS ?n) WHERE { ?p a aikg:Recital ; aikg:binding ?binding }
        GROUP BY ?binding""").rows
    assert [(r["binding"].value, int(r["n"].value)) for r in rows] == [("false", 180)]
    ask = store.query("""PREFIX aikg: <https://w3id.org/aiact-kg/ontology#>
        ASK { ?p a aikg:Article ; aikg:binding false }""")
    assert ask.boolean is False
