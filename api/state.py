"""What the service loads once: the store (embedded, with its SPARQL workers, or external), the Act, the
engine and the search index. Routes reach it through ``deps``. The dataset is loaded once in this process
(``local``): the Act of an embedded store, the engine and the dump of an external store all read that one
copy (``kg.store`` counts the copies and says why each is there).

Start-up checks the built graph first (``kg.integrity``): the file against its manifest (present,
not empty, its size, its sha256), then the loaded graph against the manifest's counts; any difference is
a :class:`~kg.integrity.GraphError` naming the file, and no service starts. SPARQL parsing
(pyparsing, not thread-safe) is serialised process-wide (``kg.store.parsing_lock``).

Start-up, in order: the check and the load of the graph (nothing answers before: a bad graph is never served);
the SPARQL workers start (they load their copies meanwhile, and a query waits for its worker); then
:meth:`Services.warm_up` builds the index of provisions, the search index and the engine, at once or — for
``aiact serve`` — in a thread (:meth:`Services.warm_up_in_background`), while the service already answers:
a request that needs a part not yet built waits for it, and ``/health`` names what is still loading
(:meth:`Services.starting`)."""

from __future__ import annotations

import asyncio
import gc
import json
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.settings import Settings
from kg import integrity, paths
from kg.store import parsing_lock
from kg.store.core import OxigraphStore, Store, default_files, graph_of

if TYPE_CHECKING:  # imported where first needed: the graph is checked and loaded before they are
    from fastapi import FastAPI

    from kg.act import Act
    from kg.search import Search
    from kg.store.pool import QueryPool
    from kg.store.remote import SparqlEndpointStore
    from reasoner.batch import Batch
    from reasoner.engine import Engine

PARTS = ("index", "engine", "search")  # what warm_up builds, in this order


@dataclass
class Services:
    settings: Settings
    store: Store = field(init=False)
    local: OxigraphStore = field(init=False)  # the dataset in this process, checked
    pool: QueryPool | None = field(init=False, default=None)
    remote: SparqlEndpointStore | None = field(init=False, default=None)
    files: list[Path] = field(init=False)
    built: dict[str, threading.Event] = field(init=False)  # set once the part is built (or failed to be)
    warming: threading.Thread | None = field(init=False, default=None)
    background: bool = False  # start the SPARQL workers in a thread (aiact serve: listening meanwhile)

    def __post_init__(self) -> None:
        self.built = {part: threading.Event() for part in PARTS}
        parsing_lock.install()  # validations and the SPARQL endpoint parse SPARQL in threads at once
        if self.background and not self.settings.sparql_endpoint:
            # the workers' fork server imports its modules meanwhile (a Python start-up, pyoxigraph, the
            # main module): the workers themselves start once the graph has passed its checks
            threading.Thread(target=_fork_server, name="fork-server-start", daemon=True).start()
        graph = self.settings.graph or paths.PROVISIONS
        self.files = [graph, *(f for f in default_files() if f != paths.PROVISIONS)]
        self.local = self._load_checked(graph)
        if self.settings.sparql_endpoint:
            from kg.store.remote import SparqlEndpointStore

            self.remote = SparqlEndpointStore(
                self.settings.sparql_endpoint,
                self.settings.query_timeout,
                local=self.local,
                max_length=self.settings.max_query_length,
                max_depth=self.settings.max_query_depth,
            )
            self.store = self.remote
        else:
            from kg.store.embedded import EmbeddedStore
            from kg.store.pool import QueryPool

            self.pool = QueryPool(
                self.files,
                self.settings.query_workers,
                self.settings.query_timeout,
                self.settings.max_rows,
                queue=self.settings.query_queue,
                memory=self.settings.worker_memory,
                max_length=self.settings.max_query_length,
                max_depth=self.settings.max_query_depth,
                background=self.background,
            )
            self.store = EmbeddedStore(self.local, self.pool, cache=self.settings.answer_cache)

    def _load_checked(self, graph: Path) -> OxigraphStore:
        """The embedded store, once the built graph has passed its checks before and after loading."""
        manifest = integrity.check_file(graph)
        try:
            store = OxigraphStore(self.files, named_graphs=True)
        except (SyntaxError, ValueError, OSError) as err:
            raise integrity.GraphError(
                graph, f"the graph cannot be loaded ({err}); {integrity.REBUILD}"
            ) from err
        integrity.check_loaded(graph, manifest, store.store, graph_of(graph))
        return store

    @cached_property
    def act(self) -> Act:
        from kg.act import Act

        return Act(self.store)

    @cached_property
    def engine(self) -> Engine:
        """Validation runs on the dataset in this process (an external store too): the rules add a graph
        per request of their own to it, and remove it after; nothing else reads those graphs."""
        from kg.act import Act
        from reasoner.engine import Engine

        return Engine(Act(self.local))

    @cached_property
    def batch(self) -> Batch:
        """Batches of descriptions: in worker processes (``AIACT_BATCH_WORKERS``, started with the first
        batch large enough, each with an engine over the dataset served here), smaller ones with
        :attr:`engine`."""
        from reasoner.batch import Batch

        return Batch(self.settings.batch_workers, self.engine, files=[str(f) for f in self.files])

    @cached_property
    def search(self) -> Search:
        from kg.search import Search

        return Search(self.act)

    def health(self) -> dict[str, Any]:
        """The body of ``/health`` (the index of provisions built by now)."""
        body: dict[str, Any] = {
            "status": "ok",
            "store": self.settings.sparql_endpoint or "embedded",
            "provisions": len(self.act.index.provisions),
        }
        starting = self.starting()
        if starting:
            body["starting"] = starting
        return body

    def warm_up(self, then: Callable[[], None] | None = None) -> None:
        """Load now what is otherwise loaded by the first request that needs it (the index of provisions,
        the engine, the search index): ``aiact serve`` does, so that no early request stalls the others.
        An external store is not asked at start-up: it may come up after the service. A part that fails
        here is left to the first request that needs it, which gets the error."""
        for part in PARTS:
            if part == "engine" and then is not None:
                then()  # after the index (which /health counts), before the rest
            try:
                if part == "engine":
                    _ = self.engine
                elif self.remote is None:
                    _ = self.act.index if part == "index" else self.search
            except Exception:  # the request that needs the part raises it again
                pass
            finally:
                self.built[part].set()
        # what is loaded now stays for the life of the service: the garbage collector need not walk it
        # again (hundreds of thousands of objects, the graph's terms and indexes) at every full collection
        gc.freeze()

    def warm_up_in_background(self, then: Callable[[], None] | None = None) -> threading.Thread:
        """:meth:`warm_up` in a thread, while the service answers (``then``: run in it once the index is
        built). The parts are ``cached_property``: a request that needs one meanwhile waits for its lock,
        that is for the part, then shares it."""
        self.warming = threading.Thread(target=self.warm_up, args=(then,), name="warm-up", daemon=True)
        self.warming.start()
        return self.warming

    def starting(self) -> list[str]:
        """What is still loading, when warming up in the background: the parts not built yet, and
        ``sparql-workers`` while no worker has loaded its store (a query waits for one); else nothing."""
        if self.warming is None:  # warmed up at once, or on demand (tests, create_app without aiact serve)
            return []
        pending = [p for p in PARTS if not self.built[p].is_set()]
        if self.pool is not None and not self.pool.started():
            pending.insert(0, "sparql-workers")
        return pending

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
        batch = self.__dict__.get("batch")  # only if a batch has run
        if batch is not None:
            batch.close()


