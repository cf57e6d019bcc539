"""Model cards as input (docs/contract.md §4, docs/model-cards.md): the 317 real cards of
tests/fixtures/hf-model-cards/, a hand-checked sample, messy cards, the Hub fetch against a local
stand-in server, ``aiact describe`` and the report's ``input``."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import jsonschema
import pytest
import yaml

import reasoner
from reasoner.description import check, load
from reasoner.model_card import (
    CardDescription,
    CardError,
    card_name,
    card_report,
    fetch_card,
    hub_tasks,
    is_card,
    read_card,
    read_card_file,
    render_docs,
    with_facts,
)
from tests.test_cli import run

FIXTURES = Path(__file__).parent / "fixtures"
CARDS = sorted((FIXTURES / "hf-model-cards" / "cards").glob("*.md"))
DAY = dt.date(2026, 1, 1)
ROOT = Path(__file__).parent.parent


# -- the real cards ------------------------------------------------------------------------------------


def test_every_real_card_yields_a_checked_description_or_a_card_error() -> None:
    descriptions, errors = 0, 0
    for path in CARDS:
        try:
            card = read_card_file(path, as_of=DAY)
        except CardError:
            errors += 1
            continue
        assert check(card.description) == card.description, path.name
        assert set(card.provenance) >= {"name"} and card.description["name"], path.name
        descriptions += 1
    assert (len(CARDS), descriptions, errors) == (317, 317, 0)


def test_what_the_real_cards_give() -> None:
    counts: dict[str, int] = {}
    for path in CARDS:
        for key in read_card_file(path, as_of=DAY).provenance:
            counts[key] = counts.get(key, 0) + 1
    assert counts == {
        "name": 317,
        "input_modalities": 232,
        "output_modalities": 232,
        "licence": 180,
        "documentation.evaluation_results": 31,
    }


def _expected(entry: dict[str, Any]) -> dict[str, Any]:
    out = dict(entry)
    if "documentation" in out:
        out["documentation"] = {
            k: "\n".join(v) if isinstance(v, list) else v for k, v in out["documentation"].items()
        }
    return out


FACTS = yaml.safe_load((FIXTURES / "model_card_facts.yaml").read_text(encoding="utf-8"))


def test_the_sample_is_large_enough() -> None:
    assert len(FACTS) >= 30


@pytest.mark.parametrize("name", sorted(FACTS))
def test_hand_checked_facts(name: str) -> None:
    card = read_card_file(FIXTURES / "hf-model-cards" / "cards" / name, as_of=DAY)
    assert card.description == _expected(FACTS[name])


# -- messy cards ---------------------------------------------------------------------------------------------


def test_crlf_and_quoted_values() -> None:
    text = '---\r\nlicense: "Apache 2.0"\r\npipeline_tag: "text-generation"\r\n---\r\n# A model\r\n'
    card = read_card(text, "o/m", as_of=DAY)
    assert card.description == {
        "name": "o/m",
        "licence": "apache-2.0",
        "input_modalities": ["text"],
        "output_modalities": ["text"],
    }
    assert card.provenance["licence"] == "card: license"
    assert card.provenance["input_modalities"] == "card: pipeline_tag text-generation"


def test_norwegian_stays_a_language() -> None:
    card = read_card("---\nlanguage:\n- da\n- no\n- yes\nlicense: mit\n---\n", "o/m", as_of=DAY)
    assert card.notes["documentation.modalities_and_formats"] == "the card names the languages da, no, yes"


def test_licence_list_and_other() -> None:
    same = read_card("---\nlicense: [mit, MIT License]\n---\n", "o/m", as_of=DAY)
    assert same.description["licence"] == "mit"
    two = read_card("---\nlicense: [mit, apache-2.0]\n---\n", "o/m", as_of=DAY)
    assert two.description["licence"] == "mit OR apache-2.0" and "2 licences" in two.notes["licence"]
    other = read_card("---\nlicense: other\nlicense_name: my-licence\n---\n", "o/m", as_of=DAY)
    assert other.description["licence"] == "my-licence"
    assert other.provenance["licence"] == "card: license + license_name"
    unknown = read_card("---\nlicense: unknown\n---\n", "o/m", as_of=DAY)
    assert "licence" not in unknown.description and "licence" in unknown.missing


def test_unknown_licence_is_kept_and_the_engine_says_so() -> None:
    card = read_card("---\nlicense: cc\n---\n", "o/m", as_of=DAY)
    assert card.description["licence"] == "cc"
    report = reasoner.validate({**card.description, "general_purpose": True}, DAY)
    assert report["classification"]["open_source_exemption"]["value"] is None


def test_invalid_yaml_names_the_line() -> None:
    text = "---\nlicense: mit\ntags: [a, b\npipeline_tag: x\n---\nbody\n"
    with pytest.raises(CardError, match=r"not valid YAML: line \d+"):
        read_card(text, "o/m")
    with pytest.raises(CardError, match="line 3"):
        read_card("---\nlicense: mit\n  bad: : indent\n---\n", "o/m")


def test_front_matter_that_is_not_a_mapping() -> None:
    with pytest.raises(CardError, match="a list, not a mapping"):
        read_card("---\n- a\n- b\n---\n", "o/m")


def test_no_front_matter_gives_the_name_only() -> None:
    card = read_card("# A model\n\nTrained on 1e24 FLOP with an Apache 2.0 licence.\n", "o/m", as_of=DAY)
    assert card.description == {"name": "o/m"}
    assert {"licence", "training_compute_flop"} <= set(card.missing)
    assert read_card("", None, as_of=DAY).description == {"name": "unnamed model"}


def test_base_model_and_relation() -> None:
    card = read_card("---\nbase_model: meta/llama\nbase_model_relation: quantized\n---\n", "o/m", as_of=DAY)
    assert card.description["base_model"] == {"name": "meta/llama"}
    assert card.provenance["base_model.name"] == "card: base_model (relation: quantized)"
    merge = read_card("---\nbase_model: [a/x, b/y]\n---\n", "o/m", as_of=DAY)
    assert merge.description["base_model"] == {"name": "a/x + b/y"}


def test_model_index_becomes_evaluation_results() -> None:
    text = """---
