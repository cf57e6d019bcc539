"""Provisions: one by notation, id or IRI, and its cross-reference neighbourhood."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from api.deps import ProvisionRef, ServicesDep
from api.problems import documented
from kg.neighbourhood import neighbourhood
from reasoner.obligations import catalogue

# The routes are plain functions: FastAPI runs them in its thread pool, never on the event loop.
router = APIRouter(tags=["provisions"])
NOT_FOUND = documented(400, 404)


@router.get("/provisions/{ref:path}/graph", responses=NOT_FOUND)
def provision_graph(
    iri: ProvisionRef,
    services: ServicesDep,
    depth: int = Query(1, ge=1, le=4, description="how many references away"),
) -> dict[str, Any]:
    """The cross-reference neighbourhood of a provision as nodes and edges."""
    return neighbourhood(services.act, iri, depth)


@router.get("/provisions/{ref:path}", responses=NOT_FOUND)
def provision(iri: ProvisionRef, services: ServicesDep) -> dict[str, Any]:
    """A provision by notation ("Art. 53(2)"), id ("art_53/par_2") or IRI: text, place, references."""
    act = services.act
    info = act.provision(iri)
    info["ancestors"] = [act.index[a].notation for a in reversed(act.index.ancestors(iri)[1:])]
    info["obligations"] = catalogue(act).listing(iri)
    return info
