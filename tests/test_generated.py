"""Every generated file is committed as its generator writes it now: ``make generate`` regenerates them
all, and each test below regenerates one (in memory or into a temporary directory) and fails on a stale
copy, saying so. The Makefile's ``generate`` target runs every generator listed here."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from kg import integrity, paths
from kg.build.graph import BuildResult, serialise, write
from reasoner import report_schema, schema
from reasoner.ontology_docs import render as ontology_docs

STALE = "is stale: run `make generate`"


def _written(main: Callable[[list[str]], int], tmp_path: Path, name: str) -> str:
    """What a generator's ``main`` writes, written into ``tmp_path`` instead of the checkout."""
    assert main([str(tmp_path)]) == 0
    return (tmp_path / name).read_text(encoding="utf-8")


def test_description_schema_is_current(tmp_path: Path) -> None:
    generated = _written(schema.main, tmp_path, schema.SCHEMA_PATH.name)
    assert schema.SCHEMA_PATH.read_text(encoding="utf-8") == generated, f"{schema.SCHEMA_PATH.name} {STALE}"


def test_description_key_reference_is_current(tmp_path: Path) -> None:
    generated = _written(schema.main, tmp_path, schema.KEYS_PATH.name)
    assert schema.KEYS_PATH.read_text(encoding="utf-8") == generated, f"{schema.KEYS_PATH.name} {STALE}"


def test_report_schema_is_current(tmp_path: Path) -> None:
    generated = _written(report_schema.main, tmp_path, report_schema.PATH.name)
    assert report_schema.PATH.read_text(encoding="utf-8") == generated, f"{report_schema.PATH.name} {STALE}"


def test_ontology_documentation_is_current() -> None:
    committed = paths.ONTOLOGY_HTML.read_text(encoding="utf-8")
    assert committed == ontology_docs(), f"{paths.ONTOLOGY_HTML.name} {STALE}"


@pytest.mark.slow
def test_graph_is_current(fresh: BuildResult) -> None:
    """The session's one fresh build (tests/conftest.py), shared with tests/test_build.py."""
    committed = paths.PROVISIONS.read_text(encoding="utf-8")
    assert committed == serialise(fresh.graph), f"{paths.PROVISIONS.name} {STALE}"


@pytest.mark.slow
def test_graph_manifest_is_current(fresh: BuildResult, tmp_path: Path) -> None:
    written = integrity.manifest_path(write(fresh, tmp_path / paths.PROVISIONS.name))
    committed = integrity.manifest_path(paths.PROVISIONS)
    assert committed.read_text(encoding="utf-8") == written.read_text(encoding="utf-8"), (
        f"{committed.name} {STALE}"
    )


def test_make_generate_runs_every_generator() -> None:
    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^generate:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert match, "the Makefile has no generate target"
    recipe = [line.strip() for line in match.group(1).splitlines()]
    assert recipe == [
        "aiact build --strict",  # kg/provisions.ttl and kg/provisions.manifest.json
        "aiact docs",  # the ontology's HTML documentation
        "python -m reasoner.schema",  # docs/description.schema.json, docs/description.md
        "python -m reasoner.report_schema",  # docs/report.schema.json
        "python -m reasoner.model_card",  # docs/model-cards.md (the model-card mapping)
    ]
