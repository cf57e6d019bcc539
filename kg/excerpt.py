"""Short, safe renderings of what a user sent, for error messages.

An error message names the offending value, but never echoes all of it: a 10 000-character notation,
a deeply nested list or a YAML alias bomb would otherwise come back whole (or not at all: ``repr`` of a
very deep value recurses, and ``repr`` of an integer of more than 4300 digits raises). :func:`excerpt`
gives at most ``limit`` characters, whatever the value.
"""

from __future__ import annotations

import re
import reprlib
import unicodedata

LIMIT = 80
_INT_DIGITS = 40  # an integer longer than this is shown by its size, not its digits


class _Repr(reprlib.Repr):
    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxdict = 4
        self.maxlist = 4
        self.maxtuple = 4
        self.maxset = 4
        self.maxfrozenset = 4
        self.maxdeque = 4
        self.maxarray = 4
        self.maxstring = LIMIT
        self.maxlong = _INT_DIGITS
        self.maxother = LIMIT

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > _INT_DIGITS * 10 // 3:  # more than ~40 decimal digits: never convert it whole
            return f"<an integer of about {int(x.bit_length() * 0.30103) + 1} digits>"
        return super().repr_int(x, level)


_REPR = _Repr()


def excerpt(value: object, limit: int = LIMIT) -> str:
    """``repr(value)``, cut to at most ``limit`` characters (with "…" where it was cut)."""
    try:
        text = _REPR.repr(value)
    except Exception:  # a value whose repr fails (a user's Python object) is named by its type
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cut(text: str, limit: int = LIMIT) -> str:
    """``text`` itself (not its repr), cut to at most ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def control_character(text: str, allow: str = "") -> tuple[int, str] | None:
    """The position and name of the first control character of ``text`` (``U+0000 (NUL)``), or None.

    Characters in ``allow`` (e.g. tab and newline) are not counted. (Unicode's category Cc is exactly
    U+0000-U+001F and U+007F-U+009F: a regular expression finds them, not a look-up per character.)"""
    for m in _CONTROL.finditer(text):
        ch = m.group()
        if ch not in allow:
            name = unicodedata.name(ch, "") or _C0_NAMES.get(ord(ch), "control character")
            return m.start(), f"U+{ord(ch):04X} ({name})"
    return None


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


_C0_NAMES = {
    0x00: "NUL", 0x07: "BEL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0A: "LINE FEED", 0x0B: "VERTICAL TAB",
    0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE", 0x7F: "DELETE",
}  # fmt: skip


def not_utf8(data: bytes, err: UnicodeDecodeError, what: str) -> str:
    """The message for bytes that are not UTF-8: the first byte that cannot be read, and where."""
    return f"{what} is not UTF-8 text: byte 0x{data[err.start]:02X} at position {err.start}"
