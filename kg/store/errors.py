"""What a query can end in besides an answer: the errors every store raises and the service maps to statuses.

:class:`QueryError` (and its kinds) is the query's fault: a 400. :class:`QueryTimeout` and
:class:`QueryStopped` (and its kinds) are the service's side: a 503, with ``Retry-After`` when it helps.
"""

from __future__ import annotations


class QueryError(ValueError):
    """The query could not be parsed or run; the message says why."""


class QueryFailed(QueryError):
    """The query is malformed or cannot run on the embedded store; the message says why."""


class QueryTooLarge(QueryFailed):
    """The query text is longer, or nests its brackets deeper, than the bounds: refused before a worker."""


class TooManyRows(QueryError):
    """The result has more rows than the limit."""


class QueryTimeout(TimeoutError):
    """The query ran past its time limit and was stopped."""


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
