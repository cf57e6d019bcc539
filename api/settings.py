"""Settings of the service, from environment variables (documented in the README).

- ``AIACT_SPARQL_ENDPOINT``: an external SPARQL endpoint to use instead of the embedded store.
- ``AIACT_QUERY_TIMEOUT``: seconds a SPARQL query may run (default 10).
- ``AIACT_MAX_ROWS``: rows or triples a SPARQL result may have (default 10000).
- ``AIACT_QUERY_WORKERS``: worker processes answering SPARQL on the embedded store (default 2).
- ``AIACT_ALLOW_SERVICE``: ``1`` to allow federated ``SERVICE`` clauses (default refused).
- ``AIACT_CORS_ORIGINS``: origins that may call the service from a browser, comma-separated (default
  ``*``, any; empty: no CORS headers). Never with credentials.
- ``AIACT_ENDPOINT_URL``: the public URL of ``/sparql`` (the service description's ``sd:endpoint`` and the
  base IRI of queries); default: the URL the request came to.
- ``AIACT_MAX_BODY``: request body limit in bytes (default 1000000).
- ``AIACT_QUERY_QUEUE``: SPARQL queries that may wait for a busy worker (default 8); beyond, 503 at once
  with ``Retry-After``. Waiting counts against a query's time limit.
- ``AIACT_WORKER_MEMORY``: address space of each SPARQL worker, in bytes or with a suffix ``K``, ``M``,
  ``G`` (default ``1G``; ``0``: no limit); a query past it is stopped (503) and its worker replaced.
- ``AIACT_MAX_QUERY_LENGTH``: characters a SPARQL query may have (default 100000; 400 beyond).
- ``AIACT_MAX_QUERY_DEPTH``: how deep a query's brackets may nest (default 200; 400 beyond).
- ``AIACT_THREADS``: threads for the CPU-bound work of requests (reading descriptions, the engine, the
  provision routes; default 2, one per core of a small machine). More threads do not answer faster under
  Python's global lock; they make the event loop, and so ``/health``, wait longer for its turn.
- ``AIACT_MAX_BATCH``: descriptions a ``POST /validate/batch`` may hold (default 1000; 413 beyond).
- ``AIACT_ANSWER_CACHE``: bytes of SPARQL answers the embedded store keeps for repeated queries (default
  ``64M``; ``0``: none; ``kg.store.answer_cache``). The dataset never changes while the service runs.
- ``AIACT_BATCH_WORKERS``: worker processes validating a batch of 20 descriptions or more (default: the
  machine's cores, at most 4; ``1``: in the service's own process). They start with the first such
  batch and each builds its engine once (a second or two); smaller batches run in the service.
- ``AIACT_GRAPH``: the built graph to serve (default ``kg/provisions.ttl``), checked at start-up against
  the manifest beside it (``provisions.manifest.json``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

_SIZE = re.compile(r"\s*(\d+)\s*([KMG]?)i?B?\s*", re.I)


def parse_size(text: str) -> int:
    """Bytes from ``1073741824``, ``1G``, ``512M``, ``512MiB``, ``64K``."""
    m = _SIZE.fullmatch(text)
    if m is None:
        raise ValueError(f"not a size in bytes: {text!r} (write e.g. 1073741824, 1G or 512M)")
    number, unit = str(m[1]), str(m[2]).upper()
    return int(number) << (10 * " KMG".index(unit or " "))


@dataclass(frozen=True)
class Settings:
    sparql_endpoint: str | None = None
    query_timeout: float = 10.0
    max_rows: int = 10000
    query_workers: int = 2
    allow_service: bool = False
    max_body: int = 1_000_000
    cors_origins: tuple[str, ...] = ("*",)
    endpoint_url: str | None = None
    query_queue: int = 8
    worker_memory: int = 2**30
    max_query_length: int = 100_000
    max_query_depth: int = 200
    graph: Path | None = None  # None: kg/provisions.ttl
    threads: int = 2
    max_batch: int = 1000
    batch_workers: int = 2
    answer_cache: int = 64 * 2**20

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            sparql_endpoint=env.get("AIACT_SPARQL_ENDPOINT") or None,
            query_timeout=float(env.get("AIACT_QUERY_TIMEOUT", "10")),
            max_rows=int(env.get("AIACT_MAX_ROWS", "10000")),
            query_workers=int(env.get("AIACT_QUERY_WORKERS", "2")),
            allow_service=env.get("AIACT_ALLOW_SERVICE", "") == "1",
            max_body=int(env.get("AIACT_MAX_BODY", "1000000")),
            cors_origins=tuple(o.strip() for o in env.get("AIACT_CORS_ORIGINS", "*").split(",") if o.strip()),
            endpoint_url=env.get("AIACT_ENDPOINT_URL") or None,
            query_queue=int(env.get("AIACT_QUERY_QUEUE", "8")),
            worker_memory=parse_size(env.get("AIACT_WORKER_MEMORY", "1G")),
            max_query_length=int(env.get("AIACT_MAX_QUERY_LENGTH", "100000")),
            max_query_depth=int(env.get("AIACT_MAX_QUERY_DEPTH", "200")),
            graph=Path(env["AIACT_GRAPH"]) if env.get("AIACT_GRAPH") else None,
            threads=max(1, int(env.get("AIACT_THREADS", "2"))),
            max_batch=max(0, int(env.get("AIACT_MAX_BATCH", "1000"))),
            answer_cache=parse_size(env.get("AIACT_ANSWER_CACHE", "64M")),
            batch_workers=max(1, int(env.get("AIACT_BATCH_WORKERS", str(min(os.cpu_count() or 1, 4))))),
        )
