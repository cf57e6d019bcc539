"""Legal scenarios as data: each case of ``tests/cases/*.yaml`` runs through the Python API and its
expected classification, obligation statuses, due dates and violations (compared as sets) must hold."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from reasoner import validate
from tests.scenarios import Scenario, load

SCENARIOS = load()


def test_scenario_count() -> None:
    assert len(SCENARIOS) == 100
    assert len({s.id for s in SCENARIOS}) == len(SCENARIOS), "scenario names repeat"


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(scenario: Scenario) -> None:
    report = validate(scenario.input, as_of=scenario.as_of)
    expect = scenario.expect
    for key, value in expect.get("classification", {}).items():
        got = report["classification"][key]
        assert got["value"] == value, f"{key}: {got['because']}"
    for key, missing in expect.get("missing", {}).items():
        assert set(report["classification"][key].get("missing", [])) == set(missing)
    statuses = {o["id"]: o for o in report["obligations"]}
    for oid, status in expect.get("obligations", {}).items():
        assert statuses[oid]["status"] == status, f"{oid}: {statuses[oid]['because']}"
    for oid, due in expect.get("due", {}).items():
        assert statuses[oid]["due"] == due, oid
    found = {_local(v["shape"]) for v in report["violations"] if v["severity"] == "violation"}
    if "violations" in expect:
        assert found == {f"{v}-value" for v in expect["violations"]}
    if "warnings" in expect:
        warned = {_local(v["shape"]) for v in report["violations"] if v["severity"] == "warning"}
        assert warned == {f"{v}-value" for v in expect["warnings"]}
    if "conforms" in expect:
        assert report["conforms"] is expect["conforms"]
    if "indicators" in expect:
        assert [i["criterion"] for i in report["designation_indicators"]] == expect["indicators"]
    _citations_exist(report)


def _citations_exist(report: dict[str, Any]) -> None:
    """Every citation in a report is an object naming a provision of the Act or a guidance section."""
    from reasoner import _engine

    index = _engine().act.index
    found = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if {"notation", "iri", "binding"} <= set(node):
                found.append(node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(report)
    assert found
    for c in found:
        if c["binding"]:
            assert c["iri"] in index and index[c["iri"]].notation == c["notation"], c
            assert c["url"].startswith("https://eur-lex.europa.eu/") and c["text"], c
        else:
            assert c["notation"].startswith(
                ("Guidelines C(2025) 5045", "General-Purpose AI Code of Practice")
            ), c


def _coverage() -> dict[str, dict[str, int]]:
    """For each shape: in how many scenarios it was due and passed, and in how many it fired."""
    from reasoner import _engine

    engine = _engine()
    seen: dict[str, dict[str, int]] = defaultdict(lambda: {"passed": 0, "fired": 0})
    for s in SCENARIOS:
        rep: dict[str, Any] = validate(s.input, as_of=s.as_of)
        fired = {v["shape"] for v in rep["violations"]}
        due = {o["id"] for o in rep["obligations"] if o["status"] in ("met", "violated")}
        for iri in engine.shape_info:
            if iri in fired:
                seen[iri]["fired"] += 1
            elif _target_due(iri, due, engine):
                seen[iri]["passed"] += 1
    return seen


def _target_due(shape: str, due: set[str], engine: Any) -> bool:
    node = shape.removesuffix("-value")
    target = engine.shapes.value(
        __import__("rdflib").URIRef(node), __import__("rdflib").namespace.SH.targetClass
    )
    return str(target).rsplit("Due-", 1)[1] in due


def test_every_shape_has_a_passing_and_a_failing_scenario() -> None:
    from reasoner import _engine

    coverage = _coverage()
    shapes = sorted(_engine().shape_info)
    assert len(shapes) == 38
    lacking = [s for s in shapes if not coverage[s]["passed"] or not coverage[s]["fired"]]
    assert lacking == []
