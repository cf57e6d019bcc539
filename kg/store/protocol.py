"""The one interface to the graph: what the CLI, the Act, the reasoner and every route of the service read
it through, whichever store answers.

- :meth:`Store.query`: rows for the program's own use (the index of provisions, citations, rules);
- :meth:`Store.check` and :meth:`Store.answer`: a SPARQL Protocol request (query text, dataset, format)
  answered in the requested format within the store's limits, serialised: the ``/sparql`` route's one
  call; the errors are those of :mod:`kg.store.errors`, which the route maps to statuses;
- :meth:`Store.dump`: the default graph as a file (``/graph``);
- :attr:`Store.federated`: whether a query may call ``SERVICE`` (it may where the store can fetch).

Implemented by :class:`~kg.store.core.OxigraphStore` (in-process, no time limit),
:class:`~kg.store.embedded.EmbeddedStore` (the service's: worker processes with limits) and
:class:`~kg.store.remote.SparqlEndpointStore` (an external endpoint).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pyoxigraph as ox

    from kg.store.answers import Answer, SparqlRequest
    from kg.store.core import Result

Cancelled = Callable[[], Awaitable[bool]]  # asked while a query runs or waits: has the client gone?


class Store(Protocol):
    @property
    def federated(self) -> bool:
        """Whether ``SERVICE`` can run on this store."""
        ...

    def query(self, sparql: str) -> Result:
        """The result as rows, triples or a boolean; :class:`~kg.store.errors.QueryError` if it fails."""
        ...

    def check(self, sparql: str) -> None:
        """:class:`~kg.store.errors.QueryTooLarge` if the text is past the store's bounds (before parsing)."""
        ...

    async def answer(self, request: SparqlRequest, cancelled: Cancelled | None = None) -> Answer:
        """The serialised answer to a SPARQL Protocol request, within the store's time and row limits."""
        ...

    def dump(self, format: ox.RdfFormat) -> bytes:
        """The default graph in an RDF format."""
        ...
