"""Collections (docs/contract.md §5, "Batches"): ``aiact validate`` over folders, globs, JSON Lines files,
standard input and model cards; ``--format csv``; the summary (``reasoner.summary``); the progress bar;
``--jobs``; the streaming JSON Lines answer of ``POST /validate/batch``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import cli_collections as cli
from api.app import create_app
from api.settings import Settings
from reasoner import validate
from reasoner.description import load, media_type_of
from tests.test_cli import run

EXAMPLES = Path(__file__).parent.parent / "examples"
DAY = "2026-11-24"
CARDS = Path(__file__).parent / "fixtures" / "hf-model-cards" / "cards"  # the shipped real cards
CARD = """---
license: apache-2.0
pipeline_tag: text-generation
language: [en]
---
# Tiny card

A small text generation model.
"""


def _lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def _examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.*"))


def _expected(path: Path) -> dict[str, Any]:
    return validate(load(path.read_bytes(), media_type_of(path.name)), as_of=DAY)


def _jsonl(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def _models() -> list[dict[str, Any]]:
    return [json.loads((EXAMPLES / n).read_text()) for n in ("documented-model.json", "non-eu-provider.json")]


# -- inputs ---------------------------------------------------------------------------------------


def test_a_folder_with_json_lines_and_a_broken_file(tmp_path: Path) -> None:
    for f in _examples():
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "a-broken.json").write_text('{"name": "x",')
    models = _models()
    _jsonl(tmp_path / "many.jsonl", json.dumps(models[0]), "", json.dumps(models[1]))
    out = run("validate", str(tmp_path), "--format", "jsonl", "--as-of", DAY)
    assert out.returncode == 2
    lines = _lines(out.stdout)
    names = [line["file"] for line in lines]
    many = str(tmp_path / "many.jsonl")
    expected = []
    for f in sorted(tmp_path.iterdir()):
        expected += [f"{many}:1", f"{many}:3"] if f.suffix == ".jsonl" else [str(f)]
    assert names == expected and names[0] == str(tmp_path / "a-broken.json")
    broken = lines[0]
    assert broken["file"] == str(tmp_path / "a-broken.json") and set(broken) == {"file", "error"}
    assert broken["error"]["problem"].startswith("not valid JSON")
    assert len(lines) == 1 + len(_examples()) + 2
    by_name = {line.pop("file"): line for line in lines}
    for f in _examples():
        assert by_name[str(tmp_path / f.name)] == _expected(f)
    assert by_name[f"{many}:1"] == validate(models[0], as_of=DAY)
    assert by_name[f"{many}:3"] == validate(models[1], as_of=DAY)


def test_a_glob_is_expanded_even_when_the_shell_did_not(tmp_path: Path) -> None:
    for f in _examples():
        shutil.copy(f, tmp_path / f.name)
    out = run("validate", str(tmp_path / "*.json"), "--format", "jsonl", "--as-of", DAY)
    names = [line["file"] for line in _lines(out.stdout)]
    assert names == sorted(str(tmp_path / f.name) for f in _examples() if f.suffix == ".json")
    none = run("validate", str(tmp_path / "*.nothing"), "--format", "jsonl", "--as-of", DAY)
    (line,) = _lines(none.stdout)
    assert none.returncode == 2 and "no file matches" in line["error"]["problem"]
    assert line["file"] == str(tmp_path / "*.nothing")


def test_a_bad_line_of_a_json_lines_file_is_one_error_line_naming_file_and_line(tmp_path: Path) -> None:
    models = _models()
    path = _jsonl(tmp_path / "batch.jsonl", json.dumps(models[0]), "{not json", json.dumps(models[1]))
    out = run("validate", str(path), "--format", "jsonl", "--as-of", DAY)
    assert out.returncode == 2
    lines = _lines(out.stdout)
    assert [line["file"] for line in lines] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert set(lines[1]) == {"file", "error"} and lines[1]["error"]["problem"].startswith("not valid JSON")
    assert lines[2]["model"] == models[1]["name"]
    empty = _jsonl(tmp_path / "empty.jsonl", "", "")
    (line,) = _lines(run("validate", str(empty), "--format", "jsonl").stdout)
    assert line["file"] == str(empty) and "holds no descriptions" in line["error"]["problem"]


def test_a_json_lines_file_in_the_text_format_too(tmp_path: Path) -> None:
    models = _models()
    path = _jsonl(tmp_path / "batch.jsonl", json.dumps(models[0]), "[1]")
    out = run("validate", str(path), "--as-of", DAY)
    assert out.returncode == 2
    assert out.stdout.count(" — as of 2026-11-24: ") == 1
    assert f"aiact: {path}:2: " in out.stderr


def test_stdin_as_json_lines_and_as_yaml() -> None:
    body = "\n".join(json.dumps(m) for m in _models()).encode()
    out = run("validate", "-", "--format", "jsonl", "--as-of", DAY, stdin=body)
    lines = _lines(out.stdout)
    assert [line["file"] for line in lines] == ["-:1", "-:2"]
    assert [line["model"] for line in lines] == [m["name"] for m in _models()]
    yaml = run("validate", "-", "--format", "jsonl", "--as-of", DAY, stdin=b"name: Tiny\nlicence: mit\n")
    (line,) = _lines(yaml.stdout)
    assert line["file"] == "-" and line["model"] == "Tiny"


# -- formats --------------------------------------------------------------------------------------


def _mixed(tmp_path: Path) -> list[str]:
    missing = tmp_path / "missing.json"
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n")
    return [*(str(f) for f in _examples()), str(missing), str(broken)]


def test_csv_has_a_row_per_input_with_violation_counts_per_obligation(tmp_path: Path) -> None:
    files = _mixed(tmp_path)
    out = run("validate", *files, "--format", "csv", "--as-of", DAY, "--no-summary")
    assert out.returncode == 2 and out.stderr == ""
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["file"] for r in rows] == files
    ids = [o["id"] for o in _expected(_examples()[0])["obligations"]]
    header = next(csv.reader(io.StringIO(out.stdout)))
    assert header == [
        "model",
        "file",
        "gpai",
        "systemic_risk",
        "open_source_exemption",
        "verdict",
        *ids,
        "error",
    ]
    for row, path in zip(rows, _examples(), strict=False):
        rep = _expected(path)
        assert row["model"] == rep["model"]
        cell = {True: "true", False: "false", None: "null"}
        assert row["gpai"] == cell[rep["classification"]["gpai_model"]["value"]]
        assert row["open_source_exemption"] == cell[rep["classification"]["open_source_exemption"]["value"]]
        assert row["verdict"] == {True: "conforms", False: "violations", None: "cannot tell"}[rep["conforms"]]
        counts = Counter(v["obligation"] for v in rep["violations"] if v["severity"] == "violation")
        assert {i: int(row[i]) for i in ids} == {i: counts.get(i, 0) for i in ids}
        assert row["error"] == ""
    assert any(int(rows[i][o]) > 0 for i in range(len(_examples())) for o in ids)  # some violation counted
    missing, broken = rows[-2], rows[-1]
    assert missing["verdict"] == broken["verdict"] == "error"
    assert "cannot read" in missing["error"] and broken["error"].startswith("not valid YAML")


def _summary_checks(summary: dict[str, Any], reports: list[dict[str, Any]], errors: int) -> None:
    assert summary["inputs"] == len(reports) + errors
    verdicts = Counter(
        {True: "conforms", False: "violations", None: "cannot tell"}[r["conforms"]] for r in reports
    )
    assert summary["verdicts"] == {**dict.fromkeys(("conforms", "violations", "cannot tell"), 0), **verdicts,
                                   "error": errors}  # fmt: skip
    for key in ("gpai_model", "systemic_risk", "open_source_exemption"):
        values = Counter(
            {True: "true", False: "false", None: "null"}[r["classification"][key]["value"]] for r in reports
        )
        assert summary["classification"][key] == {"true": 0, "false": 0, "null": 0, **values}
    paths = Counter(v["path"] for r in reports for v in r["violations"] if v.get("path"))
    facts = Counter(k for r in reports for k in r["missing_facts"])
    for m in summary["most_missing"]:
        assert m["count"] <= (facts if m["kind"] == "missing fact" else paths)[m["item"]]
        assert m["citations"], m
    top = max([*paths.values(), *facts.values()])
    assert summary["most_missing"][0]["count"] == top
    assert len(summary["slowest"]) == min(5, summary["inputs"])
    assert summary["wall_seconds"] > 0 and summary["per_second"] > 0


def test_summary_only_as_json_and_as_text(tmp_path: Path) -> None:
    files = _mixed(tmp_path)
    reports = [_expected(f) for f in _examples()]
    out = run("validate", *files, "--summary-only", "--format", "json", "--as-of", DAY)
    assert out.returncode == 2
    summary = json.loads(out.stdout)
    _summary_checks(summary, reports, errors=2)
    assert {e["count"] for e in summary["errors"]} == {1}
    as_text = run("validate", *files, "--summary-only", "--as-of", DAY)
    assert as_text.returncode == 2 and as_text.stderr == ""
    assert as_text.stdout.startswith(f"{len(files)} inputs in ")
    assert f"conforms {summary['verdicts']['conforms']}, violations {summary['verdicts']['violations']}" in (
        as_text.stdout
    )
    assert summary["most_missing"][0]["item"] in as_text.stdout
    assert "slowest:" in as_text.stdout


def test_no_progress_bar_without_a_terminal_and_the_summary_on_stderr(tmp_path: Path) -> None:
    out = run("validate", *_mixed(tmp_path), "--format", "jsonl", "--as-of", DAY)
    assert len(_lines(out.stdout)) == len(_examples()) + 2
    assert "━" not in out.stderr and "\r" not in out.stderr and "\x1b" not in out.stderr
    assert out.stderr.startswith(f"{len(_examples()) + 2} inputs in ") and "verdicts:" in out.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    progress = cli._Progress(3)
    for _ in range(3):
        progress.advance()
    progress.close()
    assert "3/3" in terminal.getvalue()
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    quiet = cli._Progress(3)
    assert quiet._bar is None


def test_one_and_two_jobs_give_the_same_output(tmp_path: Path) -> None:
    """25 inputs: enough to start the workers (``IN_PROCESS_BELOW`` is 20)."""
    for n in range(4):
        for f in _examples():
            shutil.copy(f, tmp_path / f"{n}-{f.name}")
    _jsonl(tmp_path / "z.jsonl", json.dumps(_models()[0]), "{bad")
    args = ("validate", str(tmp_path), "--as-of", DAY, "--no-summary")
    for fmt in ("jsonl", "csv"):
        one = run(*args, "--format", fmt, "--jobs", "1")
        two = run(*args, "--format", fmt, "--jobs", "2")
        alias = run(*args, "--format", fmt, "--workers", "2")
        assert one.returncode == two.returncode == alias.returncode == 2
        assert one.stdout == two.stdout == alias.stdout
    assert len(_lines(one.stdout if fmt == "jsonl" else run(*args, "--format", "jsonl").stdout)) == 26


def test_facts_must_be_a_readable_mapping(tmp_path: Path) -> None:
    model = str(EXAMPLES / "documented-model.json")
    out = run("validate", model, "--facts", str(tmp_path / "none.yaml"), "--format", "jsonl")
    assert out.returncode == 2 and "--facts" in out.stderr and "cannot read" in out.stderr
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n")
    out = run("validate", model, "--facts", str(listed), "--format", "jsonl")
    assert out.returncode == 2 and "must hold a mapping" in out.stderr and out.stdout == ""


def test_jobs_must_be_a_positive_number() -> None:
    out = run("validate", str(EXAMPLES / "documented-model.json"), "--format", "csv", "--jobs", "0")
    assert out.returncode == 2 and "--jobs" in out.stderr


# -- model cards ----------------------------------------------------------------------------------


def _cards(tmp_path: Path) -> Path:
    folder = tmp_path / "collection"
    folder.mkdir()
    (folder / "tiny_README.md").write_text(CARD)
    (folder / "broken_README.md").write_text("---\nlicense: [unclosed\n---\n# Broken\n")
    shutil.copy(EXAMPLES / "documented-model.json", folder / "documented-model.json")
    (folder / "notes.txt").write_text("not read")
    return folder


def test_a_folder_with_cards_json_and_a_broken_card(tmp_path: Path) -> None:
    from reasoner.model_card import card_report, read_card_file

    folder = _cards(tmp_path)
    out = run("validate", str(folder), "--format", "jsonl", "--as-of", DAY)
    assert out.returncode == 2
    lines = _lines(out.stdout)
    assert [Path(line["file"]).name for line in lines] == [
        "broken_README.md",
        "documented-model.json",
        "tiny_README.md",
    ]
    assert set(lines[0]) == {"file", "error"} and lines[0]["error"]["status"] == 422
    assert lines[1]["model"] == "ExampleLM-7B" and "input" not in lines[1]
    card = read_card_file(folder / "tiny_README.md", as_of=dt.date.fromisoformat(DAY))
    assert lines[2]["model"] == "tiny_README"  # the card names no model: its file name does
    expected = card_report(card, validate(card.description, as_of=DAY))
    assert {k: v for k, v in lines[2].items() if k != "file"} == json.loads(json.dumps(expected))
    assert "input" in lines[2]


def test_facts_are_added_to_every_card(tmp_path: Path) -> None:
    from reasoner.model_card import read_card_file, with_facts

    folder = _cards(tmp_path)
    facts = tmp_path / "facts.yaml"
    facts.write_text("provider: {name: Example AI SAS, country: FR}\nplaced_on_eu_market: true\n")
    card = str(folder / "tiny_README.md")
    out = run("validate", card, "--facts", str(facts), "--format", "jsonl", "--as-of", DAY)
    (line,) = _lines(out.stdout)
    added = with_facts(read_card_file(Path(card)), {"provider": {"name": "Example AI SAS", "country": "FR"},
                                               "placed_on_eu_market": True}, str(facts))  # fmt: skip
    assert added.description["placed_on_eu_market"] is True
    assert line["model"] == validate(added.description, as_of=DAY)["model"]
    assert "placed_on_eu_market" not in line["missing_facts"]
    assert line["input"]["provenance"]["placed_on_eu_market"] == f"facts: {facts}"
    without = _lines(run("validate", card, "--format", "jsonl", "--as-of", DAY).stdout)[0]
    assert "placed_on_eu_market" in without["missing_facts"] or without != line


def test_card_forced_and_from_the_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reasoner.model_card as model_card

    _cards(tmp_path)
    odd = tmp_path / "card.txt"
    odd.write_text(CARD)
    forced = _lines(run("validate", str(odd), "--card", "--format", "jsonl", "--as-of", DAY).stdout)[0]
    assert "error" not in forced and "input" in forced
    monkeypatch.setattr(model_card, "fetch_card", lambda repo: CARD if repo == "owner/tiny" else 1 / 0)
    out = run("validate", "hf:owner/tiny", "hf:owner/gone", "--format", "jsonl", "--as-of", DAY)
    hub, gone = _lines(out.stdout)
    assert hub["file"] == "hf:owner/tiny" and "error" not in hub
    assert gone["file"] == "hf:owner/gone" and "cannot fetch" in gone["error"]["problem"]


def test_real_cards_in_the_csv(tmp_path: Path) -> None:
    cards = sorted(CARDS.glob("*.md"))[:30]
    assert len(cards) == 30
    out = run("validate", *map(str, cards), "--format", "csv", "--as-of", DAY, "--jobs", "2", "--no-summary")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["file"] for r in rows] == [str(c) for c in cards]
    assert all(r["verdict"] in ("conforms", "violations", "cannot tell", "error") for r in rows)
    assert all(r["error"] for r in rows if r["verdict"] == "error")


# -- POST /validate/batch, streamed ---------------------------------------------------------------


def test_streaming_json_lines_one_line_per_input_in_order() -> None:
    models = _models()
    body = [models[i % 2] | {"name": f"model-{i}"} for i in range(60)]
    body[31] = {"name": "bad", "training_compute_flops": 1}
    with (
        TestClient(create_app(Settings(query_workers=1))) as client,
        client.stream(
            "POST",
            f"/validate/batch?as_of={DAY}",
            json=body,
            headers={"accept": "application/x-ndjson"},
        ) as r,
    ):
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/x-ndjson"
        got = [json.loads(line) for line in r.iter_lines() if line]
    assert len(got) == 60
    assert [g.get("model") for g in got] == [None if i == 31 else f"model-{i}" for i in range(60)]
    assert got[31]["error"]["field"] == "training_compute_flops"
    assert got[0] == validate(body[0], as_of=DAY)
