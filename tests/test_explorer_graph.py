"""The graph views (#/graph/<notation>, #/chapter-v) in a real browser: Cytoscape.js with the fcose layout
(js/graph-cytoscape.js). The drawing is read through the canvas element's own hook (its ``cy`` property
and its data-zoom attribute): the explorer adds no global of its own. Every expectation comes from the
service's own GET /provisions/{ref}/graph."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import test_explorer as explorer
from tests.test_explorer import SHOTS, _watch, shot

base, browser, page = explorer.base, explorer.browser, explorer.page  # the fixtures, shared

CY = "document.getElementById('graph-canvas').cy"
GROUP = re.compile(r"^(Art\. \d+|Annex [IVXLC]+|Recital \d+|Chapter [IVXLC]+)")


def _api(base: str, ref: str, depth: int) -> dict[str, Any]:
    return httpx.get(f"{base}/provisions/{ref}/graph", params={"depth": depth}, timeout=30).json()


def _context(browser: Any, **options: Any) -> Any:
    """A browser context whose probe for /favicon.ico (the explorer names no icon) is answered empty."""
    context = browser.new_context(**options)
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    return context


def _open(pg: Any, base: str, hash_: str) -> None:
    """Open a graph view in a fresh document (a change of hash alone would leave the last canvas)."""
    pg.goto(base + "/static/app.css")
    pg.goto(base + "/" + hash_)
    pg.wait_for_selector("#graph-canvas[data-ready]", timeout=30000)


def _point(pg: Any, selector: str) -> tuple[float, float]:
    """Where on the page the element (a Cytoscape selector) is drawn: a node's centre, an edge's middle."""
    return tuple(
        pg.evaluate(
            """(sel) => {
            const c = document.getElementById('graph-canvas'), box = c.getBoundingClientRect();
            const e = c.cy.$(sel);
            const p = e.isNode() ? e.renderedPosition() : e.renderedMidpoint();
            return [box.left + p.x, box.top + p.y];
        }""",
            selector,
        )
    )


def _node(notation: str) -> str:
    return f'node[notation = "{notation}"]:childless'


def _groups(data: dict[str, Any]) -> set[str]:
    """The boxes of the grouped view: each article, annex, recital or chapter with two provisions or more."""
    names = [m.group(1) if (m := GROUP.match(n["notation"])) else n["notation"] for n in data["nodes"]]
    return {g for g in names if names.count(g) >= 2}


def test_art_53_draws_every_provision_and_reference_of_the_api(page: Any, base: str) -> None:
    data = _api(base, "Art. 53", 1)
    _open(page, base, "#/graph/Art.%2053?depth=1&group=0")
    assert page.locator("#graph-canvas canvas").count() >= 1  # Cytoscape draws on canvases
    drawn = page.evaluate(
        f"""() => ({{ nodes: {CY}.nodes(':childless').map((n) => n.id()).sort(),
        edges: {CY}.edges().map((e) => [e.source().id(), e.target().id(), e.data('text')]) }})"""
    )
    assert drawn["nodes"] == sorted(n["id"] for n in data["nodes"])
    expected = sorted([e["source"], e["target"], e["text"]] for e in data["edges"])
    assert sorted(drawn["edges"]) == expected
    root = page.evaluate(f"{CY}.$('node.root').map((n) => n.data('notation'))")
    assert root == ["Art. 53"]  # the root is drawn apart (a star)


def test_compound_boxes_only_when_grouped(page: Any, base: str) -> None:
    data = _api(base, "Art. 53", 1)
    _open(page, base, "#/graph/Art.%2053?depth=1&group=1")
    parents = page.evaluate(f"{CY}.nodes(':parent').map((n) => n.data('notation')).sort()")
    assert set(parents) == _groups(data) and "Art. 53" in parents
    inside = page.evaluate(f"{CY}.$('{_node('Art. 53(1)(a)')}').parent().data('notation')")
    assert inside == "Art. 53"
    shot(page, "graph-art-53-grouped")
    page.uncheck("#group")  # the checkbox toggles them
    page.wait_for_function(f"{CY} && {CY}.nodes(':parent').length === 0")
    assert "group=0" in page.url
    assert page.evaluate(f"{CY}.nodes().length") == len(data["nodes"])


def test_wheel_zooms_and_fit_resets(page: Any, base: str) -> None:
    _open(page, base, "#/graph/Art.%2053?depth=1")
    canvas = page.locator("#graph-canvas")
    before = float(canvas.get_attribute("data-zoom"))
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_function(f"Number(document.getElementById('graph-canvas').dataset.zoom) > {before}")
    page.get_by_role("button", name="Fit / reset").click()
    page.wait_for_function(
        f"Math.abs(Number(document.getElementById('graph-canvas').dataset.zoom) - {before}) < 0.01"
    )


def test_hover_highlights_the_neighbours_and_shows_the_words(page: Any, base: str) -> None:
    data = _api(base, "Art. 53", 1)
    _open(page, base, "#/graph/Art.%2053?depth=1&group=0")
    page.mouse.move(*_point(page, _node("Annex XII")))
    page.wait_for_function(f"{CY}.$('{_node('Annex XII')}').hasClass('highlighted')")
    words = {e["text"] for e in data["edges"] if "Annex XII" in (e["from"], e["to"])}
    assert words and all(w in page.inner_text("#graph-info") for w in words)
    state = page.evaluate(
        f"""() => {{ const n = {CY}.$('{_node("Annex XII")}'), hood = n.closedNeighborhood();
        return {{ lit: hood.nodes().every((m) => m.hasClass('highlighted')),
                 faded: {CY}.nodes(':childless').not(hood).every((m) => m.hasClass('faded')),
                 others: {CY}.nodes(':childless').not(hood).length }} }}"""
    )
    assert state["lit"] and state["faded"] and state["others"] > 0
    page.mouse.move(2, 2)  # away from the canvas: the highlight goes
    page.wait_for_function(f"{CY}.$('.faded').length === 0")
    # an edge: its words are drawn as its label and written below the canvas
    edge = next(i for i, e in enumerate(data["edges"]) if e["to"] == "Annex XII")
    source = data["edges"][edge]["from"]
    others = f"{CY}.nodes(':childless').not('{_node('Annex XII')}, {_node(source)}')"
    page.evaluate(  # a clear stretch of line between the two, the rest out of the way
        f"""{CY}.batch(() => {{
        {CY}.$('{_node("Annex XII")}').position({{x: 0, y: 0}});
        {CY}.$('{_node(source)}').position({{x: 300, y: 0}});
        {others}.forEach((n, i) => n.position({{x: -400 - 5 * i, y: 300}})); }})"""
    )
    page.evaluate(f"{CY}.fit({CY}.$('#e{edge}').connectedNodes(), 60)")
    page.mouse.move(*_point(page, f"#e{edge}"))
    page.wait_for_function(f"{CY}.$('#e{edge}').hasClass('labelled')")
    text = data["edges"][edge]["text"]
    assert page.evaluate(f"{CY}.$('#e{edge}').style('label')") == text
    assert page.inner_text("#graph-info") == f"{source} → Annex XII: “{text}”"


def test_png_export_downloads_a_png(page: Any, base: str) -> None:
    _open(page, base, "#/graph/Art.%2053?depth=1")
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download PNG").click()
    assert dl.value.suggested_filename.endswith(".png")
    assert Path(dl.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_text_alternative_lists_every_reference(page: Any, base: str) -> None:
    data = _api(base, "Art. 53", 2)
    _open(page, base, "#/graph/Art.%2053?depth=2")
    touched = {i for e in data["edges"] for i in (e["source"], e["target"])}
    alone = [n for n in data["nodes"] if n["id"] not in touched]
    items = page.locator("#graph-edges li")
    assert items.count() == len(data["edges"]) + len(alone)
    page.locator(".graph-list summary").click()
    shown = page.locator("#graph-edges li").all_inner_texts()
    for e in data["edges"]:
        assert f"{e['from']} → {e['to']} “{e['text']}”" in shown
    links = page.locator("#graph-edges li").first.get_by_role("link")  # each end is a link (keyboard)
    first = data["edges"][0]
    assert [links.nth(i).inner_text() for i in range(2)] == [first["from"], first["to"]]
    links.nth(1).click()
    page.wait_for_function("location.hash.startsWith('#/p/')")
    assert page.evaluate("decodeURIComponent(location.hash.slice(4))") == first["to"]


@pytest.mark.parametrize("ref", ["Art. 53", "Annex XI"])
@pytest.mark.parametrize("depth", [2, 3])
def test_busy_neighbourhoods_render_in_time(browser: Any, base: str, ref: str, depth: int) -> None:
    data = _api(base, ref, depth)
    context = _context(browser, viewport={"width": 1280, "height": 1000})
    pg = context.new_page()
    problems, foreign = _watch(pg, base)
    started = time.monotonic()
    pg.goto(f"{base}/#/graph/{ref.replace(' ', '%20')}?depth={depth}")
    pg.wait_for_selector("#graph-canvas[data-ready]", timeout=20000)
    took = time.monotonic() - started
    assert took < 15, f"{ref} at depth {depth} took {took:.1f} s"
    assert pg.evaluate(f"{CY}.nodes(':childless').length") == len(data["nodes"])
    assert pg.evaluate(f"{CY}.edges().length") == len(data["edges"])
    # laid out, not piled up: no two provisions drawn on the same spot
    spots = pg.evaluate(
        f"{CY}.nodes(':childless').map((n) => [n.position('x'), n.position('y')].map(Math.round).join())"
    )
    assert len(set(spots)) == len(spots)
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = f"graph-{ref.replace(' ', '-').replace('.', '')}-depth-{depth}.png"
    pg.locator("#graph-canvas").screenshot(path=str(SHOTS / name))
    pg.wait_for_load_state("networkidle")
    assert foreign == [], foreign
    assert problems == [], problems
    context.close()


def test_narrow_screen_fits_and_takes_touch(browser: Any, base: str) -> None:
    context = _context(browser, viewport={"width": 375, "height": 800}, has_touch=True, is_mobile=True)
    pg = context.new_page()
    problems, foreign = _watch(pg, base)
    for hash_ in ("#/graph/Art.%2053?depth=2", "#/chapter-v"):
        _open(pg, base, hash_)
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{hash_} scrolls sideways by {overflow}px"
        box = pg.locator("#graph-canvas").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
        assert pg.evaluate(f"{CY}.userZoomingEnabled() && {CY}.userPanningEnabled()")
        shot(pg, "narrow-graph-" + hash_.split("?")[0].strip("#/").replace("/", "-").replace("%20", ""))
    # a first tap highlights (a touch has no hover), a second on the same provision opens it
    x, y = _point(pg, _node("Annex XI"))
    pg.touchscreen.tap(x, y)
    pg.wait_for_function(f"{CY}.$('{_node('Annex XI')}').hasClass('highlighted')")
    assert "#/chapter-v" in pg.url
    pg.touchscreen.tap(x, y)
    pg.wait_for_selector("h1:has-text('Annex XI')")
    assert foreign == [], foreign
    assert problems == [], problems
    context.close()


def test_graph_views_ask_no_other_host_and_raise_no_error(browser: Any, base: str) -> None:
    context = _context(browser, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    problems, foreign = _watch(pg, base)
    pg.goto(base + "/#/graph/Annex%20XI?depth=1")
    pg.wait_for_selector("#graph-canvas[data-ready]")
    pg.select_option("#depth", "2")  # a new drawing replaces the last (which is destroyed)
    count = len(_api(base, "Annex XI", 2)["nodes"])
    pg.wait_for_function(f"{CY}.nodes(':childless').length === {count}")
    pg.get_by_role("link", name="Chapter V graph").click()
    pg.wait_for_selector("h1:has-text('Chapter V —') ~ .graph #graph-canvas[data-ready]")
    pg.wait_for_load_state("networkidle")
    assert foreign == [], foreign
    assert problems == [], problems
    context.close()
