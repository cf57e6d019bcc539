"""What the service loads once: the store (embedded or external), the Act, the engine, the SPARQL
workers and the search index. Routes reach it through ``deps``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from api.settings import Settings
from reasoner.act import Act
from reasoner.engine import Engine
from reasoner.query_pool import QueryPool
from reasoner.remote_store import SparqlEndpointStore
from reasoner.search import Search
from reasoner.store import OxigraphStore, Store, default_files


@dataclass
class Services:
    settings: Settings
    store: Store = field(init=False)
    pool: QueryPool | None = field(init=False, default=None)
    remote: SparqlEndpointStore | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.settings.sparql_endpoint:
            self.remote = SparqlEndpointStore(self.settings.sparql_endpoint, self.settings.query_timeout)
            self.store = self.remote
        else:
            self.store = OxigraphStore(named_graphs=True)
            self.pool = QueryPool(
                default_files(),
                self.settings.query_workers,
                self.settings.query_timeout,
                self.settings.max_rows,
            )

    @cached_property
    def act(self) -> Act:
        return Act(self.store)

    @cached_property
    def engine(self) -> Engine:
        """Validation runs on the embedded store: the rules need a graph per request of their own."""
        return Engine()

    @cached_property
    def search(self) -> Search:
        return Search(self.act)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
