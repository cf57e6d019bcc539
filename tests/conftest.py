"""Shared fixtures: one fresh build of the graph and one store over the committed graph per session."""

from __future__ import annotations

import pytest

from kg.act import Act
from kg.build.graph import BuildResult, build
from kg.store.core import OxigraphStore


@pytest.fixture(scope="session")
def fresh() -> BuildResult:
    """The graph built now from the Formex files shipped in kg/formex."""
    return build()


@pytest.fixture(scope="session")
def store() -> OxigraphStore:
    return OxigraphStore()


@pytest.fixture(scope="session")
def act(store: OxigraphStore) -> Act:
    return Act(store)


# The whole suite collects at least this many cases; a suite that silently shrinks fails here.
MIN_CASES = 1119


def pytest_collection_finish(session: pytest.Session) -> None:
    config = session.config
    whole_suite = (
        not config.option.keyword
        and not config.option.markexpr
        and [str(a).rstrip("/") for a in config.args] == [str(t) for t in config.getini("testpaths")]
    )
    if whole_suite and len(session.items) < MIN_CASES:
        raise pytest.UsageError(f"collected {len(session.items)} test cases, fewer than {MIN_CASES}")
