"""The documented contract (JSON Schemas of the description and of the report, key reference) is
generated from the graph; the examples satisfy the description's, and every report the engine gives
satisfies the report's. That the committed files are the generated ones: tests/test_generated.py."""

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reasoner import validate
from reasoner.description import media_type_of
from reasoner.report_schema import json_schema as report_schema
from reasoner.report_schema import openapi_schemas, rule_values, vocabulary
from reasoner.schema import json_schema, key_reference
from tests.scenarios import load as scenarios

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".json", ".yaml", ".yml"))
GOLDEN_REPORTS = sorted((ROOT / "tests" / "golden").glob("validate-*.json"))


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.json")), ids=lambda p: p.name)
def test_examples_satisfy_the_schema(example: Path) -> None:
    jsonschema.validate(json.loads(example.read_text()), json_schema())


def test_schema_rejects_unknown_keys() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "x", "training_flops": 1}, json_schema())


def test_every_documentation_key_is_in_the_reference() -> None:
    text = key_reference()
    for key in [
        "documentation.copyright_policy",
        "documentation.input_output_limits",
        "documentation.system_architecture",
        "documentation.commission_notification",
        "provider.authorised_representative",
    ]:
        assert f"`{key}`" in text


# --- the report ---------------------------------------------------------------------------------------


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _errors(report: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in _validator().iter_errors(report)
    ]


@cache
def _golden() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (ROOT / "tests" / "golden" / "validate-documented-model.json").read_text()
    )
    return data


def test_there_are_golden_reports() -> None:
    assert [p.name for p in GOLDEN_REPORTS] == ["validate-documented-model.json"]


