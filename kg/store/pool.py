"""Run SPARQL queries in worker processes, so that a runaway query can be cut off.

Each worker holds its own embedded store. A query gets a time limit and a row limit; past the time
limit its worker is killed and replaced, and the caller gets :class:`QueryTimeout` — the other workers
keep answering. Results come back already serialised in the format the client asked for. The worker
processes are :mod:`kg.store.worker`; the errors, :mod:`kg.store.errors` (imported here too).

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
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.store import bounds
from kg.store.answers import GRAPH_TYPES, SELECT_TYPES, Answer, SparqlRequest
from kg.store.bounds import nesting
from kg.store.errors import (
    OutOfMemory,
    PoolClosed,
    QueryCancelled,
    QueryFailed,
    QueryStopped,
    QueryTimeout,
    QueryTooLarge,
    QueueFull,
    TooManyRows,
    WorkerCrashed,
)
from kg.store.protocol import Cancelled
from kg.store.worker import POLL, WORKER_NICENESS, WorkerProcess, exit_text, receive

__all__ = [
    "GRAPH_TYPES", "SELECT_TYPES", "WORKER_NICENESS", "Answer", "OutOfMemory", "PoolClosed", "QueryCancelled",
    "QueryFailed", "QueryPool", "QueryStopped", "QueryTimeout", "QueryTooLarge", "QueueFull", "TooManyRows",
    "WorkerCrashed", "nesting", "size_text",
]  # fmt: skip


def size_text(n: int) -> str:
    """Bytes as a person reads them: 1 GiB, 512 MiB."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"


PRELOAD = ["__main__", "kg.store.worker", "kg.store.answers", "kg.store.core", "kg.store.sandbox"]


