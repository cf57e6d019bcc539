"""What the service loads once: the store (embedded, with its SPARQL workers, or external), the Act, the
engine and the search index. Routes reach it through ``deps``. The dataset is loaded once in this process
(``local``): the Act of an embedded store, the engine and the dump of an external store all read that one
copy (``kg.store`` counts the copies and says why each is there).

Start-up checks the built graph first (``kg.integrity``): the file against its manifest (present,
not empty, its size, its sha256), then the loaded graph against the manifest's counts; any difference is
a :class:`~kg.integrity.GraphError` naming the file, and no service starts. SPARQL parsing
(pyparsing, not thread-safe) is serialised process-wide (``kg.store.parsing_lock``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from api.settings import Settings
from kg import integrity, paths
from kg.act import Act
from kg.search import Search
from kg.store import parsing_lock
from kg.store.core import OxigraphStore, Store, default_files, graph_of
from kg.store.embedded import EmbeddedStore
from kg.store.pool import QueryPool
from kg.store.remote import SparqlEndpointStore
from reasoner.engine import Engine


@dataclass
class Services:
    settings: Settings
    store: Store = field(init=False)
    local: OxigraphStore = field(init=False)  # the dataset in this process, checked
    pool: QueryPool | None = field(init=False, default=None)
    remote: SparqlEndpointStore | None = field(init=False, default=None)
    files: list[Path] = field(init=False)

    def __post_init__(self) -> None:
        parsing_lock.install()  # validations and the SPARQL endpoint parse SPARQL in threads at once
        graph = self.settings.graph or paths.PROVISIONS
        self.files = [graph, *(f for f in default_files() if f != paths.PROVISIONS)]
        self.local = self._load_checked(graph)
        if self.settings.sparql_endpoint:
            self.remote = SparqlEndpointStore(
                self.settings.sparql_endpoint,
                self.settings.query_timeout,
                local=self.local,
                max_length=self.settings.max_query_length,
                max_depth=self.settings.max_query_depth,
            )
            self.store = self.remote
        else:
            self.pool = QueryPool(
                self.files,
                self.settings.query_workers,
                self.settings.query_timeout,
                self.settings.max_rows,
                queue=self.settings.query_queue,
                memory=self.settings.worker_memory,
                max_length=self.settings.max_query_length,
                max_depth=self.settings.max_query_depth,
            )
            self.store = EmbeddedStore(self.local, self.pool)

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
        return Act(self.store)

    @cached_property
    def engine(self) -> Engine:
        """Validation runs on the dataset in this process (an external store too): the rules add a graph
        per request of their own to it, and remove it after; nothing else reads those graphs."""
        return Engine(Act(self.local))

    @cached_property
    def search(self) -> Search:
        return Search(self.act)

    def warm_up(self) -> None:
        """Load now what is otherwise loaded by the first request that needs it (the index of provisions,
        the engine, the search index): ``aiact serve`` does, so that no early request stalls the others.
        An external store is not asked at start-up: it may come up after the service."""
        _ = self.engine
        if self.remote is None:
            _ = self.act.index, self.search

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
