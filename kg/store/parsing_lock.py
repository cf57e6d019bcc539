"""One parse at a time through pyparsing, which rdflib's SPARQL parser is built on.

pyparsing is not thread-safe (pyparsing issue #89): the first calls of a parse action probe its arity
and keep what they found in shared state, so two threads parsing SPARQL for the first time at once can
leave a parse action called with the wrong number of arguments — for good: every later parse that needs
it fails (``TypeError: ... missing 1 required positional argument``). In the service pyshacl parses the
shapes' SPARQL constraints in the threads that validate, and the SPARQL endpoint parses queries in
others: a burst of concurrent first validations broke validation until a restart (seen in
``bench/load.py``; reproduced by ``tests/test_faults.py``).

:func:`install` puts a process-wide lock around ``ParserElement.parse_string``, the entry point rdflib and
our own callers use. Parsing is pure Python, so under the GIL the lock costs no throughput.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from pyparsing import ParserElement

LOCK = threading.RLock()


def install() -> None:
    """Serialise every ``parse_string`` of the process (idempotent)."""
    original = ParserElement.parse_string
    if getattr(original, "_serialised", False):
        return

    @functools.wraps(original)
    def parse_string(self: ParserElement, *args: Any, **kwargs: Any) -> Any:
        with LOCK:
            return original(self, *args, **kwargs)

    parse_string._serialised = True  # type: ignore[attr-defined]
    ParserElement.parse_string = parse_string  # type: ignore[method-assign]
