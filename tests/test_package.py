"""The package installs whole: a wheel built from the checkout carries every file the packages read at run
time (kg/paths.py), and, unpacked away from the checkout, finds them there.

The wheel is built once, from a copy of the checkout in a temporary directory (a build in place would
reuse a stale ``build/lib`` or ``*.egg-info/SOURCES.txt`` and could ship files the configuration no
longer lists), without build isolation and without the network. .ci/wheel-check goes further: a clean
virtualenv, the service on a port, its routes over HTTP.
"""

from __future__ import annotations

import email
import json
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from kg import paths

CHECKOUT = Path(__file__).resolve().parent.parent
PACKAGES = ("kg", "reasoner", "api", "ontology", "shapes")
ANYWHERE = shutil.ignore_patterns("__pycache__", ".*_cache", "*.egg-info", ".hypothesis", "node_modules")
AT_THE_TOP = {".git", ".venv", ".ci-venv", "build", "dist", "artifacts", ".benchmarks"}  # not kg/build


def not_source(directory: str, names: list[str]) -> set[str]:
    """What the copy of the checkout leaves out: caches, virtualenvs, earlier builds."""
    top = Path(directory) == CHECKOUT
    return set(ANYWHERE(directory, names)) | ({n for n in names if n in AT_THE_TOP} if top else set())