@pytest.mark.parametrize("golden", GOLDEN_REPORTS, ids=lambda p: p.name)
def test_golden_reports_satisfy_the_report_schema(golden: Path) -> None:
    assert _errors(json.loads(golden.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("as_of", [None, "2025-06-01", "2027-09-01"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_reports_of_the_examples_satisfy_the_report_schema(example: Path, as_of: str | None) -> None:
    report = validate(example.read_bytes(), as_of, media_type_of(example.name))
    assert _errors(json.loads(json.dumps(report))) == []


def test_reports_of_every_scenario_satisfy_the_report_schema() -> None:
    """The 178 legal scenarios of tests/cases reach every status, basis and severity the engine gives."""
    failures = {}
    for s in scenarios():
        errors = _errors(json.loads(json.dumps(validate(s.input, s.as_of))))
        if errors:
            failures[s.id] = errors
    assert failures == {}


def _broken(change: str) -> dict[str, Any]:
    report = copy.deepcopy(_golden())
    if change == "status":
        report["obligations"][0]["status"] = "due"  # the rules' status, never the report's
    elif change == "basis":
        report["classification"]["gpai_model"]["basis"] = "guessed"
    elif change == "severity":
        report["violations"] = [
            {**copy.deepcopy(v), "severity": "error"} for v in _with_violation()["violations"]
        ]
    elif change == "obligation id":
        report["obligations"][0]["id"] = "art56-1"
    elif change == "missing fact":
        report["missing_facts"] = ["training_compute_flops"]
    elif change == "citation without binding":
        del report["obligations"][0]["citation"]["binding"]
    elif change == "extra key":
        report["score"] = 1
    elif change == "classification key":
        del report["classification"]["systemic_risk"]
    elif change == "conforms a string":
        report["conforms"] = "yes"
    elif change == "due not a date":
        report["obligations"][0]["due"] = "soon"
    elif change == "due of an exempt obligation":
        report["obligations"][0] |= {"status": "exempt", "due": "2025-08-02"}
    elif change == "moot with a value":
        report["classification"]["provider_of_new_model"] |= {"basis": "moot", "value": True}
    elif change == "an obligation left out":
        report["obligations"].pop()
    elif change == "conforms despite a violated obligation":
        report["obligations"][1]["status"] = "violated"
    elif change == "not conforming with nothing violated":
        report["conforms"] = False
    elif change == "cannot tell without an undetermined obligation":
        report["conforms"] = None
    else:
        del report[change]
    return report


def _with_violation() -> dict[str, Any]:
    return validate({"name": "x", "training_compute_flop": 3e23, "output_modalities": ["text"],
                     "placed_on_market": "2025-09-01", "placed_on_eu_market": True,
                     "provider": {"name": "P", "country": "FR"}}, "2026-01-01")  # fmt: skip


REQUIRED = ["model", "as_of", "conforms", "missing_facts", "classification", "designation_indicators",
            "obligations", "violations", "text_version"]  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [*REQUIRED, "status", "basis", "severity", "obligation id", "missing fact", "citation without binding",
     "extra key", "classification key", "conforms a string", "due not a date", "due of an exempt obligation",
     "moot with a value", "an obligation left out", "conforms despite a violated obligation",
     "not conforming with nothing violated", "cannot tell without an undetermined obligation"],
)  # fmt: skip
def test_the_report_schema_rejects_a_broken_report(change: str) -> None:
    assert _golden()["conforms"] is True and _errors(_golden()) == []  # the report it breaks is valid
    assert _errors(_broken(change)) != [], change


def test_a_violation_report_is_checked_against_its_vocabulary() -> None:
    report = _with_violation()
    assert report["conforms"] is False and report["violations"]
    assert _errors(report) == []


def test_the_vocabularies_come_from_the_graph() -> None:
    v = vocabulary()
    assert v.statuses == ["exempt", "met", "not_applicable", "not_yet_applicable", "undetermined", "violated"]
    assert {
        "presumed",
        "estimated",
        "declared",
        "designated",
        "decision",
        "modification",
        "facts",
        "moot",
    } == set(v.bases)
    assert v.severities == ["info", "violation", "warning"]
    assert v.obligations[0] == "art52-1" and len(v.obligations) == 10
    assert v.conclusions == ["gpai_model", "systemic_risk", "open_source_exemption", "provider_of_new_model",
                             "authorised_representative_required"]  # fmt: skip
    assert v.scopes == ["modification"] and v.criteria == ["annex13-f"]
    assert "documentation.copyright_policy" in v.paths and "provider.country" in v.facts
    assert len(v.text_versions) == 1


def test_rule_values_follow_if_and_coalesce_and_refuse_computed_values() -> None:
    query = """SELECT ?s ?t ?u WHERE { ?x <urn:p> ?y . VALUES (?a) { ("one") ("two") }
        BIND(IF(?a = "one", COALESCE(?none, "three"), ?a) AS ?s) BIND(CONCAT(?a, "x") AS ?t)
        BIND(?y AS ?u) }"""
    assert rule_values(query, "s") == {"one", "two", "three"}
    for computed in ("t", "u"):
        with pytest.raises(ValueError, match=f"\\?{computed}"):
            rule_values(query, computed)


def test_the_openapi_components_refer_to_components() -> None:
    schemas = openapi_schemas()
    assert {"Report", "Classification", "Citation", "Obligation"} <= set(schemas)
    refs = [r for r in json.dumps(schemas).split('"$ref": ')[1:]]
    assert refs and all(r.startswith('"#/components/schemas/') for r in refs)
    assert all(r.split('"')[1].rsplit("/", 1)[1] in schemas for r in refs)


def test_the_openapi_document_answers_validate_and_classify_with_the_report_schema() -> None:
    from api.app import create_app
    from api.settings import Settings

    spec = create_app(Settings()).openapi()
    for path, name in (("/validate", "Report"), ("/classify", "Classification")):
        ok = spec["paths"][path]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok == {"$ref": f"#/components/schemas/{name}"}
    assert {k: spec["components"]["schemas"][k] for k in openapi_schemas()} == openapi_schemas()
    assert "Description" in spec["components"]["schemas"]
