"""The ``aiact`` command as a user runs it (a subprocess of the installed console script)."""

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg import paths

_BESIDE = Path(sys.executable).parent / "aiact"
AIACT = str(_BESIDE) if _BESIDE.exists() else shutil.which("aiact") or ""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    if not AIACT:
        pytest.fail("the console script `aiact` is not installed: run `pip install -e .[dev]`")
    return subprocess.run([AIACT, *args], capture_output=True, text=True, timeout=120, check=False)


def test_provision_json_has_the_contract_keys() -> None:
    out = run("provision", "Art. 53(1)", "--format", "json")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert {
        "notation",
        "iri",
        "title",
        "text",
        "url",
        "parent",
        "children",
        "references",
        "referenced_by",
    } <= set(info)
    assert info["notation"] == "Art. 53(1)"
    assert info["title"] == "Obligations for providers of general-purpose AI models"
    assert info["url"].endswith("#053.001")
    assert info["parent"] == "Art. 53"
    assert info["children"] == ["Art. 53(1)(a)", "Art. 53(1)(b)", "Art. 53(1)(c)", "Art. 53(1)(d)"]
    # references of the paragraph and its points, each with the node that makes it
    assert {"target": "Annex XI", "from": "Art. 53(1)(a)", "text": "Annex XI"} in info["references"]
    assert {"target": "Annex XII", "from": "Art. 53(1)(b)(ii)", "text": "Annex XII"} in info["references"]
    assert {
        "target": "Art. 53(1)(a)",
        "from": "Art. 53(2)",
        "text": "paragraph 1, points (a) and (b)",
    } in info["referenced_by"]
    assert any(r["from"].startswith("Annex XI") for r in info["referenced_by"])


def test_provision_text_format_reads_like_the_act() -> None:
    out = run("provision", "Art 53 2")
    assert out.returncode == 0
    assert out.stdout.startswith("Art. 53(2) — Obligations for providers of general-purpose AI models")
    assert "This exception shall not apply to general-purpose AI models with systemic risks." in out.stdout
    assert "Art. 53(1)(a)" in out.stdout


def test_unknown_provision_exits_2_with_a_message() -> None:
    out = run("provision", "Art. 53(9)")
    assert out.returncode == 2
    assert "Art. 53(9) does not exist" in out.stderr
    assert "Traceback" not in out.stderr


QUERY = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "SELECT ?n WHERE { ?p skos:notation ?n FILTER(STRSTARTS(?n, 'Art. 53(1)(')) } ORDER BY ?n"
)


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_query_formats(fmt: str) -> None:
    out = run("query", QUERY, "--format", fmt)
    assert out.returncode == 0, out.stderr
    expected = [
        "Art. 53(1)(a)",
        "Art. 53(1)(b)",
        "Art. 53(1)(b)(i)",
        "Art. 53(1)(b)(ii)",
        "Art. 53(1)(c)",
        "Art. 53(1)(d)",
    ]
    if fmt == "json":
        rows = json.loads(out.stdout)["results"]["bindings"]
        assert [r["n"]["value"] for r in rows] == expected
    elif fmt == "csv":
        assert [r[0] for r in csv.reader(io.StringIO(out.stdout))] == ["n", *expected]
    else:
        assert all(e in out.stdout for e in expected) and "(6 rows)" in out.stdout


def test_query_from_a_file_and_ask(tmp_path: Path) -> None:
    rq = tmp_path / "q.rq"
    rq.write_text("ASK { <https://w3id.org/aiact-kg/id/art_53> ?p ?o }")
    out = run("query", str(rq))
    assert (out.returncode, out.stdout.strip()) == (0, "yes")


def test_bad_sparql_exits_2() -> None:
    out = run("query", "SELECT WHERE {")
    assert out.returncode == 2 and "SPARQL syntax error" in out.stderr


def test_build_regenerates_the_committed_graph(tmp_path: Path) -> None:
    target = tmp_path / "provisions.ttl"
    out = run("build", "--output", str(target), "--strict")
    assert out.returncode == 0, out.stderr
    assert "references" in out.stdout
    assert target.read_bytes() == paths.PROVISIONS.read_bytes()


def test_module_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "api.cli", "provision", "Recital 109", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert json.loads(out.stdout)["notation"] == "Recital 109"


def test_referenced_by_follows_document_order() -> None:
    info = json.loads(run("provision", "Annex XI", "--format", "json").stdout)
    sources = [r["from"] for r in info["referenced_by"]]
    # articles come before the annexes that cite them, as in the Act
    assert sources.index("Art. 53(1)(a)") < sources.index("Annex XI, Section 1(2)")
