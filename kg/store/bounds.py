"""Bounds on a query's text, checked before anything parses or runs it: its length and bracket nesting."""

from __future__ import annotations

import re

from kg.store.errors import QueryTooLarge

# strings, IRIs and comments, whose brackets do not nest; and the brackets that do
_TOKENS = re.compile(
    r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n]*|[(){}\[\]]"
)


def nesting(sparql: str) -> int:
    """How deep the query's brackets — ``(``, ``{``, ``[`` — nest, outside strings, IRIs and comments."""
    depth = deepest = 0
    for m in _TOKENS.finditer(sparql):
        token = m.group()
        if token in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif token in ")}]":
            depth = max(depth - 1, 0)
    return deepest


def check(sparql: str, max_length: int, max_depth: int) -> None:
    """:class:`QueryTooLarge` if the query is longer or nests deeper than the bounds."""
    if len(sparql) > max_length:
        raise QueryTooLarge(
            f"the query is {len(sparql)} characters long, more than the limit of {max_length}"
        )
    depth = nesting(sparql)
    if depth > max_depth:
        raise QueryTooLarge(
            f"the query nests brackets {depth} levels deep, more than the limit of {max_depth}"
        )
