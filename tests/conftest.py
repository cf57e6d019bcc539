"""Shared fixtures: one fresh build of the graph and one store over the committed graph per session."""

from __future__ import annotations

import pytest

from reasoner.act import Act
from reasoner.build import BuildResult, build
from reasoner.store import OxigraphStore


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
