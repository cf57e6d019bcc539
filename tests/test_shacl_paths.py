"""The two SHACL paths of ``reasoner.shacl`` agree: the fast validator (pyrudof) finds, for every legal
scenario and for generated descriptions, the same results (shape, focus node, severity) as the reference
(pyshacl, called as the engine always has). Each finds a known violation, so agreeing on nothing cannot
pass for agreeing; ``AIACT_SHACL=pyshacl`` puts the reference on the request path.

The data is built as :meth:`reasoner.engine.Engine.assess` builds it: the description's RDF, the facts
the rules derive, one ``rdf:type`` per due obligation."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from reasoner import _engine, shacl
from reasoner.description import MODEL, check, fields, modalities, to_rdf, yaml_load
from tests.scenarios import CASES, Scenario, load

SCENARIOS = load()
SHAPE = "https://w3id.org/aiact-kg/id/shape/"


def data_of(data: dict[str, Any], as_of: dt.date) -> list[ox.Triple]:
    """The data graph the engine validates (without the lookups, which each validator adds)."""
    engine = _engine()
    rdf = to_rdf(data, as_of)
    classification = engine.rules.run(data, shacl.triples_of(rdf))
    for prop, value in classification.derived:
        rdf.add((MODEL, URIRef(prop), Literal(value.value, datatype=URIRef(value.datatype.value))))
    for state in classification.obligations:
        if state.status == "due":
            rdf.add((MODEL, RDF.type, URIRef(state.due_class)))
    return shacl.triples_of(rdf)


def scenario_data(s: Scenario) -> list[ox.Triple]:
    return data_of(check(s.input), dt.date.fromisoformat(str(s.as_of)))


def test_every_scenario_agrees() -> None:
    ref, fast = shacl.reference(), shacl.fast()
    compared, differ, severities = 0, [], Counter[str]()
    for s in SCENARIOS:
        triples = scenario_data(s)
        expected = ref.validate(triples)
        got = fast.validate(triples)
        if got != expected:
            differ.append(f"{s.id}:\n  pyshacl {expected}\n  fast    {got}")
        severities.update(h.severity for h in expected)
        compared += 1
    assert not differ, "\n".join(differ)
    assert compared == len(SCENARIOS) == 178
    # the scenarios exercise the severities the shapes use, so the agreement above covers each of them
    assert set(severities) >= {"Violation", "Info"}


def test_every_scenario_report_agrees() -> None:
    """The fast report graph carries the reference's results: same focus, shape, severity, path,
    constraint component and value, the same sh:conforms, and the shape's own sh:message."""
    ref, fast = shacl.reference(), shacl.fast()
    for s in SCENARIOS:
        triples = scenario_data(s)
        a, b = ref.report(triples), fast.report(triples)
        assert _results(a) == _results(b), s.id
        assert set(a.objects(None, SH.conforms)) == set(b.objects(None, SH.conforms)), s.id
        for r in b.subjects(RDF.type, SH.ValidationResult):
            shape = b.value(r, SH.sourceShape)
            mine = set(shacl._shapes().objects(shape, SH.message))
            assert not mine or mine <= set(b.objects(r, SH.resultMessage)), s.id


def _results(g: Graph) -> list[tuple[str, ...]]:
    """Each result's terms. ``sh:value`` only where it is not the focus node: a SPARQL constraint selecting
    no ``?value`` gets the focus node as its value from rudof and no value from pyshacl."""
    keys = (SH.focusNode, SH.sourceShape, SH.resultSeverity, SH.resultPath, SH.sourceConstraintComponent)
    out = []
    for r in g.subjects(RDF.type, SH.ValidationResult):
        value = g.value(r, SH.value)
        value = None if value == g.value(r, SH.focusNode) else value
        out.append((*(_term(g, g.value(r, k)) for k in keys), _term(g, value)))
    return sorted(out)


def _term(g: Graph, node: Any) -> str:
    """A term, a blank node (a path such as ``sh:alternativePath (...)``) written out as its structure."""
    if not isinstance(node, BNode):
        return repr(node)
    if g.value(node, RDF.first) is not None:
        return "(" + " ".join(_term(g, n) for n in Collection(g, node)) + ")"
    return "[" + " ; ".join(sorted(f"{p} {_term(g, o)}" for p, o in g.predicate_objects(node))) + "]"


@pytest.mark.parametrize("validator", [shacl.reference, shacl.fast], ids=["pyshacl", "fast"])
def test_each_finds_a_known_violation(validator: Any) -> None:
    """A case whose violations the scenario file names: each validator on its own finds them."""
    (s,) = [
        s for s in SCENARIOS if s.id.startswith("input_vocabulary: a representative established in Switz")
    ]
    hits = validator().validate(scenario_data(s))
    shapes = {h.shape.removeprefix(SHAPE) for h in hits if h.severity == "Violation"}
    assert "art54-1-representative-in-union-value" in shapes
    assert {f"{v}-value" for v in s.expect["violations"]} <= shapes
    assert all(h.focus == str(MODEL) for h in hits)
    assert hits == sorted(hits)


