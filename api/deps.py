"""Dependencies of the routes (``Annotated`` aliases), swappable in tests with ``dependency_overrides``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.state import Services


async def services(request: Request) -> Services:
    """Async, so that FastAPI resolves it on the event loop: no thread taken from the pool per request."""
    s: Services = request.app.state.services
    return s


ServicesDep = Annotated[Services, Depends(services)]
