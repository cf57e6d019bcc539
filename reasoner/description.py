"""Read a model description (CONTRACT §2) from JSON, YAML, Turtle or JSON-LD, and check it.

The keys, their types and the RDF property of each come from ``ontology/description.ttl``
(``aikg:jsonKey``, ``aikg:valueType``), and so does the modality vocabulary (``aikg:Modality``, with
its aliases), so the vocabulary has one home. A bad description raises :class:`DescriptionError`
listing every problem at once, each naming its field; nothing the user sent is altered: an alias
(a modality spelt ``images``) is read as its key only when the description is turned into RDF.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import yaml
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS, XSD
from rdflib.parser import PythonInputSource
from rdflib.plugins.shared.jsonld.context import Context as _JsonLdContext

from kg import paths
from kg.excerpt import cut, excerpt
from kg.ids import AIKG

MAX_BYTES = 1_000_000
MAX_DEPTH = 20  # levels of nesting a description may have (it needs three)
MAX_DIGITS = 400  # digits a number may be written with (a double has at most 309 before the point)
MAX_PROBLEMS = 50  # problems listed in one error; beyond, their number
BASE = "https://w3id.org/aiact-kg/description/"  # what relative IRIs of an RDF description resolve against
_NESTED = ("provider", "base_model", "documentation")
_MODALITY_KEYS = ("input_modalities", "output_modalities")
MODEL = URIRef("urn:aiact-kg:description")


class Yaml12Loader(yaml.SafeLoader):
    """YAML with the YAML 1.2 float syntax: PyYAML follows YAML 1.1, where ``8.4e23`` (no sign in the
    exponent) is a string, which would turn every compute figure written the usual way into an error."""


Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)$|^[-+]?[0-9][0-9_]*\.[0-9_]*$"),
    list("-+0123456789."),
)


def yaml_load(text: str) -> Any:
    """YAML the project writes itself (test cases, templates): anchors and aliases allowed."""
    return yaml.load(text, Loader=Yaml12Loader)  # a SafeLoader subclass


class DescriptionLoader(Yaml12Loader):
    """YAML a user sends: no anchors or aliases (a few hundred bytes of aliases expand to gigabytes),
    at most :data:`MAX_DEPTH` levels, numbers of at most :data:`MAX_DIGITS` digits, and dates left as
    the text they are (YAML 1.2 has no timestamp type): ``2025-02-30`` is then a description problem
    of its key, not a crash of the YAML reader."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None,
                None,
                "YAML anchors and aliases (&name, *name) are not accepted in a description: "
                "write each value out",
                event.start_mark,
            )
        if self._depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = re.sub(r"[^0-9a-fA-F]", "", str(node.value))
        if len(digits) > MAX_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"a number of {len(digits)} digits is too large", node.start_mark
            )
        return int(super().construct_yaml_int(node))


DescriptionLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in Yaml12Loader.yaml_implicit_resolvers.items()
}
DescriptionLoader.add_constructor("tag:yaml.org,2002:int", DescriptionLoader.construct_yaml_int)


def _yaml_description(text: str) -> Any:
    try:
        return yaml.load(text, Loader=DescriptionLoader)  # a SafeLoader subclass
    except yaml.YAMLError as err:
        raise DescriptionError("", f"not valid YAML: {_cut(str(err))}") from err
    except Exception as err:  # a constructor's own error: !!float abc, !!bool maybe, !!timestamp 2025-02-30
        raise DescriptionError("", f"not valid YAML: a tagged value cannot be read: {_reason(err)}") from err


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise DescriptionError("", f"a number of {len(text.lstrip('-'))} digits is too large")
    return int(text)


def _json(text: str, what: str = "JSON") -> Any:
    try:
        return json.loads(text, parse_int=_json_int)
    except DescriptionError:
        raise
    except json.JSONDecodeError as err:
        raise DescriptionError(
            "", f"not valid {what}: {err.msg} at line {err.lineno}, column {err.colno}"
        ) from err
    except (RecursionError, ValueError) as err:
        raise DescriptionError("", f"not valid {what}: {_reason(err)}") from err


def _cut(text: str, limit: int = 200) -> str:
    """A parser's message, on one line and at most ``limit`` characters (it may quote the input)."""
    return cut(" ".join(text.split()), limit)


def _reason(err: BaseException) -> str:
    if isinstance(err, RecursionError):
        return "nested too deeply"
    if "integer string conversion" in str(err):
        return "a number has more than 4300 digits"
    return _cut(str(err)) or type(err).__name__


