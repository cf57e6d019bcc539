"""``aiact validate`` over collections: which inputs a list of names stands for (files, folders, globs,
JSON Lines, ``-``, model cards, ``hf:OWNER/NAME``), running them through ``reasoner.batch`` with a
progress bar, and the JSON Lines, CSV and summary outputs."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import glob
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reasoner.description import DescriptionError, media_type_of

if TYPE_CHECKING:
    from reasoner.batch import Source

REPORT_FORMATS = ("text", "json", "ttl", "jsonld", "jsonl", "csv")
DESCRIPTION_SUFFIXES = (".json", ".yaml", ".yml", ".ttl", ".jsonld")  # what validate DIR reads

COLLECTION_SUFFIXES = (*DESCRIPTION_SUFFIXES, ".jsonl", ".md")
GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True)
class _Options:
    """How the inputs of ``validate`` are read: ``--card`` and ``--facts``."""

    card: bool = False
    facts: tuple[dict[str, Any], str] | None = None


Entry = tuple[str, "Source | dict[str, Any]"]  # an input's name, and its source or its error object


def as_of_day(text: str | None) -> dt.date:
    """The day of ``--as-of`` (today without it); a DescriptionError naming the option."""
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise DescriptionError("--as-of", f"must be a date written YYYY-MM-DD, not {text!r}") from err


def _error_entry(name: str, status: int, problem: str) -> Entry:
    from reasoner.batch import error

    return name, error(status, problem)


def _is_card(path: str, options: _Options) -> bool:
    if options.card:
        return True
    if not path.lower().endswith(".md"):
        return False
    from reasoner.model_card import is_card

    try:
        return is_card(Path(path))
    except (OSError, ValueError):
        return True  # read as a card: its error names the problem


def _json_lines(name: str, raw: bytes) -> list[Entry]:
    """The descriptions of a JSON Lines text, each named NAME:LINE (blank lines are skipped)."""
    from reasoner.batch import Source

    return [
        (f"{name}:{n}", Source(line, "application/json", name=f"{name}:{n}"))
        for n, line in enumerate(raw.split(b"\n"), 1)
        if line.strip()
    ]


def _looks_like_json_lines(raw: bytes) -> bool:
    lines = [line.strip() for line in raw.split(b"\n") if line.strip()]
    if len(lines) < 2 or not all(line.startswith(b"{") and line.endswith(b"}") for line in lines):
        return False
    try:
        json.loads(lines[0])
    except ValueError:
        return False
    return True


def _stdin(options: _Options) -> list[Entry]:
    from reasoner.batch import Source

    raw = sys.stdin.buffer.read()
    if options.card:
        return [("-", Source(raw, card=True, name="-", facts=options.facts))]
    if _looks_like_json_lines(raw):
        return _json_lines("-", raw)
    media = "application/json" if raw.lstrip()[:1] in (b"{", b"[") or not raw.strip() else "application/yaml"
    return [("-", Source(raw, media, name="-"))]


def _hf(name: str, options: _Options) -> Entry:
    from reasoner.batch import Source
    from reasoner.model_card import fetch_card

    repo = name[3:]
    try:
        text = fetch_card(repo)
    except Exception as err:  # a network or card error: this input fails, the run goes on
        return _error_entry(name, 400, f"cannot fetch the model card of {repo}: {err}")
    return name, Source(text, card=True, name=name, card_name=repo, facts=options.facts)


def _file(path: str, options: _Options) -> list[Entry]:
    from reasoner.batch import Source

    if _is_card(path, options):
        return [(path, Source(path=path, card=True, name=path, facts=options.facts))]
    if path.lower().endswith(".jsonl"):
        try:
            raw = Path(path).read_bytes()
        except OSError as err:
            return [_error_entry(path, 400, f"cannot read {path}: {err.strerror}")]
        return _json_lines(path, raw) or [_error_entry(path, 422, f"{path} holds no descriptions")]
    return [(path, Source(path=path, media_type=media_type_of(path), name=path))]


def _folder(folder: Path, options: _Options) -> list[Entry]:
    out: list[Entry] = []
    for f in sorted(folder.iterdir()):
        if f.suffix.lower() in COLLECTION_SUFFIXES and f.is_file():
            out += _file(str(f), options)
    return out


def collect(names: list[str], options: _Options) -> tuple[list[Entry], list[str]]:
    """Every input, in order: a folder replaced by its descriptions, cards and JSON Lines files (sorted),
    a glob by what it matches (sorted), a JSON Lines file by its lines; and the folders that hold none."""
    out: list[Entry] = []
    empty: list[str] = []
    for name in names:
        if name == "-":
            out += _stdin(options)
        elif name.startswith("hf:"):
            out.append(_hf(name, options))
        elif Path(name).is_dir():
            found = _folder(Path(name), options)
            out += found
            if not found:
                empty.append(name)
        elif GLOB_CHARACTERS & set(name) and not Path(name).exists():
            matches = sorted(glob.glob(name, recursive=True))
            if not matches:
                out.append(_error_entry(name, 400, f"no file matches {name}"))
            for m in matches:
                out += _folder(Path(m), options) if Path(m).is_dir() else _file(m, options)
        else:
            out += _file(name, options)
    return out, empty


def worst(codes: list[int]) -> int:
    """The exit code over several inputs: 2 (bad input), then 1 (a violation), then 3 (cannot tell)."""
    return max([0, *codes], key=[0, 3, 1, 2].index)


def _code(rep: dict[str, Any]) -> int:
    return 2 if "error" in rep else {True: 0, False: 1, None: 3}[rep["conforms"]]


VERDICT_CODES = {"conforms": 0, "violations": 1, "cannot tell": 3, "error": 2}


class _Progress:
    """A progress bar on standard error when it is a terminal (rich); nothing otherwise."""

    def __init__(self, total: int) -> None:
        self._bar: Any = None
        if total and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self._bar = Progress(
                "validating", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                console=Console(file=sys.stderr), transient=True,
            )  # fmt: skip
            self._bar.start()
            self._task = self._bar.add_task("validating", total=total)

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def run_collection(
    entries: list[Entry],
    as_of: str | None,
    jobs: int,
    out: Any,
    fmt: str = "jsonl",
    summary_only: bool = False,
) -> tuple[list[int], dict[str, Any]]:
    """Validate every entry in ``jobs`` worker processes (``reasoner.batch``) and write, in input order,
    one JSON Lines line per input (``fmt`` jsonl) or the CSV (``fmt`` csv) to ``out`` (nothing with
    ``summary_only``); the exit code of each input and the summary (``reasoner.summary``)."""
    from reasoner.batch import Batch, Source, description_error
    from reasoner.summary import Summary, digest, line_and_digest

    start = time.perf_counter()
    summary = Summary()
    codes: list[int] = []
    rows: list[dict[str, Any]] = []
    try:
        day = as_of_day(as_of)
    except DescriptionError as err:
        entries = [(name, description_error(err, 400)) for name, _ in entries]
        day = dt.date.today()
    sources = [e for _, e in entries if isinstance(e, Source)]
    render = line_and_digest if fmt == "jsonl" and not summary_only else digest
    progress = _Progress(len(entries))
    try:
        with Batch(jobs) as batch:
            done = batch.stream(iter(sources), day, render, count=len(sources))
            for name, entry in entries:
                if isinstance(entry, Source):
                    result = next(done)
                    line, d = result if render is line_and_digest else (None, result)
                else:
                    d = digest(entry, Source(name=name))
                    line = _dumps_line({"file": name, **entry}) if render is line_and_digest else None
                summary.add(d)
                codes.append(VERDICT_CODES[d["verdict"]])
                if line is not None:
                    out.write(line.decode("utf-8"))
                elif fmt == "csv" and not summary_only:
                    rows.append(d)
                progress.advance()
    finally:
        progress.close()
    if rows:
        _write_csv(rows, out)
    out.flush()
    return codes, summary.result(time.perf_counter() - start)


def _dumps_line(value: dict[str, Any]) -> bytes:
    from reasoner.batch import dumps

    return dumps(value) + b"\n"


CSV_COLUMNS = ("model", "file", "gpai", "systemic_risk", "open_source_exemption", "verdict")


def _write_csv(rows: list[dict[str, Any]], out: Any) -> None:
    """A row per input: the columns of :data:`CSV_COLUMNS`, a count of violations per obligation id (the
    ids the reports list, in their order) and ``error`` (the reason, for an input that failed)."""
    ids: dict[str, None] = {}
    for d in rows:
        ids.update(dict.fromkeys(d.get("violations", {})))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, *ids, "error"])
    cell = {True: "true", False: "false", None: "null"}
    for d in rows:
        if d["verdict"] == "error":
            writer.writerow(["", d["file"], "", "", "", "error", *([""] * len(ids)), d["error"]])
            continue
        counts = d["violations"]
        writer.writerow([
            d["model"], d["file"], cell[d["gpai_model"]], cell[d["systemic_risk"]],
            cell[d["open_source_exemption"]], d["verdict"], *(counts.get(i, "") for i in ids), "",
        ])  # fmt: skip


def options_of(args: argparse.Namespace) -> _Options:
    """``--card`` and ``--facts`` (a DescriptionError naming ``--facts`` when its file is bad)."""
    facts = None
    if args.facts:
        from reasoner.description_formats import yaml_description

        try:
            raw = Path(args.facts).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            reason = err.strerror if isinstance(err, OSError) else "it is not UTF-8 text"
            raise DescriptionError("--facts", f"cannot read {args.facts}: {reason}") from err
        value = yaml_description(raw)
        if not isinstance(value, dict):
            raise DescriptionError("--facts", f"{args.facts} must hold a mapping of description keys")
        facts = (value, args.facts)
    return _Options(card=args.card, facts=facts)
