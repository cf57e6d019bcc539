"""Graph quality checks (``kg/checks/*-violation.rq``): none fires on the real graph, each fires on
its bad fixture (``tests/fixtures/bad/<check>.ttl``, loaded beside the real graph)."""

from pathlib import Path

import pytest

from kg import paths
from kg.store.core import OxigraphStore, default_files

CHECKS = sorted(paths.CHECKS.glob("*-violation.rq"))
BAD = Path(__file__).parent / "fixtures" / "bad"


def test_the_checks_are_all_collected() -> None:
    assert len(CHECKS) == 10
    assert sorted(p.stem for p in BAD.glob("*.ttl")) == [c.stem for c in CHECKS]


@pytest.mark.parametrize("check", CHECKS, ids=[c.stem for c in CHECKS])
def test_check_passes_on_the_graph(store: OxigraphStore, check: Path) -> None:
    assert store.query(check.read_text()).rows == []


@pytest.mark.parametrize("check", CHECKS, ids=[c.stem for c in CHECKS])
def test_check_fires_on_its_bad_fixture(check: Path) -> None:
    bad = OxigraphStore([*default_files(), BAD / f"{check.stem}.ttl"])
    assert bad.query(check.read_text()).rows != []
