"""Refresh the vendored front-end libraries in api/static/vendor/ (``make vendor``).

Each library is a pinned npm package, fetched with ``npm pack`` (the registry's tarball, no install
scripts run), of which only the built files the pages load are copied, with the package's licence.
api/static/vendor/VERSIONS records, for every file copied: library, version, sha256, path;
tests/test_vendor.py checks the files against it. To upgrade a library: change its version here, run
``make vendor``, run the tests (tests/test_explorer.py drives the pages in a browser).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "api" / "static" / "vendor"

# directory in vendor/: (npm package, pinned version, {file in the package: name in vendor/<dir>/})
LIBRARIES: dict[str, tuple[str, str, dict[str, str]]] = {
    "swagger-ui": (
        "swagger-ui-dist",
        "5.35.0",
        {
            "swagger-ui-bundle.js": "swagger-ui-bundle.js",
            "swagger-ui-bundle.js.LICENSE.txt": "swagger-ui-bundle.js.LICENSE.txt",
            "swagger-ui.css": "swagger-ui.css",
            "favicon-32x32.png": "favicon-32x32.png",
            "LICENSE": "LICENSE",
            "NOTICE": "NOTICE",
        },
    ),
    "redoc": (
        "redoc",
        "2.5.4",  # the 3.x standalone bundle uses import.meta: it fails as the classic script /redoc loads
        {"bundles/redoc.standalone.js": "redoc.standalone.js", "LICENSE": "LICENSE"},
    ),
    # the SPARQL view: editor (line numbers, Ctrl+Enter, errors), result table, tabs, share links
    "yasgui": (
        "@zazuko/yasgui",
        "4.6.2",
        {"build/yasgui.min.js": "yasgui.min.js", "build/yasgui.min.css": "yasgui.min.css"},
    ),
    # the graph view: Cytoscape.js and its fcose force layout (with the two bases fcose is built on)
    "cytoscape": ("cytoscape", "3.35.0", {"dist/cytoscape.min.js": "cytoscape.min.js", "LICENSE": "LICENSE"}),
    "layout-base": ("layout-base", "2.0.1", {"layout-base.js": "layout-base.js", "LICENSE": "LICENSE"}),
    "cose-base": ("cose-base", "2.2.0", {"cose-base.js": "cose-base.js", "LICENSE": "LICENSE"}),
    "cytoscape-fcose": (
        "cytoscape-fcose",
        "2.2.0",
        {"cytoscape-fcose.js": "cytoscape-fcose.js", "LICENSE": "LICENSE"},
    ),
    # the description editor in the validation view: CodeMirror 5 with its hint and lint add-ons
    "codemirror": (
        "codemirror",
        "5.65.20",
        {
            "lib/codemirror.js": "codemirror.js",
            "lib/codemirror.css": "codemirror.css",
            "mode/javascript/javascript.js": "javascript.js",
            "addon/hint/show-hint.js": "show-hint.js",
            "addon/hint/show-hint.css": "show-hint.css",
            "addon/lint/lint.js": "lint.js",
            "addon/lint/lint.css": "lint.css",
            "addon/edit/matchbrackets.js": "matchbrackets.js",
            "addon/edit/closebrackets.js": "closebrackets.js",
            "LICENSE": "LICENSE",
        },
    ),
}

YASGUI_LICENCE = """The MIT License (MIT)

Copyright (c) Triply <info@triply.cc> and the Yasgui contributors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
"""

# files written beside a package's own, for a package whose tarball lacks its licence: {dir: {name: text}}
WRITTEN: dict[str, dict[str, str]] = {
    # @zazuko/yasgui declares "license": "MIT" but ships no licence file: the text of its repository's
    # LICENSE (github.com/zazuko/Yasgui, commit 0d3c816a36bc3f3cbfeda624632b06a39e26bdb3), with the
    # copyright its package.json names
    "yasgui": {"LICENSE": YASGUI_LICENCE},
}

# the only edits made to a built file, each of a string found exactly once: nothing loads from elsewhere
PATCHES: dict[str, list[tuple[str, str]]] = {
    # YASGUI's defaults send queries to DBpedia and offer DBpedia and Wikidata as endpoints: this service's
    # own /sparql and no catalogue instead, so that no setting left out can make a page ask another host
    "yasgui/yasgui.min.js": [
        ("endpoint:`https://dbpedia.org/sparql`,method:`POST`", "endpoint:`/sparql`,method:`POST`"),
        (
            "getData:()=>[{endpoint:`https://dbpedia.org/sparql`},"
            "{endpoint:`https://query.wikidata.org/bigdata/namespace/wdq/sparql`}]",
            "getData:()=>[]",
        ),
    ],
    # ReDoc's side menu shows a "Redocly" logo fetched from its CDN, unconditionally: an empty SVG instead
    "redoc/redoc.standalone.js": [
        (
            '"https://cdn.redoc.ly/redoc/logo-mini.svg"',
            '"data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27/%3E"',
        ),
    ],
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pack(package: str, version: str, into: Path) -> Path:
    done = subprocess.run(
        ["npm", "pack", "--silent", "--pack-destination", str(into), f"{package}@{version}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"npm pack {package}@{version} failed:\n{done.stderr}")
    return into / done.stdout.strip().splitlines()[-1]


def main() -> int:
    lines = ["# library\tversion\tsha256\tpath (under api/static/vendor/); written by scripts/vendor.py"]
    with tempfile.TemporaryDirectory() as tmp:
        for directory, (package, version, files) in LIBRARIES.items():
            tarball = pack(package, version, Path(tmp))
            target = VENDOR / directory
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            with tarfile.open(tarball) as tar:
                for inside, name in files.items():
                    member = tar.extractfile(f"package/{inside}")
                    if member is None:
                        sys.exit(f"{package}@{version} has no {inside}")
                    (target / name).write_bytes(member.read())
            for name in files.values():
                for old, new in PATCHES.get(f"{directory}/{name}", []):
                    text = (target / name).read_text(encoding="utf-8")
                    if text.count(old) != 1:
                        sys.exit(f"{directory}/{name}: {old} is not there once; review the patch")
                    (target / name).write_text(text.replace(old, new), encoding="utf-8")
            for name, text in WRITTEN.get(directory, {}).items():
                (target / name).write_text(text, encoding="utf-8")
            for path in sorted(target.iterdir()):
                rel = path.relative_to(VENDOR).as_posix()
                lines.append(f"{package}\t{version}\t{sha256(path)}\t{rel}")
                print(f"{rel}\t{path.stat().st_size:>9} bytes")
    (VENDOR / "VERSIONS").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
