"""The engine's fast paths give what the plain ones give (issue 11): the description's triples built directly
as pyoxigraph terms are the triples of the rdflib graph; ``assess_many`` over every scenario is ``assess``
of each; a process that has served many descriptions answers as a fresh one, with its scratch stores
emptied and renewed; the W3C SHACL report is built only when asked for. Outcomes are compared, never
timings (speed is measured in ``bench/bench_validate.py``)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import SH

from kg import paths
from reasoner import rules as rules_module
from reasoner.description import check, load, media_type_of, to_rdf, to_triples
from reasoner.engine import Engine
from reasoner.report import report, shacl_report
from reasoner.rules import RuleEngine, RuleError
from reasoner.shacl import triples_of
from tests.scenarios import load as load_scenarios

DAY = dt.date(2026, 11, 24)
SCENARIOS = load_scenarios()


def _items() -> list[tuple[dict[str, Any], dt.date]]:
    """Every scenario and every example (on three dates): the descriptions the suite knows."""
    items = [(check(s.input), dt.date.fromisoformat(s.as_of)) for s in SCENARIOS]
    for path in sorted(paths.EXAMPLES.iterdir()):
        data = load(path.read_bytes(), media_type_of(path.name))
        items += [(data, day) for day in (dt.date(2025, 9, 1), DAY, dt.date(2027, 9, 1))]
    return items


ITEMS = _items()


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def _json(rep: dict[str, Any]) -> str:
    return json.dumps(rep, sort_keys=True, ensure_ascii=False)


def test_the_triples_are_the_rdflib_graphs() -> None:
    for data, day in ITEMS:
        direct = to_triples(data, day)
        assert len(direct) == len(set(direct)), "a triple twice"
        assert set(direct) == set(triples_of(to_rdf(data, day))), data.get("name")


def test_the_rules_conclude_the_same_on_both_paths() -> None:
    rules = RuleEngine()
    for data, day in ITEMS[::7]:
        a = rules.run(data, to_triples(data, day))
        b = rules.run(data, triples_of(to_rdf(data, day)))
        assert a == b, data.get("name")


def test_assess_many_is_assess_of_each(engine: Engine) -> None:
    one_by_one = [_json(report(engine, engine.assess(data, day))) for data, day in ITEMS]
    together = [_json(report(engine, o)) for o in engine.assess_many(ITEMS)]
    assert len(together) == len(ITEMS) > 178
    for i, (a, b) in enumerate(zip(one_by_one, together, strict=True)):
        assert a == b, f"item {i}: {ITEMS[i][0].get('name')}"


def test_assess_many_in_chunks_and_empty(engine: Engine) -> None:
    chunk = ITEMS[:5]
    assert engine.assess_many([]) == []
    assert [_json(report(engine, o)) for o in engine.assess_many(chunk)] == [
        _json(report(engine, engine.assess(d, day))) for d, day in chunk
    ]


def test_the_shacl_data_of_assess_many_is_each_descriptions_own(engine: Engine) -> None:
    many = engine.assess_many(ITEMS[:20])
    for (data, day), outcome in zip(ITEMS[:20], many, strict=True):
        assert set(outcome.shacl_data) == set(engine.assess(data, day).shacl_data)


def test_a_rule_without_its_model_cannot_run_over_many(tmp_path: Any) -> None:
    directory = tmp_path / "rules"
    directory.mkdir()
    for f in (paths.ONTOLOGY / "rules").glob("*.rq"):
        text = f.read_text(encoding="utf-8")
        (directory / f.name).write_text(text.replace("\nSELECT ?m ", "\nSELECT ", 1), encoding="utf-8")
    rules = RuleEngine(directory)
    data, day = ITEMS[0]
    assert rules.run(data, to_triples(data, day)).conclusions  # one model: every row is about it
    with pytest.raises(RuleError, match=r"must select \?m"):
        rules.run_many([(data, to_triples(data, day))] * 2)


def test_the_w3c_report_is_built_when_asked_for(engine: Engine) -> None:
    data = load((paths.EXAMPLES / "closed-frontier-model.json").read_bytes())
    outcome = engine.assess(data, DAY)
    assert "results" not in vars(outcome)  # not built on the request path
    g = Graph().parse(data=shacl_report(outcome, "ttl"), format="turtle")
    assert "results" in vars(outcome)
    shapes = {(str(r), str(f)) for r, f in g.subject_objects(SH.sourceShape)}
    found = {str(o) for _, o in shapes}
    assert {s.iri for s, _ in outcome.violations} == found
    report_node = next(g.subjects(SH.conforms, None))
    assert str(g.value(report_node, SH.conforms)) == "false"
    again = engine.assess(data, DAY)
    assert isomorphic(Graph().parse(data=shacl_report(again, "ttl"), format="turtle"), g)


def test_the_steady_state_answers_as_a_fresh_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """1 000 runs of the rules, the scratch store renewed every 100: the same conclusions as the first
    runs, the store back to the law alone after each run, at most one store in the pool (one run at a
    time)."""
    monkeypatch.setattr(rules_module, "RENEW_AFTER", 100)
    rules = RuleEngine()
    sample = [(d, to_triples(d, day)) for d, day in ITEMS[::9]]
    first = [rules.run(d, t) for d, t in sample]
    for i in range(1000):
        d, t = sample[i % len(sample)]
        assert rules.run(d, t) == first[i % len(sample)]
        assert len(rules._pool) <= 1  # none just after its store was dropped to be renewed
        for scratch in rules._pool:
            assert len(scratch.store) == len(rules._law)  # the description is gone
    assert rules.stores_made == 1 + (len(sample) + 1000) // 100  # renewed every 100 runs
    assert [rules.run(d, t) for d, t in sample] == first


def test_the_reports_after_many_calls_are_the_first_ones(engine: Engine) -> None:
    sample = ITEMS[::11]
    first = [_json(report(engine, engine.assess(d, day))) for d, day in sample]
    for i in range(300):
        d, day = sample[i % len(sample)]
        engine.assess(d, day)
    assert [_json(report(engine, engine.assess(d, day))) for d, day in sample] == first


def test_threads_share_the_engine(engine: Engine) -> None:
    sample = ITEMS[::13]
    expected = [_json(report(engine, engine.assess(d, day))) for d, day in sample]
    failures: list[str] = []

    def work(offset: int) -> None:
        for k in range(len(sample)):
            i = (k + offset) % len(sample)
            got = _json(report(engine, engine.assess(*sample[i])))
            if got != expected[i]:
                failures.append(f"thread {offset}, item {i}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(engine.rules._pool) <= 4  # at most one per concurrent run