@dataclass(frozen=True)
class Problem:
    """One problem of a description: the key it concerns (dotted, "" for the whole) and what is wrong."""

    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}" if self.field else self.problem


class DescriptionError(ValueError):
    """The description cannot be read. ``problems`` lists every problem found (the first
    :data:`MAX_PROBLEMS`, then how many more); ``field`` and ``problem`` are those of the first, and
    the message lists them all."""

    def __init__(self, field: str = "", problem: str = "", problems: list[Problem] | None = None) -> None:
        found = list(problems) if problems else [Problem(field, problem)]
        count = len(found)
        if count > MAX_PROBLEMS:
            more = count - MAX_PROBLEMS
            found = [*found[:MAX_PROBLEMS], Problem("", f"and {more} more problem{'s' * (more > 1)}")]
        text = str(found[0]) if count == 1 else f"{count} problems: " + "; ".join(map(str, found))
        super().__init__(text)
        self.problems = found
        self.field = found[0].field
        self.problem = found[0].problem


@dataclass(frozen=True)
class Field:
    key: str
    prop: URIRef
    type: str  # string, boolean, double, integer, date
    documentation: bool
    allowed: tuple[str, ...] = ()  # the values a string key may take (aikg:allowedValue), if limited


@dataclass(frozen=True)
class Modality:
    key: str  # skos:notation, what a description writes
    label: str
    aliases: tuple[str, ...]
    definition: str
    generative_language: bool
    generative_from_text: bool


@cache
def _vocabulary() -> Graph:
    return Graph().parse(paths.ONTOLOGY / "description.ttl")


@cache
def fields() -> dict[str, Field]:
    g = _vocabulary()
    out = {}
    for prop, key in g.subject_objects(AIKG.jsonKey):
        vtype = str(g.value(prop, AIKG.valueType)).split("#")[1]
        doc = g.value(prop, AIKG.documentationKey) is not None
        allowed = tuple(sorted(str(v) for v in g.objects(prop, AIKG.allowedValue)))
        out[str(key)] = Field(str(key), URIRef(str(prop)), vtype, doc, allowed)
    return out


@cache
def modalities() -> dict[str, Modality]:
    """The modality vocabulary of ``ontology/description.ttl``, by key."""
    g = _vocabulary()
    out = {}
    for m in g.subjects(RDF.type, AIKG.Modality):
        key = str(g.value(m, SKOS.notation))
        out[key] = Modality(
            key=key,
            label=str(g.value(m, SKOS.prefLabel)),
            aliases=tuple(sorted(str(a) for a in g.objects(m, SKOS.altLabel))),
            definition=str(g.value(m, SKOS.definition)),
            generative_language=_flag(g.value(m, AIKG.generativeLanguage)),
            generative_from_text=_flag(g.value(m, AIKG.generativeFromText)),
        )
    return dict(sorted(out.items()))


def _flag(value: object) -> bool:
    return isinstance(value, Literal) and value.toPython() is True


def _spelling(value: str) -> str:
    """How a modality is compared: no case, and spaces, hyphens and underscores alike."""
    return re.sub(r"[\s_\-]+", "_", value.strip().lower())


@cache
def _modality_spellings() -> dict[str, str]:
    out = {}
    for m in modalities().values():
        for spelling in (m.key, *m.aliases):
            out[_spelling(spelling)] = m.key
    return out


def modality_key(value: str) -> str | None:
    """The vocabulary key a modality as written stands for (``"Images"`` -> ``"image"``), or None."""
    return _modality_spellings().get(_spelling(value))


def load(text: str | bytes, media_type: str = "application/json") -> dict[str, Any]:
    """Parse a description in any accepted format into the CONTRACT §2 dictionary, checked."""
    if len(text) > MAX_BYTES:
        raise DescriptionError("", f"the description is larger than {MAX_BYTES} bytes")
    raw = text.decode("utf-8", errors="strict") if isinstance(text, bytes) else text
    kind = media_type.split(";")[0].strip().lower()
    if kind in ("text/turtle", "application/ld+json", "application/n-triples"):
        data = from_rdf(raw, kind)
    elif kind in ("application/yaml", "application/x-yaml", "text/yaml"):
        data = _yaml_description(raw)
    elif kind == "application/json":
        data = _json(raw)
    else:
        raise DescriptionError(
            "", f"unsupported media type {excerpt(media_type)}: use JSON, YAML, Turtle or JSON-LD"
        )
    return check(data)


def media_type_of(filename: str) -> str:
    lower = filename.lower()
    if lower.endswith((".yaml", ".yml")):
        return "application/yaml"
    if lower.endswith(".ttl"):
        return "text/turtle"
    if lower.endswith((".jsonld", ".json-ld")):
        return "application/ld+json"
    return "application/json"


