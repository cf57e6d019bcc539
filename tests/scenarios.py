"""Load the legal scenarios of ``tests/cases/*.yaml`` (one file per provision) and check them first.

A file is ``provision:`` (what its cases are about) and ``cases:``. The header names provisions of the
Act in their canonical notation (``Art. 53``, ``Annex XI``), several joined by " and "
(``Art. 111(3) and Art. 113``), or guidance sections of the graph (``Guidelines C(2025) 5045, Annex A``);
two files gather cases across provisions and say so (:data:`TOPICS`). A case has the keys of
:data:`CASE_KEYS`, its ``expect`` those of :data:`EXPECT_KEYS` (what ``tests/test_scenarios.py`` checks),
its ``input`` (and each template it extends) the keys of the description schema. Anything else - a
misspelt key, a provision the Act does not have - is a :class:`ScenarioError` naming the file and the
case, raised before any scenario runs: a typo never passes silently as a check that is not made.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reasoner.description import yaml_load

if TYPE_CHECKING:
    from kg.act import Act

CASES = Path(__file__).parent / "cases"
EXAMPLES = Path(__file__).parent.parent / "examples"

FILE_KEYS = ("provision", "cases")
CASE_KEYS = ("name", "as_of", "extends", "example", "input", "expect")
REQUIRED = ("name", "as_of", "expect")
# What each key of ``expect`` holds: an object keyed by classification or obligation, a list, a boolean.
EXPECT_KEYS: dict[str, tuple[type, ...]] = {
    "classification": (dict,),  # classification -> value (true, false, null)
    "basis": (dict,),  # classification -> basis
    "because_contains": (dict,),  # classification -> words of its reason
    "missing": (dict,),  # classification -> the facts it misses
    "obligations": (dict,),  # obligation -> status
    "due": (dict,),  # obligation -> due date
    "obligation_because_contains": (dict,),  # obligation -> words of its reason
    "obligation_cites": (dict,),  # obligation -> a notation among its citations
    "obligation_missing": (dict,),  # obligation -> the facts it misses
    "scope": (dict,),  # obligation -> its scope
    "missing_facts": (list,),
    "violations": (list,),  # shapes (without "-value") that fire as violations
    "warnings": (list,),
    "infos": (list,),
    "indicators": (list,),  # Annex XIII criteria, in order
    "conforms": (bool, type(None)),
}
_KIND_NAMES = {dict: "mapping", list: "list", bool: "boolean", type(None): "null"}
# Headers of files that are about no single provision: what they hold instead.
TOPICS = {
    "examples": "the descriptions shipped in examples/",
    "input vocabulary": "spellings a description may use (modalities, licences, representatives)",
}


class ScenarioError(ValueError):
    """The scenario files are wrong: every problem, each naming its file and case."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the scenario files:\n  " + "\n  ".join(problems))
        self.problems = problems


@dataclass
class Scenario:
    file: str
    name: str
    as_of: str
    input: dict[str, Any]
    expect: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.file}: {self.name}"


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _keys(found: object, allowed: tuple[str, ...] | dict[str, Any]) -> list[str]:
    """The keys of ``found`` that ``allowed`` does not list, each with the keys allowed."""
    unknown = [k for k in found if k not in allowed] if isinstance(found, dict) else []
    return [f"unknown key {k!r} (allowed: {', '.join(allowed)})" for k in unknown]


# -- the provision header ---------------------------------------------------------------------------


@cache
def _act() -> Act:
    from kg.act import Act

    return Act()


@cache
def _guidance_sections() -> frozenset[str]:
    from kg.store.core import term_text

    rows = (
        _act()
        .store.query(
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?n WHERE "
            "{ ?s a <https://w3id.org/aiact-kg/ontology#GuidanceSection> ; skos:notation ?n }"
        )
        .rows
    )
    return frozenset(term_text(r["n"]) for r in rows)


def header_problems(header: object) -> list[str]:
    """What is wrong with a ``provision:`` header (nothing: [])."""
    from kg.notation import parse

    if not isinstance(header, str) or not header.strip():
        return [f"the provision header must name a provision, not {header!r}"]
    if header in TOPICS:
        return []
    index = _act().index
    problems = []
    for part in header.split(" and "):
        if part in _guidance_sections():
            continue
        try:
            notation = index[parse(part, index)].notation
        except LookupError as err:
            problems.append(f"provision header {header!r}: {err} (nor is it a guidance section of the graph)")
            continue
        if notation != part:
            problems.append(f"provision header {header!r}: write {part!r} as {notation!r}")
    return problems


# -- a case -------------------------------------------------------------------------------------------


@cache
def _description_schema() -> dict[str, Any]:
    from reasoner.schema import json_schema

    return json_schema()


