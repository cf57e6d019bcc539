"""The web explorer at ``/`` and the small JSON routes it reads: contents, provision trees, the query
library and the example descriptions. All assets ship in ``api/static`` (no CDN)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, PlainTextResponse

from api.deps import ServicesDep
from api.problems import Problem
from api.routes.provisions import NOT_FOUND, _resolve
from reasoner import paths
from reasoner.reader import toc, tree

router = APIRouter(tags=["explorer"])
STATIC = Path(__file__).resolve().parent.parent / "static"
EXAMPLES = paths.ROOT / "examples"


@router.get("/", include_in_schema=False)
async def index() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html")


@router.get("/toc")
async def contents(services: ServicesDep) -> dict[str, Any]:
    """Table of contents: chapters, sections, articles, annexes, and the number of recitals."""
    return toc(services.act)


@router.get("/provisions/{ref:path}/tree", responses=NOT_FOUND)
async def provision_tree(ref: str, services: ServicesDep) -> dict[str, Any]:
    """A provision with its sub-provisions nested, their own words and the cross-references in them."""
    return await run_in_threadpool(tree, services.act, _resolve(services, ref))


@router.get("/queries")
async def queries() -> list[dict[str, str]]:
    """The researcher's query library: name, title, question and text of each query."""
    out = []
    for q in sorted((paths.KG / "queries").glob("*.rq")):
        text = q.read_text(encoding="utf-8")
        head = dict(
            line[2:].split(": ", 1)
            for line in text.splitlines()
            if line.startswith(("# title:", "# question:"))
        )
        out.append({"name": q.stem, "title": head.get("title", q.stem), "question": head.get("question", ""),
                    "query": text})  # fmt: skip
    return out


@router.get("/examples")
async def examples() -> list[str]:
    """The example model descriptions shipped with the project."""
    return sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".json", ".yaml"))


@router.get("/examples/{name}", response_class=PlainTextResponse)
async def example(name: str) -> PlainTextResponse:
    """One example description, as written."""
    path = EXAMPLES / name
    if path.parent != EXAMPLES or not path.is_file():
        raise Problem(404, f"no example {name!r}: see GET /examples")
    media = "application/yaml" if path.suffix == ".yaml" else "application/json"
    return PlainTextResponse(path.read_text(encoding="utf-8"), media_type=media)
