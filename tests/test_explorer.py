"""The web explorer end-to-end in a real browser: Debian's chromium driven by Playwright, against a live
``aiact serve``. Screenshots go to ``artifacts/screenshots/`` (look at them)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api_fixtures import live_server

ROOT = Path(__file__).parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def _browser_or_skip() -> None:
    if not Path(CHROMIUM).exists():
        message = f"no browser at {CHROMIUM}: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("AIACT_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    _browser_or_skip()
    with live_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser(base: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any, base: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(base + "/")
    yield pg
    context.close()
    assert errors == [], errors


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_contents_to_art_53_2_and_follow_a_reference(page: Any) -> None:
    page.get_by_role("link", name="Art. 53", exact=True).click()
    page.wait_for_selector("h1:has-text('Art. 53 — Obligations for providers of general-purpose AI models')")
    page.get_by_role("link", name="Permalink to Art. 53(2)").click()
    page.wait_for_selector("#n-Art-53-2-.target")
    assert "This exception shall not apply" in page.inner_text("#n-Art-53-2-")
    shot(page, "1-art-53-2")
    page.locator("#n-Art-53-1-a- a.xref", has_text="Annex XI").click()
    page.wait_for_selector("h1:has-text('Annex XI — Technical documentation')")
    assert page.get_by_role("link", name="Read on EUR-Lex").get_attribute("href").endswith("#anx_XI")
    referred = page.inner_text("section[aria-labelledby=refby]")
    assert "Art. 53(1)(a)" in referred
    shot(page, "2-annex-xi")
    page.go_back()
    page.wait_for_selector("h1:has-text('Art. 53 ')")


def test_the_threshold_reads_with_a_superscript(page: Any, base: str) -> None:
    """Art. 51(2) is "greater than 10^25." in the graph; the reader shows a real superscript, and the
    reference placed by offset in the same sentence is still a link."""
    page.goto(base + "/#/p/" + "Art.%2051(2)")
    page.wait_for_selector("#n-Art-51-2-.target")
    assert page.inner_text("#n-Art-51-2- p.own sup") == "25"
    assert "10^25" not in page.inner_text("#n-Art-51-2-")
    assert page.locator("#n-Art-51-2- a.xref", has_text="paragraph 1, point (a)").count() == 1
    shot(page, "8-art-51-2-superscript")


def test_breadcrumbs_and_permalink_of_a_point(page: Any, base: str) -> None:
    page.goto(base + "/#/p/" + "Annex%20XI%2C%20Section%201(2)(d)")
    page.wait_for_selector("#n-Annex-XI-Section-1-2-d-.target")
    crumbs = page.inner_text("nav.breadcrumbs")
    assert "Annex XI" in crumbs


def type_description(page: Any, text: str) -> None:
    """Put a description into the validation view's editor (CodeMirror over the form's textarea, which
    Playwright cannot fill while CodeMirror hides it)."""
    page.wait_for_selector("#validate-form .CodeMirror")
    page.evaluate("(t) => document.querySelector('#validate-form .CodeMirror').CodeMirror.setValue(t)", text)


def _validate(page: Any, example: str = "", text: str = "") -> None:
    """Open the validation page, give it an example (by name) or a text, and validate as of 2026-11-24."""
    page.get_by_role("link", name="Validate a model").click()
    if example:
        page.select_option("#example", example)
        page.wait_for_function("document.getElementById('description').value.length > 0")
    else:
        type_description(page, text)
    page.fill("#as-of", "2026-11-24")
    page.get_by_role("button", name="Validate").click()
    page.wait_for_selector("#report")


def test_validation_round_trip_with_an_example(page: Any, base: str) -> None:
    _validate(page, example="closed-frontier-model.json")
    assert "Meridian-Ultra, as of 2026-11-24: does not conform: 1 violation(s)" in page.inner_text("#verdict")
    assert "violated" in page.inner_text("#obligations")
    assert "documentation.adversarial_testing" in page.inner_text("#violations")
    shot(page, "3-validate")
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download SHACL report (Turtle)").click()
    assert "sh:ValidationReport" in Path(dl.value.path()).read_text()
    page.locator("#violations a", has_text="Art. 55(1)(a)").first.click()
    page.wait_for_selector("h1:has-text('Art. 55 ')")


def test_validation_that_cannot_tell_says_so_and_names_the_facts(page: Any, base: str) -> None:
    """The third verdict: an undetermined obligation gives "cannot tell", never "conforms"."""
    _validate(
        page, text='{"name": "OpenQuestion", "training_compute_flop": 5e23, "output_modalities": ["text"]}'
    )
    assert "OpenQuestion, as of 2026-11-24: cannot tell" in page.inner_text("#verdict")
    assert "placed_on_eu_market" in page.inner_text("#missing-facts")
    assert "undetermined" in page.inner_text("#obligations")
    shot(page, "3b-validate-cannot-tell")


def test_sparql_query_from_the_library(page: Any) -> None:
    """The SPARQL view is YASGUI (more in tests/test_explorer_sparql.py): a library query, run, sorted."""
    page.get_by_role("link", name="SPARQL").click()
    page.select_option("#library", "art101-to-obligations")
    assert "Article 101" in page.inner_text("#question")
    page.get_by_role("button", name="Run query").click()
    rows = "#query-yasgui table.dataTable tbody tr"
    page.wait_for_selector(rows)
    assert page.locator(rows).count() >= 10
    page.locator("#query-yasgui table.dataTable thead th", has_text="obligation").click()
    first = page.inner_text(f"{rows}:first-child")
    assert "art53-1-a" in first
    assert page.locator("#query-yasgui .CodeMirror .cm-keyword").count() > 3  # highlighted
    shot(page, "4-sparql")


def test_search_jumps_to_a_notation_and_finds_words(page: Any) -> None:
    page.fill("#search-box", "Art. 53(2)")
    page.keyboard.press("Enter")
    page.wait_for_selector("#n-Art-53-2-.target")
    page.fill("#search-box", "copyright policy")
    page.keyboard.press("Enter")
    page.wait_for_selector("#hits")
    assert "Art. 53(1)(c)" in page.inner_text("#hits")
    # the words that matched are highlighted: <mark> elements built from snippet_html, never its markup
    hit = page.locator(".hit", has=page.locator("a", has_text="Art. 53(1)(c)")).first
    marks = [m.lower() for m in hit.locator("mark").all_inner_texts()]
    assert marks and any("copyright" in m for m in marks), marks  # its synonym phrase, as the index matched
    assert "<mark>" not in page.inner_text("#hits") and "&amp;" not in page.inner_text("#hits")
    shot(page, "5-search")


def test_graph_view_navigates_on_click(page: Any, base: str) -> None:
    """The graph is a Cytoscape canvas (js/graph-cytoscape.js): a click on a provision's dot opens it.
    The dot is found through the canvas element's own hook (its ``cy`` property, no global)."""
    page.goto(base + "/#/graph/Art.%2053?depth=1")
    page.wait_for_selector("#graph-canvas[data-ready]")
    assert page.evaluate("document.getElementById('graph-canvas').cy.nodes(':childless').length") >= 5
    shot(page, "6-graph")
    x, y = page.evaluate("""() => {
        const c = document.getElementById('graph-canvas'), box = c.getBoundingClientRect();
        const n = c.cy.nodes().filter((n) => n.data('notation') === 'Annex XII');
        const p = n.renderedPosition();
        return [box.left + p.x, box.top + p.y];
    }""")
    page.mouse.click(x, y)
    page.wait_for_selector("h1:has-text('Annex XII')")
    page.goto(base + "/#/chapter-v")
    page.wait_for_selector("h1:has-text('Chapter V —') ~ .graph #graph-canvas[data-ready]")
    shot(page, "7-chapter-v")


