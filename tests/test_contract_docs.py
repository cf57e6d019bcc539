"""The project's copy of the contract (docs/contract.md) documents what the engine actually produces:
every classification basis and obligation status the rules can give, every severity, and the exit codes."""

from __future__ import annotations

import re

from kg import paths

CONTRACT = (paths.ROOT / "docs" / "contract.md").read_text(encoding="utf-8")


def _rule_values(column: int) -> set[str]:
    """The values of one column of the VALUES tables of the rules (0 = case, 1 = value/status, 2 = basis)."""
    found: set[str] = set()
    for path in (paths.ONTOLOGY / "rules").glob("*.rq"):
        for row in re.findall(r'^\s*\(("[^"]*")\s+("[^"]*")\s+("[^"]*")', path.read_text(), re.M):
            found.add(row[column].strip('"'))
    return found


def test_every_basis_the_rules_give_is_documented() -> None:
    bases = {b for b in _rule_values(2) if b.islower() and " " not in b and "/" not in b}
    assert {"presumed", "declared", "designated", "facts", "moot", "modification", "decision"} <= bases
    missing = [b for b in bases | {"estimated"} if f"`{b}`" not in CONTRACT]
    assert missing == []


def test_every_status_severity_and_exit_code_is_documented() -> None:
    statuses = {
        s for s in _rule_values(1) if "_" in s or s in ("exempt", "undetermined", "met", "violated", "due")
    }
    statuses = (statuses - {"due"}) | {"met", "violated"}
    assert [s for s in statuses if f"`{s}`" not in CONTRACT] == []
    for severity in ("violation", "warning", "info"):
        assert f"`{severity}`" in CONTRACT
    for code, meaning in (("0", "conforms"), ("1", "a violation"), ("3", "cannot tell"), ("2", "bad input")):
        assert re.search(rf"\*\*{code}\*\* \({meaning}", CONTRACT), code


def test_the_copy_keeps_every_section_of_the_shared_contract() -> None:
    for heading in ("## 1. Citation notation", "## 2. Model description (input)", "## 3. Report (output)",
                    "## 4. Model cards and collections"):  # fmt: skip
        assert heading in CONTRACT
