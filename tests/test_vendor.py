"""The vendored front-end libraries (api/static/vendor/, written by scripts/vendor.py): every file is
the one VERSIONS records (sha256), nothing else is there, every library carries its licence, and the
versions are the ones the script pins."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "api" / "static" / "vendor"


def _records() -> list[tuple[str, str, str, str]]:
    lines = (VENDOR / "VERSIONS").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]  # type: ignore[misc]


def _script() -> object:
    spec = importlib.util.spec_from_file_location("vendor_script", ROOT / "scripts" / "vendor.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_vendored_file_matches_its_recorded_checksum() -> None:
    records = _records()
    assert records
    for _library, _version, digest, path in records:
        assert hashlib.sha256((VENDOR / path).read_bytes()).hexdigest() == digest, path
    on_disk = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()}
    assert on_disk - {"VERSIONS"} == {path for *_, path in records}


def test_each_library_has_its_licence_and_the_pinned_version() -> None:
    pinned = _script().LIBRARIES  # type: ignore[attr-defined]
    records = _records()
    for directory, (package, version, _files) in pinned.items():
        mine = [r for r in records if r[3].startswith(directory + "/")]
        assert mine, directory
        assert {(r[0], r[1]) for r in mine} == {(package, version)}, directory
        licence = VENDOR / directory / "LICENSE"
        assert licence.is_file() and "licen" in licence.read_text(encoding="utf-8").lower(), directory
    assert {r[3].split("/")[0] for r in records} == set(pinned)


def test_every_patch_of_a_built_file_is_in_the_vendored_file() -> None:
    """The edits scripts/vendor.py makes so that nothing loads from elsewhere (ReDoc's logo, YASGUI's
    default endpoint and endpoint catalogue) are there, and what they replace is not."""
    patches = _script().PATCHES  # type: ignore[attr-defined]
    assert "yasgui/yasgui.min.js" in patches and "redoc/redoc.standalone.js" in patches
    for path, edits in patches.items():
        text = (VENDOR / path).read_text(encoding="utf-8")
        for old, new in edits:
            assert old not in text and new in text, (path, old)
    yasgui = (VENDOR / "yasgui" / "yasgui.min.js").read_text(encoding="utf-8")
    assert "dbpedia.org/sparql" not in yasgui and "query.wikidata.org" not in yasgui
