"""Dependencies of the routes (``Annotated`` aliases), swappable in tests with ``dependency_overrides``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from api.problems import Problem
from api.state import Services
from kg.excerpt import cut, excerpt
from kg.ids import ID
from kg.index import AmbiguousProvision, UnknownProvision
from kg.notation import MAX_LENGTH


async def services(request: Request) -> Services:
    """Async, so that FastAPI resolves it on the event loop: no thread taken from the pool per request."""
    s: Services = request.app.state.services
    return s


ServicesDep = Annotated[Services, Depends(services)]

RefPath = Annotated[str, Path(description='a notation ("Art. 53(2)"), an id ("art_53/par_2") or an IRI')]
ID_HEADS = ("art", "anx", "rct", "cpt")  # the first step of a provision id: art_53, anx_XI, rct_97, cpt_V


async def provision_iri(ref: RefPath, services: ServicesDep) -> str:
    """The IRI of the provision a path names: 400 for a reference too long to be a citation, 404 (with the
    parser's reason: "Art. 53(9) does not exist ...") for none or an ambiguous one. On the event loop: an
    index lookup, or a parse of at most ``MAX_LENGTH`` characters."""
    if len(ref) > MAX_LENGTH:
        raise Problem(
            400,
            f"a provision reference has at most {MAX_LENGTH} characters; this one has {len(ref)}: "
            f"{excerpt(ref)}",
        )
    act = services.act
    as_id = not ref.startswith("http") and ref.split("/")[0].split("_")[0] in ID_HEADS
    candidate = str(ID[ref]) if as_id else ref
    try:
        return act.resolve(candidate if candidate in act.index else ref)
    except (UnknownProvision, AmbiguousProvision) as err:
        raise Problem(404, cut(str(err), 300)) from err


ProvisionRef = Annotated[str, Depends(provision_iri)]
"""A route's ``{ref:path}`` parameter, resolved to the IRI of a provision."""
