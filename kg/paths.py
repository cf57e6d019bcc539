"""Where the project's data files live: package data, found through ``importlib.resources`` wherever the
packages are installed (a checkout, an editable install or a wheel in site-packages), never relative to
the source tree.

Every data file ships in the wheel (``[tool.setuptools.package-data]`` in pyproject.toml;
tests/test_package.py builds a wheel and checks it). The constants are :class:`pathlib.Path` objects:
the packages are always installed as directories (pip unpacks wheels), and rdflib, lxml and the build's
writers take file-system paths.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def package_dir(package: str) -> Path:
    """The directory of an installed ``package``, where its data files are."""
    location = files(package)
    if not isinstance(location, Path):  # a zipped or namespace package: its files are not on the disk
        raise RuntimeError(f"aiact-kg needs {package} installed as a directory, not {location!r}")
    return location


KG = package_dir("kg")
FORMEX = KG / "formex"
PROVISIONS = KG / "provisions.ttl"
CHECKS = KG / "checks"
QUERIES = KG / "queries"
# The example descriptions: the checkout keeps them at the top, examples/ (the README validates
# examples/....json); kg/examples is a symbolic link to that directory, and the wheel ships its files.
EXAMPLES = KG / "examples"
ONTOLOGY = package_dir("ontology")
ONTOLOGY_HTML = ONTOLOGY / "ontology.html"  # written by `aiact docs` (and `aiact build`)
SHAPES = package_dir("shapes")
# The directory holding the packages: the checkout's root in a checkout (only the tests read it, for
# files that are not package data: docs/, examples/, the README), site-packages when installed.
ROOT = KG.parent