model-index:
- name: m
  results:
  - task: {type: text-classification, name: Text Classification}
    dataset: {type: glue, name: GLUE, split: test}
    metrics:
    - {type: accuracy, value: 0.91, name: Accuracy}
---
"""
    card = read_card(text, "o/m", as_of=DAY)
    assert card.description["documentation"] == {
        "evaluation_results": "Text Classification on GLUE (glue), test split: Accuracy = 0.91"
    }


def test_gating_fields() -> None:
    personal = "---\nextra_gated_fields:\n  Company name: text\n  I agree: checkbox\n---\n"
    card = read_card(personal, "o/m", as_of=DAY)
    assert card.description["access_requires_personal_data"] is True
    assert card.provenance["access_requires_personal_data"] == "card: extra_gated_fields (Company name)"
    assert read_card("---\nextra_gated_fields:\n  Born: date_picker\n---\n", "o/m", as_of=DAY).description[
        "access_requires_personal_data"
    ]
    plain = read_card("---\nextra_gated_fields:\n  I agree to the terms: checkbox\n---\n", "o/m", as_of=DAY)
    assert "access_requires_personal_data" not in plain.description
    assert "access_requires_personal_data" in plain.notes


def test_co2_and_library_are_notes_not_facts() -> None:
    card = read_card("---\nco2_eq_emissions:\n  emissions: 12.5\nlibrary_name: timm\n---\n", "o/m", as_of=DAY)
    assert set(card.description) == {"name"}
    assert "12.5 g CO2" in card.notes["documentation.energy_consumption_mwh"]


def test_with_facts_overrides_and_records_the_source() -> None:
    card = read_card("---\nlicense: mit\npipeline_tag: fill-mask\n---\n", "o/m", as_of=DAY)
    more = with_facts(card, {"licence": "apache-2.0", "provider": {"country": "FR"}}, "f.yaml", as_of=DAY)
    assert more.description["licence"] == "apache-2.0"
    assert more.provenance["licence"] == more.provenance["provider.country"] == "facts: f.yaml"
    assert more.provenance["input_modalities"] == "card: pipeline_tag fill-mask"
    assert "provider.country" not in more.missing
    with pytest.raises(CardError, match="training_compute_flops"):
        with_facts(card, {"training_compute_flops": 1}, "f.yaml")


def test_names_and_suffixes() -> None:
    assert card_name(Path("bigcode_santacoder-megatron_README.md")) == "bigcode/santacoder-megatron"
    assert card_name(Path("96harsh56_bert_test1_README.md")) == "96harsh56/bert_test1"
    assert card_name(Path("/x/my-model/README.md")) == "my-model"
    assert is_card(Path("README.md")) and is_card(Path("a.MD")) and not is_card(Path("a.yaml"))


def test_every_task_maps_to_vocabulary_keys() -> None:
    from reasoner.description import modalities

    keys = set(modalities())
    assert len(hub_tasks()) == 57
    for task in hub_tasks().values():
        assert set(task.inputs) | set(task.outputs) <= keys, task.task


def test_the_documentation_is_generated_from_the_turtle() -> None:
    assert (ROOT / "docs" / "model-cards.md").read_text(encoding="utf-8") == render_docs()


# -- the report's input ------------------------------------------------------------------------------------


def test_card_report_passes_the_report_schema() -> None:
    card = read_card_file(FIXTURES / "hf-model-cards" / "cards" / "bigcode_santacoder-megatron_README.md")
    rep = card_report(card, reasoner.validate(card.description, DAY))
    assert rep["input"]["source"] == "model card"
    assert rep["input"]["provenance"]["licence"] == "card: license"
    assert rep["input"]["missing"] == card.missing
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(rep, schema)
    bad = {**rep, "input": {**rep["input"], "source": "elsewhere"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


# -- fetching from the Hub (a local stand-in) -----------------------------------------------------------

CARD = b"---\nlicense: mit\npipeline_tag: text-generation\n---\n# Hub model\n"


class _Hub(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str]]] = []

    def _answer(self, body: bool) -> None:
        _Hub.seen.append((self.command, self.path))
        if self.path.startswith("/owner/model/resolve/main/README.md"):
            self.send_response(200)
            self.send_header("Content-Length", str(len(CARD)))
            self.send_header("ETag", '"abc"')
            self.send_header("X-Repo-Commit", "0" * 40)
            self.end_headers()
            if body:
                self.wfile.write(CARD)
            return
        self.send_response(404)
        self.send_header("X-Error-Code", "RepoNotFound")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:
        self._answer(False)

    def do_GET(self) -> None:
        self._answer(True)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("HF_ENDPOINT", url)
    _Hub.seen = []
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


def test_fetch_card_from_the_hub(hub: str) -> None:
    assert fetch_card("hf:owner/model") == CARD.decode()
    assert ("HEAD", "/owner/model/resolve/main/README.md") in _Hub.seen
    out = run("describe", "hf:owner/model", "--format", "json")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["description"]["name"] == "owner/model" and got["description"]["licence"] == "mit"
    assert got["provenance"]["name"] == "Hub id hf:owner/model"


def test_fetch_card_not_found(hub: str) -> None:
    with pytest.raises(CardError, match="no such model"):
        fetch_card("hf:owner/missing")


def test_fetch_card_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    with pytest.raises(CardError, match="hf:owner/model"):
        fetch_card("hf:owner/model")
    with pytest.raises(CardError, match="not a Hub model id"):
        fetch_card("hf:../etc")


# -- aiact describe ---------------------------------------------------------------------------------------


def _card(tmp_path: Path, text: str, name: str = "owner_model_README.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_describe_json(tmp_path: Path) -> None:
    path = _card(tmp_path, "---\nlicense: mit\npipeline_tag: text-to-image\n---\n")
    out = run("describe", str(path), "--format", "json", "--as-of", "2026-01-01")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["description"] == {
        "name": "owner/model",
        "licence": "mit",
        "input_modalities": ["text"],
        "output_modalities": ["image"],
    }
    assert got["provenance"]["licence"] == "card: license"
    assert "training_compute_flop" in got["missing"]


def test_describe_yaml_is_a_template_that_validates(tmp_path: Path) -> None:
    path = _card(tmp_path, '---\nlicense: mit\nmodel-index:\n- name: m\n  results:\n  - task: {type: x}\n'
                 '    metrics: [{type: acc, value: 0.5}]\n---\n')  # fmt: skip
    facts = _card(tmp_path, "provider:\n  name: P\n", "facts.yaml")
    out = run("describe", str(path), "--facts", str(facts))
    assert out.returncode == 0, out.stderr
    assert "# card: license" in out.stdout and "# facts: " in out.stdout
    assert "# training_compute_flop:   # training compute (FLOP) (" in out.stdout
    assert "#   country:   # provider country (Art. 54(1))" in out.stdout
    data = load(out.stdout, "application/yaml")
    assert data == {
        "name": "owner/model",
        "licence": "mit",
        "documentation": {"evaluation_results": "x: acc = 0.5"},
        "provider": {"name": "P"},
    }
    template = tmp_path / "described.yaml"
    template.write_text(out.stdout, encoding="utf-8")
    assert run("validate", str(template)).returncode == 3  # cannot tell: the facts to add are missing


def test_describe_bad_input_exits_2(tmp_path: Path) -> None:
    bad = _card(tmp_path, "---\nlicense: [mit\n---\n")
    out = run("describe", str(bad))
    assert out.returncode == 2 and "not valid YAML: line" in out.stderr and out.stderr.count("\n") == 1
    out = run("describe", str(tmp_path / "absent_README.md"))
    assert out.returncode == 2 and "cannot read" in out.stderr
    latin = tmp_path / "l_README.md"
    latin.write_bytes(b"---\nlicense: \xe9\n---\n")
    assert run("describe", str(latin)).returncode == 2
    good = _card(tmp_path, "---\nlicense: mit\n---\n", "g_README.md")
    facts = _card(tmp_path, "training_compute_flops: 1e24\n", "f.yaml")
    out = run("describe", str(good), "--facts", str(facts))
    assert out.returncode == 2 and "training_compute_flop" in out.stderr


def test_card_description_fields() -> None:
    card = CardDescription({"name": "x"}, {"name": "given"})
    assert card.notes == {}
