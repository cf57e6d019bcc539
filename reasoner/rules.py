"""Run the classification rules of ``ontology/rules/`` over a description.

The rules are SPARQL decision tables stored with the ontology, and their order is data too
(``aikg:Rule`` individuals in ``ontology/law.ttl``); this module runs them in that order, writes each
conclusion (and the facts it found missing) back for the next, and fills the reason templates with the
description's facts and the thresholds and dates of the graph. Nothing legal is decided here.
"""

from __future__ import annotations

import difflib
import re
import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pyoxigraph as ox

from kg import paths
from kg.ids import AIKG, ID
from kg.store.core import OxigraphStore, term_text
from reasoner.description import flatten


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


@dataclass(frozen=True)
class RuleSpec:
    name: str  # the rule file's stem without its number: gpai_model
    kind: str  # derivation, conclusion, obligations, indicators
    key: str  # the report key of a conclusion
    prop: str  # the property its conclusion is written to
    report_order: int


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
    scope: str = ""  # "modification": the obligation covers the modification only


@dataclass
class Classification:
    conclusions: dict[str, Conclusion]
    obligations: list[ObligationState]
    indicators: list[dict[str, Any]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)  # the description's facts and the derived ones
    derived: list[tuple[str, ox.Literal]] = field(
        default_factory=list
    )  # (property IRI, value) of derivations


def _iri(local: str) -> str:
    return local if local.startswith("http") else str(ID[local])


def _key(prop: str) -> str:
    """The fact name a derived property fills reasons under: aikg:computeEstimate -> compute_estimate."""
    local = prop.rsplit("#", 1)[-1]
    return re.sub(r"(?<!^)([A-Z])", r"_\1", local).lower()