def test_accessible_and_narrow(browser: Any, base: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    pg = context.new_page()
    for hash_ in ("#/", "#/p/Art.%2053", "#/validate", "#/query"):
        pg.goto(base + "/" + hash_)
        pg.wait_for_selector("main h1")
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{hash_} scrolls sideways by {overflow}px"
        unlabelled = pg.evaluate("""[...document.querySelectorAll('input, select, textarea')]
            .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.id)""")
        assert unlabelled == [], unlabelled
        shot(pg, "narrow-" + hash_.strip("#/").replace("/", "-").replace("%20", "") or "narrow-home")
    pg.goto(base + "/")
    pg.keyboard.press("Tab")
    assert pg.evaluate("document.activeElement.textContent") == "Skip to content"
    context.close()


STATIC = ROOT / "api" / "static"
VIEWS = {  # every view, by its hash, and what shows it rendered
    "#/": "nav.toc",
    "#/p/Art.%2053(2)": "#n-Art-53-2-.target",
    "#/graph/Art.%2053?depth=1": "h1:has-text('Cross-references of') ~ .graph #graph-canvas[data-ready]",
    "#/chapter-v": "h1:has-text('Chapter V —') ~ .graph #graph-canvas[data-ready]",
    "#/validate": "#validate-form",
    "#/query": "#query-form ~ #query-yasgui .CodeMirror-linenumber",
    "#/search?q=copyright%20policy": "#hits",
}


def test_every_module_loads_from_this_host_without_errors(browser: Any, base: str) -> None:
    """The explorer is ES modules with no build step: index.html loads js/main.js as a module, which
    imports the rest. Every module on disk is loaded (none is dead), as JavaScript, each view renders
    without a console error, nothing is asked of another host, and no module leaks a global."""
    from urllib.parse import urlsplit

    context = browser.new_context()
    pg = context.new_page()
    problems: list[str] = []
    requests: list[str] = []
    modules: dict[str, str] = {}
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def console(message: Any) -> None:
        # the browser's own probe for /favicon.ico (the explorer names no icon) is not the page's doing
        if message.type in ("error", "warning") and not message.location["url"].endswith("/favicon.ico"):
            problems.append(f"{message.type}: {message.text} ({message.location['url']})")

    pg.on("console", console)
    pg.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    pg.on("request", lambda r: requests.append(r.url))

    def loaded(response: Any) -> None:
        path = urlsplit(response.url).path
        if response.status >= 400:
            problems.append(f"{response.status}: {response.url}")
        if path.startswith("/static/js/"):  # not /static/vendor/
            modules[path] = response.headers.get("content-type", "")

    pg.on("response", loaded)
    pg.goto(base + "/static/app.css")  # a page of this origin (same secure context) that runs no script
    blank = set(pg.evaluate("Object.getOwnPropertyNames(window)"))
    for hash_, rendered in VIEWS.items():  # after the first, a change of hash: the modules stay loaded
        pg.goto(base + "/" + hash_)
        pg.wait_for_selector(rendered)
        pg.wait_for_load_state("networkidle")
        assert pg.inner_text("main h1") != "Something went wrong", hash_
    vendored = STATIC / "vendor"  # the libraries of /docs and /redoc: classic scripts, not modules
    on_disk = {
        "/" + p.relative_to(STATIC.parent).as_posix()
        for p in STATIC.rglob("*.js")
        if vendored not in p.parents
    }
    assert "/static/js/main.js" in on_disk and not (STATIC / "app.js").exists()
    assert set(modules) == on_disk, sorted(on_disk ^ set(modules))
    for path, media in modules.items():
        assert media.split(";")[0].strip() in ("text/javascript", "application/javascript"), (path, media)
    host = urlsplit(base).netloc
    foreign = [
        u for u in requests if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).netloc != host
    ]
    assert foreign == [], foreign
    assert problems == [], problems
    leaked = set(pg.evaluate("Object.getOwnPropertyNames(window)")) - blank
    vendor_globals = set(  # the globals of the vendored libraries (js/vendor.js's LIBRARIES) are expected
        pg.evaluate("""async () => Object.values((await import('/static/js/vendor.js')).LIBRARIES)
            .flatMap((lib) => lib.globals)""")
    )
    assert leaked - vendor_globals == set(), sorted(leaked - vendor_globals)
    html = pg.evaluate("document.documentElement.outerHTML")
    assert '<script type="module" src="/static/js/main.js"></script>' in html
    context.close()


