"""The README's example query runs and gives what it promises."""

import re
from pathlib import Path

from kg.store.core import OxigraphStore

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_sparql_example(store: OxigraphStore) -> None:
    blocks = re.findall(r"```sparql\n(.*?)```", README, flags=re.S)
    assert len(blocks) == 1
    rows = store.query(blocks[0]).rows
    sources = {r["from"].value for r in rows}
    assert {"Art. 53(1)(a)", "Art. 53(5)", "Art. 54(3)(a)", "Art. 54(3)(b)", "Art. 53(6)"} <= sources
    assert "Art. 51(1)(b)" not in sources  # cites Annex XIII, not Annex XI