def _python(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> Any:
    if isinstance(term, ox.Literal) and term.datatype and term.datatype.value.endswith(("double", "decimal")):
        return float(term.value)
    if isinstance(term, ox.Literal) and term.datatype and term.datatype.value.endswith("boolean"):
        return term.value == "true"
    return term_text(term)


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
        # names of the per-request graphs, reused: Oxigraph's memory store keeps every name it has seen, so
        # a fresh name per request grew the service by some 16 KB a validation (bench/load.py)
        self._free_graphs: list[ox.NamedNode] = []
        self._graphs_made = 0

    @cached_property
    def order(self) -> list[RuleSpec]:
        """The rules in the order of the graph."""
        rows = self.store.query(f"""SELECT ?file ?kind ?key ?prop ?reportOrder WHERE {{
            ?r a <{AIKG.Rule}> ; <{AIKG.ruleFile}> ?file ; <{AIKG.ruleOrder}> ?n ; <{AIKG.ruleKind}> ?kind .
            OPTIONAL {{ ?r <{AIKG.reportKey}> ?key ; <{AIKG.conclusionProperty}> ?prop ;
                           <{AIKG.reportOrder}> ?reportOrder }}
            }} ORDER BY ?n""").rows
        specs = []
        for r in rows:
            name = term_text(r["file"]).removesuffix(".rq").split("_", 1)[1]
            if name not in self.rules:
                raise RuleError(f"the graph orders a rule file that does not exist: {term_text(r['file'])}")
            order = int(term_text(r.get("reportOrder")) or 0)
            specs.append(
                RuleSpec(name, term_text(r["kind"]), term_text(r.get("key")), term_text(r.get("prop")), order)
            )
        unordered = set(self.rules) - {s.name for s in specs}
        if unordered:
            raise RuleError(f"rules without a place in the order of the graph: {sorted(unordered)}")
        return specs

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
            f"""SELECT ?id ?r WHERE {{ ?l <{AIKG.reason}> ?r .
                {{ ?l <{AIKG.licenceId}> ?id }} UNION {{ ?l <{AIKG.licenceAlias}> ?id }} }}"""
        ).rows
        return {term_text(r["id"]).lower(): term_text(r["r"]) for r in rows}

    @cached_property
    def licence_ids(self) -> dict[str, str]:
        """Every identifier and alias of the licence catalogue, lower case, to its identifier."""
        rows = self.store.query(f"""SELECT ?key ?id WHERE {{ ?l <{AIKG.licenceId}> ?id .
            {{ ?l <{AIKG.licenceId}> ?key }} UNION {{ ?l <{AIKG.licenceAlias}> ?key }} }}""").rows
        return {term_text(r["key"]).lower(): term_text(r["id"]) for r in rows}

    def licence_suggestion(self, licence: str) -> str:
        """`` (did you mean 'mit'?)`` for an unknown licence close to an identifier or alias, else nothing."""
        close = difflib.get_close_matches(licence.strip().lower(), self.licence_ids, n=1, cutoff=0.75)
        return f" (did you mean '{self.licence_ids[close[0]]}'?)" if close else ""

    @cached_property
    def unknown_labels(self) -> dict[str, str]:
        """How a reason names a fact the description leaves out (aikg:whenUnknown)."""
        rows = self.store.query(
            f"""SELECT ?key ?label WHERE {{ ?p <{AIKG.jsonKey}> ?key ; <{AIKG.whenUnknown}> ?label }}"""
        ).rows
        return {term_text(r["key"]): term_text(r["label"]) for r in rows}

    def fill(self, template: str, facts: dict[str, Any]) -> str:
        def one(m: re.Match[str]) -> str:
            key = m.group(1)
            if key in self.constants:
                return self.constants[key]
            if key == "licence:reason":
                return self.licence_reasons.get(str(facts.get("licence", "")).lower(), "")
            if key == "licence:suggestion":
                return self.licence_suggestion(str(facts.get("licence", "")))
            value = facts.get(key)
            if isinstance(value, list):
                return ", ".join(sorted(value))
            if isinstance(value, float | int) and not isinstance(value, bool):
                # an estimate stays an estimate in every reason that quotes it
                estimate = key == "training_compute_flop" and facts.get("compute_is_estimate") is True
                if key == "compute_estimate":
                    return _number(float(value)) + " (estimated as 6 · parameters · training tokens)"
                if key == "compute_deviation":
                    return f"{float(value) * 100:.0f} %"
                return _number(float(value)) + (" (estimated)" if estimate else "")
            if value is None:
                return self.unknown_labels.get(key, "(not given)")
            return str(value)

        return re.sub(r"\{([a-z_.:\-0-9]+)\}", one, template)

    def run(self, data: dict[str, Any], rdf: ox.Dataset | list[ox.Quad]) -> Classification:
        facts = flatten(data)
        with self._lock:
            if self._free_graphs:
                graph = self._free_graphs.pop()
            else:
                self._graphs_made += 1
                graph = ox.NamedNode(f"urn:aiact-kg:request:{self._graphs_made}")
        store = self.store.store
        quads = [ox.Quad(q.subject, q.predicate, q.object, graph) for q in rdf]
        store.extend(quads)
        try:
            return self._run(graph, facts)
        finally:
            store.remove_graph(graph)
            with self._lock:
                self._free_graphs.append(graph)

    def _query(self, text: str, graph: ox.NamedNode) -> list[dict[str, Any]]:
        result = self.store.store.query(text, default_graph=[ox.DefaultGraph(), graph])
        if not isinstance(result, ox.QuerySolutions):
            raise RuleError("a rule must be a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in result]

    def _run(self, graph: ox.NamedNode, facts: dict[str, Any]) -> Classification:
        conclusions: dict[str, Conclusion] = {}
        model = ox.NamedNode("urn:aiact-kg:description")
        obligations: list[ObligationState] = []
        indicators: list[dict[str, Any]] = []
        derived: list[tuple[str, ox.Literal]] = []
        add = self.store.store.add
        for spec in self.order:
            rows = self._query(self.rules[spec.name], graph)
            if spec.kind == "derivation":
                for r in rows:
                    add(ox.Quad(model, r["p"], r["o"], graph))
                    derived.append((term_text(r["p"]), r["o"]))
                    facts[_key(term_text(r["p"]))] = _python(r["o"])
            elif spec.kind == "conclusion":
                if len(rows) != 1:
                    raise RuleError(f"rule {spec.name} gave {len(rows)} conclusions instead of one")
                c = self._conclusion(rows[0], facts, conclusions)
                conclusions[spec.key] = c
                add(
                    ox.Quad(
                        model, ox.NamedNode(str(AIKG.ruleCase)), ox.Literal(f"{spec.name}:{c.case}"), graph
                    )
                )
                if c.missing:
                    add(ox.Quad(model, ox.NamedNode(str(AIKG[f"missing-{spec.key}"])),
                                ox.Literal(" ".join(c.missing)), graph))  # fmt: skip
                if c.value is not None:
                    add(ox.Quad(model, ox.NamedNode(spec.prop), ox.Literal(c.value), graph))
            elif spec.kind == "obligations":
                obligations = [self._obligation(r, facts) for r in rows]
            else:
                indicators = [
                    {"criterion": term_text(r["criterion"]),
                     "because": self.fill(term_text(r["because"]), facts),
                     "cites": [_iri(c) for c in term_text(r["cites"]).split()]}
                    for r in rows
                ]  # fmt: skip
        order = sorted((s for s in self.order if s.kind == "conclusion"), key=lambda s: s.report_order)
        return Classification(
            {s.key: conclusions[s.key] for s in order}, obligations, indicators, facts, derived
        )

    def _conclusion(
        self, row: dict[str, Any], facts: dict[str, Any], earlier: dict[str, Conclusion]
    ) -> Conclusion:
        value = {"true": True, "false": False, "null": None}[term_text(row["value"])]
        missing: list[str] = []
        for m in term_text(row.get("missing")).split():  # "@gpai_model": what that conclusion missed
            for fact in earlier[m[1:]].missing if m.startswith("@") and m[1:] in earlier else [m]:
                if fact not in missing:
                    missing.append(fact)
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
            scope=term_text(row.get("scope")),
        )
