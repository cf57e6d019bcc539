"""Run the classification rules of ``ontology/rules/`` over a description.

The rules are SPARQL decision tables stored with the ontology; this module only orders them, writes
each conclusion back for the next, and fills the reason templates with the description's facts and
the thresholds and dates of the graph. Nothing legal is decided here.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pyoxigraph as ox

from reasoner import paths
from reasoner.description import flatten
from reasoner.ids import AIKG, ID
from reasoner.store import OxigraphStore, term_text

CONCLUSIONS = {  # rule file stem -> (report key, property the conclusion is written to)
    "gpai_model": ("gpai_model", "conclusionGpaiModel"),
    "provider_of_new_model": ("provider_of_new_model", "conclusionProviderOfNewModel"),
    "systemic_risk": ("systemic_risk", "conclusionSystemicRisk"),
    "open_source_exemption": ("open_source_exemption", "conclusionOpenSourceExemption"),
    "authorised_representative_required": (
        "authorised_representative_required",
        "conclusionAuthorisedRepresentativeRequired",
    ),
}
REPORT_ORDER = ["gpai_model", "systemic_risk", "open_source_exemption", "provider_of_new_model",
                "authorised_representative_required"]  # fmt: skip


class RuleError(RuntimeError):
    """A rule gave no conclusion or several: a defect of the rules, never of the input."""


@dataclass
class Conclusion:
    value: bool | None
    basis: str
    because: str
    cites: list[str]
    missing: list[str]
    case: str


@dataclass
class ObligationState:
    id: str
    status: str  # not_applicable, exempt, not_yet_applicable, undetermined, due
    because: str
    cites: list[str]
    missing: list[str]
    applies_from: str
    due: str | None
    due_class: str


@dataclass
class Classification:
    conclusions: dict[str, Conclusion]
    obligations: list[ObligationState]
    indicators: list[dict[str, Any]] = field(default_factory=list)


def _iri(local: str) -> str:
    return local if local.startswith("http") else str(ID[local])


def _number(value: float) -> str:
    if value >= 1e6:
        mantissa, exp = f"{value:.6e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exp)}"
    return f"{value:g}" if isinstance(value, float) else str(value)


class RuleEngine:
    """Loads the ontology and the rules once; runs them per description in a graph of its own."""

    def __init__(self, store: OxigraphStore | None = None) -> None:
        self.store = store or OxigraphStore()
        self.rules = {p.stem.split("_", 1)[1]: p.read_text(encoding="utf-8")
                      for p in sorted((paths.ONTOLOGY / "rules").glob("*.rq"))}  # fmt: skip
        self._lock = threading.Lock()

    @cached_property
    def constants(self) -> dict[str, str]:
        """Thresholds and dates of the graph, by name, formatted for reasons."""
        rows = self.store.query(f"""SELECT ?x ?v WHERE {{ ?x <{AIKG.value}> ?v
            FILTER(STRSTARTS(STR(?x), "{ID}threshold/") || STRSTARTS(STR(?x), "{ID}date/")) }}""").rows
        out = {}
        for row in rows:
            kind, name = term_text(row["x"]).removeprefix(str(ID)).split("/", 1)
            v = row["v"]
            value = v.value
            if isinstance(v, ox.Literal) and v.datatype and v.datatype.value.endswith(("double", "integer")):
                value = (
                    _number(float(v.value))
                    if "double" in v.datatype.value
                    else f"{int(v.value):,}".replace(",", " ")
                )
            out[f"{kind}:{name}"] = value
        return out

    @cached_property
    def licence_reasons(self) -> dict[str, str]:
        rows = self.store.query(
            f"""SELECT ?id ?r WHERE {{ ?l <{AIKG.licenceId}> ?id ; <{AIKG.reason}> ?r }}"""
        ).rows
        return {term_text(r["id"]): term_text(r["r"]) for r in rows}

    def fill(self, template: str, facts: dict[str, Any]) -> str:
        def one(m: re.Match[str]) -> str:
            key = m.group(1)
            if key in self.constants:
                return self.constants[key]
            if key == "licence:reason":
                return self.licence_reasons.get(str(facts.get("licence", "")).lower(), "")
            value = facts.get(key)
            if isinstance(value, list):
                return ", ".join(sorted(value))
            if isinstance(value, float | int) and not isinstance(value, bool):
                # an estimate stays an estimate in every reason that quotes it
                estimate = key == "training_compute_flop" and facts.get("compute_is_estimate") is True
                return _number(float(value)) + (" (estimated)" if estimate else "")
            return "?" if value is None else str(value)

        return re.sub(r"\{([a-z_.:\-0-9]+)\}", one, template)

    def run(self, data: dict[str, Any], rdf: ox.Dataset | list[ox.Quad], as_of: dt.date) -> Classification:
        facts = flatten(data)
        graph = ox.NamedNode(f"urn:aiact-kg:request:{uuid.uuid4()}")
        store = self.store.store
        quads = [ox.Quad(q.subject, q.predicate, q.object, graph) for q in rdf]
        store.extend(quads)
        try:
            return self._run(graph, facts)
        finally:
            store.remove_graph(graph)

    def _query(self, text: str, graph: ox.NamedNode) -> list[dict[str, Any]]:
        result = self.store.store.query(text, default_graph=[ox.DefaultGraph(), graph])
        if not isinstance(result, ox.QuerySolutions):
            raise RuleError("a rule must be a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in result]

    def _run(self, graph: ox.NamedNode, facts: dict[str, Any]) -> Classification:
        conclusions: dict[str, Conclusion] = {}
        model = ox.NamedNode("urn:aiact-kg:description")
        for name in CONCLUSIONS:
            rows = self._query(self.rules[name], graph)
            if len(rows) != 1:
                raise RuleError(f"rule {name} gave {len(rows)} conclusions instead of one")
            c = self._conclusion(rows[0], facts)
            conclusions[CONCLUSIONS[name][0]] = c
            self.store.store.add(
                ox.Quad(model, ox.NamedNode(str(AIKG.ruleCase)), ox.Literal(f"{name}:{c.case}"), graph)
            )
            if c.value is not None:
                prop = ox.NamedNode(str(AIKG[CONCLUSIONS[name][1]]))
                self.store.store.add(
                    ox.Quad(
                        model,
                        prop,
                        ox.Literal(
                            str(c.value).lower(),
                            datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"),
                        ),
                        graph,
                    )
                )
        obligations = [self._obligation(r, facts) for r in self._query(self.rules["obligations"], graph)]
        indicators = [
            {"criterion": term_text(r["criterion"]), "because": self.fill(term_text(r["because"]), facts),
             "cites": [_iri(c) for c in term_text(r["cites"]).split()]}
            for r in self._query(self.rules["designation_indicators"], graph)
        ]  # fmt: skip
        return Classification({k: conclusions[k] for k in REPORT_ORDER}, obligations, indicators)

    def _conclusion(self, row: dict[str, Any], facts: dict[str, Any]) -> Conclusion:
        value = {"true": True, "false": False, "null": None}[term_text(row["value"])]
        missing = term_text(row.get("missing")).split()
        return Conclusion(
            value=value,
            basis=term_text(row["basis"]),
            because=self.fill(term_text(row["because"]), facts),
            cites=[_iri(c) for c in term_text(row["cites"]).split()],
            missing=missing,
            case=term_text(row["case"]),
        )

    def _obligation(self, row: dict[str, Any], facts: dict[str, Any]) -> ObligationState:
        return ObligationState(
            id=term_text(row["id"]),
            status=term_text(row["status"]),
            because=self.fill(term_text(row["because"]), facts),
            cites=[_iri(c) for c in term_text(row.get("cites")).split()],
            missing=term_text(row.get("missing")).split(),
            applies_from=term_text(row["appliesFrom"]),
            due=term_text(row["due"]) if "due" in row else None,
            due_class=term_text(row["dueClass"]),
        )
