"""Refuse a request whose path or query string cannot be read as text, before any route sees it.

Servers decode a percent-encoded path and query string leniently: ``%FF`` becomes U+FFFD, and ``%00``
reaches the route as a NUL, which the citation parser would skip (``/provisions/Art. 53%00`` answering
Art. 53). Here a path that is not UTF-8 or holds a control character, and a query parameter that is
not UTF-8 or holds a control character other than tab, line feed and carriage return, get a 400
problem naming the character and where it is.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from api.problems import problem_response
from kg.excerpt import control_character, cut, not_utf8

_WHITESPACE = "\t\n\r"


class InputHygiene:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            problem = _path_problem(scope) or _query_problem(scope)
            if problem is not None:
                await problem_response(400, problem)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _path_problem(scope: Scope) -> str | None:
    raw = scope.get("raw_path")
    if raw is not None:
        text, problem = _decode(unquote_to_bytes(raw), "the path")
        if problem:
            return problem
    else:
        text = str(scope.get("path", ""))
    found = control_character(text)
    if found is not None:
        position, name = found
        return (
            f"the path contains the control character {name} after {cut(text[:position], 60)!r}: "
            "a path holds no control characters"
        )
    return None


def _query_problem(scope: Scope) -> str | None:
    query: bytes = scope.get("query_string", b"")
    if not query:
        return None
    for part in query.split(b"&"):
        raw_name, _, raw_value = part.partition(b"=")
        name, problem = _decode(unquote_to_bytes(raw_name.replace(b"+", b" ")), "a query parameter name")
        if problem:
            return problem
        shown = cut(name, 40)
        value, problem = _decode(
            unquote_to_bytes(raw_value.replace(b"+", b" ")), f"query parameter {shown!r}"
        )
        if problem:
            return problem
        for what, text in (
            (f"the query parameter name {shown!r}", name),
            (f"query parameter {shown!r}", value),
        ):
            found = control_character(text, allow=_WHITESPACE)
            if found is not None:
                position, char = found
                return f"{what} contains the control character {char} at position {position}"
    return None


def _decode(data: bytes, what: str) -> tuple[str, str | None]:
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        return "", not_utf8(data, err, what)