def check(data: object) -> dict[str, Any]:
    """Check keys and values; return the description as given (no default is filled in, no alias
    replaced). Every problem is reported at once, in one :class:`DescriptionError`."""
    if not isinstance(data, dict):
        raise DescriptionError(
            "", f"a description is an object with at least a 'name', not {_kind(data)} {excerpt(data, 40)}"
        )
    known = fields()
    problems: list[Problem] = []
    for key, value in data.items():
        if not isinstance(key, str):
            problems.append(_not_a_key(key))
        elif key in _NESTED:
            if value is None:
                continue
            if not isinstance(value, dict):
                problems.append(Problem(key, f"must be an object, not {_kind(value)} {excerpt(value, 40)}"))
                continue
            for sub, subvalue in value.items():
                if not isinstance(sub, str):
                    problems.append(_not_a_key(sub, key))
                else:
                    problems += _check_value(f"{key}.{sub}", subvalue, known)
        else:
            problems += _check_value(key, value, known)
    name = data.get("name")
    if (not isinstance(name, str) or not name.strip()) and not any(p.field == "name" for p in problems):
        problems.append(Problem("name", "is required and must be a non-empty string"))
    if problems:
        raise DescriptionError(problems=problems)
    return data


def _kind(value: object) -> str:
    """What a value is, in the words of JSON and YAML."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, dt.date):
        return "a date"
    return f"a {type(value).__name__}"


def _not_a_key(key: object, parent: str = "") -> Problem:
    """YAML lets ``1: 2``, ``true: 2`` and ``null: x`` be keys; a description's keys are strings."""
    written = json.dumps(key) if key is None or isinstance(key, bool | int | float) else excerpt(key, 40)
    field = f"{parent}.{written}" if parent else written
    return Problem(
        field, f'is not a field: keys are strings, and this one is {_kind(key)} (write "{field}"?)'
    )


def _field(key: str) -> str:
    """A key as an error names it: at most 80 characters."""
    return key if len(key) <= 80 else key[:79] + "…"


def _did_you_mean(key: str, known: dict[str, Field]) -> str:
    """A hint for a misspelt or misplaced key: the same key elsewhere, else the closest known key."""
    tail = key.rsplit(".", 1)[-1]
    elsewhere = sorted(
        (k for k in known if k != key and k.rsplit(".", 1)[-1] == tail), key=lambda k: (k.count("."), k)
    )
    close = elsewhere or difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _members(key: str, known: dict[str, Field]) -> list[str]:
    """The members of a key's object form: provider.authorised_representative -> [country]."""
    return [k[len(key) + 1 :] for k in known if k.startswith(key + ".")]


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _check_value(key: str, value: object, known: dict[str, Field]) -> list[Problem]:
    if key not in known:
        hint = _did_you_mean(key, known) if len(key) <= 80 else ""
        return [Problem(_field(key), f"unknown field{hint}")]
    if value is None:
        return []
    f = known[key]
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1023:
        return [Problem(key, f"is too large a number ({excerpt(value)}): a double goes up to about 1.8e308")]
    if key in _MODALITY_KEYS:
        return _check_modalities(key, value)
    members = _members(key, known)
    if members and isinstance(value, dict):  # the object form: {"name": ..., "country": ...}
        name = value.get("name")
        out = (
            []
            if isinstance(name, str) and name.strip()
            else [Problem(f"{key}.name", "is required in the object form and must be a non-empty string")]
        )
        for member, v in value.items():
            if not isinstance(member, str):
                out.append(_not_a_key(member, key))
            elif member != "name":
                out += _check_value(f"{key}.{member}", v, known)
        return out
    shown = excerpt(value)
    if f.type == "boolean" and not isinstance(value, bool):
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return [Problem(key, f"is a quoted boolean: write {value.strip().lower()} without quotes")]
        return [Problem(key, f"must be true, false or null, not {shown}")]
    if f.type in ("double", "integer"):
        if isinstance(value, str) and len(value) <= 80 and _NUMBER.fullmatch(value.strip()):
            return [Problem(key, f"is a quoted number: write {value.strip()} without quotes")]
        if isinstance(value, bool) or not isinstance(value, int | float):
            unit = "FLOP" if key.endswith("flop") else "MWh" if key.endswith("mwh") else "a count"
            return [Problem(key, f"must be a number ({unit}), not {shown}; write 1.2e24, without units")]
        if not math.isfinite(value) or value < 0:
            return [Problem(key, f"must be a finite number not below zero, not {shown}")]
        if f.type == "integer" and int(value) != value:
            return [Problem(key, f"must be a whole number, not {shown}")]
    if f.type == "date" and (not isinstance(value, str | dt.date) or not _is_date(value)):
        return [Problem(key, f"must be a date written YYYY-MM-DD, not {shown}")]
    documented = f.documentation and isinstance(value, int | float | bool)
    if f.type == "string" and not isinstance(value, str) and not documented:
        if members:
            example = ", ".join(f'"{m}": ...' for m in ["name", *members])
            return [Problem(key, f"must be a string or an object {{{example}}}, not {shown}")]
        return [Problem(key, f"must be a string, not {shown}")]
    if f.allowed and value not in f.allowed:
        close = difflib.get_close_matches(str(value), f.allowed, n=1) if len(str(value)) <= 80 else []
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return [Problem(key, f"must be one of {', '.join(f.allowed)}, not {shown}{hint}")]
    if key.endswith(".country") and not re.fullmatch(r"[A-Z]{2}", str(value)):
        return [Problem(key, f"must be an ISO 3166-1 alpha-2 code in capitals (e.g. FR, US), not {shown}")]
    return []