def _watch(pg: Any, base: str) -> tuple[list[str], list[str]]:
    """Every JavaScript error, console error, failed or 4xx/5xx request of the page, and every request to
    a host other than the service (data: and blob: URLs are the page's own)."""
    from urllib.parse import urlsplit

    host = urlsplit(base).netloc
    problems: list[str] = []
    foreign: list[str] = []
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    pg.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    pg.on("response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None)

    def request(r: Any) -> None:
        url = urlsplit(r.url)
        if url.scheme not in ("data", "blob") and url.netloc != host:
            foreign.append(r.url)

    pg.on("request", request)
    return problems, foreign


@pytest.mark.parametrize(
    ("path", "rendered"),
    [
        ("/docs", ".swagger-ui .opblock-summary-path[data-path='/validate']"),
        ("/redoc", "h1:has-text('aiact-kg')"),
    ],
)
def test_api_documentation_pages_work_offline(browser: Any, base: str, path: str, rendered: str) -> None:
    """/docs (Swagger UI) and /redoc (ReDoc) come from api/static/vendor/: they render the API's
    operations with nothing asked of another host (no CDN, no fonts, no validator) and no error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    problems, foreign = _watch(pg, base)
    pg.goto(base + path)
    pg.wait_for_selector(rendered, timeout=20000)
    pg.wait_for_load_state("networkidle")
    if path == "/docs":
        assert pg.locator(".swagger-ui .opblock").count() >= 10  # the operations, listed
        assert pg.locator(".swagger-ui .opblock-summary-path[data-path='/sparql']").count() >= 1
    else:
        assert "/validate" in pg.inner_text("body")
    shot(pg, "api" + path.replace("/", "-"))
    assert foreign == [], foreign
    assert problems == [], problems
    context.close()
