"""Run SPARQL queries in worker processes, so that a runaway query can be cut off.

Each worker holds its own embedded store. A query gets a time limit and a row limit; past the time
limit its worker is killed and replaced, and the caller gets :class:`QueryTimeout` — the other workers
keep answering. Results come back already serialised in the format the client asked for.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

SELECT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


class QueryFailed(ValueError):
    """The query is malformed or cannot run; the message says why."""


class QueryTimeout(TimeoutError):
    """The query ran past its time limit and was stopped."""


class TooManyRows(ValueError):
    """The result has more rows than the limit."""


@dataclass(frozen=True)
class Answer:
    media_type: str
    body: bytes
    rows: int


def _serialise(result: Any, select_fmt: str, graph_fmt: str, max_rows: int) -> Answer:
    import pyoxigraph as ox

    from reasoner import results
    from reasoner.store import Result

    if isinstance(result, ox.QueryBoolean):
        r = Result("ask", boolean=bool(result))
    elif isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows: list[dict[str, Any]] = []
        for row in result:
            if len(rows) == max_rows:
                raise TooManyRows(f"the result has more than {max_rows} rows: add a LIMIT to the query")
            rows.append({n: row[n] for n in names if row[n] is not None})
        r = Result("select", names, rows)
    else:
        triples: list[Any] = []
        for t in result:
            if len(triples) == max_rows:
                raise TooManyRows(f"the result has more than {max_rows} triples: add a LIMIT to the query")
            triples.append(t)
        fmt = {
            "turtle": ox.RdfFormat.TURTLE,
            "ntriples": ox.RdfFormat.N_TRIPLES,
            "jsonld": ox.RdfFormat.JSON_LD,
            "rdfxml": ox.RdfFormat.RDF_XML,
        }[graph_fmt]
        body = ox.serialize(triples, format=fmt) or b""
        return Answer(GRAPH_TYPES[graph_fmt], body, len(triples))
    writer = {"json": results.to_json, "xml": results.to_xml, "csv": results.to_csv, "tsv": results.to_tsv}
    return Answer(SELECT_TYPES[select_fmt], writer[select_fmt](r).encode("utf-8"), len(r.rows))


def _worker(conn: Connection, files: list[str]) -> None:
    from reasoner.store import OxigraphStore

    store = OxigraphStore([Path(f) for f in files], named_graphs=True).store
    while True:
        message = conn.recv()
        if message is None:
            return
        sparql, select_fmt, graph_fmt, max_rows = message
        try:
            answer = _serialise(store.query(sparql), select_fmt, graph_fmt, max_rows)
            conn.send(("ok", answer))
        except TooManyRows as err:
            conn.send(("rows", str(err)))
        except (SyntaxError, ValueError, OSError) as err:
            conn.send(("error", str(err)))


class _Worker:
    def __init__(self, ctx: Any, files: list[str]) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child, files), daemon=True)
        self.process.start()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)


class QueryPool:
    def __init__(
        self, files: list[Path], workers: int = 2, timeout: float = 10.0, max_rows: int = 10000
    ) -> None:
        self.files = [str(f) for f in files]
        self.timeout = timeout
        self.max_rows = max_rows
        self._ctx = mp.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        for _ in range(workers):
            self._idle.put(_Worker(self._ctx, self.files))

    def run(self, sparql: str, select_fmt: str = "json", graph_fmt: str = "turtle") -> Answer:
        worker = self._idle.get()
        status, payload = "timeout", ""
        try:
            worker.conn.send((sparql, select_fmt, graph_fmt, self.max_rows))
            if worker.conn.poll(self.timeout):
                status, payload = worker.conn.recv()
        except (EOFError, ConnectionError, BrokenPipeError):
            status, payload = "crash", "the query worker stopped unexpectedly"
        if status in ("timeout", "crash"):
            worker.stop()  # the runaway query dies with its worker; a fresh one takes its place
            worker = _Worker(self._ctx, self.files)
        self._idle.put(worker)
        if status == "ok":
            answer: Answer = payload  # type: ignore[assignment]
            return answer
        if status == "timeout":
            raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped")
        if status == "rows":
            raise TooManyRows(payload)
        raise QueryFailed(payload)

    def close(self) -> None:
        while not self._idle.empty():
            w = self._idle.get_nowait()
            w.conn.send(None)
            w.stop()
