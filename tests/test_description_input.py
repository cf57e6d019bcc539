"""Input the field actually writes: every problem of a description at once, did-you-mean for a misspelt
key, a hint for a quoted number, a top-level ``$schema``, the representative as a name or an object, and
the aliases of the modality vocabulary and of the licence catalogue (all kept in ``ontology/``)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from api.app import create_app
from api.settings import Settings
from kg import paths
from kg.ids import AIKG
from reasoner.description import (
    MODEL,
    DescriptionError,
    check,
    from_rdf,
    load,
    modalities,
    modality_key,
    to_rdf,
)
from reasoner.rules import RuleEngine
from reasoner.schema import json_schema
from tests.test_cli import run

DAY = dt.date(2026, 11, 24)
BASE: dict[str, Any] = {"name": "ExampleLM", "provider": {"name": "Example AI SAS", "country": "FR"}}


def _problems(data: object) -> list[tuple[str, str]]:
    with pytest.raises(DescriptionError) as info:
        check(data)
    return [(p.field, p.problem) for p in info.value.problems]


# -- every problem at once --------------------------------------------------------------------------


def test_every_problem_is_reported_at_once() -> None:
    data = {
        "name": "",
        "training_compute_flops": 1e24,
        "parameters": "7e9",
        "weights_public": "yes",
        "output_modalities": ["txt"],
        "provider": {"contry": "FR"},
    }
    problems = _problems(data)
    assert [f for f, _ in problems] == [
        "training_compute_flops",
        "parameters",
        "weights_public",
        "output_modalities",
        "provider.contry",
        "name",
    ]
    with pytest.raises(DescriptionError) as info:
        check(data)
    err = info.value
    assert (err.field, err.problem) == problems[0]  # existing callers read the first
    text = str(err)
    assert text.startswith("6 problems: training_compute_flops: unknown field")
    for field, problem in problems:
        assert f"{field}: {problem}" in text


def test_one_problem_reads_as_before() -> None:
    with pytest.raises(DescriptionError) as info:
        check({"name": "x", "training_compute_flop": -1})
    assert str(info.value) == "training_compute_flop: must be a finite number not below zero, not -1"
    assert len(info.value.problems) == 1
    err = DescriptionError("--as-of", "must be a date")  # the CLI's own errors keep their form
    assert (str(err), err.field, err.problem) == ("--as-of: must be a date", "--as-of", "must be a date")


def test_nothing_the_user_sent_is_altered() -> None:
    data = {**BASE, "input_modalities": ["Text", "images"], "output_modalities": ["feature-extraction"],
            "licence": "Apache 2.0", "$schema": "https://w3id.org/aiact-kg/schema/description.json",
            "provider": {"name": "P", "country": "US",
                         "authorised_representative": {"name": "R", "country": "DE"}}}  # fmt: skip
    before = copy.deepcopy(data)
    assert check(data) is data
    assert data == before


# -- did you mean, hints ----------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "meant"), [
    ("training_compute_flops", "training_compute_flop"),
    ("parameter", "parameters"),
    ("license", "licence"),
    ("output_modality", "output_modalities"),
    ("country", "provider.country"),  # the right key in the wrong place
])  # fmt: skip
def test_did_you_mean_for_a_misspelt_key(key: str, meant: str) -> None:
    assert _problems({"name": "x", key: None}) == [(key, f"unknown field (did you mean {meant!r}?)")]


def test_did_you_mean_in_nested_objects() -> None:
    assert _problems(
        {"name": "x", "provider": {"contry": "FR"}, "documentation": {"copyright_polcy": "u"}}
    ) == [
        ("provider.contry", "unknown field (did you mean 'provider.country'?)"),
        ("documentation.copyright_polcy", "unknown field (did you mean 'documentation.copyright_policy'?)"),
    ]


def test_no_suggestion_for_a_key_unlike_any() -> None:
    assert _problems({"name": "x", "favourite_colour": "blue"}) == [("favourite_colour", "unknown field")]


@pytest.mark.parametrize(("key", "value", "hint"), [
    ("training_compute_flop", "1e24", "is a quoted number: write 1e24 without quotes"),
    ("parameters", " 7.2e9 ", "is a quoted number: write 7.2e9 without quotes"),
    ("registered_end_users", "50000", "is a quoted number: write 50000 without quotes"),
    ("weights_public", "true", "is a quoted boolean: write true without quotes"),
    ("training_compute_flop", "1e25 FLOP", "must be a number (FLOP), not '1e25 FLOP'; write 1.2e24, without "
                                           "units"),
])  # fmt: skip
def test_hints_for_quoted_values(key: str, value: str, hint: str) -> None:
    assert _problems({"name": "x", key: value}) == [(key, hint)]


def test_schema_key_is_allowed_kept_and_round_trips() -> None:
    data = {**BASE, "$schema": "https://w3id.org/aiact-kg/schema/description.json"}
    assert check(data) == data
    g = to_rdf(data, DAY)
    assert (MODEL, AIKG.descriptionSchema, Literal(data["$schema"])) in g
    g.remove((None, AIKG.asOf, None))
    assert from_rdf(g.serialize(format="turtle"), "text/turtle")["$schema"] == data["$schema"]
    assert _problems({"name": "x", "$schema": 3}) == [("$schema", "must be a string, not 3")]
    jsonschema.validate(data, json_schema())


def test_size_limit_and_encoding_are_still_errors() -> None:
    with pytest.raises(DescriptionError, match="larger than 1000000 bytes"):
        load(b" " * 1_000_001)
    with pytest.raises(UnicodeDecodeError):  # the CLI and the service turn it into their message
        load(b'{"name": "\xff"}')


# -- the authorised representative: a name or an object ----------------------------------------------


def _rep(value: object) -> dict[str, Any]:
    return {"name": "x", "provider": {"country": "US", "authorised_representative": value}}


def test_representative_as_a_name_or_an_object() -> None:
    for value in (
        "Example EU Rep GmbH",
        {"name": "Example EU Rep GmbH", "country": "DE"},
        {"name": "R"},
        None,
    ):
        assert check(_rep(value)) == _rep(value)
        jsonschema.validate(_rep(value), json_schema())


@pytest.mark.parametrize(("value", "problems"), [
    ({"country": "DE"}, [("provider.authorised_representative.name",
                          "is required in the object form and must be a non-empty string")]),
    ({"name": "R", "country": "Germany"}, [("provider.authorised_representative.country",
                                            "must be an ISO 3166-1 alpha-2 code in capitals (e.g. FR, US), "
                                            "not 'Germany'")]),
    ({"name": "R", "contry": "DE"}, [("provider.authorised_representative.contry",
                                      "unknown field (did you mean "
                                      "'provider.authorised_representative.country'?)")]),
    (42, [("provider.authorised_representative",
           """must be a string or an object {"name": ..., "country": ...}, not 42""")]),
])  # fmt: skip
def test_bad_representatives(value: object, problems: list[tuple[str, str]]) -> None:
    assert _problems(_rep(value)) == problems
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(_rep(value), json_schema())


def test_representative_country_in_rdf_and_back() -> None:
    data = _rep({"name": "Example EU Rep GmbH", "country": "DE"})
    g = to_rdf(data, DAY)
    assert (MODEL, AIKG.authorisedRepresentative, Literal("Example EU Rep GmbH")) in g
    assert (MODEL, AIKG.authorisedRepresentativeCountry, Literal("DE")) in g
    g.remove((None, AIKG.asOf, None))
    back = from_rdf(g.serialize(format="turtle"), "text/turtle")
    assert back["provider"]["authorised_representative"] == {"name": "Example EU Rep GmbH", "country": "DE"}
    named = to_rdf(_rep("R"), DAY)
    assert list(named.objects(MODEL, AIKG.authorisedRepresentativeCountry)) == []


def test_member_states_are_data() -> None:
    g = Graph()
    for f in paths.ONTOLOGY.glob("*.ttl"):
        g.parse(f)
    codes = {str(c) for s in g.subjects(RDF.type, AIKG.MemberState) for c in g.objects(s, AIKG.countryCode)}
    assert len(set(g.subjects(RDF.type, AIKG.MemberState))) == 27
    assert {"DE", "FR", "EL", "GR"} <= codes and not {"US", "CH", "GB", "NO"} & codes


# -- modalities ---------------------------------------------------------------------------------------


def test_the_modality_vocabulary_is_in_the_ontology() -> None:
    vocabulary = modalities()
    assert {"text", "code", "image", "audio", "speech", "video", "biological_sequence", "protein", "dna",
            "rna", "molecule", "embedding", "time_series", "tabular", "action", "3d",
            "other"} == set(vocabulary)  # fmt: skip
    language = {k for k, m in vocabulary.items() if m.generative_language}
    from_text = {k for k, m in vocabulary.items() if m.generative_from_text}
    assert language == {"text", "code", "audio", "speech"}  # Guidelines section 2.1, footnotes 2 and 3
    assert from_text == {"image", "video"}
    spellings: dict[str, set[str]] = {}
    for m in vocabulary.values():
        for spelling in (m.key, *m.aliases):
            spellings.setdefault(re.sub(r"[\s_\-]+", "_", spelling.lower()), set()).add(m.key)
    assert [s for s, keys in spellings.items() if len(keys) > 1] == [], (
        "an alias stands for one modality only"
    )
    assert all(m.definition for m in vocabulary.values())


@pytest.mark.parametrize(("written", "key"), [
    ("images", "image"), ("Text", "text"), ("speech", "speech"), ("voice", "speech"),
    ("feature-extraction", "embedding"), ("representation", "embedding"), ("Protein", "protein"),
    ("amino acid sequence", "protein"), ("DNA", "dna"), ("genome", "dna"), ("mRNA", "rna"),
    ("SMILES", "molecule"), ("Time-Series", "time_series"), ("robotics", "action"), ("3D", "3d"),
    ("point cloud", "3d"), ("biological sequences", "biological_sequence"),
])  # fmt: skip
def test_modality_aliases(written: str, key: str) -> None:
    assert modality_key(written) == key
    assert check({"name": "x", "output_modalities": [written]})["output_modalities"] == [written]
    g = to_rdf({"name": "x", "output_modalities": [written]}, DAY)
    assert list(g.objects(MODEL, AIKG.outputModality)) == [Literal(key)]  # the key in RDF, the alias kept


def test_not_a_modality() -> None:
    for value in ("image-text", "multimodal", "text-generation"):
        assert modality_key(value) is None


def test_unknown_modality_lists_the_vocabulary_with_a_suggestion() -> None:
    [(field, problem)] = _problems({"name": "x", "output_modalities": ["txt"]})
    assert field == "output_modalities"
    assert problem.startswith(
        "unknown modality 'txt' (did you mean 'text'?); the vocabulary: 3d, action, audio"
    )
    assert all(k in problem for k in modalities())
    problems = _problems({"name": "x", "input_modalities": ["text", "imagez", "protien"]})
    assert [p.split(";")[0] for _, p in problems] == [
        "unknown modality 'imagez' (did you mean 'image'?)",
        "unknown modality 'protien' (did you mean 'protein'?)",
    ]


def test_a_task_is_not_a_modality() -> None:
    [(_, problem)] = _problems({"name": "x", "output_modalities": ["text-to-image"]})
    assert (
        'a task, not a modality: write "text" in input_modalities and "image" in output_modalities' in problem
    )
    assert _problems({"name": "x", "output_modalities": "text"}) == [
        ("output_modalities", 'must be a list of modalities: write ["text"]')
    ]


def test_the_schema_accepts_the_aliases() -> None:
    jsonschema.validate(
        {"name": "x", "output_modalities": ["images", "feature-extraction", "protein"]}, json_schema()
    )
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "x", "output_modalities": ["image-text"]}, json_schema())


def test_the_gpai_rule_reads_the_generation_flags_from_the_graph() -> None:
    rule = (paths.ONTOLOGY / "rules" / "2_gpai_model.rq").read_text(encoding="utf-8")
    assert "aikg:generativeLanguage true" in rule and "aikg:generativeFromText true" in rule
    assert '"speech"' not in rule and '"video"' not in rule


# -- licences -----------------------------------------------------------------------------------------


def _licences() -> Graph:
    return Graph().parse(paths.ONTOLOGY / "licences.ttl")


def test_licence_ids_and_aliases_are_unique() -> None:
    g = _licences()
    ids = [str(o).lower() for o in g.objects(None, AIKG.licenceId)]
    aliases = [str(o).lower() for o in g.objects(None, AIKG.licenceAlias)]
    assert [k for k, n in Counter(ids + aliases).items() if n > 1] == []
    copyleft = (
        "gpl-2.0-only gpl-2.0-or-later gpl-3.0-only gpl-3.0-or-later lgpl-2.1-only lgpl-2.1-or-later "
        "lgpl-3.0-only lgpl-3.0-or-later agpl-3.0-only agpl-3.0-or-later mpl-2.0 epl-2.0"
    )
    for required in copyleft.split():
        lic = next(g.subjects(AIKG.licenceId, Literal(required)))
        assert g.value(lic, AIKG.qualifiesAsOpenSource).toPython() is True, required  # copyleft qualifies
    for spelling in ("apache 2.0", "apache license 2.0", "mit license", "gplv3"):
        assert spelling in aliases


def test_contested_licences_say_so() -> None:
    g = _licences()
    for lic in g.subjects(RDF.type, AIKG.Licence):
        contested = g.value(lic, AIKG.contested) is not None and g.value(lic, AIKG.contested).toPython()
        assert contested == ("Contested" in str(g.value(lic, AIKG.reason))), lic
    assert len(set(g.subjects(AIKG.contested, Literal(True)))) >= 6


@pytest.fixture(scope="module")
def rules() -> RuleEngine:
    return RuleEngine()


@pytest.mark.parametrize(("licence", "suggestion"), [
    ("MIT Licence", " (did you mean 'mit'?)"),
    ("Apache2.0", " (did you mean 'apache-2.0'?)"),
    ("gpl3", " (did you mean 'gpl-3.0'?)"),
    ("my-custom-licence", ""),
])  # fmt: skip
def test_licence_suggestion(rules: RuleEngine, licence: str, suggestion: str) -> None:
    assert rules.fill("{licence:suggestion}", {"licence": licence}) == suggestion


def test_an_alias_fills_the_licence_reason(rules: RuleEngine) -> None:
    assert "copyleft" in rules.fill("{licence:reason}", {"licence": "GPLv3"})


# -- the service and the CLI ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(query_timeout=3, max_rows=500, query_workers=1))) as c:
        yield c


def test_the_service_lists_every_problem(client: TestClient) -> None:
    body = {"name": "x", "training_compute_flops": 1e24, "parameters": "7e9"}
    r = client.post("/validate", content=json.dumps(body), headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["field"] == "training_compute_flops"
    assert problem["errors"] == [
        {
            "field": "training_compute_flops",
            "problem": "unknown field (did you mean 'training_compute_flop'?)",
        },
        {"field": "parameters", "problem": "is a quoted number: write 7e9 without quotes"},
    ]
    assert problem["detail"].startswith("2 problems: ")


def test_the_cli_prints_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"name": "x", "parameter": 7e9, "training_compute_flop": "1e24"}))
    out = run("validate", str(path), "--as-of", DAY.isoformat())
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "parameter: unknown field (did you mean 'parameters'?)" in out.stderr
    assert "training_compute_flop: is a quoted number: write 1e24 without quotes" in out.stderr
