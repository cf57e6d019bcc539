"""A SPARQL request as a parser reads it: a query (its form, whether it calls ``SERVICE``) or an update (its
operations, ``LOAD`` among them), or a syntax error with the parser's message and position.

What the endpoint allows is decided here, on the parse — never by looking for words in the text, which a
comment or a string can hide or fake. The parser is rdflib's SPARQL 1.1 grammar (``parseQuery``,
``parseUpdate``, ``translateQuery``); nothing is evaluated with rdflib, nothing is fetched. What was checked
is what runs: the engine gets the query as the parser read it (codepoint escapes replaced, as SPARQL says),
and a carriage return without a line feed, where this parser and the engine end a comment differently, is
refused.

Two limits of that parser are worked around: for every ``SERVICE`` pattern it searches the whole query text
again for the pattern's source (for its own federated evaluation, unused here) — quadratic, and it fails when
a ``#`` comes before ``SERVICE`` on the same line — so our parses skip that search (other callers keep
rdflib's behaviour); and its recursion is deep (about 80 triple patterns in a row reach Python's default
limit), so a query that reaches it is parsed again, once at a time, with a higher limit.

Parsing is pure Python and costs milliseconds (2 to 6 ms for everyday queries: more than the engine takes to
answer them), and clients send the same texts again and again: :func:`read` keeps the parser's verdict —
the :class:`Query` or :class:`Update` it read, or the :class:`SparqlSyntaxError` it raised — for the last
texts it read (:class:`ReadCache`), keyed by the exact text and base IRI. The verdict is the parse's own,
made once on that text; a different text, even one character apart, is a different key and is parsed.
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql import parser as rdflib_parser
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parserutils import CompValue, ParamValue

FORMS = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
}
_LONE_CR = re.compile(r"\r(?!\n)")
DEEP_LIMIT = 20_000  # the recursion limit of a second parse; measured safe on 8 MiB thread stacks


class SparqlSyntaxError(ValueError):
    """Neither a query nor an update; ``line`` and ``column`` (1-based) say where, when the parser knows."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        where = f" at line {line}, column {column}" if line is not None else ""
        super().__init__(f"SPARQL syntax error{where}: {message}")
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Query:
    form: str  # select, ask, construct or describe
    service: bool  # a SERVICE pattern anywhere (sub-queries, EXISTS, OPTIONAL, ...)
    text: str  # what the parser read: the query with its codepoint escapes (\uXXXX) replaced


@dataclass(frozen=True)
class Update:
    operations: tuple[str, ...]  # rdflib's names: Load, Clear, Drop, InsertData, Modify, ...

    @property
    def load(self) -> bool:
        return "Load" in self.operations


class ReadCache:
    """The last verdicts of the parser, by (text, base IRI), least recently used out first; bounded by entries
    and by the characters of the texts it keeps (a text longer than ``max_text`` is never kept). Safe across
    threads."""

    def __init__(self, entries: int = 1024, characters: int = 4_000_000, max_text: int = 20_000) -> None:
        self.entries = entries
        self.characters = characters
        self.max_text = max_text
        self._lock = threading.Lock()
        self._verdicts: OrderedDict[tuple[str, str | None], Query | Update | SparqlSyntaxError] = (
            OrderedDict()
        )
        self._size = 0
        self.hits = 0
        self.misses = 0

    def get(self, text: str, base_iri: str | None) -> Query | Update | SparqlSyntaxError | None:
        with self._lock:
            verdict = self._verdicts.get((text, base_iri))
            if verdict is None:
                self.misses += 1
                return None
            self._verdicts.move_to_end((text, base_iri))
            self.hits += 1
            return verdict

    def put(self, text: str, base_iri: str | None, verdict: Query | Update | SparqlSyntaxError) -> None:
        if len(text) > self.max_text:
            return
        key = (text, base_iri)
        with self._lock:
            if key in self._verdicts:
                return
            self._verdicts[key] = verdict
            self._size += _weight(text, verdict)
            while self._verdicts and (len(self._verdicts) > self.entries or self._size > self.characters):
                (old, _), gone = self._verdicts.popitem(last=False)
                self._size -= _weight(old, gone)

    def clear(self) -> None:
        with self._lock:
            self._verdicts.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._verdicts)


def _weight(text: str, verdict: Query | Update | SparqlSyntaxError) -> int:
    return len(text) + (len(verdict.text) if isinstance(verdict, Query) and verdict.text is not text else 0)


CACHE = ReadCache()


def cached(text: str, base_iri: str | None = None) -> Query | Update | None:
    """The verdict :func:`read` would give, if it is kept (a syntax error raised): no parse, no wait."""
    verdict = CACHE.get(text, base_iri)
    if isinstance(verdict, SparqlSyntaxError):
        raise _copy(verdict)
    return verdict


