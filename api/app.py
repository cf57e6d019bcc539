"""The aiact-kg service: a thin HTTP skin over ``reasoner`` (``aiact serve``)."""

from __future__ import annotations

import mimetypes
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles

from api import http_rules, problems
from api.hygiene import InputHygiene
from api.limits import BodyLimit
from api.routes import cards, explorer, meta, obligations, provisions, search, sparql, validate
from api.settings import Settings
from api.state import Services
from reasoner.report_schema import openapi_schemas
from reasoner.schema import json_schema

DESCRIPTION = """Knowledge graph and legal reasoning for Regulation (EU) 2024/1689 (the AI Act).

Validate a model description against the obligations of providers of general-purpose AI models, query the
graph with SPARQL 1.1, browse provisions and their cross-references. Every conclusion cites the law;
errors are `application/problem+json`."""


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """The application; ``services``: already loaded (``aiact serve`` loads them first, to refuse a bad
    graph with a message rather than a traceback), else loaded at start-up."""
    settings = settings or (services.settings if services else Settings.from_env())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # the thread pool of the sync routes and run_in_threadpool: AIACT_THREADS (see api.settings)
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        app.state.services = services or Services(settings)
        try:
            yield
        finally:  # the workers stop with the service, however it stops
            app.state.services.close()

    app = FastAPI(
        title="aiact-kg",
        version=metadata.version("aiact-kg"),
        description=DESCRIPTION,
        lifespan=lifespan,
        default_response_class=validate.FastJSON,  # JSON serialised once, by orjson
        docs_url=None,  # /docs and /redoc: api/routes/meta.py, from the vendored files, no CDN
        redoc_url=None,
    )
    problems.install(app)
    # the explorer's tree route must come before the provision route that would swallow "/tree"
    for router in (
        explorer.router,
        validate.router,
        cards.router,  # POST /describe (model cards), GET /schema
        sparql.router,
        provisions.router,
        obligations.router,
        search.router,
        meta.router,
    ):
        app.include_router(router)
    mimetypes.add_type("text/javascript", ".js")  # ES modules run only with a JavaScript type
    app.mount("/static", StaticFiles(directory=explorer.STATIC), name="static")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        description = {k: v for k, v in json_schema().items() if not k.startswith("$")}
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Description"] = description
        components |= openapi_schemas()  # Report, Classification and what they refer to
        problems.document(schema)
        # the example answer is the report of the example description, computed: it cannot drift
        loaded = getattr(app.state, "services", None)  # None before start-up: no example then
        if loaded is not None:
            ok = schema["paths"]["/validate"]["post"]["responses"]["200"]["content"]["application/json"]
            ok["example"] = validate.example_report(loaded)
            app.openapi_schema = schema  # kept once it is whole
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(InputHygiene)  # a path or query string that is not clean text: 400
    app.add_middleware(BodyLimit, max_body=settings.max_body)
    http_rules.install(app, settings)  # HEAD as GET, 405 with Allow, CORS (outermost)
    return app
