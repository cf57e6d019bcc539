"""A Hugging Face model card as an input (docs/contract.md §4; docs/model-cards.md): the description
(docs/contract.md §2) its YAML front matter yields, where each fact came from, and what a validation
still needs.

The front matter is found as ``huggingface_hub`` finds it (``REGEX_YAML_BLOCK``: a block between two
``---`` lines at the very start) and read as YAML 1.2, so ``language: no`` is Norwegian and not
``false`` and a date stays text; ``huggingface_hub.ModelCardData`` then reads the fields (the
``model-index`` into evaluation results). What each field gives, the Hub task table (``pipeline_tag`` ->
modalities) and the words of a gating field that ask for personal data are data, in
``ontology/model_cards.ttl``, with their sources and the judgement calls marked; the licence ids and
aliases are the catalogue's (``ontology/licences.ttl``). Nothing is guessed from the Markdown prose.

A card that cannot be read raises :class:`CardError`, a ``ValueError`` whose message names the problem
(and, for YAML, the line of the card).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from kg.excerpt import excerpt
from reasoner.description import DescriptionError, check, flatten, nested
from reasoner.description_formats import json_description, yaml_description
from reasoner.model_card_fields import CardError, kind_of, map_card, quiet
from reasoner.model_card_tables import HubTask, hub_tasks, labels, main, render_docs

__all__ = [
    "CardDescription",
    "CardError",
    "HubTask",
    "card_name",
    "card_report",
    "fetch_card",
    "hub_tasks",
    "is_card",
    "labels",
    "load_card",
    "main",
    "read_card",
    "read_card_file",
    "read_facts",
    "render_docs",
    "with_facts",
]


HF_PREFIX = "hf:"
_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
_FILE_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)_(.+)_readme\.md$", re.IGNORECASE)


@dataclass
class CardDescription:
    description: dict[str, Any]  # the description (docs/contract.md §2 keys) the card yields; at least "name"
    provenance: dict[str, str]  # key (dotted) -> where it came from: "card: license", "facts: FILE"
    notes: dict[str, str] = field(default_factory=dict)  # key -> what the card says near it, not a fact
    as_of: dt.date | None = None  # the day :attr:`missing` is judged on (today by default)

    @cached_property
    def missing(self) -> list[str]:
        """The keys a validation needs that neither the card nor the facts give: computed (one run of
        the engine) only when asked for, so a batch, which reads them from its reports, never pays."""
        return _missing(self.description, self.as_of)

    def as_json(self) -> dict[str, Any]:
        """What ``aiact describe --format json`` prints and ``POST /describe`` answers (docs/contract.md
        §4): the description, its provenance, the missing keys, and the notes when there are any."""
        out: dict[str, Any] = {
            "description": self.description,
            "provenance": self.provenance,
            "missing": self.missing,
        }
        if self.notes:
            out["notes"] = self.notes
        return out


def read_card(
    text: str,
    name: str | None = None,
    *,
    name_source: str | None = None,
    as_of: dt.date | None = None,
) -> CardDescription:
    """The description a card's text yields. ``name`` (the repository, ``owner/model``) is the model's
    name when given (``name_source`` says where it came from), else the card's ``model-index`` name."""
    description, provenance, notes = map_card(text, name, name_source)
    return CardDescription(_checked(description, "the description the card yields"), provenance, notes, as_of)


def _checked(description: dict[str, Any], what: str) -> dict[str, Any]:
    try:
        return check(description)
    except DescriptionError as err:
        raise CardError(f"{what} is not a valid description: {err}") from err