def _fork_server() -> None:
    from kg.store.pool import start_fork_server

    start_fork_server()


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class Starting:
    """The ASGI application of ``aiact serve`` while the service finishes its start: it listens as soon as
    the graph is checked and loaded, and the rest (importing the web application, the search index, the
    engine) goes on in the warm-up thread. Meanwhile it answers ``GET /health`` itself — the same body, the
    index of provisions built — and every other request waits for the application, then goes to it; once
    the application is there, everything goes to it (its own lifespan runs inside this one)."""

    def __init__(self, services: Services, build: Callable[[], FastAPI]) -> None:
        self.services = services
        self.build = build
        self.app: FastAPI | None = None
        self.failed: BaseException | None = None
        self._built = threading.Event()
        self._entered: asyncio.Event | None = None
        services.warm_up_in_background(then=self._build)

    def _build(self) -> None:
        try:
            self.app = self.build()
        except BaseException as err:  # told to every request
            self.failed = err
        finally:
            self._built.set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        entered = self._entered
        if entered is None or not entered.is_set():
            if (
                scope["type"] == "http"
                and scope["path"] == "/health"
                and scope["method"] == "GET"
                and not (scope.get("query_string"))
            ):
                await self._health(send)
                return
            while entered is None or not entered.is_set():
                if self.failed is not None:
                    await _problem(send, f"the service failed to start: {self.failed}")
                    return
                await asyncio.sleep(0.005)
                entered = self._entered
        assert self.app is not None
        await self.app(scope, receive, send)

    async def _health(self, send: Send) -> None:
        index = self.services.built["index"]
        while not index.is_set():
            await asyncio.sleep(0.005)
        if self.failed is not None:  # never "ok" from a service that cannot answer anything else
            await _problem(send, f"the service failed to start: {self.failed}")
            return
        body = json.dumps(self.services.health(), separators=(",", ":")).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        self._entered = asyncio.Event()
        await receive()  # lifespan.startup: listening at once
        await send({"type": "lifespan.startup.complete"})
        shutdown = asyncio.ensure_future(receive())
        while not self._built.is_set() and not shutdown.done():
            await asyncio.wait([shutdown], timeout=0.005)
        if self.app is not None and not shutdown.done():
            async with self.app.router.lifespan_context(self.app):  # the application's own start and end
                self._entered.set()
                await shutdown
        else:
            self.services.close()
        await send({"type": "lifespan.shutdown.complete"})


async def _problem(send: Send, detail: str) -> None:
    """A 503 problem: the service, not the request, is at fault."""
    problem = {"type": "about:blank", "title": "Service unavailable", "status": 503, "detail": detail}
    body = json.dumps(problem).encode()
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})
