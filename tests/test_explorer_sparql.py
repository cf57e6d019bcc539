"""The explorer's SPARQL view (#/query) in a real browser: YASGUI from api/static/vendor/yasgui/ against the
service's /sparql, with the query library above it. Each test opens a fresh browser context (no YASGUI
tabs kept in localStorage) and holds the page to no JavaScript error and no request to another host."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.test_explorer import _watch, base, browser, shot  # noqa: F401  (base, browser: fixtures)

ARTICLES = """PREFIX aikg: <https://w3id.org/aiact-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?article WHERE { ?a a aikg:Article ; skos:notation ?article }"""
# the rows of YASGUI's result table (a DataTable)
ROWS = "#query-yasgui .yasr table.dataTable tbody tr"


def _real(problems: list[str]) -> list[str]:
    """The page's problems but the browser's own probe for /favicon.ico (the explorer names no icon): its
    404 reaches the console as "Failed to load resource", with no URL; a 404 of the page's own requests is
    still there, as the response's status and URL."""
    favicon = ("/favicon.ico", "console: Failed to load resource")
    return [p for p in problems if favicon[0] not in p and not p.startswith(favicon[1])]


class View:
    def __init__(self, pg: Any, problems: list[str], foreign: list[str]) -> None:
        self.pg, self.problems, self.foreign = pg, problems, foreign

    def editor(self) -> Any:
        return self.pg.locator("#query-yasgui .CodeMirror:visible")

    def value(self) -> str:
        return self.editor().evaluate("e => e.CodeMirror.getValue()")

    def set(self, text: str) -> None:
        self.editor().evaluate("(e, t) => e.CodeMirror.setValue(t)", text)

    def run(self) -> None:
        """Ctrl+Enter in the editor, then wait for the result table."""
        self.editor().click()
        self.pg.keyboard.press("Control+Enter")
        self.pg.wait_for_selector(ROWS)

    def rows(self) -> list[str]:
        return self.pg.locator(ROWS).all_inner_texts()


@pytest.fixture()
def view(browser: Any, base: str) -> Iterator[View]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    problems, foreign = _watch(pg, base)
    pg.goto(base + "/#/query")
    pg.wait_for_selector("#query-yasgui .CodeMirror-linenumber:visible")
    v = View(pg, problems, foreign)
    yield v
    pg.wait_for_load_state("networkidle")
    context.close()
    assert v.foreign == [], v.foreign
    assert _real(v.problems) == [], v.problems


def test_yasgui_renders_with_line_numbers_tabs_and_an_honest_heading(view: View) -> None:
    pg = view.pg
    assert pg.inner_text("main h1") == "Query the graph with SPARQL"
    assert pg.locator("#query-form #library").count() == 1
    assert pg.locator("#query-yasgui .CodeMirror-linenumber:visible").count() >= 5
    assert pg.locator("#query-yasgui .tabsList [role=tab]").count() == 1
    pg.locator("#query-yasgui button.addTab").click()
    assert pg.locator("#query-yasgui .tabsList [role=tab]").count() == 2
    assert "SELECT" in view.value().upper()  # the new tab has a query to start from
    shot(pg, "sparql-1-yasgui")


def test_ctrl_enter_runs_a_library_query_and_the_filter_filters(view: View) -> None:
    """The library's structure of Chapter V: its six articles (51 to 56), Art. 53 among them."""
    pg = view.pg
    pg.select_option("#library", "chapter-v-structure")
    assert "Which sections and articles make up Chapter V" in pg.inner_text("#question")
    assert "# title: Structure of Chapter V" in view.value()
    view.run()
    rows = view.rows()
    assert len(rows) == 6, rows
    assert any("Art. 53" in r and "Obligations for providers of general-purpose AI models" in r for r in rows)
    shot(pg, "sparql-2-results")
    pg.locator("#query-yasgui .tableFilter").press_sequentially("Art. 55")  # it filters on keyup
    pg.wait_for_function(f"document.querySelectorAll('{ROWS}').length === 1")
    assert "systemic risk" in view.rows()[0]
    pg.locator("#query-yasgui .tableFilter").fill("")
    pg.locator("#query-yasgui .tableFilter").press("Backspace")
    pg.wait_for_function(f"document.querySelectorAll('{ROWS}').length === 6")


def test_many_rows_are_paged(view: View) -> None:
    pg = view.pg
    view.set(ARTICLES)
    view.run()
    assert len(view.rows()) == 50  # the first page of the 113 articles
    assert "113" in pg.inner_text("#query-yasgui .yasr")  # "113 results"
    pages = pg.locator("#query-yasgui .dt-paging-button:not(.disabled)")
    assert pages.count() >= 3
    first = view.rows()[0]
    pg.locator("#query-yasgui .dt-paging-button.next").click()
    pg.wait_for_function(f"document.querySelector('{ROWS}').innerText !== {first!r}")
    assert len(view.rows()) == 50
    pg.locator("#query-yasgui .dt-paging-button.last").click()
    pg.wait_for_function(f"document.querySelectorAll('{ROWS}').length === 13")
    shot(pg, "sparql-3-paged")


def test_a_syntax_error_is_marked_in_the_editor_before_running(view: View) -> None:
    pg = view.pg
    view.set("SELECT ?x WHERE { ?x ?p }\n")
    marker = pg.locator("#query-yasgui .CodeMirror:visible .CodeMirror-gutter-wrapper .parseErrorIcon")
    marker.wait_for()
    assert marker.count() == 1
    shot(pg, "sparql-4-syntax-error")
    view.set(ARTICLES)
    pg.wait_for_selector("#query-yasgui .CodeMirror:visible .parseErrorIcon", state="detached")


