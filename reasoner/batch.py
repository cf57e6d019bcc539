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
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import TYPE_CHECKING, Any

import orjson

from reasoner.description import DescriptionError, check, load

if TYPE_CHECKING:
    from reasoner.engine import Engine

__all__ = [
    "IN_PROCESS_BELOW",
    "Batch",
    "Source",
    "assess_chunk",
    "default_workers",
    "description_error",
    "dumps",
    "error",
    "read",
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

    content: Any
    media_type: str | None = "application/json"
    as_of: dt.date | None = None


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


def read(source: Source) -> dict[str, Any]:
    """The checked description of ``source``; a :class:`DescriptionError` if it cannot be read."""
    if source.media_type is None:
        return check(source.content)
    try:
        return load(source.content, source.media_type)
    except UnicodeDecodeError as err:
        raw = source.content
        raise DescriptionError(
            "", f"the description is not UTF-8 text: byte 0x{raw[err.start]:02X} at position {err.start}"
        ) from err


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


def assess_chunk(engine: Engine, sources: Sequence[Source], as_of: dt.date) -> list[dict[str, Any]]:
    """The report or error object of each source, in order, in this process; ``as_of`` for the sources
    without a date of their own."""
    results: list[dict[str, Any] | None] = [None] * len(sources)
    ready: list[tuple[int, tuple[dict[str, Any], dt.date]]] = []
    for i, source in enumerate(sources):
        try:
            ready.append((i, (read(source), source.as_of or as_of)))
        except DescriptionError as err:
            results[i] = description_error(err)
        except Exception as err:  # a reader's bug must not cost the rest of the batch
            results[i] = error(
                500, f"reading this description failed ({type(err).__name__}); please report it"
            )
    for (i, _), rep in zip(ready, _reports(engine, [item for _, item in ready]), strict=True):
        results[i] = rep
    return [r for r in results if r is not None]


# -- worker processes -------------------------------------------------------------------------------

_WORKER_ENGINE: Engine | None = None


def _start_worker() -> None:
    global _WORKER_ENGINE
    from reasoner.engine import Engine

    _WORKER_ENGINE = Engine()


def _work(sources: list[Source], as_of: dt.date) -> list[dict[str, Any]]:
    if _WORKER_ENGINE is None:  # pragma: no cover - the initializer always runs first
        _start_worker()
    assert _WORKER_ENGINE is not None
    return assess_chunk(_WORKER_ENGINE, sources, as_of)


def default_workers(count: int) -> int:
    """Workers for a batch of ``count``: one (this process) for a few, else one per core up to four."""
    return 1 if count < IN_PROCESS_BELOW else max(1, min(os.cpu_count() or 1, 4))


class Batch:
    """Validates batches; with ``workers`` > 1 its worker processes start with the first large batch and
    serve every later one until :meth:`close` (or the end of a ``with`` block)."""

    def __init__(
        self, workers: int = 1, engine: Engine | None = None, in_process_below: int = IN_PROCESS_BELOW
    ) -> None:
        self.workers = max(1, workers)
        self.in_process_below = in_process_below
        self._engine = engine
        self._pool: ProcessPoolExecutor | None = None

    @property
    def engine(self) -> Engine:
        """The engine of this process (built when a batch first runs here)."""
        if self._engine is None:
            from reasoner.engine import Engine

            self._engine = Engine()
        return self._engine

    def pool(self) -> ProcessPoolExecutor:
        """The worker processes (started on first use: a benchmark may start them before timing)."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=get_context("spawn"), initializer=_start_worker
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
        sources = list(sources)
        if self.workers <= 1 or len(sources) < self.in_process_below:
            return assess_chunk(self.engine, sources, as_of)
        size = self.chunks(len(sources))
        parts = [sources[i : i + size] for i in range(0, len(sources), size)]
        try:
            pool = self.pool()
            futures: list[Future[list[dict[str, Any]]] | None] = [pool.submit(_work, p, as_of) for p in parts]
        except Exception:  # the workers cannot start (a broken pool): the work is done here instead
            self._reset()
            futures = [None] * len(parts)
        out: list[dict[str, Any]] = []
        for part, future in zip(parts, futures, strict=True):
            try:
                if future is None:
                    raise RuntimeError("no worker")
                out += future.result()
            except Exception:  # a worker died: its chunk is done in this process, nothing is lost
                self._reset()
                out += assess_chunk(self.engine, part, as_of)
        return out

    def _reset(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def dumps(value: Any) -> bytes:
    """JSON as UTF-8 bytes, once (orjson: text as it is, ‘ ’ and é unescaped); a value orjson does not
    take (an integer beyond 64 bits that a description gave) through the standard library instead."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
