"""Where the project's data files live (installed with the package)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KG = ROOT / "kg"
FORMEX = KG / "formex"
PROVISIONS = KG / "provisions.ttl"
CHECKS = KG / "checks"
ONTOLOGY = ROOT / "ontology"
SHAPES = ROOT / "shapes"
QUERIES = KG / "queries"
ONTOLOGY_HTML = ROOT / "docs" / "ontology.html"  # issue 10: becomes package data (see the packaging work)
EXAMPLES = ROOT / "examples"
