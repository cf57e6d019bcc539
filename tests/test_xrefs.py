"""Cross-references: the forms the Act uses, the hand-checked sample, and unresolved references."""

from pathlib import Path

import pytest
import yaml
from rdflib import RDF

from kg.act import Act
from kg.build.graph import BuildResult
from kg.build.xrefs import Resolver, extract
from kg.ids import AIKG, ELI
from tests.xref_eval import score

FORMS = yaml.safe_load((Path(__file__).parent / "fixtures" / "xref_forms.yaml").read_text(encoding="utf-8"))


def test_form_cases_are_all_collected() -> None:
    assert len(FORMS) == 20


@pytest.mark.parametrize("case", FORMS, ids=[c["name"] for c in FORMS])
def test_reference_forms(act: Act, case: dict[str, object]) -> None:
    source = act.resolve(str(case["source"]))
    refs = extract(str(case["text"]), source, Resolver(act.index))
    got = {}
    for r in refs:
        assert r.problem is None, r.problem
        got[r.text] = [act.index[t].notation for t in r.targets] + [
            "ext:" + (e.notation or e.act_notation) for e in r.external
        ]
    assert got == case["expect"]


def test_precision_and_recall_on_the_hand_checked_sample(fresh: BuildResult) -> None:
    result = score(fresh.references, fresh.index)
    assert len(result.gold) == 153  # pairs (mention, target) of the 138 hand-checked mentions
    assert result.precision >= 0.98, result.spurious()
    assert result.recall >= 0.98, result.missed()


def test_an_unresolvable_reference_is_reported_not_dropped(act: Act) -> None:
    source = act.resolve("Art. 53(1)")
    refs = extract("as laid down in Article 114 and Annex XIV", source, Resolver(act.index))
    assert [r.text for r in refs] == ["Article 114", "Annex XIV"]
    assert all(r.problem and "does not exist" in r.problem and not r.targets for r in refs)


def test_amending_articles_cite_the_amended_act(act: Act) -> None:
    refs = act.references(act.resolve("Art. 108"))
    assert {
        "target": "Art. 17 of Regulation (EU) 2018/1139",
        "from": "Art. 108(1)",
        "text": "Article 17",
    } in refs
    assert not [r for r in refs if r["target"] == "Art. 17"]


def test_every_reference_is_at_its_offset_in_the_text_a_reader_shows(fresh: BuildResult) -> None:
    """Offsets count in the provision's own text: ``aikg:text`` of a provision without sub-provisions,
    lead and tail joined by a newline around them (how ``kg.reader.tree`` splits them), the
    heading for a negative offset."""
    g, misplaced, n = fresh.graph, [], 0
    for ref in g.subjects(RDF.type, AIKG.CrossReference):
        s, span, offset = (
            g.value(ref, AIKG.source),
            str(g.value(ref, AIKG.span)),
            int(g.value(ref, AIKG.offset)),
        )
        if offset < 0:
            own = str(g.value(s, ELI.title))
            offset += len(own) + 1
        elif fresh.index.children.get(str(s)):
            lead, tail = str(g.value(s, AIKG.leadText) or ""), str(g.value(s, AIKG.tailText) or "")
            own = f"{lead}\n{tail}" if lead else tail
        else:
            own = str(g.value(s, AIKG.text))
        n += 1
        if own[offset : offset + len(span)] != span:
            misplaced.append(f"{fresh.index[str(s)].notation}: {span!r} at {offset}")
    assert n == len(fresh.references) and misplaced == []
