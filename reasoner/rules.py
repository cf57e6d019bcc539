"""Run the classification rules of ``ontology/rules/`` over a description.

The rules are SPARQL decision tables stored with the ontology. Their order is the number their file
name starts with (``0_compute_estimate.rq`` runs first), and nothing else: a new file runs in its place
without a code change; what a rule concludes (its kind, report key and conclusion property) is data of
``ontology/law.ttl`` (``aikg:Rule`` individuals, by ``aikg:ruleName``). This module runs them in that
order in a store of its own (the ontology and law files, not the Act), writes each conclusion (and the
facts it found missing) back for the next, and fills the reason templates with the description's facts
and the thresholds and dates of the graph. Nothing legal is decided here.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import paths
from kg.ids import AIKG, ID
from kg.store.core import OxigraphStore, term_text
from reasoner.description import flatten

RULE_FILE = re.compile(r"(\d+)_([a-z][a-z0-9_]*)\.rq")  # <number>_<name>.rq: the number gives the order


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
    number: int  # the number the file name starts with: when the rule runs, lower first
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


@lru_cache(maxsize=4096)
def _iri(local: str) -> str:
    """A citation's IRI (relative ones under ``ID``); the same few hundred come back in every report."""
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


def rule_files(directory: Path) -> list[tuple[int, str, Path]]:
    """The rule files of ``directory`` as (number, name, path), in the order of their numbers. A
    ``.rq`` file whose name does not start with a number, or two files with the same number, are an
    error naming the files: the order would not be the files' own."""
    by_number: dict[int, tuple[str, Path]] = {}
    for p in sorted(directory.glob("*.rq")):
        m = RULE_FILE.fullmatch(p.name)
        if m is None:
            raise RuleError(
                f"rule file {p.name} has no number: name it <number>_<name>.rq, the number giving its order"
            )
        number = int(m.group(1))
        if number in by_number:
            raise RuleError(
                f"rule files {by_number[number][1].name} and {p.name} have the same number {number}: "
                "the numbers give the order, so each must be different"
            )
        by_number[number] = (m.group(2), p)
    return [(n, name, p) for n, (name, p) in sorted(by_number.items())]


def law_files() -> list[Path]:
    """What the rules read besides the description: the ontology and law files (not the Act's text)."""
    return sorted(paths.ONTOLOGY.glob("*.ttl"))


# runs of a scratch store before a fresh one replaces it: a run gets about 1 ms slower per 1,000 runs a store
# has served, and a fresh store costs about 3 ms (bench/bench_validate.py, "steady state")
RENEW_AFTER = 200
GRAPH = ox.NamedNode("urn:aiact-kg:request")  # the graph of a scratch store the descriptions go into
MODELS = "urn:aiact-kg:description:"  # + the index of a description in a run: the model node the rules see
DESCRIPTION = ox.NamedNode("urn:aiact-kg:description")


class _Scratch:
    """A store of its own for one run at a time: the law files, and the descriptions of the run in
    :data:`GRAPH`, emptied after the run. Oxigraph's memory store keeps something of every quad it has
    held, so it is replaced after :data:`RENEW_AFTER` runs: time and memory stay flat however many
    descriptions a process serves."""

    def __init__(self, law: list[ox.Quad]) -> None:
        self.store = ox.Store()
        self.store.bulk_extend(law)
        self.runs = 0