@dataclass
class Wheel:
    path: Path
    names: set[str]

    def metadata(self) -> email.message.Message:
        with zipfile.ZipFile(self.path) as z:
            info = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
            return email.message_from_bytes(z.read(info))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Wheel:
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(CHECKOUT, source, ignore=not_source, symlinks=True)
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
    done = subprocess.run([*pip, "-w", str(tmp / "dist"), str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = (tmp / "dist").glob("aiact_kg-*.whl")
    with zipfile.ZipFile(built) as z:
        return Wheel(built, set(z.namelist()))


def files(directory: str, pattern: str) -> list[str]:
    """The checkout's files matching ``pattern`` under ``directory``, as paths relative to the checkout."""
    found = [p for p in (CHECKOUT / directory).glob(pattern) if p.is_file() and "__pycache__" not in p.parts]
    return sorted(p.relative_to(CHECKOUT).as_posix() for p in found)


def examples() -> list[str]:
    # the checkout's examples/ (what the README validates) ship as kg/examples/
    return [f"kg/examples/{Path(f).name}" for f in files("examples", "*.json") + files("examples", "*.yaml")]


# What must be in the wheel, group by group: every file of the checkout each pattern matches.
SHIPPED: dict[str, Callable[[], list[str]]] = {
    "queries": lambda: files("kg/queries", "*.rq"),
    "checks": lambda: files("kg/checks", "*.rq"),
    "formex": lambda: files("kg/formex", "*"),
    "graph": lambda: ["kg/provisions.ttl", "kg/provisions.manifest.json"],
    "examples": examples,
    "ontology": lambda: [*files("ontology", "*.ttl"), "ontology/ontology.html"],
    "rules": lambda: files("ontology/rules", "*"),
    "shapes": lambda: files("shapes", "*.ttl"),
    "static": lambda: files("api/static", "**/*"),
    "modules": lambda: [f for package in PACKAGES for f in files(package, "**/*.py")],
}


@pytest.mark.parametrize("group", SHIPPED)
def test_the_wheel_ships_every_file(wheel: Wheel, group: str) -> None:
    expected = SHIPPED[group]()
    assert expected, f"no {group} files in the checkout: the pattern is wrong"
    missing = sorted(set(expected) - wheel.names)
    assert not missing, f"not in the wheel: {missing}"


def test_owlready2_is_only_a_development_dependency(wheel: Wheel) -> None:
    requires = wheel.metadata().get_all("Requires-Dist") or []
    owl = [r for r in requires if r.lower().startswith("owlready2")]
    assert owl and all('extra == "dev"' in r for r in owl), owl
    importing = [
        f for package in PACKAGES for f in files(package, "**/*.py")
        if "owlready2" in (CHECKOUT / f).read_text(encoding="utf-8")
    ]  # fmt: skip
    assert not importing, f"the packages use owlready2, a development dependency: {importing}"


def test_the_wheel_has_the_project_version(wheel: Wheel) -> None:
    project = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert wheel.metadata()["Version"] == project["version"]
    assert wheel.path.name.startswith(f"aiact_kg-{project['version']}-")


# Run in a separate interpreter over the unpacked wheel: every location of kg.paths (and the explorer's
# static files) exists there, and the routes that read package data answer from it.
UNPACKED = """
import json, sys
from importlib import metadata
from pathlib import Path

site = Path(sys.argv[1])
from kg import paths
from api.app import create_app
from api.routes import explorer, meta

located = {k: str(v) for k, v in vars(paths).items() if k.isupper()} | {"STATIC": str(explorer.STATIC)}
print(json.dumps({
    "located": located,
    "exist": [k for k, v in located.items() if Path(v).exists()],
    "inside": [k for k, v in located.items() if Path(v).resolve().is_relative_to(site.resolve())],
    "queries": [q["name"] for q in explorer.queries()],
    "examples": explorer.examples(),
    "example": explorer.example("documented-model.json").body.decode(),
    "ontology": meta.ontology().body.decode()[:200],
    "index": (explorer.STATIC / "index.html").is_file(),
    "version": create_app().version,
    "installed": metadata.version("aiact-kg"),
}))
"""


UNPACKED_VERSION = "0.0.0+unpacked"


@pytest.fixture(scope="module")
def unpacked(wheel: Wheel, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel.path) as z:
        z.extractall(site)  # what pip does with a pure-Python wheel
    # a version of its own, so that the service's version is seen to come from the installed metadata
    (info,) = site.glob("aiact_kg-*.dist-info/METADATA")
    version = f"Version: {wheel.metadata()['Version']}\n"
    text = info.read_text(encoding="utf-8")
    assert version in text
    info.write_text(text.replace(version, f"Version: {UNPACKED_VERSION}\n", 1), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", UNPACKED, str(site)],
        cwd=site.parent,  # away from the checkout, so that nothing is read from it
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    out: dict[str, Any] = json.loads(done.stdout)
    return out


def test_every_location_of_kg_paths_exists_in_the_installed_package(unpacked: dict[str, Any]) -> None:
    located = unpacked["located"]
    expected = {"KG", "FORMEX", "PROVISIONS", "CHECKS", "QUERIES", "EXAMPLES", "ONTOLOGY", "ONTOLOGY_HTML"}
    assert expected | {"SHAPES", "STATIC"} <= set(located)
    assert set(unpacked["exist"]) == set(located), located
    # all inside the unpacked wheel, none in the checkout (ROOT: where the packages are, here the site)
    assert set(unpacked["inside"]) == set(located), located


def test_the_installed_routes_read_the_package_data(unpacked: dict[str, Any]) -> None:
    assert unpacked["queries"] == [Path(f).stem for f in files("kg/queries", "*.rq")]
    assert unpacked["examples"] == sorted(Path(f).name for f in examples())
    written = (CHECKOUT / "examples" / "documented-model.json").read_text(encoding="utf-8")
    assert unpacked["example"] == written
    assert unpacked["ontology"].lstrip().lower().startswith("<!doctype html")
    assert unpacked["index"] is True


def test_the_service_version_is_the_installed_package_version(unpacked: dict[str, Any]) -> None:
    from api.app import create_app

    assert unpacked["version"] == unpacked["installed"] == UNPACKED_VERSION
    assert create_app().version == metadata.version("aiact-kg")


def test_the_checkout_reads_the_same_files_through_kg_paths() -> None:
    from api.routes import explorer

    # in the checkout, the package directories are the checkout's; the examples are the top-level ones
    assert paths.KG == CHECKOUT / "kg" and paths.ONTOLOGY == CHECKOUT / "ontology"
    assert paths.EXAMPLES.resolve() == (CHECKOUT / "examples").resolve()
    assert explorer.STATIC == CHECKOUT / "api" / "static"
    assert paths.ONTOLOGY_HTML.is_file() and not (CHECKOUT / "docs" / "ontology.html").exists()