def read(text: str, base_iri: str | None = None) -> Query | Update:
    """What ``text`` is (:func:`parse`), from :data:`CACHE` when this text was read before."""
    known = cached(text, base_iri)
    if known is not None:
        return known
    try:
        verdict = parse(text, base_iri)
    except SparqlSyntaxError as err:
        CACHE.put(text, base_iri, err)
        raise
    CACHE.put(text, base_iri, verdict)
    return verdict


def _copy(err: SparqlSyntaxError) -> SparqlSyntaxError:
    """A fresh exception for each raise (a kept one would gather tracebacks)."""
    fresh = SparqlSyntaxError.__new__(SparqlSyntaxError)
    ValueError.__init__(fresh, *err.args)
    fresh.line, fresh.column = err.line, err.column
    return fresh


def parse(text: str, base_iri: str | None = None) -> Query | Update:
    r"""What ``text`` is; raises :class:`SparqlSyntaxError` when it is neither a query nor an update.

    Run the query's ``text``, not the original: SPARQL replaces codepoint escapes before parsing (Query
    §19.2), as this parser does, and an engine that reads them only in strings would see other tokens —
    ``"\u0022"`` is one quote there, and the start of a long string here. For the same reason a carriage
    return without a line feed is refused: this parser ends a comment at a line feed only."""
    lone = _LONE_CR.search(text)
    if lone:
        at = lone.start()
        line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        raise SparqlSyntaxError("a carriage return without a line feed: end lines with \\n", line, column)
    try:
        expanded = rdflib_parser.expandUnicodeEscapes(text)
    except ValueError as err:
        raise SparqlSyntaxError(str(err)) from err
    try:
        tree = _parse(rdflib_parser.Query, expanded)
    except ParseBaseException as err:
        update = _update(expanded)
        if update is not None:
            return update
        raise _syntax_error(err) from None
    service = _has_service(tree)
    form = FORMS[tree[1].name]
    # the algebra too, as a second look; rdflib's translation raises bare Exceptions on what it cannot
    # translate, and there the engine has the last word
    with contextlib.suppress(Exception):
        service = _has_service(translateQuery(tree, base=base_iri).algebra) or service
    return Query(form, service, expanded)


def _update(text: str) -> Update | None:
    try:
        tree = _parse(rdflib_parser.UpdateUnit, text)[0]
    except (ParseBaseException, SparqlSyntaxError):
        return None
    operations = tuple(op.name for op in tree.get("request", []) if isinstance(op, CompValue))
    return Update(operations) if operations else None  # a prologue or a comment alone is not an update


def _has_service(root: Any) -> bool:
    """Whether a parse tree or an algebra holds a SERVICE pattern (walked without recursion: deep trees)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            stack.extend(node.values())
        elif isinstance(node, ParseResults | list | tuple):
            stack.extend(node)
    return False


def _syntax_error(err: ParseBaseException) -> SparqlSyntaxError:
    message = str(err).split("  (at char")[0]
    return SparqlSyntaxError(message, err.lineno, err.col)


_DEEP = threading.Lock()
_ours = threading.local()


def _parse(grammar: Any, text: str) -> Any:
    _ours.active = True
    try:
        try:
            return grammar.parse_string(text, parse_all=True)
        except RecursionError:
            pass
        with _DEEP:
            limit = sys.getrecursionlimit()
            sys.setrecursionlimit(max(limit, DEEP_LIMIT))
            try:
                return grammar.parse_string(text, parse_all=True)
            except RecursionError as err:
                raise SparqlSyntaxError("the query is nested too deeply for this endpoint's parser") from err
            finally:
                sys.setrecursionlimit(limit)
    finally:
        _ours.active = False


def _service_post_parse(original: Callable[[str, int, Any], Any]) -> Callable[[str, int, Any], Any]:
    def post_parse(instring: str, loc: int, tokens: Any) -> Any:
        if not getattr(_ours, "active", False):
            return original(instring, loc, tokens)
        pattern = CompValue("ServiceGraphPattern")  # rdflib's Comp.postParse, without the text search
        for t in tokens:
            if isinstance(t, ParamValue):
                if t.isList:
                    pattern.setdefault(t.name, []).append(t.tokenList)
                else:
                    pattern[t.name] = t.tokenList
        return pattern

    return post_parse


_service = rdflib_parser.ServiceGraphPattern
if not getattr(_service, "_aiact_quiet", False):
    _service.postParse = _service_post_parse(_service.postParse)  # type: ignore[method-assign,assignment]
    _service._aiact_quiet = True  # type: ignore[attr-defined]
