"""The web explorer at ``/`` and the small JSON routes it reads: contents, provision trees, the query
library and the example descriptions. All assets ship in ``api/static`` (no CDN)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from api.deps import ProvisionRef, ServicesDep
from api.problems import Problem, documented
from kg import paths
from kg.excerpt import excerpt
from kg.reader import toc, tree

# The routes are plain functions: FastAPI runs them in its thread pool, never on the event loop.
router = APIRouter(tags=["explorer"])
BAD_REQUEST, NOT_FOUND = documented(400), documented(400, 404)
STATIC = paths.package_dir("api") / "static"  # package data, like everything in kg.paths
EXAMPLES = paths.EXAMPLES


@router.get("/", include_in_schema=False)
async def index() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html")


@router.get("/toc", responses=BAD_REQUEST)
def contents(services: ServicesDep) -> dict[str, Any]:
    """Table of contents: chapters, sections, articles, annexes, and the number of recitals."""
    return toc(services.act)


@router.get("/provisions/{ref:path}/tree", responses=NOT_FOUND)
def provision_tree(iri: ProvisionRef, services: ServicesDep) -> dict[str, Any]:
    """A provision with its sub-provisions nested, their own words and the cross-references in them."""
    return tree(services.act, iri)


@router.get("/queries", responses=BAD_REQUEST)
def queries() -> list[dict[str, str]]:
    """The researcher's query library: name, title, question and text of each query."""
    out = []
    for q in sorted(paths.QUERIES.glob("*.rq")):
        text = q.read_text(encoding="utf-8")
        head = dict(
            line[2:].split(": ", 1)
            for line in text.splitlines()
            if line.startswith(("# title:", "# question:"))
        )
        out.append({"name": q.stem, "title": head.get("title", q.stem), "question": head.get("question", ""),
                    "query": text})  # fmt: skip
    return out


@router.get("/examples", responses=BAD_REQUEST)
def examples() -> list[str]:
    """The example model descriptions shipped with the project."""
    return sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".json", ".yaml"))


EXAMPLE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The example as written: JSON or YAML, by its name.",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Description"}},
            "application/yaml": {"schema": {"type": "string"}},
        },
    },
    **NOT_FOUND,
}


@router.get("/examples/{name}", response_class=Response, responses=EXAMPLE_RESPONSES)
def example(name: str) -> Response:
    """One example description, as written."""
    if name not in examples():  # only the listed files: a name is never a path to probe
        raise Problem(404, f"no example {excerpt(name)}: see GET /examples")
    path = EXAMPLES / name
    media = "application/yaml" if path.suffix == ".yaml" else "application/json"
    return Response(path.read_text(encoding="utf-8"), media_type=media)
