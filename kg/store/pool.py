"""Run SPARQL queries in worker processes, so that a runaway query can be cut off.

Each worker holds its own embedded store. A query gets a time limit and a row limit; past the time
limit its worker is killed and replaced, and the caller gets :class:`QueryTimeout` — the other workers
keep answering. Results come back already serialised in the format the client asked for.

Load and faults: at most ``queue`` queries wait for a free worker (:class:`QueueFull` beyond, at once);
the time limit counts from a query's arrival, waiting included; a query longer or nested deeper than the
bounds never reaches a worker (:class:`QueryTooLarge`); each worker has a memory limit (RLIMIT_AS), past
which its query gets :class:`OutOfMemory`; a worker that dies while it runs a query gives
:class:`WorkerCrashed`, one that dies before it took the query is replaced and the query retried on the
fresh worker. ``run_async`` waits with asyncio (no thread held) and stops the query when the client has
gone; ``run`` is the same for callers without an event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import multiprocessing as mp
import os
import re
import resource
import signal
import struct
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
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


class QueryTooLarge(QueryFailed):
    """The query text is longer, or nests its brackets deeper, than the bounds: refused before a worker."""


class QueryTimeout(TimeoutError):
    """The query ran past its time limit and was stopped."""


class TooManyRows(ValueError):
    """The result has more rows than the limit."""


class QueryStopped(RuntimeError):
    """The service could not answer this query, through no fault of its text (or not only): the queue is
    full, the worker died, the query needed more memory than a worker may have, the client went away, the
    service is stopping. ``retry_after``: seconds after which trying again makes sense, if it does."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class QueueFull(QueryStopped):
    """Every worker is busy and the queue of waiting queries is full."""


class WorkerCrashed(QueryStopped):
    """The worker stopped (killed, crashed) while it ran the query; it has been replaced."""


class OutOfMemory(QueryStopped):
    """The query needed more memory than a worker may use; the worker has been replaced."""


class QueryCancelled(QueryStopped):
    """The client went away: the query was stopped."""


class PoolClosed(QueryStopped):
    """The service is shutting down."""


@dataclass(frozen=True)
class Answer:
    media_type: str
    body: bytes
    rows: int


def _serialise(result: Any, select_fmt: str, graph_fmt: str, max_rows: int) -> Answer:
    import pyoxigraph as ox

    from kg.store import results
    from kg.store.core import Result

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
    """Answer queries from the pipe. No outbound connection can be opened here (``worker_sandbox``): not
    by ``SERVICE``, whatever got past the endpoint's checks. A dataset (default graphs, named graphs, each
    a list of IRIs or None) replaces the store's and the query's FROM / FROM NAMED; a graph the store does
    not hold is empty, never fetched."""
    import pyoxigraph as ox

    from kg.store.core import OxigraphStore
    from kg.store.sandbox import forbid_network

    forbid_network()
    store = OxigraphStore([Path(f) for f in files], named_graphs=True).store
    conn.send(("ready", os.getpid()))  # loaded: from now on a death is a query's, not the start's
    while True:
        message = conn.recv()
        if message is None:
            return
        sparql, select_fmt, graph_fmt, max_rows, default_graphs, named_graphs, base_iri = message
        options: dict[str, Any] = {"base_iri": base_iri}
        if default_graphs is not None or named_graphs is not None:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs or []]
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or []]
        try:
            answer = _serialise(store.query(sparql, **options), select_fmt, graph_fmt, max_rows)
            conn.send(("ok", answer))
        except TooManyRows as err:
            conn.send(("rows", str(err)))
        except (SyntaxError, ValueError, OSError) as err:
            conn.send(("error", str(err)))


def _start(conn: Connection, files: list[str], memory: int) -> None:
    """A worker process: its memory limit, then :func:`_worker`. Past the limit Oxigraph aborts the process
    and Python raises MemoryError; either way the worker ends and the pool replaces it. Workers run at a
    lower CPU priority than the service: a runaway query takes the CPU the service's own routes leave."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the service, which stops its workers
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    if memory > 0:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        _worker(conn, files)
    except MemoryError:
        with contextlib.suppress(OSError):
            conn.send(("memory", ""))
    except (EOFError, BrokenPipeError, ConnectionResetError):
        pass  # the service has gone: nobody to answer


WORKER_NICENESS = 5


def size_text(n: int) -> str:
    """Bytes as a person reads them: 1 GiB, 512 MiB."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"


