"""Reading a model card's front matter, and the mapping of its fields to description keys
(``reasoner.model_card`` puts them together; the tables are ``reasoner.model_card_tables``)."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from typing import Any

import yaml
from huggingface_hub import ModelCardData
from huggingface_hub.repocard import REGEX_YAML_BLOCK

from kg.excerpt import excerpt
from reasoner.description import MAX_BYTES
from reasoner.description_formats import DescriptionLoader
from reasoner.model_card_tables import _special_licences, _tables, hub_tasks

UNNAMED = "unnamed model"


class CardError(ValueError):
    """A model card that cannot be read: the message names the problem (and the line for YAML)."""


# -- reading the front matter ---------------------------------------------------------------------------


class CardLoader(DescriptionLoader):
    """The front matter of a card: the description's YAML reader (YAML 1.2 floats, no timestamps, no
    anchors, bounded depth) with YAML 1.2 booleans too: only ``true`` and ``false``, so the language
    code ``no`` (Norwegian), ``yes``, ``on`` and ``off`` stay text."""


CardLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in DescriptionLoader.yaml_implicit_resolvers.items()
}
CardLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _front_matter(text: str) -> dict[str, Any]:
    match = REGEX_YAML_BLOCK.search(text)
    if not match:
        return {}
    block = match.group(2)
    if len(block) > MAX_BYTES:
        raise CardError(f"the front matter is larger than {MAX_BYTES} bytes")
    first_line = text[: match.start(2)].count("\n") + 1  # the card's line of the block's first line
    try:
        data = yaml.load(block, Loader=CardLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"line {first_line + mark.line}: " if mark is not None else ""
        problem = " ".join(str(p) for p in (err.context, err.problem) if p)
        raise CardError(f"the front matter is not valid YAML: {where}{excerpt(problem, 200)}") from err
    except yaml.YAMLError as err:
        raise CardError(f"the front matter is not valid YAML: {excerpt(str(err), 200)}") from err
    except (ValueError, TypeError, OverflowError) as err:  # a tag that cannot be built: !!float abc
        raise CardError(f"the front matter is not valid YAML: a value cannot be read: {err}") from err
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CardError(f"the front matter is a {_kind(data)}, not a mapping of fields (key: value)")
    return {k: v for k, v in data.items() if isinstance(k, str)}


def _kind(value: Any) -> str:
    return {list: "list", str: "text", int: "number", float: "number", bool: "boolean"}.get(
        type(value), "value"
    )


@contextlib.contextmanager
def quiet(name: str) -> Iterator[None]:
    """huggingface_hub logs a warning for each field it cannot read; the reader says so itself."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _card_data(data: dict[str, Any]) -> ModelCardData:
    with quiet("huggingface_hub"):
        try:
            return ModelCardData(**data, ignore_metadata_errors=True)
        except (ValueError, TypeError, KeyError, AttributeError):  # a field of the wrong shape
            safe = {k: v for k, v in data.items() if k not in ("model-index", "eval_results", "model_name")}
            return ModelCardData(**safe, ignore_metadata_errors=True)


