"""Validate many descriptions at once: the reports (docs/contract.md §3) in input order, a description
that cannot be read an error object in its place (docs/contract.md §5, "Batches"); never an exception.

A batch of :data:`IN_PROCESS_BELOW` descriptions or more, with more than one worker, runs in worker
processes started with the ``spawn`` method (the SHACL library may not survive a ``fork``); each builds
its :class:`~reasoner.engine.Engine` once and takes chunks of the batch. A smaller batch, or one worker,
runs in this process: starting a worker costs about a second. Inside a chunk the engine's
``assess_many`` (when it has one) runs the rules and the shapes once over every description of the chunk.

The error object, the same in the CLI and the service::

    {"error": {"status": 422, "title": "Unprocessable description", "problem": "...", "field": "...",
               "errors": [{"field": "...", "problem": "..."}]}}

``status`` is what the service would answer for that description alone: 422 (it cannot be read or has
problems, every one in ``errors``), 400 (the CLI: the file cannot be opened, a bad ``--as-of``), 500 (the
engine failed on it: a bug to report).

A source may also be a file to read in the worker (``path``), or a Hugging Face model card (``card``:
``reasoner.model_card`` parses it in the worker, ``facts`` added to it); :meth:`Batch.stream` yields the
results in input order as each chunk is done, and a ``render`` function (a module-level one: it runs in
the workers) may turn each report there into what the caller wants (a line of JSON, a digest), so that
only that comes back.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import TYPE_CHECKING, Any

import orjson

from kg.excerpt import not_utf8
from reasoner.description import DescriptionError, check, load

if TYPE_CHECKING:
    from reasoner.engine import Engine

__all__ = [
    "IN_PROCESS_BELOW",
    "Batch",
    "Render",
    "Source",
    "as_json",
    "assess_chunk",
    "default_workers",
    "description_error",
    "dumps",
    "error",
    "prepare",
    "read",
    "run_chunk",
]

IN_PROCESS_BELOW = 20  # smaller batches run in this process, whatever the workers
MAX_CHUNK = 250  # descriptions a worker takes at a time
MIN_CHUNK = 10
TITLES = {400: "Bad input", 422: "Unprocessable description", 500: "Internal error"}


@dataclass(frozen=True)
class Source:
    """One description of a batch: its bytes or text in ``media_type`` (read here), or, with
    ``media_type`` ``None``, a value already parsed from JSON (checked here); ``as_of``: its own
    assessment date (``None``: the batch's)."""

    content: Any = None
    media_type: str | None = "application/json"
    as_of: dt.date | None = None
    name: str | None = None  # how the input is named (a file, FILE:LINE, hf:OWNER/NAME): for the caller
    path: str | None = None  # with ``content`` None: the file to read (in the worker)
    card: bool = False  # a model card (reasoner.model_card), not a description
    card_name: str | None = None  # for a card: the name read_card is given (hf:OWNER/NAME: the repository)
    facts: tuple[dict[str, Any], str] | None = None  # for a card: facts to add, and where they come from


def error(
    status: int, problem: str, field: str | None = None, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The error object of a description in a batch."""
    return {
        "error": {
            "status": status,
            "title": TITLES.get(status, "Error"),
            "problem": problem,
            "field": field,
            "errors": errors if errors is not None else [{"field": field, "problem": problem}],
        }
    }


def description_error(err: DescriptionError, status: int = 422) -> dict[str, Any]:
    """The error object of a :class:`DescriptionError`: every problem, the first also in ``field``."""
    errors = [{"field": e.field or None, "problem": e.problem} for e in err.problems]
    return error(status, str(err), err.field or None, errors)


class Unreadable(Exception):
    """The input is not there to read (a file that does not exist or cannot be opened): a 400."""


def _content(source: Source) -> Any:
    if source.content is None and source.path is not None:
        try:
            with open(source.path, "rb") as f:
                return f.read()
        except OSError as err:
            raise Unreadable(f"cannot read {source.path}: {err.strerror or err}") from err
    return source.content


def _not_utf8(raw: Any, err: UnicodeDecodeError, what: str = "the description") -> DescriptionError:
    return DescriptionError("", not_utf8(raw, err, what))


def prepare(source: Source, as_of: dt.date | None = None) -> tuple[dict[str, Any], Any]:
    """The checked description of ``source`` and, for a model card, its ``CardDescription`` (else
    ``None``); a :class:`DescriptionError` if it cannot be read (a card that cannot be read too),
    :class:`Unreadable` if its file cannot be opened."""
    content = _content(source)
    if source.card:
        from pathlib import Path

        from reasoner.model_card import CardError, card_name, read_card, with_facts

        try:
            text = content.decode("utf-8") if isinstance(content, bytes) else str(content)
        except UnicodeDecodeError as err:
            raise _not_utf8(content, err, "the model card") from err
        name, name_source = source.card_name, f"Hub id {source.name}"
        if name is None and source.path is not None:
            name, name_source = card_name(Path(source.path)), f"file name {Path(source.path).name}"
        day = source.as_of or as_of
        try:
            card = read_card(text, name, name_source=name_source if name else None, as_of=day)
            if source.facts is not None:
                card = with_facts(card, *source.facts, as_of=day)
        except CardError as err:
            raise DescriptionError(str(getattr(err, "field", "") or ""), str(err)) from err
        return check(card.description), card
    if source.media_type is None:
        return check(content), None
    try:
        return load(content, source.media_type), None
    except UnicodeDecodeError as err:
        raise _not_utf8(content, err) from err


def read(source: Source) -> dict[str, Any]:
    """The checked description of ``source``; a :class:`DescriptionError` if it cannot be read."""
    return prepare(source)[0]


def finish(report: dict[str, Any], card: Any) -> dict[str, Any]:
    """The report of a source: a card's with its provenance (``model_card.card_report``)."""
    if card is None:
        return report
    from reasoner.model_card import card_report

    return card_report(card, report)


def _reports(engine: Engine, items: list[tuple[dict[str, Any], dt.date]]) -> list[dict[str, Any]]:
    from reasoner.report import report

    many = getattr(engine, "assess_many", None)
    if many is not None and len(items) > 1:
        try:
            outcomes = many(items)
            return [report(engine, o) for o in outcomes]
        except Exception:  # each on its own below, so that only the one at fault fails
            pass
    out = []
    for data, day in items:
        try:
            out.append(report(engine, engine.assess(data, day)))
        except Exception as err:
            out.append(
                error(500, f"the engine failed on this description ({type(err).__name__}); please report it")
            )
    return out


Render = Callable[[dict[str, Any], Source, float], Any]
"""What a worker makes of a result: ``render(report_or_error, source, seconds)``; ``seconds`` is the
source's own time (reading, card, report) plus its share of the chunk's assessment."""


def run_chunk(
    engine: Engine, sources: Sequence[Source], as_of: dt.date, render: Render | None = None
) -> list[Any]:
    """The report or error object of each source (or what ``render`` makes of it), in order, in this
    process; ``as_of`` for the sources without a date of their own."""
    results: list[dict[str, Any] | None] = [None] * len(sources)
    seconds = [0.0] * len(sources)
    ready: list[tuple[int, tuple[dict[str, Any], dt.date]]] = []
    cards: dict[int, Any] = {}
    for i, source in enumerate(sources):
        start = time.perf_counter()
        try:
            data, card = prepare(source, as_of)
            ready.append((i, (data, source.as_of or as_of)))
            if card is not None:
                cards[i] = card
        except Unreadable as err:
            results[i] = error(400, str(err))
        except DescriptionError as err:
            results[i] = description_error(err)
        except Exception as err:  # a reader's bug must not cost the rest of the batch
            results[i] = error(
                500, f"reading this description failed ({type(err).__name__}); please report it"
            )
        seconds[i] = time.perf_counter() - start
    start = time.perf_counter()
    reports = _reports(engine, [item for _, item in ready])
    share = (time.perf_counter() - start) / max(1, len(ready))
    for (i, _), rep in zip(ready, reports, strict=True):
        seconds[i] += share
        if i in cards and "error" not in rep:
            begin = time.perf_counter()
            try:
                rep = finish(rep, cards[i])
            except Exception as err:
                rep = error(500, f"the card's report failed ({type(err).__name__}); please report it")
            seconds[i] += time.perf_counter() - begin
        results[i] = rep
    out = [r for r in results if r is not None]
    if render is None:
        return out
    return [render(r, s, t) for r, s, t in zip(out, sources, seconds, strict=True)]


def assess_chunk(engine: Engine, sources: Sequence[Source], as_of: dt.date) -> list[dict[str, Any]]:
    """The report or error object of each source, in order, in this process; ``as_of`` for the sources
    without a date of their own."""
    return run_chunk(engine, sources, as_of)


# -- worker processes -------------------------------------------------------------------------------

_WORKER_ENGINE: Engine | None = None


def _start_worker(files: list[str] | None = None) -> None:
    """The worker's engine: over the dataset of ``files`` (the service's: the graph it serves), else the
    default one, which ``reasoner.validate`` uses too (model cards call it)."""
    global _WORKER_ENGINE
    if files is None:
        from reasoner import _engine

        _WORKER_ENGINE = _engine()
        return
    from pathlib import Path

    from kg.act import Act
    from kg.store.core import OxigraphStore
    from reasoner.engine import Engine

    _WORKER_ENGINE = Engine(Act(OxigraphStore([Path(f) for f in files], named_graphs=True)))


def _work(sources: list[Source], as_of: dt.date, render: Render | None = None) -> list[Any]:
    if _WORKER_ENGINE is None:  # pragma: no cover - the initializer always runs first
        _start_worker()
    assert _WORKER_ENGINE is not None
    return run_chunk(_WORKER_ENGINE, sources, as_of, render)


def default_workers(count: int) -> int:
    """Workers for a batch of ``count``: one (this process) for a few, else one per core up to four."""
    return 1 if count < IN_PROCESS_BELOW else max(1, min(os.cpu_count() or 1, 4))


def _parts(sources: Iterable[Source], size: int) -> Iterator[list[Source]]:
    part: list[Source] = []
    for source in sources:
        part.append(source)
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part


class Batch:
    """Validates batches; with ``workers`` > 1 its worker processes start with the first large batch and
    serve every later one until :meth:`close` (or the end of a ``with`` block). ``files``: the dataset
    the workers' engines read (the service passes the one it serves; default: the shipped one). Safe to
    share between threads."""

    def __init__(
        self,
        workers: int = 1,
        engine: Engine | None = None,
        in_process_below: int = IN_PROCESS_BELOW,
        files: Sequence[str] | None = None,
    ) -> None:
        self.workers = max(1, workers)
        self.in_process_below = in_process_below
        self.files = list(files) if files is not None else None
        self._engine = engine
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        """The engine of this process (built when a batch first runs here)."""
        if self._engine is None:
            from reasoner import _engine

            self._engine = _engine()
        return self._engine

    def pool(self) -> ProcessPoolExecutor:
        """The worker processes (started on first use: a benchmark may start them before timing)."""
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=get_context("spawn"),
                    initializer=_start_worker,
                    initargs=(self.files,),
                )
            return self._pool

    def warm_up(self) -> None:
        """Start every worker and build its engine now."""
        if self.workers > 1:
            pool = self.pool()
            for f in [pool.submit(_work, [], dt.date.today()) for _ in range(self.workers)]:
                f.result()

    def chunks(self, count: int) -> int:
        """The chunk size for a batch of ``count``: two chunks per worker (the engine runs a chunk at once;
        a second evens out a slow one), at least :data:`MIN_CHUNK`, at most :data:`MAX_CHUNK`."""
        return max(MIN_CHUNK, min(MAX_CHUNK, math.ceil(count / (2 * self.workers))))

    def validate(self, sources: Sequence[Source], as_of: dt.date) -> list[dict[str, Any]]:
        """The report or error object of every source, in input order."""
        return list(self.stream(sources, as_of))

    def stream(
        self,
        sources: Iterable[Source],
        as_of: dt.date,
        render: Render | None = None,
        count: int | None = None,
    ) -> Iterator[Any]:
        """The report or error object of every source (or what ``render``, run where the source is
        assessed, makes of it), in input order, each chunk as soon as it and those before it are done.
        ``sources`` is read a chunk at a time (``count``, or its length, sizes the chunks): at most two
        chunks per worker are in flight, so that memory stays flat over any number of sources."""
        if count is None and isinstance(sources, Sequence):
            count = len(sources)
        if self.workers <= 1 or (count is not None and count < self.in_process_below):
            for part in _parts(sources, MAX_CHUNK if count is None else max(1, min(MAX_CHUNK, count))):
                yield from run_chunk(self.engine, part, as_of, render)
            return
        size = self.chunks(count if count is not None else 2 * self.workers * MAX_CHUNK)
        pending: deque[tuple[list[Source], Future[list[Any]] | None]] = deque()
        parts = _parts(sources, size)
        while True:
            while len(pending) < 2 * self.workers:
                more: list[Source] | None = next(parts, None)
                if more is None:
                    break
                pending.append((more, self._submit(more, as_of, render)))
            if not pending:
                return
            part, future = pending.popleft()
            try:
                if future is None:
                    raise RuntimeError("no worker")
                done = future.result()
            except Exception:  # a worker died: its chunk is done in this process, nothing is lost
                self._reset()
                done = run_chunk(self.engine, part, as_of, render)
            yield from done

    def _submit(self, part: list[Source], as_of: dt.date, render: Render | None) -> Future[list[Any]] | None:
        try:
            return self.pool().submit(_work, part, as_of, render)
        except Exception:  # the workers cannot start (a broken pool): the work is done here instead
            self._reset()
            return None

    def _reset(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def as_json(result: dict[str, Any], _source: Source, _seconds: float) -> bytes:
    """A :data:`Render` that serialises each report or error object to JSON where it was made (in the
    worker): the caller gets bytes, cheap to send back, with nothing left to serialise."""
    return dumps(result)


def dumps(value: Any) -> bytes:
    """JSON as UTF-8 bytes, once (orjson: text as it is, ‘ ’ and é unescaped); a value orjson does not
    take (an integer beyond 64 bits that a description gave) through the standard library instead."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