def test_the_share_link_reopens_the_query_in_a_fresh_page(view: View, browser: Any, base: str) -> None:  # noqa: F811
    pg = view.pg
    text = ARTICLES + "\nORDER BY ?article LIMIT 7"
    view.set(text)
    pg.wait_for_function("decodeURIComponent(location.hash).endsWith('LIMIT 7')")  # the hash follows
    assert pg.evaluate("location.hash") == "#/query?query=" + quote(text, safe="-_.!~*'()")
    pg.locator("#query-yasgui .yasqe_share:visible").click()
    link = pg.locator("#query-yasgui .yasqe_sharePopup input").first.input_value()
    assert link == base + "/#/query?query=" + quote(text, safe="-_.!~*'()")
    shot(pg, "sparql-5-share")
    fresh = browser.new_context(viewport={"width": 1280, "height": 900})
    other = fresh.new_page()
    problems, foreign = _watch(other, base)
    other.goto(link)
    other.wait_for_selector("#query-yasgui .CodeMirror-linenumber:visible")
    assert other.locator("#query-yasgui .CodeMirror:visible").evaluate("e => e.CodeMirror.getValue()") == text
    # a ?query= URL wins over what YASGUI kept: opened again in the same context, with a tab kept
    other.goto(base + "/#/")
    other.wait_for_selector("nav.toc")
    second = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"
    other.goto(base + "/#/query?query=" + quote(second))
    other.wait_for_function("document.querySelector('#query-yasgui .CodeMirror') !== null")
    other.wait_for_function(
        "[...document.querySelectorAll('#query-yasgui .CodeMirror')].some(e => e.offsetParent"
        f" && e.CodeMirror.getValue() === {second!r})"
    )
    tabs = other.locator("#query-yasgui .tabsList [role=tab]")
    count = tabs.count()
    other.goto(base + "/#/")
    other.wait_for_selector("nav.toc")
    other.goto(link)  # the first link again: its kept tab is selected, not a copy added
    other.wait_for_function(
        "[...document.querySelectorAll('#query-yasgui .CodeMirror')].some(e => e.offsetParent"
        f" && e.CodeMirror.getValue() === {text!r})"
    )
    assert tabs.count() == count
    assert other.inner_text("main h1") == "Query the graph with SPARQL"
    fresh.close()
    assert foreign == [] and _real(problems) == [], (foreign, problems)


def test_the_library_opens_a_query_in_a_new_tab_with_its_question(view: View) -> None:
    pg = view.pg
    pg.check("#library-new-tab")
    pg.select_option("#library", "art101-to-obligations")
    assert "Article 101" in pg.inner_text("#question")
    tabs = pg.locator("#query-yasgui .tabsList [role=tab]")
    assert tabs.count() == 2
    assert "From the fines of Article 101" in pg.inner_text("#query-yasgui .tab.active")
    assert "# title: From the fines of Article 101" in view.value()
    view.run()
    assert len(view.rows()) >= 10
    tabs.first.click()  # back to the first tab: its question, not the library pick's
    pg.wait_for_function("!document.getElementById('question').textContent.includes('Article 101')")


def test_results_download_as_csv(view: View) -> None:
    pg = view.pg
    pg.select_option("#library", "chapter-v-structure")
    view.run()
    with pg.expect_download() as dl:
        pg.locator("#query-yasgui .yasr_downloadIcon:visible").click()
    assert dl.value.suggested_filename.endswith(".csv")
    csv = Path(dl.value.path()).read_text(encoding="utf-8")
    assert csv.splitlines()[0].replace('"', "") == "section,sectionTitle,article,title"
    assert "Art. 53" in csv and len(csv.splitlines()) == 7
    pg.locator("#query-yasgui .select_response").click()  # the response view: the JSON as it came
    pg.wait_for_selector("#query-yasgui .yasr_results .CodeMirror")
    assert '"bindings"' in pg.inner_text("#query-yasgui .yasr_results")


def test_prefix_completion_is_the_graphs_own(view: View) -> None:
    """Completion of a PREFIX line offers the graph's prefixes, read from this service (GET /prefixes)."""
    pg = view.pg
    prefixes = pg.evaluate("fetch('/prefixes').then(r => r.json())")
    assert prefixes["aikg"] == "https://w3id.org/aiact-kg/ontology#"
    view.set("PREFIX ")
    view.editor().click()
    pg.keyboard.press("End")
    pg.keyboard.type("aik")
    pg.wait_for_selector(".CodeMirror-hints li")
    assert "aikg: <https://w3id.org/aiact-kg/ontology#>" in pg.inner_text(".CodeMirror-hints")


def test_narrow_and_labelled(browser: Any, base: str) -> None:  # noqa: F811
    """At 375 px the page does not scroll sideways (the table scrolls inside itself) and every control it
    shows, YASGUI's included, has a label, before and after a run."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    pg = context.new_page()
    problems, foreign = _watch(pg, base)
    pg.goto(base + "/#/query?query=" + quote(ARTICLES.replace("?article", "?article ?a", 1)))
    pg.wait_for_selector("#query-yasgui .CodeMirror-linenumber:visible")
    unlabelled = """[...document.querySelectorAll('input, select, textarea')]
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.outerHTML)"""
    assert pg.evaluate(unlabelled) == []
    assert pg.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    pg.locator("#query-yasgui .CodeMirror:visible").click()
    pg.keyboard.press("Control+Enter")
    pg.wait_for_selector(ROWS)
    pg.wait_for_load_state("networkidle")
    assert pg.evaluate(unlabelled) == []
    assert pg.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    shot(pg, "sparql-6-narrow")
    pg.locator("#query-yasgui .yasr_header:visible").scroll_into_view_if_needed()
    shot(pg, "sparql-7-narrow-results")
    context.close()
    assert foreign == [] and _real(problems) == [], (foreign, problems)
