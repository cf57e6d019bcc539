"""Full-text search over the Act."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from api.deps import ServicesDep
from api.problems import documented

# The routes are plain functions: FastAPI runs them in its thread pool, never on the event loop.
router = APIRouter(tags=["search"])


@router.get("/search", responses=documented(400))
def search(
    services: ServicesDep,
    q: str = Query(..., min_length=1, max_length=500),
    limit: int = Query(20, ge=1, le=100),
) -> dict[str, Any]:
    """Full-text search over provision text (SQLite FTS5, BM25, stemmed, widened with the search synonyms),
    ranked; ``"..."`` marks a phrase; a citation jumps to its provision. ``snippet`` is plain text,
    ``snippet_html`` the same words HTML-escaped with the hits in ``<mark>…</mark>``."""
    hits = services.search.search(q, limit)
    return {
        "query": q,
        "results": [
            {
                "notation": h.notation,
                "iri": h.iri,
                "title": h.title,
                "score": round(h.score, 3),
                "snippet": h.snippet,
                "snippet_html": h.snippet_html,
            }
            for h in hits
        ],
    }
