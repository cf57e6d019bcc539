"""The validation view's editor and model cards in a real browser (the fixtures of tests/test_explorer.py):
line numbers, key completion from the description schema, inline schema and JSON syntax errors, examples,
a model card pasted or uploaded (POST /describe) and then validated, and the view at 375 px. Screenshots
go to ``artifacts/screenshots/``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.test_explorer import _watch, base, browser, shot  # noqa: F401 (fixtures)

ROOT = Path(__file__).parent.parent
SCHEMA = json.loads((ROOT / "docs" / "description.schema.json").read_text(encoding="utf-8"))
CARD = ROOT / "tests" / "fixtures" / "hf-model-cards" / "cards" / "bigcode_santacoder-megatron_README.md"
DAY = "2026-11-24"
EDITOR = "document.querySelector('.CodeMirror').CodeMirror"


@pytest.fixture()
def page(browser: Any, base: str) -> Iterator[Any]:  # noqa: F811
    """tests/test_explorer.py's page (1280 x 900, no JavaScript error), whose browser's own probe for
    /favicon.ico (the explorer names no icon) is answered empty, so that _watch sees only the page's doing."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert errors == [], errors


def _open(pg: Any, base: str) -> None:  # noqa: F811
    pg.goto(base + "/#/validate")
    pg.wait_for_selector("#validate-form .CodeMirror")


def _set(pg: Any, text: str) -> None:
    pg.evaluate(f"(t) => {EDITOR}.setValue(t)", text)


def _value(pg: Any) -> str:
    value: str = pg.evaluate(f"{EDITOR}.getValue()")
    return value


def _lint(pg: Any) -> None:
    """Wait for the lint add-on to have run on the editor's text (it waits a moment after a change)."""
    pg.wait_for_timeout(600)


def _clean(problems: list[str], foreign: list[str]) -> None:
    assert problems == [], problems
    assert foreign == [], foreign


def _a_key(start: str) -> tuple[str, str]:
    """A top-level key of the schema (the first starting with ``start``) and its description."""
    key = next(k for k in SCHEMA["properties"] if k.startswith(start))
    return key, SCHEMA["properties"][key]["description"]


def test_the_editor_shows_line_numbers_and_completes_schema_keys(page: Any, base: str) -> None:  # noqa: F811
    problems, foreign = _watch(page, base)
    _open(page, base)
    assert page.locator(".CodeMirror .CodeMirror-linenumber").count() >= 1
    assert "checked against the schema" in page.inner_text("#editor-hint")
    key, about = _a_key("training_compute")
    # typing a quote at a key position offers the schema's keys, with what they mean
    _set(page, '{\n  "name": "Typed-1",\n  \n}')
    page.evaluate(f"{EDITOR}.focus(); {EDITOR}.setCursor({{line: 2, ch: 2}})")
    page.keyboard.type('"')
    page.wait_for_selector(".CodeMirror-hints")
    offered = page.inner_text(".CodeMirror-hints")
    assert key in offered and "name\n" not in offered  # a key the object already has is not offered again
    page.keyboard.type(key[:14])
    hint = page.locator(".CodeMirror-hint", has_text=key).first
    assert about[:40] in hint.inner_text()
    shot(page, "validate-editor-completion")
    page.keyboard.press("Enter")
    page.keyboard.type("1e24")
    assert json.loads(_value(page)) == {"name": "Typed-1", key: 1e24}
    # Ctrl+Space at a value whose values are few offers them (an enum of the schema)
    enum_key = next(
        k for k, v in SCHEMA["properties"].items() if any("enum" in b for b in v.get("anyOf", []))
    )
    values = next(b["enum"] for b in SCHEMA["properties"][enum_key]["anyOf"] if "enum" in b)
    _set(page, f'{{"name": "E", "{enum_key}": }}')
    page.evaluate(f"{EDITOR}.focus(); {EDITOR}.setCursor({{line: 0, ch: {len(enum_key) + 17}}})")
    page.keyboard.press("Control+Space")
    page.wait_for_selector(".CodeMirror-hints")
    assert all(json.dumps(v) in page.inner_text(".CodeMirror-hints") for v in values)
    page.keyboard.press("Escape")
    _clean(problems, foreign)


