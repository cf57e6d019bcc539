"""HTTP rules every route follows, whoever wrote it: HEAD wherever GET, a 405 that says what is allowed,
and CORS.

- HEAD is answered as the GET would be, headers and all, without the body.
- A method a path does not take is a 405 problem with ``Allow`` listing the methods every route on that
  path takes (HEAD with GET).
- CORS (``AIACT_CORS_ORIGINS``, default any origin; empty: none): GET, HEAD and POST with the preflight
  OPTIONS, any request header, never credentials. Every route of the service is read-only — ``/sparql``
  refuses updates, ``POST /validate`` and ``/classify`` only compute a report — so allowing POST from a
  web page changes nothing on the server.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response
from api.settings import Settings

METHODS = ["GET", "HEAD", "POST"]
CANDIDATES = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
EXPOSED = ["Retry-After", "Allow", "Vary"]


class HeadAsGet:
    """HEAD runs the GET route and sends its status and headers (Content-Length included), no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headless(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headless)


def allowed(request: Request) -> list[str]:
    """The methods some route on the request's path takes (asked of the routes themselves)."""
    methods = set()
    for method in CANDIDATES:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            methods.add(method)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


async def method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
    allow = allowed(request)
    detail = f"{request.method} is not allowed on {request.url.path}: use {', '.join(allow)}"
    response = problem_response(405, detail, title="Method not allowed")
    response.headers["Allow"] = ", ".join(allow)
    return response


def install(app: FastAPI, settings: Settings) -> None:
    """Call after every other middleware is added: CORS must be the outermost, to answer preflights."""
    app.add_exception_handler(405, method_not_allowed)
    app.add_middleware(HeadAsGet)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=METHODS,
            allow_headers=["*"],
            expose_headers=EXPOSED,
            allow_credentials=False,
        )
