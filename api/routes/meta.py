"""Health, the whole graph as a dump, and the ontology documentation."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ServicesDep
from api.problems import Problem, documented
from kg import paths

# The routes are plain functions: FastAPI runs them in its thread pool, never on the event loop.
router = APIRouter(tags=["service"])
DUMPS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


@router.get("/health", responses=documented(400))
async def health(services: ServicesDep) -> dict[str, Any]:
    """Whether the service answers, and from which store. On the event loop, on purpose: it reads three
    attributes, and a thread would make it wait behind the validations that fill the thread pool."""
    return {
        "status": "ok",
        "store": services.settings.sparql_endpoint or "embedded",
        "provisions": len(services.act.index.provisions),
    }


GRAPH_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The default graph, in the format the Accept header asks for (Turtle by default).",
        "content": {t: {"schema": {"type": "object" if "json" in t else "string"}} for t in DUMPS},
    },
    **documented(400, 406),
}


@router.get("/graph", responses=GRAPH_RESPONSES, response_class=Response)
def graph(request: Request, services: ServicesDep) -> Response:
    """The default graph (provisions, ontology, shapes) as Turtle, N-Triples or JSON-LD."""
    accept = request.headers.get("accept", "text/turtle")
    media = next((t for t in DUMPS if t in accept), "text/turtle" if "*/*" in accept or not accept else None)
    if media is None:
        raise Problem(406, f"the graph is available as {', '.join(DUMPS)}")
    body = services.store.dump(DUMPS[media])  # the dataset as loaded here, embedded store or external
    return Response(body, media_type=media)


@router.get("/ontology", response_class=HTMLResponse, responses=documented(400))
def ontology() -> HTMLResponse:
    """Human-readable documentation of the ontology (generated at build time by `aiact docs`)."""
    return HTMLResponse(paths.ONTOLOGY_HTML.read_text(encoding="utf-8"))
