"""Settings of the service, from environment variables (documented in the README).

- ``AIACT_SPARQL_ENDPOINT``: an external SPARQL endpoint to use instead of the embedded store.
- ``AIACT_QUERY_TIMEOUT``: seconds a SPARQL query may run (default 10).
- ``AIACT_MAX_ROWS``: rows or triples a SPARQL result may have (default 10000).
- ``AIACT_QUERY_WORKERS``: worker processes answering SPARQL on the embedded store (default 2).
- ``AIACT_ALLOW_SERVICE``: ``1`` to allow federated ``SERVICE`` clauses (default refused).
- ``AIACT_MAX_BODY``: request body limit in bytes (default 1000000).
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    sparql_endpoint: str | None = None
    query_timeout: float = 10.0
    max_rows: int = 10000
    query_workers: int = 2
    allow_service: bool = False
    max_body: int = 1_000_000

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
        )