def test_schema_errors_are_marked_where_they_are(page: Any, base: str) -> None:  # noqa: F811
    problems, foreign = _watch(page, base)
    _open(page, base)
    boolean_key = next(
        k for k, v in SCHEMA["properties"].items() if {"type": "boolean"} in v.get("anyOf", [])
    )
    _set(page, '{\n  "name": "Marked",\n  "training_compute_flops": 1e24,\n  "' + boolean_key + '": "yes"\n}')
    _lint(page)
    page.wait_for_selector(".CodeMirror-lint-mark-error")
    marks = page.locator(".CodeMirror-lint-mark-error")
    assert marks.count() == 2
    assert marks.nth(0).inner_text() == '"training_compute_flops"'
    assert marks.nth(1).inner_text() == '"yes"'
    listed = page.inner_text("#description-problems")
    assert 'Line 3: training_compute_flops: unknown key (did you mean "training_compute_flop"?)' in listed
    assert f"Line 4: {boolean_key}: expected true or false" in listed
    assert page.locator(".CodeMirror-lint-marker-error").count() == 2  # in the gutter, on lines 3 and 4
    marks.nth(0).hover()
    page.wait_for_selector(".CodeMirror-lint-tooltip")
    assert "unknown key" in page.inner_text(".CodeMirror-lint-tooltip")
    shot(page, "validate-editor-schema-errors")
    # a missing required key and a value an enum does not allow
    _set(page, '{"systemic_risk_arguments": "maybe"}')
    _lint(page)
    listed = page.inner_text("#description-problems")
    assert 'the required key "name" is missing' in listed and '"maybe" is not allowed' in listed
    # a description without errors: no marks
    _set(page, '{"name": "Fine", "training_compute_flop": 1e24}')
    _lint(page)
    assert page.locator(".CodeMirror-lint-mark-error, .CodeMirror-lint-marker-error").count() == 0
    assert page.locator("#description-problems").is_hidden()
    _clean(problems, foreign)


def test_a_json_syntax_error_is_marked_at_its_line(page: Any, base: str) -> None:  # noqa: F811
    problems, foreign = _watch(page, base)
    _open(page, base)
    _set(page, '{\n  "name": "Broken",\n  "training_compute_flop" 1e24\n}')
    _lint(page)
    page.wait_for_selector(".CodeMirror-lint-marker-error")
    on_line = page.evaluate(f"[0, 1, 2, 3].map((n) => !!({EDITOR}.lineInfo(n).gutterMarkers || {{}})"
                            "['CodeMirror-lint-markers'])")  # fmt: skip
    assert on_line == [False, False, True, False]
    assert "Line 3: JSON: a ':' was expected" in page.inner_text("#description-problems")
    shot(page, "validate-editor-syntax-error")
    # YAML gets no schema lint: the hint says so
    _set(page, "name: Yaml-1\ntraining_compute_flops: 1e24\n")
    _lint(page)
    assert page.locator(".CodeMirror-lint-marker-error").count() == 0
    assert "only JSON is checked" in page.inner_text("#editor-hint")
    _clean(problems, foreign)


def test_deep_nesting_is_an_error_in_the_editor_not_a_crash(page: Any, base: str) -> None:  # noqa: F811
    """Ten thousand open brackets: the editor says how deep it reads, no stack overflow in the page."""
    problems, foreign = _watch(page, base)
    _open(page, base)
    _set(page, '{"name": "Deep", "x": ' + "[" * 10_000)
    _lint(page)
    page.wait_for_selector(".CodeMirror-lint-marker-error")
    assert "nested deeper than 100 levels" in page.inner_text("#description-problems")
    _clean(problems, foreign)


def test_an_example_still_validates(page: Any, base: str) -> None:  # noqa: F811
    problems, foreign = _watch(page, base)
    _open(page, base)
    page.select_option("#example", "closed-frontier-model.json")
    page.wait_for_function(f"{EDITOR}.getValue().length > 0")
    assert json.loads(_value(page))["name"] == "Meridian-Ultra"
    assert page.input_value("#description") == _value(page)  # the form's textarea holds the same text
    page.fill("#as-of", DAY)
    page.get_by_role("button", name="Validate").click()
    page.wait_for_selector("#verdict")
    assert "Meridian-Ultra, as of 2026-11-24: does not conform" in page.inner_text("#verdict")
    _clean(problems, foreign)


