"""The JSON Schema of the report (docs/contract.md §3), generated like the description's
(``reasoner.schema``).

The shape of the report is written here, after ``reasoner.report``; its vocabularies are read from the
graph, so a value the engine can give is one the schema allows, and no list is kept twice: the
classification keys, the obligation ids and the version of the Act's text from ``ontology/law.ttl``, the
bases, statuses, scopes and designation criteria from the rules that give them (``ontology/rules/``),
the severities, shapes and keys of the violations from ``shapes/``, and the names of missing facts from
the description's vocabulary (``ontology/description.ttl``).

``python -m reasoner.report_schema [DIR]`` writes ``report.schema.json`` into ``DIR`` (default
``docs/``); ``make generate`` runs it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef, Variable
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from kg import paths
from kg.ids import AIKG
from reasoner.description import fields
from reasoner.rules import rule_files
from reasoner.schema import write_generated

PATH = paths.ROOT / "docs" / "report.schema.json"

# The rules' "due" is what the report checks against the documentation: it becomes "met" or "violated"
# (reasoner.report), the only statuses that do not come out of the rules as they are.
CHECKED = {"due": ("met", "violated")}


class RuleVocabularyError(ValueError):
    """A rule computes a value the schema must enumerate: it cannot be read off the rule."""


def _nodes(node: Any) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _nodes(item)


def rule_values(query: str, variable: str) -> set[str]:
    """Every value a rule can give to ``variable``: the literals of its ``VALUES`` tables and of the
    ``BIND`` and ``SELECT`` expressions that define it, following ``IF`` and ``COALESCE`` (the empty
    string, which the report leaves out, is not a value). A variable read from the data, or computed
    (``CONCAT``, ``REPLACE``...), has no fixed vocabulary: :class:`RuleVocabularyError`."""
    algebra = prepareQuery(query).algebra
    table: dict[Variable, set[str]] = {}
    defined: dict[Variable, list[Any]] = {}
    matched: set[Variable] = set()
    for node in _nodes(algebra):
        if node.name == "values":
            for row in node["res"]:
                for var, term in row.items():
                    table.setdefault(var, set()).add(str(term))
        elif node.name == "Extend":
            defined.setdefault(node["var"], []).append(node["expr"])
        elif node.name == "BGP":
            matched |= {t for triple in node["triples"] for t in triple if isinstance(t, Variable)}

    def values(expr: Any, seen: frozenset[Variable]) -> set[str]:
        if isinstance(expr, Literal):
            return {str(expr)}
        if isinstance(expr, Variable):
            if expr in matched:
                raise RuleVocabularyError(f"?{expr} is read from the data")
            if expr in seen:
                return set()
            out = set(table.get(expr, set()))
            for e in defined.get(expr, []):
                out |= values(e, seen | {expr})
            return out  # a variable neither in a table nor defined is never bound: no value
        if isinstance(expr, CompValue) and expr.name == "Builtin_IF":
            return values(expr["arg2"], seen) | values(expr["arg3"], seen)
        if isinstance(expr, CompValue) and expr.name == "Builtin_COALESCE":
            return set().union(*(values(e, seen) for e in expr["arg"]))
        raise RuleVocabularyError(f"a value of the rule is computed: {getattr(expr, 'name', expr)}")

    try:
        return values(Variable(variable), frozenset()) - {""}
    except RuleVocabularyError as err:
        raise RuleVocabularyError(f"?{variable}: {err}") from err


@dataclass(frozen=True)
class Vocabulary:
    conclusions: list[str]  # classification keys, in the report's order
    bases: list[str]
    obligations: list[str]
    statuses: list[str]
    scopes: list[str]
    criteria: list[str]
    severities: list[str]
    shapes: list[str]
    paths: list[str]  # description keys a violation names
    facts: list[str]  # description keys
    text_versions: list[str]  # aikg:textVersion


def _graph(*files: Path) -> Graph:
    g = Graph()
    for f in files:
        g.parse(f, format="turtle")
    return g


def _rules(law: Graph, kind: str) -> list[str]:
    """The queries of the rules of one kind (``aikg:ruleKind``), each in the file ``<number>_<name>.rq``
    of ``ontology/rules/`` named by its ``aikg:ruleName``."""
    files = {name: path for _, name, path in rule_files(paths.ONTOLOGY / "rules")}
    names = sorted(str(law.value(r, AIKG.ruleName)) for r in law.subjects(AIKG.ruleKind, Literal(kind)))
    return [files[name].read_text(encoding="utf-8") for name in names]


def _order(g: Graph, subject: Any) -> int:
    return int(str(g.value(subject, AIKG.reportOrder) or 0))


def _english(term: Any) -> bool:
    return isinstance(term, Literal) and term.language == "en"


def _all(queries: list[str], variable: str) -> list[str]:
    return sorted(set().union(*(rule_values(q, variable) for q in queries)))


@cache
def vocabulary() -> Vocabulary:
    law = _graph(paths.ONTOLOGY / "law.ttl")
    shapes = _graph(*sorted(paths.SHAPES.glob("*.ttl")))
    conclusions = sorted(law.subjects(AIKG.ruleKind, Literal("conclusion")), key=lambda r: _order(law, r))
    obligation_ids = sorted(
        law.subject_objects(AIKG.obligationId), key=lambda so: (_order(law, so[0]), str(so[1]))
    )
    obligations = _rules(law, "obligations")
    statuses = {c for s in _all(obligations, "status") for c in CHECKED.get(s, (s,))}
    property_shapes = sorted(str(s) for s in shapes.subjects(RDF.type, SH.PropertyShape))
    return Vocabulary(
        conclusions=[str(law.value(r, AIKG.reportKey)) for r in conclusions],
        bases=_all(_rules(law, "conclusion"), "basis"),
        obligations=[str(i) for _, i in obligation_ids],
        statuses=sorted(statuses),
        scopes=_all(obligations, "scope"),
        criteria=_all(_rules(law, "indicators"), "criterion"),
        severities=sorted({str(s).rsplit("#", 1)[1].lower() for s in shapes.objects(None, SH.severity)}),
        shapes=property_shapes,
        paths=sorted({str(k) for s in property_shapes for k in shapes.objects(URIRef(s), AIKG.jsonKey)}),
        facts=sorted(fields()),
        text_versions=sorted(str(t) for t in law.objects(None, AIKG.textVersion) if _english(t)),
    )


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _text(description: str) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "description": description}


def _citations(description: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref("Citation"), "minItems": 1, "description": description}


def _facts(description: str) -> dict[str, Any]:
    return {
        "type": "array",
        "items": _ref("Fact"),
        "minItems": 1,
        "uniqueItems": True,
        "description": description,
    }


def _object(properties: dict[str, Any], required: list[str], **more: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "required": required,
        "properties": properties,
        "additionalProperties": False,
        **more,
    }


def _defs(v: Vocabulary) -> dict[str, Any]:
    citation = _object(
        {
            "notation": _text(
                "The canonical short form (docs/contract.md §1): Art. 53(1)(a), Annex XI, Section 1(2)(d), "
                "Recital 109, Guidelines C(2025) 5045, section 3.2."
            ),
            "iri": {"type": "string", "format": "uri", "description": "The provision's or section's IRI."},
            "title": _nullable(
                {"type": "string", "description": "Its heading (a paragraph's: its article's)."}
            ),
            "url": _nullable({"type": "string", "format": "uri", "description": "Where to read it."}),
            "text": _nullable(
                {
                    "type": "string",
                    "description": "The provision's own wording, abridged only "
                    "between whole sentences ([…]); null for guidance.",
                }
            ),
            "binding": {"type": "boolean", "description": "false for recitals and guidance."},
        },
        ["notation", "iri", "title", "url", "text", "binding"],
        description="A citation of the Act or of guidance (docs/contract.md §1).",
    )
    moot = {"properties": {"basis": {"const": "moot"}}, "required": ["basis"]}
    conclusion = _object(
        {
            "value": {"type": ["boolean", "null"], "description": "null: moot, or not enough facts."},
            "basis": {"enum": v.bases, "description": "What decided the value."},
            "because": _text("The reason, with the description's facts and the thresholds of the law."),
            "binding": {"type": "boolean", "description": "Whether every citation is binding law."},
            "citations": _citations("The provisions and guidance the conclusion rests on."),
            "missing": _facts("The facts that would decide it (only when it is open)."),
        },
        ["value", "basis", "because", "binding", "citations"],
        description="A conclusion of the classification.",
        allOf=[
            {  # moot: the question does not arise
                "if": moot,
                "then": {"properties": {"value": {"type": "null"}, "because": {"pattern": "^moot:"}}},
            },
        ],
    )
    obligation = _object(
        {
            "id": {"enum": v.obligations, "description": "The obligation's identifier (aikg:obligationId)."},
            "title": _text("What the obligation asks."),
            "citation": {**_ref("Citation"), "description": "Its first legal basis."},
            "citations": _citations("Its legal bases, then what the status rests on."),
            "status": {"enum": v.statuses, "description": "At the assessment date (as_of)."},
            "because": _text("Why it has that status."),
            "applies_from": {
                "type": "string",
                "format": "date",
                "description": "The date Chapter V applies from.",
            },
            "due": _nullable(
                {
                    "type": "string",
                    "format": "date",
                    "description": "The date it is (or would be)"
                    " due; null when a fact the date needs is missing, or when not applicable or exempt.",
                }
            ),
            "exempted_by": {
                **_ref("Citation"),
                "description": "The provision that lifts it (status exempt).",
            },
            "missing": _facts("The facts that would decide it, or date it."),
            "scope": {"enum": v.scopes, "description": "modification: owed only for the modification."},
        },
        ["id", "title", "citation", "citations", "status", "because", "applies_from", "due"],
        description="An obligation of the provider and its status.",
        allOf=[
            {
                "if": {"properties": {"status": {"enum": ["not_applicable", "exempt"]}}},
                "then": {"properties": {"due": {"type": "null"}}},
            },
        ],
        dependentSchemas={"exempted_by": {"properties": {"status": {"const": "exempt"}}}},
    )
    violation = _object(
        {
            "severity": {
                "enum": v.severities,
                "description": "violation: required by the Act; warning: "
                "expected by the Code of Practice or Guidelines; info: asked only where applicable.",
            },
            "message": _text("What is missing or wrong, and what to do."),
            "path": {"enum": v.paths, "description": "The description key to add or correct."},
            "citation": {**_ref("Citation"), "description": "The first binding citation (else the first)."},
            "citations": _citations("Every provision and guidance that asks for it."),
            "obligation": {"enum": v.obligations, "description": "The obligation the check belongs to."},
            "shape": {"enum": v.shapes, "description": "The SHACL shape (shapes/) that found it."},
            "focus": _text("The node the shape checked."),
        },
        ["severity", "message", "path", "citation", "citations", "obligation", "shape", "focus"],
        description="A result of the SHACL checks of the obligations that are due.",
    )
    indicator = _object(
        {
            "criterion": {"enum": v.criteria, "description": "The Annex XIII criterion."},
            "because": _text("Why it points to a designation."),
            "citations": _citations("The criterion and Art. 51(1)(b)."),
        },
        ["criterion", "because", "citations"],
        description="An Annex XIII criterion that points to a designation under Art. 51(1)(b).",
    )
    fact = {"enum": v.facts, "description": "A key of the model description (docs/contract.md §2)."}
    return {
        "Citation": citation,
        "Conclusion": conclusion,
        "Obligation": obligation,
        "Violation": violation,
        "DesignationIndicator": indicator,
        "Fact": fact,
    }


def _properties(v: Vocabulary) -> dict[str, Any]:
    return {
        "model": _text("The description's name."),
        "as_of": {"type": "string", "format": "date", "description": "The assessment date."},
        "conforms": {
            "type": ["boolean", "null"],
            "description": "true: every obligation determined, none "
            "violated; false: one violated; null: cannot tell (one undetermined).",
        },
        "missing_facts": {
            "type": "array",
            "items": _ref("Fact"),
            "uniqueItems": True,
            "description": "The facts that would decide the open questions.",
        },
        "classification": _object(
            {key: _ref("Conclusion") for key in v.conclusions},
            list(v.conclusions),
            description="The conclusions of the rules (aikg:reportKey), in the order of the graph.",
        ),
        "designation_indicators": {"type": "array", "items": _ref("DesignationIndicator")},
        "obligations": {
            "type": "array",
            "items": _ref("Obligation"),
            "minItems": len(v.obligations),
            "maxItems": len(v.obligations),
            "description": "Every obligation, once.",
        },
        "violations": {"type": "array", "items": _ref("Violation")},
        "text_version": {
            "enum": v.text_versions,
            "description": "The text of the Act the citations quote (aikg:textVersion).",
        },
    }


def _input() -> dict[str, Any]:
    """The optional ``input`` of the report of a model card (reasoner.model_card.card_report)."""
    return _object(
        {
            "source": {"const": "model card"},
            "provenance": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Each fact of the description (dotted key) and where it came from: "
                "'card: FIELD', 'facts: FILE', the file name or Hub id for the name.",
            },
            "missing": {
                "type": "array",
                "items": _ref("Fact"),
                "uniqueItems": True,
                "description": "The keys the report names as missing: neither the card nor the facts "
                "give them.",
            },
        },
        ["source", "provenance", "missing"],
        description="Where the facts of a model card's report came from (docs/contract.md §5, Model cards).",
    )


def _contains(array: str, key: str, value: str) -> dict[str, Any]:
    """An object whose ``array`` has an item whose ``key`` is ``value``."""
    item = {"properties": {key: {"const": value}}, "required": [key]}
    return {"required": [array], "properties": {array: {"contains": item}}}


def _verdict() -> list[dict[str, Any]]:
    """``conforms`` follows the statuses and severities (``reasoner.report.verdict``): false when an
    obligation is violated or a legally required item is missing, else null when one is undetermined,
    else true."""
    violated = {"anyOf": [_contains("obligations", "status", "violated"),
                          _contains("violations", "severity", "violation")]}  # fmt: skip
    undetermined = _contains("obligations", "status", "undetermined")

    def when(value: bool | None, then: dict[str, Any]) -> dict[str, Any]:
        return {"if": {"properties": {"conforms": {"const": value}}, "required": ["conforms"]}, "then": then}

    return [
        when(False, violated),
        when(None, {"allOf": [{"not": violated}, undetermined]}),
        when(True, {"not": {"anyOf": [violated, undetermined]}}),
    ]


def json_schema() -> dict[str, Any]:
    v = vocabulary()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://w3id.org/aiact-kg/schema/report.json",
        "title": "Report (aiact-kg docs/contract.md §3)",
        "description": "What POST /validate, `aiact validate --format json` and reasoner.validate() return. "
        "Generated by reasoner.report_schema from the graph (make generate).",
        "type": "object",
        "required": list(_properties(v)),
        "properties": {**_properties(v), "input": _input()},  # "input": optional, only for a model card
        "additionalProperties": False,
        "allOf": _verdict(),
        "$defs": _defs(v),
    }


CLASSIFICATION_KEYS = ("model", "as_of", "classification", "designation_indicators")


def openapi_schemas() -> dict[str, dict[str, Any]]:
    """The report as OpenAPI components: ``Report``, ``Classification`` (``POST /classify``, the
    classification part of the report) and the definitions they refer to, as components of their own."""
    schema = json_schema()

    def moved(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: (v.replace("#/$defs/", "#/components/schemas/") if k == "$ref" else moved(v))
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [moved(x) for x in node]
        return node

    report = moved({k: v for k, v in schema.items() if not k.startswith("$")})
    classification = {
        "type": "object",
        "description": "The classification part of the report (docs/contract.md §3).",
        "required": list(CLASSIFICATION_KEYS),
        "properties": {k: report["properties"][k] for k in CLASSIFICATION_KEYS},
        "additionalProperties": False,
    }
    return {"Report": report, "Classification": classification, **moved(schema["$defs"])}


def render() -> str:
    """The text of ``docs/report.schema.json``."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m reasoner.report_schema [DIR]``: write the report schema (``make generate`` runs it)."""
    return write_generated([(PATH, render)], argv)


if __name__ == "__main__":
    raise SystemExit(main())
