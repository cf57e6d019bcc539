"""Reading the Act in the explorer (issue 13 §2 and §4), in Debian's chromium driven by Playwright against a
live ``aiact serve``: references with several targets, where navigation lands, paging through articles,
recitals as suggestions, superscripts everywhere text is shown, and the validation report on a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.act import Act
from kg.reader import tree
from tests.test_explorer import base, browser, page, shot, type_description

__all__ = ["base", "browser", "page"]  # the live-server and browser fixtures, shared with test_explorer
EXAMPLE = Path(__file__).parent.parent / "kg" / "examples" / "closed-frontier-model.json"


def _at_target(pg: Any) -> bool:
    """The marked provision is at the top of the window (or the page is scrolled as far as it goes)."""
    return bool(
        pg.evaluate("""(() => { const t = document.querySelector('.node.target');
        const bottom = document.documentElement.scrollHeight - window.innerHeight;
        return Math.abs(t.getBoundingClientRect().top) <= 2 || window.scrollY >= bottom - 1; })()""")
    )


def test_the_tree_keeps_targets_in_the_order_the_words_name_them() -> None:
    """RDF keeps no order: the tree reads it back from the span ("points (a) and (b)": (a) first)."""
    act = Act()
    par2 = tree(act, act.resolve("Art. 53"))["children"][1]
    ref = next(r for r in par2["refs"] if r["text"] == "paragraph 1, points (a) and (b)")
    assert [t["notation"] for t in ref["targets"]] == ["Art. 53(1)(a)", "Art. 53(1)(b)"]
    recital = tree(act, act.resolve("Recital 40"))  # "Article 5(2) to (6)": the "5" is the article's
    ranged = next(r for r in recital["refs"] if r["text"] == "Article 5(2) to (6)")
    assert [t["notation"] for t in ranged["targets"]] == [f"Art. 5({n})" for n in range(2, 7)]


def test_a_reference_with_several_targets_links_the_first_named(page: Any, base: str) -> None:
    """Art. 53(2): "paragraph 1, points (a) and (b)" opens point (a); "→ (b)" after it opens point (b)."""
    page.goto(base + "/#/p/Art.%2053(2)")
    page.wait_for_selector("#n-Art-53-2-.target")
    words = page.locator("#n-Art-53-2- a.xref", has_text="paragraph 1, points (a) and (b)")
    assert words.get_attribute("data-target") == "Art. 53(1)(a)"
    more = page.locator("#n-Art-53-2- a.xref-more")
    assert more.count() == 1 and more.inner_text() == "→ (b)"
    assert more.get_attribute("data-target") == "Art. 53(1)(b)"
    shot(page, "r1-several-targets")
    words.click()
    page.wait_for_selector("#n-Art-53-1-a-.target")
    page.go_back()
    page.wait_for_selector("#n-Art-53-2-.target")
    page.locator("#n-Art-53-2- a.xref-more").click()
    page.wait_for_selector("#n-Art-53-1-b-.target")


def test_navigation_lands_at_the_top_or_at_the_permalinked_provision(page: Any, base: str) -> None:
    page.goto(base + "/#/p/Art.%203")
    page.wait_for_selector("h1:has-text('Art. 3 — Definitions')")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert page.evaluate("window.scrollY") > 2000
    page.locator("nav.pager a[rel=next]").last.click()
    page.wait_for_selector("h1:has-text('Art. 4 ')")
    assert page.evaluate("window.scrollY") == 0
    # a reference from the bottom of a page to a point: the new page opens at that point
    page.goto(base + "/#/p/Annex%20XI")
    page.wait_for_selector("h1:has-text('Annex XI')")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.locator("section[aria-labelledby=refby] a", has_text="Art. 53(1)(a)").first.click()
    page.wait_for_selector("#n-Art-53-1-a-.target")
    assert page.evaluate("window.scrollY") > 0
    assert _at_target(page)
    # and a cross-reference in the text of a long article, followed from far down, opens at the top
    page.goto(base + "/#/p/Art.%2099")
    page.wait_for_selector("h1:has-text('Art. 99 ')")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    elsewhere = [
        t
        for t in page.eval_on_selector_all(
            ".provision-text a.xref[href^='#/p/']", "as => as.map(a => a.dataset.target)"
        )
        if not t.startswith("Art. 99")
    ]
    target = elsewhere[-1]
    top = target.split("(")[0].split(",")[0]
    page.locator(f".provision-text a.xref[data-target='{target}']").last.click()
    page.wait_for_selector(f"h1:has-text('{top} ')")
    if top != target:  # a permalink: at the provision it names
        assert _at_target(page)
        return
    assert page.evaluate("window.scrollY") == 0


def test_previous_and_next_and_the_recitals_that_explain(page: Any, base: str) -> None:
    page.goto(base + "/#/p/Art.%2053")
    page.wait_for_selector("h1:has-text('Art. 53 —')")
    pager = page.locator("nav.pager").first
    assert pager.locator("a[rel=prev]").inner_text() == "← Art. 52"
    assert pager.locator("a[rel=next]").inner_text() == "Art. 54 →"
    page.goto(base + "/#/p/Annex%20XI")
    page.wait_for_selector("h1:has-text('Annex XI —')")
    assert page.locator("nav.pager").first.locator("a[rel=prev]").inner_text() == "← Annex X"
    page.locator("nav.pager").first.locator("a[rel=next]").click()
    page.wait_for_selector("h1:has-text('Annex XII')")
    page.goto(base + "/#/p/Art.%201")
    page.wait_for_selector("h1:has-text('Art. 1 —')")
    assert page.locator("nav.pager a[rel=prev]").count() == 0
    # Art. 5 is referred to by Recital 40: listed apart, as a suggestion, never among the law
    page.goto(base + "/#/p/Art.%205")
    page.wait_for_selector("#recitals")
    recitals = page.inner_text("#recitals")
    assert "Recital 40" in recitals and "suggestion, not law" in recitals
    lines = page.locator("#recitals li").all_inner_texts()
    assert [line.split(":")[0] for line in lines] == ["Recital 40", "Recital 41"]  # one line per recital
    assert lines[0].count("Article 5(2) to (6)") == 1  # each reference once, with all it names
    assert "Recital" not in page.inner_text("section[aria-labelledby=refby]")
    shot(page, "r2-art-5-recitals")
    page.goto(base + "/#/p/Art.%2053")
    page.wait_for_selector("h1:has-text('Art. 53 —')")
    assert page.locator("#recitals").count() == 0


def test_powers_are_superscripts_everywhere(page: Any, base: str) -> None:
    """Art. 51(2) reads "10^25" in the graph: a superscript on the provision page, in a search snippet and
    in the words of a report's citation."""
    page.goto(base + "/#/p/Art.%2051(2)")
    page.wait_for_selector("#n-Art-51-2-.target")
    assert page.inner_text("#n-Art-51-2- sup") == "25"
    page.goto(base + "/#/search?q=cumulative%20amount%20of%20computation")
    page.wait_for_selector("#hits")
    hit = page.locator(".hit", has=page.locator("a", has_text="Art. 51(2)")).first
    assert hit.locator("sup").first.inner_text() == "25"
    assert "^" not in page.inner_text("#hits")
    page.goto(base + "/#/validate")
    page.wait_for_selector("#validate-form")
    type_description(page, '{"name": "Small", "training_compute_flop": 5e23, "output_modalities": ["text"]}')
    page.fill("#as-of", "2026-11-24")
    page.get_by_role("button", name="Validate").click()
    page.wait_for_selector("#report")
    row = page.locator("#classification tr:has(th:text-is('systemic risk'))")
    quote = row.locator("details.quote", has=page.locator("sup"))
    quote.locator("summary").click()
    assert quote.locator("blockquote").inner_text().endswith("greater than 1025.")
    assert quote.locator("blockquote sup").inner_text() == "25"
    assert "10^25" not in page.inner_text("#report")


