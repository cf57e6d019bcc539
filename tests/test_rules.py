"""The rule runner: the rules and their order come from the files of ``ontology/rules/`` (their
numbers), what each concludes from ``ontology/law.ttl``; a new rule file runs without a code change;
the obligation catalogue and the description vocabulary are read from the graph."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from kg import paths
from kg.act import Act
from kg.ids import AIKG
from reasoner.description import list_keys, load, nested, to_rdf
from reasoner.engine import Engine
from reasoner.obligations import catalogue
from reasoner.report import report
from reasoner.rules import RuleEngine, RuleError, law_files, rule_files
from reasoner.shacl import triples_of

DAY = dt.date(2026, 11, 24)
RULES = paths.ONTOLOGY / "rules"

PROBE = """PREFIX aikg: <https://w3id.org/aiact-kg/ontology#>
SELECT ?case ?value ?basis ?because ?cites ?missing WHERE {
  ?m a aikg:AIModel .
  OPTIONAL { ?m aikg:conclusionGpaiModel ?gpai }
  BIND(IF(COALESCE(?gpai, false), "saw-gpai", "no-gpai") AS ?case)
  VALUES (?case ?value ?basis ?because ?cites ?missing) {
    ("saw-gpai" "true" "probe" "the probe ran after the GPAI rule for {name}" "art_3/pt_63" "")
    ("no-gpai" "false" "probe" "the probe saw no GPAI conclusion" "art_3/pt_63" "")
  }
}
"""

PROBE_TTL = """@prefix aikg: <https://w3id.org/aiact-kg/ontology#> .
<urn:test:rule/probe> a aikg:Rule ; aikg:ruleName "probe" ; aikg:ruleKind "conclusion" ;
    aikg:reportKey "probe" ; aikg:reportOrder 9 ; aikg:conclusionProperty aikg:conclusionProbe .