def _objects(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The object forms a schema allows (a key may be an object or null, a name or an object...)."""
    if "properties" in schema:
        yield schema
    for alternative in schema.get("anyOf", []) + schema.get("oneOf", []):
        yield from _objects(alternative)


def description_problems(data: object, schema: dict[str, Any] | None = None, path: str = "") -> list[str]:
    """Keys of a description (or of a part of one) that the description schema does not have."""
    forms = list(_objects(_description_schema() if schema is None else schema))
    if not isinstance(data, dict) or not forms:
        return []
    properties = {k: v for form in forms for k, v in form["properties"].items()}
    problems = []
    for key, value in data.items():
        if key in properties:
            problems += description_problems(value, properties[key], f"{path}{key}.")
        elif all(form.get("additionalProperties") is False for form in forms):
            problems.append(f"{path}{key}: not a key of the description schema")
    return problems


def case_problems(case: object, templates: dict[str, Any]) -> list[str]:
    """What is wrong with one case (nothing: [])."""
    if not isinstance(case, dict):
        return [f"a case is a mapping of {', '.join(CASE_KEYS)}, not {case!r}"]
    problems = _keys(case, CASE_KEYS)
    problems += [f"{k!r} is missing" for k in REQUIRED if k not in case]
    try:
        dt.date.fromisoformat(str(case.get("as_of")))
    except ValueError:
        problems.append(f"as_of must be a date written YYYY-MM-DD, not {case.get('as_of')!r}")
    if "example" in case and "extends" in case:
        problems.append("a case extends a template or starts from an example, not both")
    if "extends" in case and case["extends"] not in templates:
        problems.append(f"extends {case['extends']!r}, which is not a template of _templates.yaml")
    if "example" in case and not (EXAMPLES / str(case["example"])).is_file():
        problems.append(f"example {case['example']!r} is not a file of examples/")
    given = case.get("input", {})
    if not isinstance(given, dict):
        problems.append(f"input must be a mapping, not {given!r}")
    else:
        problems += [f"input: {p}" for p in description_problems(given)]
    expect = case.get("expect", {})
    if not isinstance(expect, dict):
        return [*problems, f"expect must be a mapping, not {expect!r}"]
    problems += [f"expect: {p}" for p in _keys(expect, EXPECT_KEYS)]
    for key, kinds in EXPECT_KEYS.items():
        if key in expect and not isinstance(expect[key], kinds):
            what = " or ".join(_KIND_NAMES[k] for k in kinds)
            problems.append(f"expect: {key} must be a {what}, not {expect[key]!r}")
    return problems


# -- the files ----------------------------------------------------------------------------------------


def _scenario(file: str, case: dict[str, Any], templates: dict[str, Any]) -> Scenario:
    if "example" in case:
        from reasoner.description import load as load_description
        from reasoner.description import media_type_of

        example = EXAMPLES / case["example"]
        base = load_description(example.read_bytes(), media_type_of(example.name))
    else:
        base = templates[case["extends"]] if "extends" in case else {}
    description = _merge(base, case.get("input", {}))
    if "name" not in description:
        description["name"] = case["name"]
    return Scenario(file, case["name"], str(case["as_of"]), description, case["expect"])


def load(cases: Path = CASES) -> list[Scenario]:
    """Every scenario of the folder ``cases``; a :class:`ScenarioError` if any file or case is wrong."""
    template_file = cases / "_templates.yaml"
    templates = yaml_load(template_file.read_text(encoding="utf-8")) if template_file.exists() else {}
    out: list[Scenario] = []
    problems: list[str] = []
    checked: set[str] = set()
    for path in sorted(cases.glob("[!_]*.yaml")):
        where = f"{path.relative_to(cases.parent)}"
        data = yaml_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            problems.append(f"{where}: a file of cases is a mapping of {', '.join(FILE_KEYS)}")
            continue
        problems += [f"{where}: {p}" for p in _keys(data, FILE_KEYS)]
        problems += [f"{where}: {p}" for p in header_problems(data.get("provision"))]
        if not isinstance(data.get("cases"), list) or not data["cases"]:
            problems.append(f"{where}: 'cases' must be a list of cases")
            continue
        for n, case in enumerate(data["cases"], 1):
            name = case.get("name") if isinstance(case, dict) else None
            found = case_problems(case, templates)
            problems += [
                f"{where}: case {name!r}: {p}" if name else f"{where}: case #{n}: {p}" for p in found
            ]
            template = case.get("extends") if isinstance(case, dict) else None
            if not found and template is not None and template not in checked:
                checked.add(template)
                base = templates[template]
                problems += [f"_templates.yaml: {template}: {p}" for p in description_problems(base)]
            if not found:
                out.append(_scenario(path.stem, case, templates))
    if problems:
        raise ScenarioError(problems)
    return out