class RuleEngine:
    """Loads the ontology and the rules once, into a scratch store of its own; runs them per
    description (or over many at once) in a graph of a scratch store copied from it. ``rules`` is the
    directory of the rule files (``ontology/rules/``), ``files`` the Turtle the store is loaded with
    (:func:`law_files`)."""

    def __init__(self, rules: Path | None = None, files: list[Path] | None = None) -> None:
        self.store = OxigraphStore(files if files is not None else law_files())
        self.files = rule_files(rules or paths.ONTOLOGY / "rules")
        self.rules = {name: p.read_text(encoding="utf-8") for _, name, p in self.files}
        self._lock = threading.Lock()
        # scratch stores, one per concurrent run (a pool, not one per thread: a thread pool of 40 threads
        # that runs one request at a time holds one), each replaced after RENEW_AFTER runs
        self._law = list(self.store.store.quads_for_pattern(None, None, None, None))
        self._pool: list[_Scratch] = []
        self.stores_made = 0  # scratch stores made so far (the first, the renewed, the concurrent)

    @cached_property
    def order(self) -> list[RuleSpec]:
        """The rules in the order of their file numbers, each with what the graph says it concludes."""
        rows = self.store.query(f"""SELECT ?name ?kind ?key ?prop ?reportOrder WHERE {{
            ?r a <{AIKG.Rule}> ; <{AIKG.ruleName}> ?name ; <{AIKG.ruleKind}> ?kind .
            OPTIONAL {{ ?r <{AIKG.reportKey}> ?key ; <{AIKG.conclusionProperty}> ?prop ;
                           <{AIKG.reportOrder}> ?reportOrder }}
            }}""").rows
        described = {term_text(r["name"]): r for r in rows}
        absent = sorted(set(described) - set(self.rules))
        if absent:
            raise RuleError(f"the graph describes rules without a file: {absent}")
        specs = []
        for number, name, path in self.files:
            r = described.get(name)
            if r is None:
                raise RuleError(
                    f"rule file {path.name} is not described in the graph: give it an aikg:Rule with "
                    f'aikg:ruleName "{name}" and its aikg:ruleKind'
                )
            order = int(term_text(r.get("reportOrder")) or 0)
            specs.append(
                RuleSpec(
                    name,
                    number,
                    term_text(r["kind"]),
                    term_text(r.get("key")),
                    term_text(r.get("prop")),
                    order,
                )
            )
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
    def estimate_factor(self) -> str:
        """The factor of the compute estimate (6 in C ≈ 6 · P · D, Guidelines Annex A), from the graph."""
        rows = self.store.query(
            f"""SELECT ?f WHERE {{ <{ID}threshold/compute-estimate> <{AIKG.factor}> ?f }}"""
        ).rows
        return _number(float(term_text(rows[0]["f"]))) if rows else "?"

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
                    return (
                        _number(float(value))
                        + f" (estimated as {self.estimate_factor} · parameters · training tokens)"
                    )
                if key == "compute_deviation":
                    return f"{float(value) * 100:.0f} %"
                return _number(float(value)) + (" (estimated)" if estimate else "")
            if value is None:
                return self.unknown_labels.get(key, "(not given)")
            return str(value)

        return re.sub(r"\{([a-z_.:\-0-9]+)\}", one, template)

    def run(
        self, data: dict[str, Any], rdf: ox.Dataset | Iterable[ox.Quad] | Iterable[ox.Triple]
    ) -> Classification:
        """The classification of one description: ``rdf`` its triples (or quads) about
        ``urn:aiact-kg:description`` (:func:`reasoner.description.to_triples`)."""
        return self.run_many([(data, rdf)])[0]

    def run_many(
        self, items: Sequence[tuple[dict[str, Any], ox.Dataset | Iterable[ox.Quad] | Iterable[ox.Triple]]]
    ) -> list[Classification]:
        """The classifications of many descriptions, each rule run once over all of them: each is a model
        node of its own (:data:`MODELS` + its index) in one graph, and each row of a rule names its
        model (``?m``). The same as :meth:`run` for each, in order."""
        _ = self.order  # a defect of the rules is raised before the store is touched
        if not items:
            return []
        models = [ox.NamedNode(f"{MODELS}{i}") for i in range(len(items))]
        quads = [
            ox.Quad(models[i] if t.subject == DESCRIPTION else t.subject, t.predicate, t.object, GRAPH)
            for i, (_, rdf) in enumerate(items)
            for t in rdf
        ]
        scratch = self._acquire()
        try:
            scratch.store.extend(quads)
            return self._run(scratch.store, models, [flatten(data) for data, _ in items])
        finally:
            scratch.store.remove_graph(GRAPH)
            self._release(scratch)

    def _acquire(self) -> _Scratch:
        with self._lock:
            if self._pool:
                return self._pool.pop()
            self.stores_made += 1
        return _Scratch(self._law)

    def _release(self, scratch: _Scratch) -> None:
        scratch.runs += 1
        if scratch.runs < RENEW_AFTER:  # else dropped: the next run that needs one starts a fresh one
            with self._lock:
                self._pool.append(scratch)

    def _query(self, name: str, store: ox.Store, models: list[ox.NamedNode]) -> list[list[dict[str, Any]]]:
        """The rows of a rule, per model."""
        result = store.query(self.rules[name], default_graph=[ox.DefaultGraph(), GRAPH])
        if not isinstance(result, ox.QuerySolutions):
            raise RuleError("a rule must be a SELECT query")
        names = [v.value for v in result.variables]
        rows = [{n: v for n, v in zip(names, row, strict=True) if v is not None} for row in result]
        if len(models) == 1:
            return [rows]
        if "m" not in names:
            raise RuleError(f"rule {name} must select ?m, the model a row is about, to run over many models")
        index = {m.value: i for i, m in enumerate(models)}
        out: list[list[dict[str, Any]]] = [[] for _ in models]
        for r in rows:
            out[index[r["m"].value]].append(r)
        return out

    def _run(
        self, store: ox.Store, models: list[ox.NamedNode], all_facts: list[dict[str, Any]]
    ) -> list[Classification]:
        n = len(models)
        conclusions: list[dict[str, Conclusion]] = [{} for _ in range(n)]
        obligations: list[list[ObligationState]] = [[] for _ in range(n)]
        indicators: list[list[dict[str, Any]]] = [[] for _ in range(n)]
        derived: list[list[tuple[str, ox.Literal]]] = [[] for _ in range(n)]
        case_prop = ox.NamedNode(str(AIKG.ruleCase))
        for spec in self.order:
            per_model = self._query(spec.name, store, models)
            written: list[ox.Quad] = []
            for i, (model, rows, facts) in enumerate(zip(models, per_model, all_facts, strict=True)):
                if spec.kind == "derivation":
                    for r in rows:
                        written.append(ox.Quad(model, r["p"], r["o"], GRAPH))
                        derived[i].append((term_text(r["p"]), r["o"]))
                        facts[_key(term_text(r["p"]))] = _python(r["o"])
                elif spec.kind == "conclusion":
                    if len(rows) != 1:
                        raise RuleError(f"rule {spec.name} gave {len(rows)} conclusions instead of one")
                    c = self._conclusion(rows[0], facts, conclusions[i])
                    conclusions[i][spec.key] = c
                    written.append(ox.Quad(model, case_prop, ox.Literal(f"{spec.name}:{c.case}"), GRAPH))
                    if c.missing:
                        written.append(ox.Quad(model, ox.NamedNode(str(AIKG[f"missing-{spec.key}"])),
                                               ox.Literal(" ".join(c.missing)), GRAPH))  # fmt: skip
                    if c.value is not None:
                        written.append(ox.Quad(model, ox.NamedNode(spec.prop), ox.Literal(c.value), GRAPH))
                elif spec.kind == "obligations":
                    obligations[i] = [self._obligation(r, facts) for r in rows]
                else:
                    indicators[i] = [
                        {"criterion": term_text(r["criterion"]),
                         "because": self.fill(term_text(r["because"]), facts),
                         "cites": [_iri(c) for c in term_text(r["cites"]).split()]}
                        for r in rows
                    ]  # fmt: skip
            if written:
                store.extend(written)
        order = sorted((s for s in self.order if s.kind == "conclusion"), key=lambda s: s.report_order)
        return [
            Classification(
                {s.key: conclusions[i][s.key] for s in order},
                obligations[i],
                indicators[i],
                all_facts[i],
                derived[i],
            )
            for i in range(n)
        ]

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