"""


def _rules_with(tmp_path: Path, extra: dict[str, str]) -> Path:
    directory = tmp_path / "rules"
    shutil.copytree(RULES, directory)
    for name, text in extra.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def _run(rules: RuleEngine, description: str) -> dict[str, tuple[bool | None, str, str]]:
    data = load((paths.EXAMPLES / description).read_bytes())
    c = rules.run(data, triples_of(to_rdf(data, DAY)))
    return {k: (v.value, v.because, v.case) for k, v in c.conclusions.items()}


def test_the_order_is_the_file_numbers() -> None:
    rules = RuleEngine()
    names = [name for _, name, _ in rule_files(RULES)]
    assert [s.name for s in rules.order] == names
    assert names[0] == "compute_estimate" and names[-1] == "designation_indicators"
    assert [s.number for s in rules.order] == sorted(s.number for s in rules.order)


def test_the_graph_states_no_second_order() -> None:
    g = Graph().parse(paths.ONTOLOGY / "law.ttl")
    assert not list(g.subject_objects(AIKG.ruleOrder))
    assert not list(g.subject_objects(AIKG.ruleFile))
    assert {str(n) for n in g.objects(None, AIKG.ruleName)} == {n for _, n, _ in rule_files(RULES)}


def test_a_new_rule_file_runs_without_a_code_change(tmp_path: Path) -> None:
    directory = _rules_with(tmp_path, {"8_probe.rq": PROBE})
    described = tmp_path / "probe.ttl"
    described.write_text(PROBE_TTL, encoding="utf-8")
    rules = RuleEngine(directory, [*law_files(), described])
    assert rules.order[-1].name == "probe"
    out = _run(rules, "closed-frontier-model.json")
    assert list(out)[-1] == "probe"  # its report order (9) puts it last
    assert out["probe"] == (True, "the probe ran after the GPAI rule for Meridian-Ultra", "saw-gpai")
    assert out["gpai_model"] == _run(RuleEngine(), "closed-frontier-model.json")["gpai_model"]


def test_a_rule_numbered_first_runs_first(tmp_path: Path) -> None:
    """The number alone moves a rule: numbered before the GPAI rule, the probe sees no GPAI conclusion."""
    directory = tmp_path / "rules"
    directory.mkdir()
    for number, name, path in rule_files(RULES):
        shutil.copy(path, directory / f"{number + 1}_{name}.rq")
    (directory / "0_probe.rq").write_text(PROBE, encoding="utf-8")
    described = tmp_path / "probe.ttl"
    described.write_text(PROBE_TTL, encoding="utf-8")
    rules = RuleEngine(directory, [*law_files(), described])
    assert rules.order[0].name == "probe"
    assert _run(rules, "closed-frontier-model.json")["probe"][2] == "no-gpai"


def test_two_files_with_one_number_are_an_error(tmp_path: Path) -> None:
    directory = _rules_with(tmp_path, {"2_probe.rq": PROBE})
    with pytest.raises(RuleError, match=r"2_gpai_model\.rq and 2_probe\.rq have the same number 2"):
        RuleEngine(directory)
    (directory / "2_probe.rq").unlink()
    (directory / "02_probe.rq").write_text(PROBE, encoding="utf-8")
    with pytest.raises(RuleError, match=r"02_probe\.rq.*same number 2"):
        RuleEngine(directory)


def test_a_file_without_a_number_is_an_error(tmp_path: Path) -> None:
    directory = _rules_with(tmp_path, {"probe.rq": PROBE})
    with pytest.raises(RuleError, match=r"rule file probe\.rq has no number"):
        RuleEngine(directory)


def test_a_rule_file_the_graph_does_not_describe_is_an_error(tmp_path: Path) -> None:
    rules = RuleEngine(_rules_with(tmp_path, {"8_probe.rq": PROBE}))
    with pytest.raises(RuleError, match=r"rule file 8_probe\.rq is not described in the graph"):
        _ = rules.order


def test_the_rule_engine_has_a_store_of_its_own() -> None:
    engine = Engine()
    assert engine.rules.store is not engine.act.store
    provisions = "ASK { ?p a <http://data.europa.eu/eli/ontology#LegalResourceSubdivision> }"
    assert engine.act.store.query(provisions).boolean is True
    assert engine.rules.store.query(provisions).boolean is False  # the law files only, not the Act


def test_the_obligation_catalogue_is_read_once_in_the_order_of_the_graph(act: Act) -> None:
    cat = catalogue(act)
    assert catalogue(act) is cat
    g = Graph().parse(paths.ONTOLOGY / "law.ttl")
    ids = {s: str(i) for s, i in g.subject_objects(AIKG.obligationId)}
    by_order = sorted((int(str(o)), ids[s]) for s, o in g.subject_objects(AIKG.reportOrder) if s in ids)
    assert list(cat.obligations) == [oid for _, oid in by_order]
    assert [o["id"] for o in cat.listing()] == list(cat.obligations)
    assert cat.get("art53-1-a") == next(o for o in cat.listing() if o["id"] == "art53-1-a")
    assert cat.get("art99") is None
    cited = [o["id"] for o in cat.listing(act.resolve("Art. 53(2)"))]  # the exemption cites it
    assert cited == ["art53-1-a", "art53-1-b"]


def test_the_report_follows_the_catalogue() -> None:
    engine = Engine()
    data = load((paths.EXAMPLES / "closed-frontier-model.json").read_bytes())
    rep = report(engine, engine.assess(data, DAY))
    assert [o["id"] for o in rep["obligations"]] == list(engine.obligations.obligations)
    assert rep["text_version"] == engine.text_version
    assert "12.7.2024" in engine.text_version


def test_list_valued_and_nested_keys_are_declared_in_the_vocabulary() -> None:
    g = Graph().parse(paths.ONTOLOGY / "description.ttl")
    declared = {str(k) for p in g.subjects(AIKG.valueVocabulary, None) for k in g.objects(p, AIKG.jsonKey)}
    assert list_keys() == declared == {"input_modalities", "output_modalities"}
    assert nested() == {"provider", "base_model", "documentation"}
