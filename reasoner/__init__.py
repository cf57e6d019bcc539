"""aiact-kg: knowledge graph and legal reasoning for Regulation (EU) 2024/1689 (the AI Act).

Python API::

    from reasoner import validate, classify
    report = validate({"name": "ExampleLM", "training_compute_flop": 3e24, ...}, as_of="2026-11-24")
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reasoner.engine import Engine

__all__ = ["classify", "validate"]


@cache
def _engine() -> Engine:
    from reasoner.engine import Engine

    return Engine()


def _prepare(
    description: dict[str, Any] | str | bytes, media_type: str, as_of: str | dt.date | None
) -> tuple[dict[str, Any], dt.date]:
    from reasoner.description import check, load

    data = check(description) if isinstance(description, dict) else load(description, media_type)
    day = as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    return data, day


def validate(
    description: dict[str, Any] | str | bytes,
    as_of: str | dt.date | None = None,
    media_type: str = "application/json",
) -> dict[str, Any]:
    """The docs/contract.md §3 report of a description (a dict, or JSON/YAML/Turtle/JSON-LD text)."""
    from reasoner.report import report

    data, day = _prepare(description, media_type, as_of)
    engine = _engine()
    return report(engine, engine.assess(data, day))


def classify(
    description: dict[str, Any] | str | bytes,
    as_of: str | dt.date | None = None,
    media_type: str = "application/json",
) -> dict[str, Any]:
    """The classification part of the report."""
    rep = validate(description, as_of, media_type)
    return {k: rep[k] for k in ("model", "as_of", "classification", "designation_indicators")}