# strings, IRIs and comments, whose brackets do not nest; and the brackets that do
_TOKENS = re.compile(
    r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n]*|[(){}\[\]]"
)


def nesting(sparql: str) -> int:
    """How deep the query's brackets — ``(``, ``{``, ``[`` — nest, outside strings, IRIs and comments."""
    depth = deepest = 0
    for m in _TOKENS.finditer(sparql):
        token = m.group()
        if token in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif token in ")}]":
            depth = max(depth - 1, 0)
    return deepest


class _Worker:
    """A worker process and the service's end of its pipe; ``ready`` once it has loaded the store."""

    def __init__(self, ctx: Any, files: list[str], memory: int) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_start, args=(child, files, memory), daemon=True)
        self.process.start()
        child.close()  # the worker alone holds the other end now: its death reads as end of file here
        self.ready = False
        self.buffer = bytearray()  # bytes read from the worker and not yet a whole message
        self.deadline = 0.0  # of the query it runs

    def kill(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()

    def stop(self) -> int | None:
        """Kill the process (a runaway query dies with it), reap it and close the pipe; the exit code."""
        self.kill()
        self.process.join(timeout=5)
        self.conn.close()
        code: int | None = self.process.exitcode
        return code

    def ended(self) -> int | None:
        """The exit code of a worker whose pipe has closed (it is ending); None if it still runs."""
        self.process.join(timeout=1)
        code: int | None = self.process.exitcode
        return code


@dataclass(eq=False)
class _Waiter:
    """A query waiting for a worker; :meth:`QueryPool._release` hands one over and sets ``event``."""

    loop: asyncio.AbstractEventLoop
    event: asyncio.Event
    deadline: float
    worker: _Worker | None = None


POLL = 0.25  # seconds between two checks whether the client is still there

Cancelled = Callable[[], Awaitable[bool]]


class QueryPool:
    """Worker processes answering SPARQL queries, with a bounded queue of waiting queries.

    ``timeout`` counts from a query's arrival, waiting included; ``queue``: how many queries may wait
    for a free worker; ``memory``: bytes of address space per worker (0: no limit); ``max_length`` and
    ``max_depth``: bounds on the query's characters and bracket nesting."""

    def __init__(
        self,
        files: list[Path],
        workers: int = 2,
        timeout: float = 10.0,
        max_rows: int = 10000,
        *,
        queue: int = 8,
        memory: int = 2**30,
        max_length: int = 100_000,
        max_depth: int = 200,
    ) -> None:
        self.files = [str(f) for f in files]
        self.workers = workers
        self.timeout = timeout
        self.max_rows = max_rows
        self.queue = queue
        self.memory = memory
        self.max_length = max_length
        self.max_depth = max_depth
        self._ctx = mp.get_context("spawn")
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._waiters: deque[_Waiter] = deque()
        self._closed = False
        for _ in range(workers):
            self._idle.append(self._spawn())
        # started ahead, loaded and waiting: a killed worker's place is taken at once, not after a start
        self._spare: _Worker | None = self._spawn()

    def check(self, sparql: str) -> None:
        """:class:`QueryTooLarge` if the query is longer or nests deeper than the bounds."""
        if len(sparql) > self.max_length:
            raise QueryTooLarge(
                f"the query is {len(sparql)} characters long, more than the limit of {self.max_length}"
            )
        depth = nesting(sparql)
        if depth > self.max_depth:
            raise QueryTooLarge(
                f"the query nests brackets {depth} levels deep, more than the limit of {self.max_depth}"
            )

    def run(
        self,
        sparql: str,
        select_fmt: str = "json",
        graph_fmt: str = "turtle",
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> Answer:
        """:meth:`run_async` for a caller without an event loop (a thread, the command line)."""
        return asyncio.run(
            self.run_async(
                sparql,
                select_fmt,
                graph_fmt,
                default_graphs=default_graphs,
                named_graphs=named_graphs,
                base_iri=base_iri,
            )
        )

    async def run_async(
        self,
        sparql: str,
        select_fmt: str = "json",
        graph_fmt: str = "turtle",
        *,
        cancelled: Cancelled | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> Answer:
        """The answer to a query, waiting for a worker without holding a thread; ``cancelled`` (such as
        Starlette's ``request.is_disconnected``) is asked every quarter second whether to give up.
        ``default_graphs`` / ``named_graphs`` (IRIs): the dataset of the query, if the request gives one;
        ``base_iri``: what relative IRIs in the query resolve against."""
        self.check(sparql)
        arrived = time.monotonic()
        deadline = arrived + self.timeout
        message = (sparql, select_fmt, graph_fmt, self.max_rows, default_graphs, named_graphs, base_iri)
        worker = await self._acquire(deadline, cancelled)
        waited = time.monotonic() - arrived
        status, payload = await self._execute(worker, message, deadline, cancelled)
        if status == "ok":
            answer: Answer = payload
            return answer
        if status == "rows":
            raise TooManyRows(payload)
        if status == "error":
            raise QueryFailed(payload)
        if status == "timeout":
            note = f" ({waited:.1f} s of it waiting for a free worker)" if waited >= 0.1 else ""
            raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped{note}")
        if status == "cancelled":
            raise QueryCancelled("the client went away: the query was stopped")
        if status == "closed":
            raise PoolClosed("the service is shutting down", retry_after=5)
        if status == "memory":
            raise OutOfMemory(
                f"the query needed more memory than the limit of {size_text(self.memory)} "
                "and was stopped: narrow it down (fewer joins, a LIMIT, no ORDER BY over a large result)"
            )
        if status == "unstarted":
            raise WorkerCrashed(f"the query workers stop as they start: {payload}", retry_after=5)
        raise WorkerCrashed(
            f"the query worker stopped unexpectedly ({payload}) while it ran the query; "
            "it has been replaced: try again",
            retry_after=1,
        )

    async def _execute(
        self, worker: _Worker, message: tuple[Any, ...], deadline: float, cancelled: Cancelled | None
    ) -> tuple[str, Any]:
        """Send the query to the worker and wait for its answer; the worker goes back to the pool after.
        A worker that died before it took the query is replaced and the query sent to the fresh one, once;
        one that fails otherwise (time limit, crash, memory, client gone) is killed and replaced; so is the
        worker of a task cancelled while it waits for the answer (it would be lost to the pool)."""
        held = [worker]
        try:
            return await self._attempts(held, message, deadline, cancelled)
        except asyncio.CancelledError:
            with self._lock:
                ours = held[0] in self._busy  # no await comes after a release: a busy worker is ours
            if ours:
                held[0].kill()
                self._forget(held[0])
                threading.Thread(target=self._renew, args=(held[0],), name="query-worker-renewal").start()
            raise

    async def _attempts(
        self, held: list[_Worker], message: tuple[Any, ...], deadline: float, cancelled: Cancelled | None
    ) -> tuple[str, Any]:
        worker = held[0]
        for attempt in (1, 2):
            status, payload = "ready", None
            if not worker.ready:  # freshly started: wait until it has loaded the store
                status, payload = await self._receive(worker, deadline, cancelled)
                worker.ready = status == "ready"
            if worker.ready and cancelled is not None and await cancelled():
                self._release(worker)  # the client left while the query waited: the worker is fine
                return "cancelled", None
            if worker.ready:
                try:
                    worker.conn.send(message)
                except OSError:
                    status, payload = "eof", None
                    worker.ready = False
                else:
                    status, payload = await self._receive(worker, deadline, cancelled)
            if status in ("ok", "rows", "error"):
                self._release(worker)
                return status, payload
            if self._closed:
                worker.stop()
                self._forget(worker)
                return "closed", ""
            if status == "eof":
                code = await asyncio.to_thread(worker.ended)
                if worker.ready and code == -signal.SIGABRT:  # Oxigraph aborts when an allocation fails
                    status = "memory"
                elif worker.ready:
                    status, payload = "crash", _exit_text(code)
                else:  # it died before it took the query: the query has not run
                    status, payload = "unstarted", _exit_text(code)
            if status == "unstarted" and attempt == 1:
                worker = held[0] = await asyncio.to_thread(self._replace, worker)
                continue
            worker.kill()  # at once: a runaway query stops using the CPU now
            self._forget(worker)
            # reaping it and starting a fresh worker in its place take tens of milliseconds under load:
            # too long for the event loop, which answers every other request meanwhile
            threading.Thread(target=self._renew, args=(worker,), name="query-worker-renewal").start()
            return status, payload
        raise AssertionError("unreachable")

    async def _receive(
        self, worker: _Worker, deadline: float, cancelled: Cancelled | None
    ) -> tuple[str, Any]:
        """The worker's next message; ("eof", None) if it died, ("timeout" | "cancelled", None) if the
        deadline passed or the client went away first.

        Read on the event loop without ever blocking it: the bytes are taken as they arrive (a large answer
        comes in pieces, as fast as a worker that may wait for the CPU writes it) and the message is
        unpickled once whole, in the framing of ``multiprocessing.Connection`` that the worker sends with
        (a 4-byte big-endian length; -1 and an 8-byte length past 2 GiB)."""
        loop = asyncio.get_running_loop()
        whole: asyncio.Future[bytes | None] = loop.create_future()
        fd = worker.conn.fileno()
        buffer = worker.buffer

        def readable() -> None:
            try:
                chunk = os.read(fd, 1 << 20)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:  # end of file: the worker has died
                if not whole.done():
                    whole.set_result(None)
                return
            buffer.extend(chunk)
            message = _message(buffer)
            if message is not None and not whole.done():
                whole.set_result(message)

        message = _message(buffer)  # already there, read with an earlier message
        if message is not None:
            return _loads(message)
        os.set_blocking(fd, False)
        loop.add_reader(fd, readable)
        try:
            while not whole.done():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return "timeout", None
                await asyncio.wait([whole], timeout=min(POLL, remaining) if cancelled else remaining)
                if not whole.done() and cancelled is not None and await cancelled():
                    return "cancelled", None
        finally:
            loop.remove_reader(fd)
            if not whole.done():
                whole.cancel()
            with contextlib.suppress(OSError):
                os.set_blocking(fd, True)  # sending the next query blocks until it is written
        body = whole.result()
        return ("eof", None) if body is None else _loads(body)

    async def _acquire(self, deadline: float, cancelled: Cancelled | None) -> _Worker:
        """A free worker: at once, or after waiting in the queue until the deadline."""
        with self._lock:
            if self._closed:
                raise PoolClosed("the service is shutting down", retry_after=5)
            if self._idle:
                worker = self._idle.pop()
                worker.deadline = deadline
                self._busy.add(worker)
                return worker
            if len(self._waiters) >= self.queue:
                raise QueueFull(
                    f"every query worker is busy and the queue of waiting queries is full "
                    f"({len(self._waiters)}): try again in a moment",
                    retry_after=self._retry_after(),
                )
            waiter = _Waiter(asyncio.get_running_loop(), asyncio.Event(), deadline)
            self._waiters.append(waiter)
        outcome = "timeout"
        handed: _Worker | None = None
        try:
            while True:
                if waiter.event.is_set():
                    outcome = "served"
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                with contextlib.suppress(TimeoutError):
                    wait = min(POLL, remaining) if cancelled else remaining
                    await asyncio.wait_for(waiter.event.wait(), wait)
                if not waiter.event.is_set() and cancelled is not None and await cancelled():
                    outcome = "cancelled"
                    break
        finally:
            with self._lock:
                handed = waiter.worker
                if handed is None and waiter in self._waiters:
                    self._waiters.remove(waiter)
            if handed is not None and outcome != "served":
                self._release(handed)  # handed over just as this query gave up: to the next one
        if handed is not None and outcome == "served":
            return handed
        if self._closed:
            raise PoolClosed("the service is shutting down", retry_after=5)
        if outcome == "cancelled":
            raise QueryCancelled("the client went away while the query waited for a worker")
        raise QueryTimeout(
            f"the query ran longer than {self.timeout:g} s and was stopped "
            "(all of it waiting for a free worker)"
        )

    def _release(self, worker: _Worker) -> None:
        """Give a worker to the first waiting query, or back to the idle ones."""
        with self._lock:
            self._busy.discard(worker)
            if not self._closed:
                while self._waiters:
                    waiter = self._waiters.popleft()
                    waiter.worker = worker
                    try:
                        waiter.loop.call_soon_threadsafe(waiter.event.set)
                    except RuntimeError:  # its event loop has closed: the next one
                        waiter.worker = None
                        continue
                    worker.deadline = waiter.deadline
                    self._busy.add(worker)
                    return
                self._idle.append(worker)
                return
        worker.stop()

    def _spawn(self) -> _Worker:
        return _Worker(self._ctx, self.files, self.memory)

    def _fresh(self) -> _Worker:
        """A worker to take a stopped one's place: the spare (which has loaded the store by now, or nearly),
        while another spare starts."""
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is None:
            return self._spawn()
        ahead: _Worker | None = self._spawn()
        with self._lock:
            if self._spare is None and not self._closed:
                self._spare, ahead = ahead, None
        if ahead is not None:
            ahead.stop()
        return spare

    def _replace(self, worker: _Worker) -> _Worker:
        """Stop a worker and start another in its place, for the same query."""
        worker.stop()
        fresh = self._fresh()
        with self._lock:
            self._busy.discard(worker)
            fresh.deadline = worker.deadline
            self._busy.add(fresh)
        return fresh

    def _renew(self, worker: _Worker) -> None:
        """Stop a worker and give a fresh one to the pool."""
        worker.stop()
        if not self._closed:
            self._release(self._fresh())

    def _forget(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.discard(worker)

    def _retry_after(self) -> int:
        """Seconds until the first busy worker is free at the latest (its query's deadline)."""
        soonest = min((w.deadline for w in self._busy), default=time.monotonic() + 1)
        return max(1, math.ceil(soonest - time.monotonic()))

    def pids(self) -> list[int]:
        """The process ids of the workers, idle and busy (not the spare)."""
        with self._lock:
            return sorted(w.process.pid for w in [*self._idle, *self._busy] if w.process.pid is not None)

    def stats(self) -> dict[str, int]:
        """Workers, how many are busy, how many queries wait."""
        with self._lock:
            return {"workers": self.workers, "busy": len(self._busy), "waiting": len(self._waiters)}

    def close(self) -> None:
        """Stop every worker; waiting and running queries get :class:`PoolClosed`."""
        with self._lock:
            self._closed = True
            idle, busy, waiters = list(self._idle), list(self._busy), list(self._waiters)
            if self._spare is not None:
                idle.append(self._spare)
                self._spare = None
            self._idle.clear()
            self._waiters.clear()
        for waiter in waiters:
            with contextlib.suppress(RuntimeError):
                waiter.loop.call_soon_threadsafe(waiter.event.set)
        for w in busy:  # their queries see the end of file and stop the worker themselves
            w.kill()
        for w in idle:
            w.stop()


def _message(buffer: bytearray) -> bytes | None:
    """The first whole message in the buffer, taken out of it; None while it is incomplete."""
    if len(buffer) < 4:
        return None
    (size,) = struct.unpack("!i", buffer[:4])
    header = 4
    if size == -1:
        if len(buffer) < 12:
            return None
        (size,) = struct.unpack("!Q", buffer[4:12])
        header = 12
    if len(buffer) < header + size:
        return None
    message = bytes(buffer[header : header + size])
    del buffer[: header + size]
    return message


def _loads(message: bytes) -> tuple[str, Any]:
    status, payload = ForkingPickler.loads(message)
    return str(status), payload


def _exit_text(code: int | None) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0:
        return (
            f"killed by signal {signal.Signals(-code).name}"
            if -code in signal.valid_signals()
            else f"signal {-code}"
        )
    return f"exit code {code}"
