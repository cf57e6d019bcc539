"""Read a model description from the formats it may come in: JSON, YAML (1.2, without anchors or
aliases), Turtle, N-Triples and JSON-LD (with nothing a description names ever fetched). Every reader
gives the docs/contract.md §2 dictionary, not yet checked; a text that cannot be read raises
:class:`~reasoner.description_check.DescriptionError`."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import yaml
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.parser import PythonInputSource
from rdflib.plugins.shared.jsonld.context import Context as _JsonLdContext

from kg.excerpt import cut, excerpt
from kg.ids import AIKG
from reasoner.description_check import DescriptionError, Problem, field_name
from reasoner.description_vocabulary import fields, list_keys

MAX_DEPTH = 20  # levels of nesting a description may have (it needs three)
MAX_DIGITS = 400  # digits a number may be written with (a double has at most 309 before the point)
BASE = "https://w3id.org/aiact-kg/description/"  # what relative IRIs of an RDF description resolve against


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


def yaml_description(text: str) -> Any:
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


def json_description(text: str, what: str = "JSON") -> Any:
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
            document = json_description(text, "JSON-LD")
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
            problems.append(Problem(field_name(str(p)), "unknown property in a description"))
            continue
        value = o.toPython() if isinstance(o, Literal) else str(o)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):  # 210.5 in Turtle is an xsd:decimal
            value = float(value)
        if f.key in list_keys():
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
                    field_name(here), f"@import {excerpt(value)} is not fetched: write the context out"
                )
            if key == "@context":
                for ctx in value if isinstance(value, list) else [value]:
                    if isinstance(ctx, str):
                        raise RemoteContext(
                            field_name(here),
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