def _context() -> Any:
    """Workers are forked from a fork server that has imported what a worker runs: a fresh process,
    single-threaded (forking it is safe, unlike forking the service), started once per service. A worker
    then starts without a Python start-up of its own and without imports: a spawned worker imported the
    service's main module (``aiact``, the command line with rdflib's parsers) and pyoxigraph each time, at
    full CPU priority, alongside the service's own start; the fork server imports them once (``__main__``
    among them, which ``multiprocessing`` would otherwise import again in every forked worker)."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start_fork_server() -> None:
    """Start the workers' fork server now, ahead of the first worker: it imports its modules meanwhile, at
    the workers' CPU priority (lower than the service's, which is starting too)."""
    from multiprocessing import forkserver

    _context()
    forkserver.ensure_running()
    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if pid is not None:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, 0) + WORKER_NICENESS)


@dataclass(eq=False)
class _Waiter:
    """A query waiting for a worker; :meth:`QueryPool._release` hands one over and sets ``event``."""

    loop: asyncio.AbstractEventLoop
    event: asyncio.Event
    deadline: float
    worker: WorkerProcess | None = None


class QueryPool:
    """Worker processes answering SPARQL queries, with a bounded queue of waiting queries.

    ``timeout`` counts from a query's arrival, waiting included; ``queue``: how many queries may wait
    for a free worker; ``memory``: bytes of address space per worker (0: no limit); ``max_length`` and
    ``max_depth``: bounds on the query's characters and bracket nesting; ``background``: start the workers
    in a thread, not before the constructor returns."""

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
        background: bool = False,
    ) -> None:
        self.files = [str(f) for f in files]
        self.workers = workers
        self.timeout = timeout
        self.max_rows = max_rows
        self.queue = queue
        self.memory = memory
        self.max_length = max_length
        self.max_depth = max_depth
        self._ctx = _context()
        self._lock = threading.Lock()
        self._idle: list[WorkerProcess] = []
        self._busy: set[WorkerProcess] = set()
        self._waiters: deque[_Waiter] = deque()
        self._closed = False
        self._spare: WorkerProcess | None = None
        if background:  # queries that come meanwhile wait for their worker, as for a busy one
            threading.Thread(target=self._start, name="query-worker-start", daemon=True).start()
        else:
            self._start()

    def _start(self) -> None:
        """The workers, then the spare: started ahead, loaded and waiting, so that a killed worker's place is
        taken at once, not after a start. The first start also starts the fork server (a Python start-up
        and its imports: a few hundred milliseconds the caller of ``background`` does not wait for)."""
        for _ in range(self.workers):
            worker = self._spawn()
            with self._lock:
                self._busy.add(worker)
            self._release(worker)  # to a waiting query, or idle
        spare: WorkerProcess | None = self._spawn()
        with self._lock:
            if not self._closed:
                self._spare, spare = spare, None
        if spare is not None:
            spare.stop()

    def check(self, sparql: str) -> None:
        """:class:`QueryTooLarge` if the query is longer or nests deeper than the bounds."""
        bounds.check(sparql, self.max_length, self.max_depth)

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
        request = SparqlRequest(sparql, select_fmt, default_graphs, named_graphs, base_iri)
        message = (request, select_fmt, graph_fmt, self.max_rows)
        worker = await self._acquire(deadline, cancelled)
        waited = time.monotonic() - arrived
        status, payload = await self._execute(worker, message, deadline, cancelled)
        if status == "ok":
            answer: Answer = payload
            return answer
        if status == "rows":
            raise TooManyRows(payload)
        if status == "error":
            raise QueryFailed(f"the query cannot run: {payload}")
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
        self, worker: WorkerProcess, message: tuple[Any, ...], deadline: float, cancelled: Cancelled | None
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
        self,
        held: list[WorkerProcess],
        message: tuple[Any, ...],
        deadline: float,
        cancelled: Cancelled | None,
    ) -> tuple[str, Any]:
        worker = held[0]
        for attempt in (1, 2):
            status, payload = "ready", None
            if not worker.ready:  # freshly started: wait until it has loaded the store
                status, payload = await receive(worker, deadline, cancelled)
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
                    status, payload = await receive(worker, deadline, cancelled)
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
                    status, payload = "crash", exit_text(code)
                else:  # it died before it took the query: the query has not run
                    status, payload = "unstarted", exit_text(code)
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

    async def _acquire(self, deadline: float, cancelled: Cancelled | None) -> WorkerProcess:
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
        handed: WorkerProcess | None = None
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

    def _release(self, worker: WorkerProcess) -> None:
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

    def _spawn(self) -> WorkerProcess:
        return WorkerProcess(self._ctx, self.files, self.memory)

    def _fresh(self) -> WorkerProcess:
        """A worker to take a stopped one's place: the spare (which has loaded the store by now, or nearly),
        while another spare starts."""
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is None:
            return self._spawn()
        ahead: WorkerProcess | None = self._spawn()
        with self._lock:
            if self._spare is None and not self._closed:
                self._spare, ahead = ahead, None
        if ahead is not None:
            ahead.stop()
        return spare

    def _replace(self, worker: WorkerProcess) -> WorkerProcess:
        """Stop a worker and start another in its place, for the same query."""
        worker.stop()
        fresh = self._fresh()
        with self._lock:
            self._busy.discard(worker)
            fresh.deadline = worker.deadline
            self._busy.add(fresh)
        return fresh

    def _renew(self, worker: WorkerProcess) -> None:
        """Stop a worker and give a fresh one to the pool."""
        worker.stop()
        if not self._closed:
            self._release(self._fresh())

    def _forget(self, worker: WorkerProcess) -> None:
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

    def started(self) -> bool:
        """Whether a worker has loaded its store (its "ready" has come, read or not): queries are answered
        without waiting for a start."""
        with self._lock:
            workers = [*self._idle, *self._busy]
        for w in workers:
            with contextlib.suppress(OSError, ValueError):
                if w.ready or w.buffer or w.conn.poll(0):
                    return True
        return False

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
