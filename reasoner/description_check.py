"""Check a model description's keys and values against its vocabulary (``ontology/description.ttl``):
every problem is found at once and raised in one :class:`DescriptionError`, each naming its key."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kg.excerpt import excerpt
from reasoner.description_vocabulary import (
    Field,
    fields,
    list_keys,
    modalities,
    modality_key,
    modality_spellings,
    nested,
    spelling,
)

MAX_PROBLEMS = 50  # problems listed in one error; beyond, their number


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
        elif key in nested():
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


def field_name(key: str) -> str:
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


_MEMBERS: dict[int, tuple[dict[str, Field], dict[str, list[str]]]] = {}


def _members(key: str, known: dict[str, Field]) -> list[str]:
    """The members of a key's object form: provider.authorised_representative -> [country]. Indexed once
    per field table (every value of every description asks)."""
    entry = _MEMBERS.get(id(known))
    if entry is None or entry[0] is not known:
        index: dict[str, list[str]] = {}
        for k in known:
            parts = k.split(".")
            for i in range(1, len(parts)):
                index.setdefault(".".join(parts[:i]), []).append(".".join(parts[i:]))
        entry = _MEMBERS[id(known)] = (known, index)
    return entry[1].get(key, [])


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _check_value(key: str, value: object, known: dict[str, Field]) -> list[Problem]:
    if key not in known:
        hint = _did_you_mean(key, known) if len(key) <= 80 else ""
        return [Problem(field_name(key), f"unknown field{hint}")]
    if value is None:
        return []
    f = known[key]
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1023:
        return [Problem(key, f"is too large a number ({excerpt(value)}): a double goes up to about 1.8e308")]
    if key in list_keys():
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
    if f.type == "boolean" and not isinstance(value, bool):
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return [Problem(key, f"is a quoted boolean: write {value.strip().lower()} without quotes")]
        return [Problem(key, f"must be true, false or null, not {excerpt(value)}")]
    if f.type in ("double", "integer"):
        if isinstance(value, str) and len(value) <= 80 and _NUMBER.fullmatch(value.strip()):
            return [Problem(key, f"is a quoted number: write {value.strip()} without quotes")]
        if isinstance(value, bool) or not isinstance(value, int | float):
            unit = "FLOP" if key.endswith("flop") else "MWh" if key.endswith("mwh") else "a count"
            return [
                Problem(key, f"must be a number ({unit}), not {excerpt(value)}; write 1.2e24, without units")
            ]
        if not math.isfinite(value) or value < 0:
            return [Problem(key, f"must be a finite number not below zero, not {excerpt(value)}")]
        if f.type == "integer" and int(value) != value:
            return [Problem(key, f"must be a whole number, not {excerpt(value)}")]
    if f.type == "date" and (not isinstance(value, str | dt.date) or not _is_date(value)):
        return [Problem(key, f"must be a date written YYYY-MM-DD, not {excerpt(value)}")]
    documented = f.documentation and isinstance(value, int | float | bool)
    if f.type == "string" and not isinstance(value, str) and not documented:
        if members:
            example = ", ".join(f'"{m}": ...' for m in ["name", *members])
            return [Problem(key, f"must be a string or an object {{{example}}}, not {excerpt(value)}")]
        return [Problem(key, f"must be a string, not {excerpt(value)}")]
    if f.allowed and value not in f.allowed:
        close = difflib.get_close_matches(str(value), f.allowed, n=1) if len(str(value)) <= 80 else []
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return [Problem(key, f"must be one of {', '.join(f.allowed)}, not {excerpt(value)}{hint}")]
    if key.endswith(".country") and not re.fullmatch(r"[A-Z]{2}", str(value)):
        return [
            Problem(
                key, f"must be an ISO 3166-1 alpha-2 code in capitals (e.g. FR, US), not {excerpt(value)}"
            )
        ]
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
    spellings = modality_spellings()
    close = difflib.get_close_matches(spelling(value), list(spellings), n=1, cutoff=0.7)
    return f" (did you mean {spellings[close[0]]!r}?)" if close else ""


def _is_date(value: str | dt.date) -> bool:
    if isinstance(value, dt.date):
        return not isinstance(value, dt.datetime)  # a date, not a date and a time
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))
