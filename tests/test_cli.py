"""The ``aiact`` command: every command runs in this process through :func:`api.cli.main` (so coverage
sees it), with its exit code and what it prints; one smoke test runs the installed console script."""

from __future__ import annotations

import csv
import io
import json
import runpy
import shutil
import subprocess
import sys
import warnings
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from api.cli import main
from kg import paths

EXAMPLES = Path(__file__).parent.parent / "examples"


@dataclass(frozen=True)
class Outcome:
    """What ``aiact ARGS`` did: its exit code and what it wrote to stdout and stderr."""

    returncode: int
    stdout: str
    stderr: str


def _exit_code(err: SystemExit) -> int:
    return 0 if err.code is None else err.code if isinstance(err.code, int) else 1


def run(*args: str, stdin: bytes = b"") -> Outcome:
    """``aiact ARGS`` in this process. An exception the command does not catch propagates (and fails the
    test) where the console script would print a traceback; argparse's own exits become exit codes."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exit_:
                code = _exit_code(exit_)
    finally:
        sys.stdin = saved
    return Outcome(code, out.getvalue(), err.getvalue())


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


def test_provision_text_format_without_children_or_references() -> None:
    out = run("provision", "Art. 113, third paragraph, point (b)")
    assert out.returncode == 0, out.stderr
    assert "Part of: Art. 113, third paragraph" in out.stdout
    assert "Contains:" not in out.stdout
    assert "Referred to by (0):\n  none" in out.stdout


def test_unknown_provision_exits_2_with_a_message() -> None:
    out = run("provision", "Art. 53(9)")
    assert out.returncode == 2
    assert "Art. 53(9) does not exist" in out.stderr
    assert out.stdout == ""


def test_a_bad_option_exits_2_with_the_usage() -> None:
    out = run("provision", "Art. 53", "--format", "xml")
    assert out.returncode == 2
    assert out.stderr.startswith("usage: aiact provision") and "invalid choice: 'xml'" in out.stderr
    assert run().returncode == 2  # a command is required


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
        assert out.stdout.endswith("\r\n") and not out.stdout.endswith("\n\n")  # no line of print's own
        assert [r[0] for r in csv.reader(io.StringIO(out.stdout))] == ["n", *expected]
    else:
        assert all(e in out.stdout for e in expected) and "(6 rows)" in out.stdout


def test_query_from_a_file_and_ask(tmp_path: Path) -> None:
    rq = tmp_path / "q.rq"
    rq.write_text("ASK { <https://w3id.org/aiact-kg/id/art_53> ?p ?o }")
    out = run("query", str(rq))
    assert (out.returncode, out.stdout.strip()) == (0, "yes")


def test_an_unreadable_query_file_exits_2(tmp_path: Path) -> None:
    out = run("query", str(tmp_path / "missing.rq"))
    assert out.returncode == 2
    assert f"cannot read the query file {tmp_path / 'missing.rq'}: No such file or directory" in out.stderr


def test_bad_sparql_exits_2() -> None:
    out = run("query", "SELECT WHERE {")
    assert out.returncode == 2 and "SPARQL syntax error" in out.stderr


def test_build_regenerates_the_committed_graph(tmp_path: Path) -> None:
    target = tmp_path / "provisions.ttl"
    out = run("build", "--output", str(target), "--strict")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("built provisions.ttl: ") and "references" in out.stdout
    assert out.stderr == ""  # no reference left unresolved
    assert target.read_bytes() == paths.PROVISIONS.read_bytes()


def test_referenced_by_follows_document_order() -> None:
    info = json.loads(run("provision", "Annex XI", "--format", "json").stdout)
    sources = [r["from"] for r in info["referenced_by"]]
    # articles come before the annexes that cite them, as in the Act
    assert sources.index("Art. 53(1)(a)") < sources.index("Annex XI, Section 1(2)")


def test_schema_and_key_reference() -> None:
    from reasoner.schema import json_schema, key_reference

    out = run("schema")
    assert out.returncode == 0 and json.loads(out.stdout) == json_schema() and out.stdout.endswith("}\n")
    keys = run("schema", "--keys")
    assert keys.returncode == 0 and keys.stdout == key_reference()


def test_docs_writes_the_ontology_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reasoner.ontology_docs import render

    target = tmp_path / "ontology.html"
    monkeypatch.setattr(paths, "ONTOLOGY_HTML", target)
    out = run("docs")
    assert (out.returncode, out.stdout) == (0, "wrote ontology.html\n")
    assert target.read_text(encoding="utf-8") == render()


def test_serve_with_a_bad_setting_exits_2_before_it_listens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "8")  # leave the malloc of the test process alone
    monkeypatch.setenv("AIACT_WORKER_MEMORY", "lots")
    out = run("serve", "--port", "1")
    assert out.returncode == 2
    assert out.stderr.startswith("aiact serve: not a size in bytes: 'lots'")


def test_module_entry_point(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """``python -m api.cli``: the module runs :func:`main` and exits with its code."""
    monkeypatch.setattr(sys, "argv", ["aiact", "provision", "Recital 109", "--format", "json"])
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'api.cli' found in sys.modules", RuntimeWarning)
        with pytest.raises(SystemExit) as exit_:
            runpy.run_module("api.cli", run_name="__main__")
    assert exit_.value.code == 0
    assert json.loads(capsys.readouterr().out)["notation"] == "Recital 109"


_BESIDE = Path(sys.executable).parent / "aiact"
AIACT = str(_BESIDE) if _BESIDE.exists() else shutil.which("aiact") or ""


def test_the_installed_console_script() -> None:
    """The one subprocess: ``aiact`` as installed prints what :func:`main` prints, and exits with its code."""
    if not AIACT:
        pytest.fail("the console script `aiact` is not installed: run `pip install -e .[dev]`")
    args = ["validate", str(EXAMPLES / "closed-frontier-model.json"), "--as-of", "2026-11-24"]
    out = subprocess.run([AIACT, *args], capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 1, out.stderr
    assert out.stdout.startswith("Meridian-Ultra — as of 2026-11-24: DOES NOT CONFORM")
    assert (out.returncode, out.stdout, out.stderr) == tuple(vars(run(*args)).values())


def test_a_reader_that_goes_away_is_no_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """``aiact validate ... | head``: the closed pipe ends the command quietly, with the shell's 141."""
    import api.cli

    def closed(args: object) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(api.cli, "cmd_validate", closed)
    assert api.cli.main(["validate", str(EXAMPLES / "closed-frontier-model.json")]) == 141
