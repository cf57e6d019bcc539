"""Legal scenarios as data: each case of ``tests/cases/*.yaml`` runs through the Python API and its
expected classification, obligation statuses, due dates and violations (compared as sets) must hold.
The files are checked before any case runs (``tests/scenarios.py``): a misspelt key is an error."""

from __future__ import annotations

import re
import textwrap
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from reasoner import validate
from tests.scenarios import Scenario, ScenarioError, load

SCENARIOS = load()


# Scenarios per file: a file that loses cases (or is filtered away) fails here.
COUNTS = {
    "annex11": 4, "annex12": 3, "annex13": 4, "art111_113": 12, "art2_scope": 4, "art3_63": 20, "art51": 10,
    "art52": 17, "art53": 21, "art54": 11, "art55": 11, "examples": 6, "guidelines_3_2_modifications": 15,
    "guidelines_annex_a_compute": 8, "input_vocabulary": 32,
}  # fmt: skip


def test_scenario_count() -> None:
    assert Counter(s.file for s in SCENARIOS) == COUNTS
    assert len(SCENARIOS) == sum(COUNTS.values()) == 178
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
    for key, words in expect.get("because_contains", {}).items():
        assert words in report["classification"][key]["because"], report["classification"][key]["because"]
    for key, basis in expect.get("basis", {}).items():
        assert report["classification"][key]["basis"] == basis, key
    for key, missing in expect.get("missing", {}).items():
        assert set(report["classification"][key].get("missing", [])) == set(missing)
    statuses = {o["id"]: o for o in report["obligations"]}
    for oid, status in expect.get("obligations", {}).items():
        assert statuses[oid]["status"] == status, f"{oid}: {statuses[oid]['because']}"
    for oid, due in expect.get("due", {}).items():
        assert statuses[oid]["due"] == due, oid
    for oid, words in expect.get("obligation_because_contains", {}).items():
        assert words in statuses[oid]["because"], statuses[oid]["because"]
    for oid, notation in expect.get("obligation_cites", {}).items():
        assert notation in [c["notation"] for c in statuses[oid]["citations"]], oid
    for oid, missing in expect.get("obligation_missing", {}).items():
        assert set(statuses[oid].get("missing", [])) == set(missing), oid
    if "missing_facts" in expect:
        assert report["missing_facts"] == expect["missing_facts"]
    for oid, scope in expect.get("scope", {}).items():
        assert statuses[oid].get("scope") == scope, oid
    found = {_local(v["shape"]) for v in report["violations"] if v["severity"] == "violation"}
    if "violations" in expect:
        assert found == {f"{v}-value" for v in expect["violations"]}
    if "warnings" in expect:
        warned = {_local(v["shape"]) for v in report["violations"] if v["severity"] == "warning"}
        assert warned == {f"{v}-value" for v in expect["warnings"]}
    if "infos" in expect:
        infos = {_local(v["shape"]) for v in report["violations"] if v["severity"] == "info"}
        assert infos == {f"{v}-value" for v in expect["infos"]}
    if "conforms" in expect:
        assert report["conforms"] is expect["conforms"], report["missing_facts"]
    if "indicators" in expect:
        assert [i["criterion"] for i in report["designation_indicators"]] == expect["indicators"]
    _citations_exist(report)


_PLACEHOLDER = re.compile(r"\{[a-z_.:\-0-9]+\}|(?:^|\s)\?(?:\s|$|[,;:.)])|\(not given\)")


def test_no_reason_prints_a_placeholder() -> None:
    """Every reason and message of every scenario is filled: no "{...}", no bare "?", no "(not given)"."""
    bad = []
    for s in SCENARIOS:
        rep = validate(s.input, as_of=s.as_of)
        texts = [c["because"] for c in rep["classification"].values()]
        texts += [o["because"] for o in rep["obligations"]]
        texts += [i["because"] for i in rep["designation_indicators"]]
        texts += [v["message"] for v in rep["violations"]]
        bad += [f"{s.id}: {text}" for text in texts if _PLACEHOLDER.search(text)]
    assert bad == []


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
        if c["iri"] in index:  # a provision of the Act: binding unless it is a recital
            assert index[c["iri"]].notation == c["notation"], c
            assert c["url"].startswith("https://eur-lex.europa.eu/") and c["text"], c
            assert c["binding"] is (index[c["iri"]].kind != "Recital"), c
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
    assert len(shapes) == 42
    lacking = [s for s in shapes if not coverage[s]["passed"] or not coverage[s]["fired"]]
    assert lacking == []


# -- the scenario files are checked -----------------------------------------------------------------

