"""The service's embedded store: the dataset in this process for its own reading, and worker processes,
each with a copy, answering ``/sparql`` within the time, row and memory limits (:mod:`kg.store.pool`).

Why both: a runaway query can only be stopped by ending the process it runs in, so what clients send runs
in a worker; what the service itself asks (the index of provisions, citations, the rules of the reasoner,
which add a graph per validation) is short, is asked often, and needs no pipe, so it runs here.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.store.answer_cache import AnswerCache, key_of
from kg.store.answers import Answer, SparqlRequest, split_format
from kg.store.core import OxigraphStore, Result
from kg.store.pool import QueryPool
from kg.store.protocol import Cancelled


class EmbeddedStore:
    """:class:`~kg.store.protocol.Store` over a local :class:`OxigraphStore` and a :class:`QueryPool`."""

    federated = False  # the workers have no network (kg.store.sandbox)

    def __init__(self, local: OxigraphStore, pool: QueryPool, cache: int = 0) -> None:
        """``cache``: bytes of answers kept for repeated queries (:mod:`kg.store.answer_cache`; 0: none)."""
        self.local = local
        self.pool = pool
        self.answers = AnswerCache(cache)

    def query(self, sparql: str) -> Result:
        return self.local.query(sparql)

    def check(self, sparql: str) -> None:
        self.pool.check(sparql)

    async def answer(self, request: SparqlRequest, cancelled: Cancelled | None = None) -> Answer:
        """A kept answer to the same request, else a worker's: waits for one on the event loop, no thread
        held, and stops the query if ``cancelled`` says the client has gone."""
        key = key_of(request)
        kept = self.answers.get(key)
        if kept is not None:
            return kept
        select_fmt, graph_fmt = split_format(request.format)
        answer = await self.pool.run_async(
            request.query,
            select_fmt,
            graph_fmt,
            cancelled=cancelled,
            default_graphs=request.default_graphs,
            named_graphs=request.named_graphs,
            base_iri=request.base_iri,
        )
        self.answers.put(key, answer)  # reached only with a whole answer: errors raise before
        return answer

    def dump(self, format: ox.RdfFormat) -> bytes:
        return self.local.dump(format)

    def close(self) -> None:
        self.pool.close()

    def __len__(self) -> int:
        return len(self.local)
