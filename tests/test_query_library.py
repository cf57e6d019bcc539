"""The researcher's query library (``kg/queries/*.rq``): each has a title and a question, and gives a
correct, non-empty answer (expectations in ``fixtures/query_library.yaml``)."""

from pathlib import Path

import pytest
import yaml

from kg import paths
from kg.store.core import OxigraphStore, term_text

QUERIES = sorted((paths.KG / "queries").glob("*.rq"))
EXPECT = yaml.safe_load((Path(__file__).parent / "fixtures" / "query_library.yaml").read_text())


def test_library_size_and_expectations_match() -> None:
    assert len(QUERIES) == 16
    assert sorted(EXPECT) == [q.name for q in QUERIES]


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_query(store: OxigraphStore, query: Path) -> None:
    text = query.read_text()
    assert text.startswith("# title: ") and "\n# question: " in text
    rows = [{k: term_text(v) for k, v in r.items()} for r in store.query(text).rows]
    expect = EXPECT[query.name]
    assert len(rows) >= expect["min_rows"]
    for wanted in expect.get("rows", []):
        assert any(all(row.get(k) == str(v) for k, v in wanted.items()) for row in rows), wanted
    for column, values in expect.get("absent", {}).items():
        assert not {row.get(column) for row in rows} & set(values)