def _merge(base: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in facts.items():
        if key in nested() and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def with_facts(
    card: CardDescription, facts: dict[str, Any], source: str, *, as_of: dt.date | None = None
) -> CardDescription:
    """The card's description with ``facts`` (a description fragment, e.g. a YAML file) added: a fact
    overrides what the card gave, its provenance ``facts: SOURCE``. Facts that make the description
    invalid raise :class:`CardError` naming the problems."""
    if not isinstance(facts, dict):
        raise CardError(f"{source}: the facts must be a mapping of description keys, not a {kind_of(facts)}")
    description = _checked(_merge(card.description, facts), f"{source}: the card with these facts")
    provenance = dict(card.provenance)
    given = set(flatten(facts))
    for key in list(provenance):
        head = key.split(".", 1)[0]
        if key in given or (head in facts and not isinstance(facts[head], dict)):
            del provenance[key]
    for key in flatten(facts):
        provenance[key] = f"facts: {source}"
    notes = {k: v for k, v in card.notes.items() if k not in given}
    return CardDescription(description, provenance, notes, as_of)


# -- what a validation still needs --------------------------------------------------------------------------


def _report_missing(report: dict[str, Any]) -> list[str]:
    keys: list[str] = list(report.get("missing_facts", []))
    for c in report.get("classification", {}).values():
        keys += c.get("missing", [])
    for o in report.get("obligations", []):
        keys += o.get("missing", [])
    return list(dict.fromkeys(keys))


def _missing(description: dict[str, Any], as_of: dt.date | None) -> list[str]:
    """The keys the engine names as missing for this description (its open questions and undetermined
    obligations), as of ``as_of`` (today by default)."""
    from reasoner import validate

    return _report_missing(validate(description, as_of or dt.date.today()))


def card_report(card: CardDescription, report: dict[str, Any]) -> dict[str, Any]:
    """``report`` with ``"input"``: where its facts came from (the card, the facts file) and the keys
    it names as missing (docs/contract.md §5, Model cards)."""
    return {
        **report,
        "input": {
            "source": "model card",
            "provenance": dict(card.provenance),
            "missing": _report_missing(report),
        },
    }


# -- files and the Hub -------------------------------------------------------------------------------------


def is_card(path: Path) -> bool:
    """A Markdown file (``.md``), e.g. ``README.md`` or ``owner_model_README.md``."""
    return path.suffix.lower() == ".md"


def card_name(path: Path) -> str:
    """The model name a card file stands for: ``owner_model_README.md`` -> ``owner/model`` (Hub owners
    have no underscores), ``.../model/README.md`` -> ``model``, ``other.md`` -> ``other``."""
    match = _FILE_NAME.match(path.name)
    if match:
        return f"{match.group(1)}/{match.group(2)}"
    if path.name.lower() == "readme.md":
        parent = path.resolve().parent.name
        return parent or path.stem
    return path.stem


def _decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CardError(
            f"{where} is not UTF-8 text (byte {raw[err.start]:#04x} at position {err.start})"
        ) from err


def read_card_file(path: Path, *, as_of: dt.date | None = None) -> CardDescription:
    """:func:`read_card` of a card file, named by :func:`card_name`."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise CardError(f"cannot read {path}: {err.strerror}") from err
    return read_card(
        _decode(raw, str(path)), card_name(path), name_source=f"file name {path.name}", as_of=as_of
    )


def fetch_card(repo_id: str) -> str:
    """The README.md of the Hub model ``hf:OWNER/NAME`` (or ``OWNER/NAME``), fetched with
    ``huggingface_hub`` from ``HF_ENDPOINT`` (default https://huggingface.co) into a temporary folder
    (no cache: the card as it is now). Offline, not found, gated: :class:`CardError`."""
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import (
        EntryNotFoundError,
        GatedRepoError,
        HfHubHTTPError,
        RepositoryNotFoundError,
    )

    repo = repo_id.removeprefix(HF_PREFIX)
    if not _REPO_ID.match(repo) or ".." in repo:
        raise CardError(f"{excerpt(repo_id)} is not a Hub model id: write hf:OWNER/NAME")
    endpoint = os.environ.get("HF_ENDPOINT") or None
    where = endpoint or "https://huggingface.co"
    with tempfile.TemporaryDirectory(prefix="aiact-card-") as folder, quiet("huggingface_hub"):
        try:
            file = hf_hub_download(repo, "README.md", repo_type="model", cache_dir=folder, endpoint=endpoint)
            raw = Path(file).read_bytes()
        except GatedRepoError as err:
            raise CardError(f"hf:{repo} is gated on {where}: its card cannot be read without access") from err
        except RepositoryNotFoundError as err:
            raise CardError(f"hf:{repo}: no such model on {where}") from err
        except EntryNotFoundError as err:  # also the local error when offline with nothing cached
            if isinstance(err, HfHubHTTPError):
                raise CardError(f"hf:{repo} has no README.md on {where}") from err
            raise CardError(f"hf:{repo}: the Hub cannot be reached ({where}) and nothing is cached") from err
        except HfHubHTTPError as err:
            status = err.response.status_code if err.response is not None else "?"
            raise CardError(f"hf:{repo}: the Hub answered {status} ({where})") from err
        except (OSError, ValueError) as err:  # no connection, offline mode, a bad answer
            raise CardError(
                f"hf:{repo}: the card cannot be fetched from {where}: {excerpt(str(err), 160)}"
            ) from err
        except Exception as err:  # httpx's own errors (timeouts, protocol) are not OSError
            if type(err).__module__.split(".")[0] not in ("httpx", "httpcore", "huggingface_hub"):
                raise
            raise CardError(
                f"hf:{repo}: the card cannot be fetched from {where}: {excerpt(str(err), 160)}"
            ) from err
    return _decode(raw, f"the card of hf:{repo}")


def load_card(source: str, *, as_of: dt.date | None = None) -> CardDescription:
    """A card named as on the command line: ``hf:OWNER/NAME`` (fetched) or the path of a ``.md`` file."""
    if source.startswith(HF_PREFIX):
        repo = source.removeprefix(HF_PREFIX)
        return read_card(fetch_card(source), repo, name_source=f"Hub id {source}", as_of=as_of)
    return read_card_file(Path(source), as_of=as_of)


def read_facts(path: Path) -> dict[str, Any]:
    """A facts file (YAML, or JSON for ``.json``): a description fragment, checked with the card."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise CardError(f"cannot read {path}: {err.strerror}") from err
    text = _decode(raw, str(path))
    try:
        data = json_description(text) if path.suffix.lower() == ".json" else yaml_description(text)
    except DescriptionError as err:
        raise CardError(f"{path}: {err}") from err
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CardError(f"{path}: the facts must be a mapping of description keys, not a {kind_of(data)}")
    return data


if __name__ == "__main__":
    raise SystemExit(main())
