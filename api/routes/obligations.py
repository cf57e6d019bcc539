"""The obligations of providers of general-purpose AI models, as the graph states them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import ServicesDep
from api.problems import Problem, documented
from kg.excerpt import excerpt
from reasoner.obligations import catalogue

# The routes are plain functions: FastAPI runs them in its thread pool, never on the event loop.
router = APIRouter(tags=["obligations"])


@router.get("/obligations", responses=documented(400))
def list_obligations(services: ServicesDep) -> list[dict[str, Any]]:
    """The obligations of providers of general-purpose AI models, with their legal basis and dates."""
    return catalogue(services.act).listing()


@router.get("/obligations/{oid}", responses=documented(400, 404))
def one_obligation(oid: str, services: ServicesDep) -> dict[str, Any]:
    """One obligation by id (art53-1-a)."""
    found = catalogue(services.act).get(oid)
    if found is not None:
        return found
    raise Problem(404, f"no obligation {excerpt(oid)}: see GET /obligations")