def _check_modalities(key: str, value: object) -> list[Problem]:
    if isinstance(value, str):
        if len(value) > 80:
            return [
                Problem(key, f'must be a list of modalities, e.g. ["text"], not the string {excerpt(value)}')
            ]
        return [Problem(key, f'must be a list of modalities: write ["{value}"]')]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return [Problem(key, 'must be a list of modalities, e.g. ["text"]')]
    vocabulary = ", ".join(modalities())
    out = []
    for v in value:
        if modality_key(v) is None:
            hint = _modality_hint(v) if len(v) <= 80 else ""
            out.append(Problem(key, f"unknown modality {excerpt(v)}{hint}; the vocabulary: {vocabulary}"))
    return out


def _modality_hint(value: str) -> str:
    task = re.fullmatch(r"(.+?)[\s_\-]+to[\s_\-]+(.+)", value.strip())
    if task and modality_key(task.group(1)) and modality_key(task.group(2)):
        i, o = modality_key(task.group(1)), modality_key(task.group(2))
        return f' (a task, not a modality: write "{i}" in input_modalities and "{o}" in output_modalities)'
    spellings = _modality_spellings()
    close = difflib.get_close_matches(_spelling(value), list(spellings), n=1, cutoff=0.7)
    return f" (did you mean {spellings[close[0]]!r}?)" if close else ""


def _is_date(value: str | dt.date) -> bool:
    if isinstance(value, dt.date):
        return not isinstance(value, dt.datetime)  # a date, not a date and a time
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def flatten(data: dict[str, Any]) -> dict[str, Any]:
    """``{"provider": {"country": "FR"}}`` -> ``{"provider.country": "FR"}``; nulls dropped. An object
    form ``{"authorised_representative": {"name": "R", "country": "DE"}}`` gives the name under its own
    key and the other members under dotted keys (``provider.authorised_representative.country``)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in _NESTED and isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, dict):
                    out.update({f"{key}.{k}" if m == "name" else f"{key}.{k}.{m}": mv
                                for m, mv in v.items() if mv is not None})  # fmt: skip
                elif v is not None:
                    out[f"{key}.{k}"] = v
        elif value is not None:
            out[key] = value
    return out


def to_rdf(data: dict[str, Any], as_of: dt.date) -> Graph:
    """The description as triples about one model node, in the project's vocabulary."""
    g = Graph()
    g.add((MODEL, RDF.type, AIKG.AIModel))
    g.add((MODEL, AIKG.asOf, Literal(as_of.isoformat(), datatype=XSD.date)))
    known = fields()
    for key, value in flatten(data).items():
        f = known[key]
        for v in value if isinstance(value, list) else [value]:
            if key in _MODALITY_KEYS:  # an alias is read as its key; the description keeps it
                v = modality_key(v) or v
            g.add((MODEL, f.prop, _literal(v, f)))
    return g


def _literal(value: Any, f: Field) -> Literal:
    if f.type == "date":
        return Literal(str(value), datatype=XSD.date)
    if f.type == "double":
        return Literal(float(value), datatype=XSD.double)
    if f.type == "integer":
        return Literal(int(value), datatype=XSD.integer)
    if f.type == "boolean":
        return Literal(bool(value))
    return Literal(str(value))