def _texts(value: Any) -> list[str]:
    """A field that is one value or a list, as text (a YAML number or boolean written as it reads)."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if item is None or isinstance(item, (dict, list)):
            continue
        text = ("true" if item else "false") if isinstance(item, bool) else str(item).strip()
        if text:
            out.append(text)
    return out


# -- the mapping -----------------------------------------------------------------------------------------


class _Builder:
    def __init__(self) -> None:
        self.description: dict[str, Any] = {}
        self.provenance: dict[str, str] = {}
        self.notes: dict[str, str] = {}

    def put(self, key: str, value: Any, source: str) -> None:
        head, _, rest = key.partition(".")
        if rest:
            self.description.setdefault(head, {})[rest] = value
        else:
            self.description[key] = value
        self.provenance[key] = source

    def note(self, key: str, text: str) -> None:
        self.notes[key] = f"{self.notes[key]}; {text}" if key in self.notes else text


def _licence(b: _Builder, card: ModelCardData, data: dict[str, Any]) -> None:
    given = _texts(data.get("license"))
    if not given:
        return
    special = _special_licences()
    catalogue = _tables().licences
    named = _texts(data.get("license_name"))
    ids: list[str] = []
    for value in given:
        if value.lower() == "unknown":
            continue
        if value.lower() == "other":
            if named:
                ids += [catalogue.get(n.lower(), n) for n in named]
            else:
                b.note("licence", "the card says license: other and gives no license_name")
            continue
        ids.append(catalogue.get(value.lower(), value))
    ids = list(dict.fromkeys(ids))
    if not ids:
        if any(v.lower() == "unknown" for v in given):
            b.note("licence", "the card says license: unknown")
        return
    source = "card: license" + (" + license_name" if named and "other" in (v.lower() for v in given) else "")
    if len(ids) > 1:
        b.note("licence", f"the card lists {len(ids)} licences ({', '.join(ids)}): {special['a list']}")
        source += f" (a list of {len(ids)})"
    b.put("licence", " OR ".join(ids), source)


def _base_model(b: _Builder, data: dict[str, Any]) -> None:
    bases = _texts(data.get("base_model"))
    if not bases:
        return
    relation = _texts(data.get("base_model_relation"))
    source = "card: base_model" + (f" (relation: {relation[0]})" if relation else "")
    b.put("base_model.name", " + ".join(bases), source)


def _modalities(b: _Builder, data: dict[str, Any]) -> None:
    tags = _texts(data.get("pipeline_tag"))
    if not tags:
        return
    tag = tags[0]
    task = hub_tasks().get(tag.lower())
    if task is None:
        b.note("input_modalities", f"pipeline_tag {excerpt(tag)} is not a Hub task the table knows")
        return
    if not task.inputs and not task.outputs:
        b.note("input_modalities", f"pipeline_tag {tag}: {task.judgement}")
        return
    source = f"card: pipeline_tag {task.task}"
    b.put("input_modalities", list(task.inputs), source)
    b.put("output_modalities", list(task.outputs), source)
    if task.judgement:
        b.note("input_modalities", f"judgement call for {task.task}: {task.judgement}")


def _number(value: Any) -> str:
    return str(value)  # as the card writes it: no rounding


def _result_line(task: str, dataset: str, dataset_id: str, split: str, metric: str, value: Any) -> str:
    where = dataset or dataset_id
    if dataset and dataset_id and dataset_id != dataset:
        where += f" ({dataset_id})"
    if split:
        where += f", {split} split"
    return f"{task}" + (f" on {where}" if where else "") + f": {metric} = {_number(value)}"


def _text(value: Any) -> str:
    return str(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def _lenient_results(model_index: Any) -> list[str]:
    """The results of a ``model-index`` that huggingface_hub rejects (it needs a dataset for each, and
    drops the whole index when one lacks it): every metric with a value, as the card writes it."""
    lines = []
    for entry in model_index if isinstance(model_index, list) else []:
        for result in (entry.get("results") if isinstance(entry, dict) else None) or []:
            if not isinstance(result, dict):
                continue
            task: dict[str, Any] = result["task"] if isinstance(result.get("task"), dict) else {}
            data: dict[str, Any] = result["dataset"] if isinstance(result.get("dataset"), dict) else {}
            for metric in result.get("metrics") or []:
                if not isinstance(metric, dict) or _text(metric.get("value")) == "":
                    continue
                lines.append(
                    _result_line(
                        _text(task.get("name")) or _text(task.get("type")) or "evaluation",
                        _text(data.get("name")),
                        _text(data.get("type")),
                        _text(data.get("split")),
                        _text(metric.get("name")) or _text(metric.get("type")) or "metric",
                        metric.get("value"),
                    )
                )
    return lines


def _evaluation(b: _Builder, card: ModelCardData, data: dict[str, Any]) -> None:
    results = getattr(card, "eval_results", None) or []
    lines = [
        _result_line(
            r.task_name or r.task_type,
            r.dataset_name or "",
            r.dataset_type or "",
            r.dataset_split or "",
            r.metric_name or r.metric_type,
            r.metric_value,
        )
        for r in results
    ] or _lenient_results(data.get("model-index"))
    lines = list(dict.fromkeys(lines))
    if lines:
        b.put("documentation.evaluation_results", "\n".join(lines), "card: model-index")


def _gating(b: _Builder, data: dict[str, Any]) -> None:
    gated = data.get("extra_gated_fields")
    if not isinstance(gated, dict) or not gated:
        if gated is not None:
            b.note(
                "access_requires_personal_data", "the card's extra_gated_fields is not a mapping of fields"
            )
        return
    t = _tables()
    personal = []
    for label, kind in gated.items():
        kind_text = str(kind.get("type", "") if isinstance(kind, dict) else kind).lower()
        words = str(label).lower()
        if kind_text in t.personal_types or any(
            re.search(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])", words) for term in t.personal_terms
        ):
            personal.append(str(label))
    if personal:
        shown = ", ".join(p if len(p) <= 40 else p[:39] + "…" for p in personal[:5]) + (
            ", ..." if len(personal) > 5 else ""
        )
        b.put("access_requires_personal_data", True, f"card: extra_gated_fields ({shown})")
    else:
        b.note(
            "access_requires_personal_data",
            "the card gates access but asks for no personal data in its fields; the Hub shares the "
            "username and e-mail address of each user granted access with the authors",
        )


def _notes(b: _Builder, data: dict[str, Any]) -> None:
    datasets = _texts(data.get("datasets"))
    if datasets:
        b.note("documentation.training_data", "the card names the datasets " + ", ".join(datasets))
    languages = _texts(data.get("language")) or _texts(data.get("languages"))
    if languages:
        b.note("documentation.modalities_and_formats", "the card names the languages " + ", ".join(languages))
    library = _texts(data.get("library_name"))
    if library:
        version = _texts(data.get("library_version"))
        b.note(
            "documentation.software_versions",
            f"the card names the library {library[0]}" + (f" {version[0]}" if version else " (no version)"),
        )
    co2 = data.get("co2_eq_emissions")
    grams = co2.get("emissions") if isinstance(co2, dict) else co2
    if isinstance(grams, (int, float)) and not isinstance(grams, bool):
        b.note(
            "documentation.energy_consumption_mwh",
            f"the card states emissions of {_number(grams)} g CO2 eq (not energy)",
        )


def _name(b: _Builder, card: ModelCardData, name: str | None, name_source: str | None) -> None:
    if name:
        b.put("name", name, name_source or "given")
        return
    own = getattr(card, "model_name", None)
    if isinstance(own, str) and own.strip():
        b.put("name", own.strip(), "card: model-index name")
    else:
        b.put("name", UNNAMED, "none: the card names no model")


def map_card(
    text: str, name: str | None, name_source: str | None
) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """The description a card's text yields (unchecked), the source of each fact, and the notes."""
    data = _front_matter(text.removeprefix("\ufeff"))
    card = _card_data(data)
    b = _Builder()
    _name(b, card, name, name_source)
    _licence(b, card, data)
    _base_model(b, data)
    _modalities(b, data)
    _evaluation(b, card, data)
    _gating(b, data)
    _notes(b, data)
    return b.description, b.provenance, b.notes


def kind_of(value: Any) -> str:
    """What a value is, as a message names it ("a list", "a number")."""
    return _kind(value)
