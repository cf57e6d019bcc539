"""The worker side of the query pool (:mod:`kg.store.pool`): the process that answers queries from a pipe,
and the service's handle on it — starting it, reading its answers without blocking the event loop, ending it.

A worker loads its own copy of the dataset, forbids itself the network, sets its memory limit and its CPU
priority, then answers each query with the answer already serialised (:mod:`kg.store.answers`). Its
messages are ``(status, payload)`` in the framing of ``multiprocessing.Connection``: ("ready", pid) once it
has loaded the store, then ("ok", Answer), ("rows" | "error", message) or ("memory", "") per query.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import signal
import struct
import time
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any

from kg.store.errors import TooManyRows
from kg.store.protocol import Cancelled

POLL = 0.25  # seconds between two checks whether the client is still there


def serve(conn: Connection, files: list[str]) -> None:
    """Answer queries from the pipe. No outbound connection can be opened here (``worker_sandbox``): not
    by ``SERVICE``, whatever got past the endpoint's checks. A dataset (default graphs, named graphs, each
    a list of IRIs or None) replaces the store's and the query's FROM / FROM NAMED; a graph the store does
    not hold is empty, never fetched."""
    from kg.store.answers import dataset_options, serialise
    from kg.store.core import OxigraphStore
    from kg.store.sandbox import forbid_network

    forbid_network()
    store = OxigraphStore([Path(f) for f in files], named_graphs=True).store
    conn.send(("ready", os.getpid()))  # loaded: from now on a death is a query's, not the start's
    while True:
        message = conn.recv()
        if message is None:
            return
        request, select_fmt, graph_fmt, max_rows = message
        try:
            answer = serialise(
                store.query(request.query, **dataset_options(request)), select_fmt, graph_fmt, max_rows
            )
            conn.send(("ok", answer))
        except TooManyRows as err:
            conn.send(("rows", str(err)))
        except (SyntaxError, ValueError, OSError) as err:
            conn.send(("error", str(err)))


def start(conn: Connection, files: list[str], memory: int, niceness: int | None = None) -> None:
    """A worker process: its memory limit, then :func:`serve`. Past the limit Oxigraph aborts the process
    and Python raises MemoryError; either way the worker ends and the pool replaces it. Workers run at a
    lower CPU priority than the service: a runaway query takes the CPU the service's own routes leave.
    ``niceness``: the worker's (the service's plus :data:`WORKER_NICENESS`), whatever the process it was
    forked from had (the fork server may run at it already); None: :data:`WORKER_NICENESS` more than now."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the service, which stops its workers
    with contextlib.suppress(OSError):
        if niceness is None:
            os.nice(WORKER_NICENESS)
        elif os.getpriority(os.PRIO_PROCESS, 0) < niceness:
            os.setpriority(os.PRIO_PROCESS, 0, niceness)
    if memory > 0:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        serve(conn, files)
    except MemoryError:
        with contextlib.suppress(OSError):
            conn.send(("memory", ""))
    except (EOFError, BrokenPipeError, ConnectionResetError):
        pass  # the service has gone: nobody to answer


WORKER_NICENESS = 5


class WorkerProcess:
    """A worker process and the service's end of its pipe; ``ready`` once it has loaded the store."""

    def __init__(self, ctx: Any, files: list[str], memory: int) -> None:
        self.conn, child = ctx.Pipe()
        niceness = os.getpriority(os.PRIO_PROCESS, 0) + WORKER_NICENESS
        self.process = ctx.Process(target=start, args=(child, files, memory, niceness), daemon=True)
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


async def receive(worker: WorkerProcess, deadline: float, cancelled: Cancelled | None) -> tuple[str, Any]:
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
        message = read_message(buffer)
        if message is not None and not whole.done():
            whole.set_result(message)

    message = read_message(buffer)  # already there, read with an earlier message
    if message is not None:
        return loads(message)
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
    return ("eof", None) if body is None else loads(body)


def read_message(buffer: bytearray) -> bytes | None:
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


def loads(message: bytes) -> tuple[str, Any]:
    status, payload = ForkingPickler.loads(message)
    return str(status), payload


def exit_text(code: int | None) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0:
        return (
            f"killed by signal {signal.Signals(-code).name}"
            if -code in signal.valid_signals()
            else f"signal {-code}"
        )
    return f"exit code {code}"