CASE = """
  - name: {name}
    as_of: 2026-11-24
    input: {{name: Fixture-1B}}
    expect: {{conforms: null}}
"""


def _cases(tmp_path: Path, text: str, file: str = "art53.yaml") -> Path:
    folder = tmp_path / "cases"
    folder.mkdir(exist_ok=True)
    (folder / file).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def _problems(folder: Path) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        load(folder)
    assert all(p in str(err.value) for p in err.value.problems)
    return err.value.problems


def test_a_fixture_file_loads(tmp_path: Path) -> None:
    (scenario,) = load(_cases(tmp_path, "provision: Art. 53\ncases:" + CASE.format(name="fine")))
    assert (scenario.id, scenario.as_of, scenario.input) == (
        "art53: fine",
        "2026-11-24",
        {"name": "Fixture-1B"},
    )


def test_a_misspelt_key_of_a_case_is_an_error(tmp_path: Path) -> None:
    text = "provision: Art. 53\ncases:" + CASE.format(name="typo").replace("    input:", "    inputs:")
    assert _problems(_cases(tmp_path, text)) == [
        "cases/art53.yaml: case 'typo': unknown key 'inputs' (allowed: name, as_of, extends, example, input, "
        "expect)"
    ]


def test_a_misspelt_key_of_expect_is_an_error(tmp_path: Path) -> None:
    text = (
        "provision: Art. 53\ncases:"
        + CASE.format(name="ok")
        + CASE.format(name="typo in expect").replace(
            "{conforms: null}", "{violation: [art53-1-c], conforms: null}"
        )
    )
    (problem,) = _problems(_cases(tmp_path, text))
    assert problem.startswith(
        "cases/art53.yaml: case 'typo in expect': expect: unknown key 'violation' (allowed: "
    )
    assert "violations" in problem


def test_a_misspelt_key_of_the_input_is_an_error(tmp_path: Path) -> None:
    text = "provision: Art. 53\ncases:" + CASE.format(name="typo in input").replace(
        "{name: Fixture-1B}", "{name: Fixture-1B, documentation: {copyright_polcy: x}}"
    )
    assert _problems(_cases(tmp_path, text)) == [
        "cases/art53.yaml: case 'typo in input': input: documentation.copyright_polcy: not a key of the "
        "description schema"
    ]


def test_the_shape_of_expect_is_checked(tmp_path: Path) -> None:
    text = "provision: Art. 53\ncases:" + CASE.format(name="shapes").replace(
        "{conforms: null}", "{conforms: yes please, violations: art53-1-c}"
    )
    assert _problems(_cases(tmp_path, text)) == [
        "cases/art53.yaml: case 'shapes': expect: violations must be a list, not 'art53-1-c'",
        "cases/art53.yaml: case 'shapes': expect: conforms must be a boolean or null, not 'yes please'",
    ]


@pytest.mark.parametrize(("header", "words"), [
    ("Art. 530", "Article 530 does not exist"),
    ("Annex XI and Annex XIV", "Annex XIV does not exist"),
    ("Art 53", "write 'Art 53' as 'Art. 53'"),
    ("Guidelines C(2025) 5045, section 9", "nor is it a guidance section of the graph"),
    ("example", "nor is it a guidance section of the graph"),
])  # fmt: skip
def test_a_bad_provision_header_is_an_error(tmp_path: Path, header: str, words: str) -> None:
    (problem,) = _problems(_cases(tmp_path, f"provision: {header}\ncases:" + CASE.format(name="x")))
    assert problem.startswith(f"cases/art53.yaml: provision header {header!r}: ") and words in problem


@pytest.mark.parametrize("header", [
    "Art. 111(3) and Art. 113", "Guidelines C(2025) 5045, Annex A", "Annex XIII", "input vocabulary",
])  # fmt: skip
def test_headers_may_name_several_provisions_guidance_or_a_topic(tmp_path: Path, header: str) -> None:
    assert len(load(_cases(tmp_path, f"provision: {header}\ncases:" + CASE.format(name="x")))) == 1


def test_a_template_is_named_and_its_keys_are_checked(tmp_path: Path) -> None:
    _cases(tmp_path, "{base: {name: Base-1B, weights_publc: true}}", "_templates.yaml")

    def extending(name: str, template: str) -> str:
        return CASE.format(name=name).replace("    input:", f"    extends: {template}\n    input:")

    text = "provision: Art. 53\ncases:" + extending("based", "base") + extending("unknown", "bsae")
    assert _problems(_cases(tmp_path, text)) == [
        "_templates.yaml: base: weights_publc: not a key of the description schema",
        "cases/art53.yaml: case 'unknown': extends 'bsae', which is not a template of _templates.yaml",
    ]
