"""Answers of the embedded store kept by the request that asked them, for the next request that asks the same.

The embedded dataset never changes while the service runs (``/sparql`` is read-only and the graph is
checked and loaded once), so the same query over the same dataset, in the same format, gives the same
answer: the service keeps the last answers (least recently used out first, bounded by their bytes) and
answers a repeated query without a worker's round trip. Only whole answers are kept, never an error, a
time-out or a refusal; never a query whose answer may differ from one run to the next (``NOW()``,
``RAND()``, ``UUID()``, ``STRUUID()``, ``BNODE()``, looked for in the text: a word in a string literal
only makes the cache pass it by). An external store (``AIACT_SPARQL_ENDPOINT``) may change under the
service: its answers are never kept.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from kg.store.answers import Answer, SparqlRequest

VOLATILE = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)

Key = tuple[str, str, tuple[str, ...] | None, tuple[str, ...] | None, str | None]


def key_of(request: SparqlRequest) -> Key | None:
    """What decides an answer: the text, the format, the dataset and the base IRI; None for a query whose
    answer may change between runs."""
    if VOLATILE.search(request.query):
        return None
    default = tuple(request.default_graphs) if request.default_graphs is not None else None
    named = tuple(request.named_graphs) if request.named_graphs is not None else None
    return (request.query, request.format, default, named, request.base_iri)


class AnswerCache:
    """The last answers by :func:`key_of`, at most ``capacity`` bytes of answers and query texts together;
    an answer larger than an eighth of it is never kept (it would push out many small ones). ``capacity``
    0: nothing is kept. Safe across threads."""

    def __init__(self, capacity: int) -> None:
        self.capacity = max(0, capacity)
        self.largest = self.capacity // 8
        self._answers: OrderedDict[Key, Answer] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Key | None) -> Answer | None:
        if key is None or not self.capacity:
            return None
        with self._lock:
            answer = self._answers.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._answers.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: Key | None, answer: Answer) -> None:
        if key is None:
            return
        weight = _weight(key, answer)
        if weight > self.largest:
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = answer
            self._size += weight
            while self._size > self.capacity:
                old, gone = self._answers.popitem(last=False)
                self._size -= _weight(old, gone)

    def __len__(self) -> int:
        return len(self._answers)

    @property
    def size(self) -> int:
        """Bytes held: the answers' bodies and their query texts."""
        return self._size


def _weight(key: Key, answer: Answer) -> int:
    return len(answer.body) + len(key[0]) + 200  # the text, and about what the entry itself takes