def _validate(pg: Any, base: str, text: str) -> None:
    pg.goto(base + "/#/validate")
    pg.wait_for_selector("#validate-form")
    type_description(pg, text)
    pg.fill("#as-of", "2026-11-24")
    pg.get_by_role("button", name="Validate").click()
    pg.wait_for_selector("#report")


def test_the_report_opens_with_the_verdict_and_what_to_add(page: Any, base: str) -> None:
    _validate(
        page, base, '{"name": "OpenQuestion", "training_compute_flop": 5e23, "output_modalities": ["text"]}'
    )
    order = page.evaluate("[...document.querySelectorAll('#report > *')].map(e => e.id || e.textContent)")
    assert order[:2] == ["verdict", "what-to-add"], order
    assert order.index("Classification") < order.index("Obligations")
    assert "cannot tell" in page.inner_text("#verdict")
    keys = page.eval_on_selector_all("#missing-facts > li", "els => els.map(e => e.dataset.key)")
    assert len(keys) == len(set(keys)), keys  # one line per key
    assert "placed_on_eu_market" in keys and "licence" in keys
    market = page.locator("#missing-facts > li[data-key=placed_on_eu_market]")
    cites = market.locator("a").all_inner_texts()
    assert "Art. 2(1)(a)" in cites and len(cites) == len(set(cites)), cites  # all its citations, each once
    assert "Art. 53(1)(a)" in cites and "Art. 54(1)" in cites
    shot(page, "r3-report-what-to-add")
    _validate(page, base, EXAMPLE.read_text())
    assert "does not conform" in page.inner_text("#verdict")
    assert "documentation.adversarial_testing" in page.inner_text("#missing-facts")


def test_the_report_on_a_phone(browser: Any, base: str) -> None:
    """375 px wide: the header folds behind a Menu button and the tables scroll inside themselves."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(base + "/")
    pg.wait_for_selector("main h1")
    assert not pg.is_visible("#sections a[href='#/validate']")
    header = pg.evaluate("document.querySelector('header.top').getBoundingClientRect().height")
    assert header < 130, header
    pg.get_by_role("button", name="Menu").click()
    assert pg.get_attribute("header.top .menu-toggle", "aria-expanded") == "true"
    pg.get_by_role("link", name="Validate a model").click()
    pg.wait_for_selector("#validate-form")
    assert not pg.is_visible("#sections a[href='#/validate']")  # a new page folds the menu again
    pg.select_option("#example", "closed-frontier-model.json")
    pg.wait_for_function("document.getElementById('description').value.length > 0")
    pg.fill("#as-of", "2026-11-24")
    pg.get_by_role("button", name="Validate").click()
    pg.wait_for_selector("#report")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 375
    wraps = pg.evaluate("""[...document.querySelectorAll('#report .table-wrap')]
        .map(w => [w.scrollWidth > w.clientWidth, w.getBoundingClientRect().right])""")
    assert wraps and all(scrolls and right <= 375 for scrolls, right in wraps), wraps
    shot(pg, "r4-report-375")
    pg.goto(base + "/#/p/Art.%2053(2)")
    pg.wait_for_selector("#n-Art-53-2-.target")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
    assert errors == [], errors
