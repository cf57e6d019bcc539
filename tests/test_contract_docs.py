"""The project's copy of the contract (docs/contract.md) documents what the engine actually produces:
every classification basis and obligation status the rules can give, every severity and scope (the
vocabularies of the report schema, ``reasoner.report_schema``), the exit codes, and where its schemas are."""

from __future__ import annotations

import re

from kg import paths
from reasoner.report_schema import vocabulary

CONTRACT = (paths.ROOT / "docs" / "contract.md").read_text(encoding="utf-8")


def test_every_basis_status_and_severity_the_engine_gives_is_documented() -> None:
    """The vocabularies of the report schema, read from the rules and the shapes."""
    v = vocabulary()
    assert {
        "presumed",
        "estimated",
        "declared",
        "designated",
        "facts",
        "moot",
        "modification",
        "decision",
    } <= set(v.bases)
    undocumented = [b for b in [*v.bases, *v.statuses, *v.severities, *v.scopes] if f"`{b}`" not in CONTRACT]
    assert undocumented == []


def test_every_exit_code_is_documented() -> None:
    for code, meaning in (("0", "conforms"), ("1", "a violation"), ("3", "cannot tell"), ("2", "bad input")):
        assert re.search(rf"\*\*{code}\*\* \({meaning}", CONTRACT), code


def test_the_contract_names_its_schemas_and_how_they_are_made() -> None:
    for name in ("docs/description.schema.json", "docs/report.schema.json", "make generate"):
        assert f"`{name}`" in CONTRACT, name
    assert "#/components/schemas/Report" in CONTRACT


def test_the_copy_keeps_every_section_of_the_shared_contract() -> None:
    for heading in ("## 1. Citation notation", "## 2. Model description (input)", "## 3. Report (output)",
                    "## 4. Model cards and collections"):  # fmt: skip
        assert heading in CONTRACT
