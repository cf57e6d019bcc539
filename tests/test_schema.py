"""The documented contract of a description (JSON Schema, key reference) is generated from the
ontology and stays in step with it; the examples satisfy it."""

import json
from pathlib import Path

import jsonschema
import pytest

from reasoner.schema import json_schema, key_reference

ROOT = Path(__file__).parent.parent


def test_committed_schema_and_key_reference_are_current() -> None:
    assert json.loads((ROOT / "docs" / "description.schema.json").read_text()) == json_schema()
    assert (ROOT / "docs" / "description.md").read_text() == key_reference()


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


def test_ontology_documentation_is_current() -> None:
    from reasoner.ontology_docs import render

    assert (ROOT / "docs" / "ontology.html").read_text() == render(), "run `aiact docs`"