def from_rdf(text: str, media_type: str) -> dict[str, Any]:
    """A description written in the project's vocabulary (one aikg:AIModel) back to the dictionary.

    Nothing a description names is ever fetched: a JSON-LD ``@context`` or ``@import`` that is not
    written out in the document (a URL, a ``file:`` path, any string) is refused before parsing, and
    rdflib's context loader is switched off while it parses; ``owl:imports`` is refused too (rdflib
    never follows it, but a description is self-contained). Relative IRIs resolve against
    :data:`BASE`, not against the server's working directory."""
    fmt = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt"}[
        media_type
    ]
    g = Graph()
    try:
        if fmt == "json-ld":
            document = _json(text, "JSON-LD")
            _refuse_remote_contexts(document)
            with _offline():
                g.parse(source=PythonInputSource(document), format="json-ld", base=BASE)
        else:
            g.parse(data=text, format=fmt, publicID=BASE)
    except DescriptionError:
        raise
    except Exception as err:  # rdflib raises many types for bad syntax
        raise DescriptionError("", f"not valid {fmt}: {_reason(err)}") from err
    imports = sorted(str(o) for o in g.objects(None, OWL.imports))
    if imports:
        raise DescriptionError(
            "",
            f"owl:imports {excerpt(imports[0])} is not followed: a description is self-contained, "
            "write its facts out and remove the import",
        )
    models = list(g.subjects(RDF.type, AIKG.AIModel))
    if len(models) != 1:
        raise DescriptionError("", f"expected one aikg:AIModel in the graph, found {len(models)}")
    by_prop = {f.prop: f for f in fields().values()}
    flat: dict[str, Any] = {}
    problems = []
    for p, o in g.predicate_objects(models[0]):
        if p == RDF.type:
            continue
        f = by_prop.get(URIRef(str(p)))
        if f is None:
            problems.append(Problem(_field(str(p)), "unknown property in a description"))
            continue
        value = o.toPython() if isinstance(o, Literal) else str(o)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):  # 210.5 in Turtle is an xsd:decimal
            value = float(value)
        if f.key in _MODALITY_KEYS:
            flat.setdefault(f.key, []).append(value)
            flat[f.key].sort()
        else:
            flat[f.key] = value
    if problems:
        raise DescriptionError(problems=problems)
    out: dict[str, Any] = {}
    for key in sorted(flat, key=lambda k: k.count(".")):  # an object form's members after its name
        head, *rest = key.split(".")
        if not rest:
            out[head] = flat[key]
        elif len(rest) == 1:
            out.setdefault(head, {})[rest[0]] = flat[key]
        else:
            parent = out.setdefault(head, {})
            name = parent.get(rest[0])
            obj = name if isinstance(name, dict) else {} if name is None else {"name": name}
            obj[rest[1]] = flat[key]
            parent[rest[0]] = obj
    return out


class RemoteContext(DescriptionError):
    """A JSON-LD description names a context (or an import) instead of writing it out."""


def _refuse_remote_contexts(document: Any) -> None:
    """Refuse every ``@context`` that is, or lists, a string (a URL, a ``file:`` path, a relative
    reference) and every ``@import``, wherever it is (top level, a node, a term's scoped context).
    Walks the document without recursion, so nesting cannot exhaust the stack."""
    stack = [(document, "")]
    while stack:
        node, where = stack.pop()
        if isinstance(node, list):
            stack.extend((item, f"{where}[{i}]") for i, item in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            here = f"{where}.{key}" if where else str(key)
            if key == "@import":
                raise RemoteContext(
                    _field(here), f"@import {excerpt(value)} is not fetched: write the context out"
                )
            if key == "@context":
                for ctx in value if isinstance(value, list) else [value]:
                    if isinstance(ctx, str):
                        raise RemoteContext(
                            _field(here),
                            f"the remote context {excerpt(ctx)} is not fetched: a description's "
                            "@context must be written out as an object",
                        )
            stack.append((value, here))


_OFFLINE = threading.local()
_fetch_context = _JsonLdContext._fetch_context


def _no_fetch(self: _JsonLdContext, source: str, base: str | None, referenced_contexts: set[str]) -> Any:
    """rdflib's JSON-LD context loader, refusing to load anything while :func:`_offline` is on (a
    second line behind :func:`_refuse_remote_contexts`; rdflib takes no document loader)."""
    if getattr(_OFFLINE, "on", False):
        raise RemoteContext("", f"the remote context {excerpt(source)} is not fetched")
    return _fetch_context(self, source, base, referenced_contexts)


_JsonLdContext._fetch_context = _no_fetch  # type: ignore[method-assign]


@contextmanager
def _offline() -> Iterator[None]:
    _OFFLINE.on = True
    try:
        yield
    finally:
        _OFFLINE.on = False
