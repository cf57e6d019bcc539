"""``aiact validate`` / ``aiact classify`` as a provider runs them (in this process, through
:func:`api.cli.main`), and the Python API, on every input format; bad input gets exit code 2 and a
message naming the field, never an exception."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SH

from kg.ids import AIKG
from reasoner import validate
from reasoner.description import load, to_rdf
from tests.test_cli import Outcome, run

EXAMPLES = Path(__file__).parent.parent / "examples"
DAY = "2026-11-24"


def _validate(*args: str) -> Outcome:
    return run("validate", *args, "--as-of", DAY)


def test_conforming_example_exits_0_with_a_readable_report() -> None:
    out = _validate(str(EXAMPLES / "documented-model.json"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ExampleLM-7B — as of 2026-11-24: CONFORMS")
    assert "gpai model: yes — 8.4e23 FLOP > 1e23 FLOP and generates text (Art. 3(63);" in out.stdout
    assert "[guidance]" in out.stdout  # the compute criterion is guidance, and says so


def test_violating_example_exits_1_and_cites_each_violation() -> None:
    out = _validate(str(EXAMPLES / "closed-frontier-model.json"))
    assert out.returncode == 1
    assert out.stdout.startswith("Meridian-Ultra — as of 2026-11-24: DOES NOT CONFORM")
    # one entry per key in "what to add", with every provision that asks for it
    assert (
        "[violation] documentation.adversarial_testing (Annex XI, Section 2(2); Art. 53(1)(a); Art. 55(1)(a))"
        in out.stdout
    )
    assert out.stdout.count("] documentation.adversarial_testing (") == 1
    # Annex XI, Section 2(3) asks for the system architecture only where applicable
    assert "[info] documentation.system_architecture (Annex XI, Section 2(3); Art. 53(1)(a))" in out.stdout


def test_undetermined_obligations_exit_3_and_name_the_facts_to_add(tmp_path: Path) -> None:
    model = json.loads((EXAMPLES / "documented-model.json").read_text())
    del model["placed_on_eu_market"]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model))
    out = _validate(str(path))
    assert out.returncode == 3, out.stdout
    first = out.stdout.splitlines()[0]
    assert "CANNOT TELL" in first and "placed_on_eu_market" in first
    rep = json.loads(_validate(str(path), "--format", "json").stdout)
    assert rep["conforms"] is None and rep["missing_facts"] == ["placed_on_eu_market"]


def test_several_files_exit_with_the_gravest_outcome(tmp_path: Path) -> None:
    model = json.loads((EXAMPLES / "documented-model.json").read_text())
    del model["placed_on_eu_market"]
    undetermined = tmp_path / "model.json"
    undetermined.write_text(json.dumps(model))
    assert _validate(str(EXAMPLES / "documented-model.json"), str(undetermined)).returncode == 3
    both = _validate(str(undetermined), str(EXAMPLES / "closed-frontier-model.json"))
    assert both.returncode == 1
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert _validate(str(bad), str(EXAMPLES / "closed-frontier-model.json")).returncode == 2


def test_json_report_follows_the_contract() -> None:
    out = _validate(str(EXAMPLES / "closed-frontier-model.json"), "--format", "json")
    rep = json.loads(out.stdout)
    assert {"model", "as_of", "conforms", "classification", "obligations", "violations"} <= set(rep)
    assert set(rep["classification"]) == {
        "gpai_model",
        "systemic_risk",
        "open_source_exemption",
        "provider_of_new_model",
        "authorised_representative_required",
    }
    sr = rep["classification"]["systemic_risk"]
    assert (sr["value"], sr["basis"]) == (True, "presumed")
    assert [c["notation"] for c in sr["citations"]] == ["Art. 51(1)(a)", "Art. 51(2)"]
    assert sr["citations"][1]["url"].endswith("#051.002") and sr["citations"][1]["binding"] is True
    gpai = rep["classification"]["gpai_model"]
    assert {"notation": "Guidelines C(2025) 5045, section 2.1", "binding": False}.items() <= gpai[
        "citations"
    ][1].items()
    ob = {o["id"]: o for o in rep["obligations"]}
    assert {"id", "title", "citation", "status", "because", "applies_from", "due"} <= set(ob["art53-1-c"])
    assert ob["art53-1-c"]["citation"]["notation"] == "Art. 53(1)(c)"
    assert ob["art53-1-c"]["due"] == "2025-12-03" and ob["art53-1-c"]["applies_from"] == "2025-08-02"
    v = next(
        v
        for v in rep["violations"]
        if v["path"] == "documentation.adversarial_testing" and v["obligation"] == "art55-1-a"
    )
    assert v["severity"] == "violation" and v["citation"]["notation"] == "Art. 55(1)(a)"
    assert v["shape"] == "https://w3id.org/aiact-kg/id/shape/art55-1-a-adversarial-value"
    assert v["focus"] == "urn:aiact-kg:description"


def test_exemption_cites_the_provision_that_grants_it() -> None:
    rep = validate(load((EXAMPLES / "open-model-near-threshold.json").read_bytes()), as_of=DAY)
    ob = {o["id"]: o for o in rep["obligations"]}
    assert ob["art53-1-a"]["exempted_by"]["notation"] == "Art. 53(2)"
    assert ob["art54-1"]["status"] == "not_applicable"


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_w3c_shacl_report(fmt: str) -> None:
    out = _validate(str(EXAMPLES / "closed-frontier-model.json"), "--format", fmt)
    g = Graph().parse(data=out.stdout, format="turtle" if fmt == "ttl" else "json-ld")
    report = next(g.subjects(predicate=SH.conforms))
    conforms = g.value(report, SH.conforms)
    assert isinstance(conforms, Literal) and conforms.toPython() is False
    shapes = {str(o) for o in g.objects(predicate=SH.sourceShape)}
    assert "https://w3id.org/aiact-kg/id/shape/annex11-s2-3-value" in shapes


def _same_report(a: dict[str, object], b: dict[str, object]) -> None:
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@pytest.mark.parametrize("fmt", ["turtle", "json-ld"])
def test_rdf_descriptions_give_the_same_report(fmt: str, tmp_path: Path) -> None:
    data = load((EXAMPLES / "closed-frontier-model.json").read_bytes())
    g = to_rdf(data, dt.date(2026, 11, 24))
    g.remove((None, AIKG.asOf, None))  # the date is a parameter of the request, not a fact of the model
    suffix = ".ttl" if fmt == "turtle" else ".jsonld"
    path = tmp_path / f"model{suffix}"
    path.write_text(g.serialize(format=fmt))
    out = _validate(str(path), "--format", "json")
    expected = _validate(str(EXAMPLES / "closed-frontier-model.json"), "--format", "json")
    _same_report(json.loads(out.stdout), json.loads(expected.stdout))


def test_yaml_description() -> None:
    out = _validate(str(EXAMPLES / "fine-tune.yaml"), "--format", "json")
    assert json.loads(out.stdout)["classification"]["provider_of_new_model"]["value"] is False


@pytest.mark.parametrize(("name", "content", "message"), [
    ("broken.json", '{"name": "x",', "not valid JSON"),
    ("list.json", "[1, 2]", "a description is an object"),
    ("noname.json", '{"version": "1"}', "name: is required"),
    ("unknown.json", '{"name": "x", "training_flops": 1e25}', "training_flops: unknown field"),
    ("typo.json", '{"name": "x", "provider": {"countri": "FR"}}', "provider.countri: unknown field"),
    ("units.json", '{"name": "x", "training_compute_flop": "1e25 FLOP"}', "must be a number (FLOP)"),
    ("negative.json", '{"name": "x", "training_compute_flop": -1}', "not below zero"),
    ("nan.json", '{"name": "x", "training_compute_flop": NaN}', "finite"),
    ("bool.json", '{"name": "x", "weights_public": "yes"}', "weights_public: must be true, false or null"),
    ("date.json", '{"name": "x", "placed_on_market": "01/09/2025"}', "YYYY-MM-DD"),
    ("country.json", '{"name": "x", "provider": {"country": "France"}}', "ISO 3166-1 alpha-2"),
    ("modality.json", '{"name": "x", "output_modalities": ["txt"]}', "unknown modality 'txt'"),
    ("broken.yaml", "name: [unclosed", "not valid YAML"),
    ("broken.ttl", "<urn:a> <urn:b> .", "not valid turtle"),
    ("empty.ttl", "<urn:a> <urn:b> <urn:c> .", "expected one aikg:AIModel"),
])  # fmt: skip
def test_bad_input_exits_2_naming_the_problem(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    out = _validate(str(path))
    assert out.returncode == 2
    assert message in out.stderr
    assert out.stdout == ""


def test_oversized_and_binary_input(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text('{"name": "' + "x" * 1_100_000 + '"}')
    assert "larger than" in _validate(str(big)).stderr
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    out = _validate(str(binary))
    assert out.returncode == 2 and "not UTF-8" in out.stderr


def test_bad_as_of_date() -> None:
    out = run("validate", str(EXAMPLES / "documented-model.json"), "--as-of", "tomorrow")
    assert out.returncode == 2 and "--as-of" in out.stderr


def test_classify_command() -> None:
    out = run(
        "classify", str(EXAMPLES / "open-model-near-threshold.json"), "--as-of", DAY, "--format", "json"
    )
    data = json.loads(out.stdout)
    assert data["classification"]["open_source_exemption"]["value"] is True
    assert data["designation_indicators"][0]["criterion"] == "annex13-f"


def test_classify_text_format() -> None:
    out = run("classify", str(EXAMPLES / "closed-frontier-model.json"), "--as-of", DAY)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("gpai_model: yes — ")
    assert any(
        line.startswith("systemic_risk: yes — ") and "(Art. 51(1)(a); Art. 51(2))" in line for line in lines
    )


def test_classify_bad_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    out = run("classify", str(bad))
    assert out.returncode == 2 and out.stderr.startswith(f"aiact: {bad}: ") and "not valid JSON" in out.stderr
    missing = run("classify", str(tmp_path / "missing.json"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_a_description_on_stdin() -> None:
    body = (EXAMPLES / "documented-model.json").read_bytes()
    out = run("validate", "-", "--as-of", DAY, "--format", "json", stdin=body)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["conforms"] is True


def test_python_api_accepts_text_and_dicts() -> None:
    text = (EXAMPLES / "documented-model.json").read_text()
    a = validate(text, as_of=DAY)
    b = validate(json.loads(text), as_of=dt.date(2026, 11, 24))
    _same_report(a, b)
    assert a["conforms"] is True


def test_an_rdf_description_may_not_carry_unknown_properties(tmp_path: Path) -> None:
    path = tmp_path / "model.ttl"
    path.write_text("""@prefix aikg: <https://w3id.org/aiact-kg/ontology#> .
        <urn:m> a aikg:AIModel ; aikg:modelName "M" ; aikg:asOf "2026-01-01" .""")
    out = _validate(str(path))
    assert out.returncode == 2 and "asOf: unknown property" in out.stderr
