"""The layout is the architecture (docs/architecture.md): the Act as a graph (``kg``) knows nothing of
the GPAI law (``reasoner``), and neither knows the service and CLI (``api``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"kg": ("reasoner", "api"), "reasoner": ("api",)}
MAX_LINES = 500


def imports(path: Path) -> set[str]:
    """Every module a file imports (at the top or inside a function)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_wing_never_imports_the_one_built_on_it(package: str) -> None:
    wrong = {
        f"{p.relative_to(ROOT)} imports {m}"
        for p in modules(package)
        for m in imports(p)
        if m.split(".")[0] in FORBIDDEN[package]
    }
    assert not wrong, sorted(wrong)


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from api.settings import Settings\n    import reasoner.engine\n")
    assert {"api.settings", "reasoner.engine"} <= imports(bad)


@pytest.mark.parametrize("package", ["kg", "reasoner", "api"])
def test_modules_stay_small(package: str) -> None:
    big = {
        str(p.relative_to(ROOT)): n
        for p in modules(package)
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not big, f"split these modules by what they hold: {big}"


def test_the_old_flat_modules_are_gone() -> None:
    """The Act-graph modules left reasoner/ for kg/ (a stale copy would be imported by old code)."""
    moved = ["formex", "grammar", "xrefs", "store", "query_pool", "remote_store", "index", "notation", "act"]
    assert not [m for m in moved if (ROOT / "reasoner" / f"{m}.py").exists()]
    assert not (ROOT / "api" / "commands.py").exists()