def _described(url: str, **query: str) -> dict[str, Any]:
    r = httpx.post(f"{url}/describe", params={"as_of": DAY, **query}, content=CARD.read_bytes(),
                   headers={"content-type": "text/markdown"})  # fmt: skip
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


def test_a_pasted_card_becomes_a_description_with_provenance_and_then_validates(
    page: Any,
    base: str,  # noqa: F811
) -> None:
    problems, foreign = _watch(page, base)
    expected = _described(base)
    _open(page, base)
    page.fill("#as-of", DAY)
    _set(page, CARD.read_text(encoding="utf-8"))
    page.wait_for_selector("#card-panel")
    assert json.loads(_value(page)) == expected["description"]
    provenance = page.inner_text("#card-provenance")
    for key, source in expected["provenance"].items():
        assert key in provenance and source in provenance, key
    missing = page.locator("#card-missing li").all_inner_texts()
    assert missing == expected["missing"] and missing
    assert "What to add" in page.inner_text("#card-panel")
    page.locator("#card-panel").scroll_into_view_if_needed()
    shot(page, "validate-card-pasted")
    page.get_by_role("button", name="Validate").click()
    page.wait_for_selector("#verdict")
    name = expected["description"]["name"]
    assert f"{name}, as of {DAY}:" in page.inner_text("#verdict")
    _clean(problems, foreign)


def test_an_uploaded_card_is_named_by_its_file(page: Any, base: str, tmp_path: Path) -> None:  # noqa: F811
    problems, foreign = _watch(page, base)
    expected = _described(base, file_name=CARD.name)
    _open(page, base)
    page.fill("#as-of", DAY)
    page.set_input_files("#upload", str(CARD))
    page.wait_for_selector("#card-panel")
    assert json.loads(_value(page)) == expected["description"]
    assert expected["description"]["name"] == "bigcode/santacoder-megatron"
    assert f"file name {CARD.name}" in page.inner_text("#card-provenance")
    # a card whose front matter is not valid YAML: the problem is named, the text stays in the editor
    bad = tmp_path / "owner_bad_README.md"
    bad.write_text("---\nlicense: mit\ntags: [a, b\n---\nbody\n", encoding="utf-8")
    page.set_input_files("#upload", str(bad))
    page.wait_for_selector("#card p.error")
    assert "not valid YAML: line" in page.inner_text("#card")
    assert page.locator("#card-panel").count() == 0 and _value(page).startswith("---")
    shot(page, "validate-card-invalid")
    expected_422 = [
        p for p in problems if (p.startswith("422: ") and "/describe?" in p) or "status of 422" in p
    ]
    assert len(expected_422) == 2 and [p for p in problems if p not in expected_422] == [], problems
    assert foreign == []


def test_narrow_with_a_card_no_sideways_scroll_and_every_control_labelled(browser: Any, base: str) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 375, "height": 800})
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    pg = context.new_page()
    problems, foreign = _watch(pg, base)
    _open(pg, base)

    def check() -> None:
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"scrolls sideways by {overflow}px"
        unlabelled = pg.evaluate("""[...document.querySelectorAll('input, select, textarea')]
            .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
            .map(e => e.id || e.outerHTML.slice(0, 80))""")
        assert unlabelled == [], unlabelled

    check()
    assert pg.evaluate(f"{EDITOR}.getInputField().getAttribute('aria-label')") == "Model description"
    pg.fill("#as-of", DAY)
    _set(pg, CARD.read_text(encoding="utf-8"))
    pg.wait_for_selector("#card-panel")
    check()
    pg.locator("#card-panel").scroll_into_view_if_needed()
    shot(pg, "narrow-validate-card")
    pg.get_by_role("button", name="Validate").click()
    pg.wait_for_selector("#verdict")
    check()
    context.close()
    _clean(problems, foreign)
