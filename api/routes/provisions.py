"""Provisions, their cross-reference neighbourhood, obligations, and full-text search."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from api.deps import ServicesDep
from api.problems import Problem, documented
from api.state import Services
from kg.excerpt import cut, excerpt
from kg.ids import ID
from kg.index import AmbiguousProvision, UnknownProvision
from kg.neighbourhood import neighbourhood, obligations
from kg.notation import MAX_LENGTH

# The routes are plain functions: FastAPI runs them in its thread pool, never on the event loop.
router = APIRouter(tags=["provisions"])
NOT_FOUND = documented(400, 404)
BAD_REQUEST = documented(400)


def _resolve(services: Services, ref: str) -> str:
    """The IRI of a provision reference; 400 for one too long to be a citation, 404 for none."""
    if len(ref) > MAX_LENGTH:
        raise Problem(
            400,
            f"a provision reference has at most {MAX_LENGTH} characters; this one has {len(ref)}: "
            f"{excerpt(ref)}",
        )
    act = services.act
    candidate = (
        str(ID[ref])
        if not ref.startswith("http") and ref.split("/")[0].split("_")[0] in ("art", "anx", "rct", "cpt")
        else ref
    )
    try:
        return act.resolve(candidate if candidate in act.index else ref)
    except (UnknownProvision, AmbiguousProvision) as err:
        raise Problem(404, cut(str(err), 300)) from err


@router.get("/provisions/{ref:path}/graph", responses=NOT_FOUND)
def provision_graph(
    ref: str, services: ServicesDep, depth: int = Query(1, ge=1, le=4, description="how many references away")
) -> dict[str, Any]:
    """The cross-reference neighbourhood of a provision as nodes and edges."""
    return neighbourhood(services.act, _resolve(services, ref), depth)


@router.get("/provisions/{ref:path}", responses=NOT_FOUND)
def provision(ref: str, services: ServicesDep) -> dict[str, Any]:
    """A provision by notation ("Art. 53(2)"), id ("art_53/par_2") or IRI: text, place, references."""
    iri = _resolve(services, ref)
    act = services.act
    info = act.provision(iri)
    info["ancestors"] = [act.index[a].notation for a in reversed(act.index.ancestors(iri)[1:])]
    info["obligations"] = obligations(act, iri)
    return info


@router.get("/obligations", responses=BAD_REQUEST)
def list_obligations(services: ServicesDep) -> list[dict[str, Any]]:
    """The obligations of providers of general-purpose AI models, with their legal basis and dates."""
    return obligations(services.act)


@router.get("/obligations/{oid}", responses=NOT_FOUND)
def one_obligation(oid: str, services: ServicesDep) -> dict[str, Any]:
    """One obligation by id (art53-1-a)."""
    for o in obligations(services.act):
        if o["id"] == oid:
            return o
    raise Problem(404, f"no obligation {excerpt(oid)}: see GET /obligations")


@router.get("/search", responses=BAD_REQUEST)
def search(
    services: ServicesDep,
    q: str = Query(..., min_length=1, max_length=500),
    limit: int = Query(20, ge=1, le=100),
) -> dict[str, Any]:
    """Full-text search over provision text and notations, ranked; a citation jumps to its provision."""
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
            }
            for h in hits
        ],
    }