def test_each_finds_nothing_without_due_obligations() -> None:
    """The lookups alone (no data) violate nothing, and leave the fast session as it was."""
    assert shacl.reference().validate([]) == shacl.fast().validate([]) == []
    fast = shacl.fast()
    before = sorted(map(tuple, fast.rudof.triples()))
    (s,) = [
        s for s in SCENARIOS if s.id.startswith("input_vocabulary: a representative established in Switz")
    ]
    assert fast.validate(scenario_data(s))
    assert sorted(map(tuple, fast.rudof.triples())) == before
    assert fast.rudof.staging_depth() == 0


def test_a_violation_in_one_call_does_not_leak_into_the_next() -> None:
    bad = next(s for s in SCENARIOS if s.expect.get("violations"))
    good = next(s for s in SCENARIOS if s.expect.get("conforms") is True and not s.expect.get("violations"))
    fast = shacl.fast()
    assert fast.validate(scenario_data(bad))
    assert fast.validate(scenario_data(good)) == shacl.reference().validate(scenario_data(good))


def test_fast_is_per_thread() -> None:
    mine = shacl.fast()
    assert shacl.fast() is mine
    other: list[object] = []
    t = threading.Thread(target=lambda: other.append(shacl.fast()))
    t.start()
    t.join()
    assert other and other[0] is not mine


def test_environment_selects_the_validator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(shacl.ENV, "pyshacl")
    assert isinstance(shacl.default(), shacl.Reference)
    monkeypatch.setenv(shacl.ENV, "PyShacl ")
    assert isinstance(shacl.default(), shacl.Reference)
    monkeypatch.delenv(shacl.ENV)
    assert isinstance(shacl.default(), shacl.Fast)
    monkeypatch.setenv(shacl.ENV, "rudof")
    assert isinstance(shacl.default(), shacl.Fast)


# -- differential fuzz ------------------------------------------------------------------------------------

TEMPLATES = yaml_load((CASES / "_templates.yaml").read_text(encoding="utf-8"))
BASES = [k for k in ("documented_eu_model", "open_eu_model", "frontier_model") if k in TEMPLATES]
DOC_KEYS = sorted(k.split(".", 1)[1] for k, f in fields().items() if k.startswith("documentation."))
# Text with what N-Triples must escape, and characters beyond the BMP.
TEXT = st.text(alphabet=st.sampled_from("ab Z0\"\\\n\t'<>é€𝄞_:{}?"), min_size=1, max_size=12)
NAMES = TEXT.filter(lambda t: bool(t.strip()))
FLOPS = st.one_of(
    st.sampled_from([1e22, 9.9e22, 1e23, 3e24, 9.99e24, 1e25, 1.01e25, 5e25, 1e26]),
    st.floats(min_value=1e18, max_value=1e28, allow_nan=False),
)
COUNTRIES = st.sampled_from(["FR", "DE", "IE", "EL", "GR", "US", "CH", "GB", "CN", "NO", "XX"])
DATES = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2031, 12, 31))
MODALITIES = st.lists(st.sampled_from(sorted(modalities())), min_size=0, max_size=3, unique=True)
MAYBE = st.sampled_from(["absent", "null", "value"])


@st.composite
def descriptions(draw: st.DrawFn) -> tuple[dict[str, Any], dt.date]:
    data: dict[str, Any] = dict(TEMPLATES[draw(st.sampled_from(BASES))])
    doc = dict(data.get("documentation") or {})
    for key in DOC_KEYS:
        choice = draw(st.sampled_from(["keep", "absent", "empty", "text"]))
        if choice == "absent":
            doc.pop(key, None)
        elif choice == "empty":
            doc[key] = 0.0 if key == "energy_consumption_mwh" else ""
        elif choice == "text":
            doc[key] = draw(st.floats(0, 1e6)) if key == "energy_consumption_mwh" else draw(TEXT)
    data["documentation"] = doc
    for key, values in (
        ("training_compute_flop", FLOPS),
        ("modification_compute_flop", FLOPS),
        ("parameters", st.floats(min_value=1e6, max_value=1e13)),
        ("training_tokens", st.floats(min_value=1e9, max_value=1e15)),
        ("placed_on_market", DATES.map(str)),
        ("designated_on", DATES.map(str)),
        ("weights_public", st.booleans()),
        ("designated_systemic_risk", st.booleans()),
    ):
        how = draw(MAYBE)
        if how == "absent":
            data.pop(key, None)
        elif how == "null":
            data[key] = None
        else:
            data[key] = draw(values)
    data["input_modalities"] = draw(MODALITIES)
    data["output_modalities"] = draw(MODALITIES)
    provider = dict(data.get("provider") or {})
    provider["country"] = draw(COUNTRIES)
    rep = draw(st.sampled_from(["absent", "null", "name", "object"]))
    if rep == "absent":
        provider.pop("authorised_representative", None)
    elif rep == "null":
        provider["authorised_representative"] = None
    elif rep == "name":
        provider["authorised_representative"] = draw(NAMES)
    else:
        provider["authorised_representative"] = {"name": draw(NAMES), "country": draw(COUNTRIES)}
    data["provider"] = provider
    return data, draw(DATES)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(descriptions())
def test_generated_descriptions_agree(case: tuple[dict[str, Any], dt.date]) -> None:
    raw, as_of = case
    data = check(raw)  # the generator makes valid descriptions: a DescriptionError fails the test
    triples = data_of(data, as_of)
    assert shacl.fast().validate(triples) == shacl.reference().validate(triples)
