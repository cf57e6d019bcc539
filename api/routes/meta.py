"""Health, the whole graph as a dump, and the ontology documentation."""

from __future__ import annotations

import asyncio
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
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
    attributes, and a thread would make it wait behind the validations that fill the thread pool.

    "ok" is true when it is said: nothing answers before the graph has passed its checks and is loaded
    (``api.state``), and the count of provisions is the index's, waited for while ``aiact serve`` builds it.
    While the rest warms up in the background, ``starting`` names what is still loading (``sparql-workers``,
    ``search``, ``engine``): requests that need it are answered once it is there."""
    index = services.built["index"]
    while services.warming is not None and not index.is_set():
        await asyncio.sleep(0.005)  # built in the warm-up thread (tens of milliseconds): not on the loop
    return services.health()


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


# the API's documentation pages, from api/static/vendor/ (scripts/vendor.py): they work offline
VENDOR = "/static/vendor"


@router.get("/docs", include_in_schema=False)
async def swagger_ui(request: Request) -> HTMLResponse:
    app = request.app
    return get_swagger_ui_html(
        openapi_url=app.openapi_url or "/openapi.json",
        title=f"{app.title} — API",
        swagger_js_url=f"{VENDOR}/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url=f"{VENDOR}/swagger-ui/swagger-ui.css",
        swagger_favicon_url=f"{VENDOR}/swagger-ui/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from validator.swagger.io
    )


@router.get("/redoc", include_in_schema=False)
async def redoc(request: Request) -> HTMLResponse:
    app = request.app
    return get_redoc_html(
        openapi_url=app.openapi_url or "/openapi.json",
        title=f"{app.title} — API",
        redoc_js_url=f"{VENDOR}/redoc/redoc.standalone.js",
        redoc_favicon_url=f"{VENDOR}/swagger-ui/favicon-32x32.png",
        with_google_fonts=False,
    )
