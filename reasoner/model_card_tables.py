"""The mapping tables of model cards (``ontology/model_cards.ttl``): the Hub task table, the words of a
gating field that ask for personal data, the catalogue's licence ids and aliases; the description keys'
labels; and ``docs/model-cards.md``, rendered from them (``python -m reasoner.model_card``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from rdflib import RDF, Graph
from rdflib.namespace import RDFS, SKOS

from kg import paths
from kg.ids import AIKG
from reasoner.description import fields

# -- the mapping tables (ontology/model_cards.ttl) ----------------------------------------------------


@dataclass(frozen=True)
class HubTask:
    task: str  # the pipeline_tag
    inputs: tuple[str, ...]  # keys of the modality vocabulary
    outputs: tuple[str, ...]
    judgement: str  # why, when the task's name does not settle it; "" otherwise


@dataclass(frozen=True)
class _Tables:
    tasks: dict[str, HubTask]
    personal_terms: tuple[str, ...]
    personal_types: frozenset[str]
    licences: dict[str, str]  # every id and alias of the catalogue, lower case -> its id


@cache
def _graph() -> Graph:
    g = Graph()
    for name in ("model_cards.ttl", "description.ttl", "licences.ttl"):
        g.parse(paths.ONTOLOGY / name)
    return g


def _notation(g: Graph, node: Any) -> str:
    return str(g.value(node, SKOS.notation))


@cache
def _tables() -> _Tables:
    g = _graph()
    tasks = {}
    for node in g.subjects(RDF.type, AIKG.HubTask):
        key = _notation(g, node)
        tasks[key] = HubTask(
            key,
            tuple(sorted(_notation(g, m) for m in g.objects(node, AIKG.taskInput))),
            tuple(sorted(_notation(g, m) for m in g.objects(node, AIKG.taskOutput))),
            str(g.value(node, AIKG.judgementCall) or ""),
        )
    terms = sorted(
        {str(t).lower() for t in g.objects(None, AIKG.personalDataTerm)}, key=lambda t: (-len(t), t)
    )
    types = frozenset(str(t).lower() for t in g.objects(None, AIKG.personalDataFieldType))
    licences = {}
    for lic in g.subjects(AIKG.licenceId, None):
        ident = str(g.value(lic, AIKG.licenceId))
        for spelling in [ident, *(str(a) for a in g.objects(lic, AIKG.licenceAlias))]:
            licences[spelling.lower()] = ident
    return _Tables(dict(sorted(tasks.items())), tuple(terms), types, licences)


def hub_tasks() -> dict[str, HubTask]:
    """The Hub task table of ``ontology/model_cards.ttl``, by ``pipeline_tag``."""
    return _tables().tasks


@cache
def _special_licences() -> dict[str, str]:
    """The values of ``license`` read in a special way (aikg:cardValue): ``other``, ``unknown``."""
    g = _graph()
    return {str(v): str(g.value(n, AIKG.judgementCall)) for n, v in g.subject_objects(AIKG.cardValue)}


def labels() -> dict[str, tuple[str, list[str]]]:
    """Every description key: its label and the provisions that ask for it (IRIs), from
    ``ontology/description.ttl``."""
    g = _graph()
    out = {}
    for prop, key in g.subject_objects(AIKG.jsonKey):
        if str(key) not in fields():
            continue
        label = next(
            (str(x) for x in g.objects(prop, RDFS.label) if getattr(x, "language", None) == "en"), ""
        )
        out[str(key)] = (label, sorted(str(a) for a in g.objects(prop, AIKG.asksFor)))
    return out


# -- docs/model-cards.md ----------------------------------------------------------------------------------

DOC = paths.ROOT / "docs" / "model-cards.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_docs() -> str:
    """The text of ``docs/model-cards.md``, from ``ontology/model_cards.ttl`` (tests check the copy)."""
    g = _graph()
    keys = {str(p): str(k) for p, k in g.subject_objects(AIKG.jsonKey)}
    out = [
        "# Model cards as input",
        "",
        "Generated from `ontology/model_cards.ttl` by `python -m reasoner.model_card` (do not edit by hand;",
        "`tests/test_model_cards.py` fails on a stale copy). `aiact describe CARD.md` (or `hf:OWNER/NAME`)",
        "reads the YAML front matter of a Hugging Face model card into a model description (docs/contract.md",
        "§2), says where each fact came from and which keys a validation still needs (docs/contract.md §4,",
        '§5 "Model cards"). The front matter is read as YAML 1.2 (`no` is Norwegian, dates stay text);',
        "nothing is read from the Markdown prose, and a figure stated only there stays missing.",
        "",
        "## Card fields",
        "",
        "| card field | description key | how | judgement call | source |",
        "|---|---|---|---|---|",
    ]
    rows = []
    for node in g.subjects(RDF.type, AIKG.CardField):
        name = _notation(g, node)
        value = g.value(node, AIKG.cardValue)
        shown = f"`{name}`" + (f" = {value}" if value is not None else "")
        targets = sorted(f"`{keys[str(t)]}`" for t in g.objects(node, AIKG.targetProperty))
        what = str(g.value(node, SKOS.definition) or "")
        judgement = str(g.value(node, AIKG.judgementCall) or "")
        src = g.value(node, AIKG.sourceUrl)
        rows.append((name, str(value or ""), f"| {shown} | {', '.join(targets) or 'none (a note)'} | "
                     f"{_cell(what)} | {_cell(judgement)} | {f'<{src}>' if src else ''} |"))  # fmt: skip
    out += [row for *_, row in sorted(rows)]
    gate = next(iter(g.subjects(AIKG.personalDataTerm, None)))
    terms = sorted(str(t) for t in g.objects(gate, AIKG.personalDataTerm))
    types = sorted(str(t) for t in g.objects(gate, AIKG.personalDataFieldType))
    out += [
        "",
        "## Gating fields that ask for personal data",
        "",
        _cell(str(g.value(gate, SKOS.definition))),
        "A gating field (`extra_gated_fields`) asks for personal data when its label holds one of these",
        "terms as whole words (without regard to case): "
        + ", ".join(f"`{t}`" for t in terms)
        + "; or when its",
        "type is "
        + " or ".join(f"`{t}`" for t in types)
        + ". Judgement call: "
        + _cell(str(g.value(gate, AIKG.judgementCall)))
        + f". Source: <{g.value(gate, AIKG.sourceUrl)}>.",
        "",
        "## Hub tasks (`pipeline_tag`) and their modalities",
        "",
        "Keys of the modality vocabulary (`ontology/description.ttl`). Source: the Hub's task list, "
        f"<{g.value(AIKG.HubTask, AIKG.sourceUrl)}>. A tag not listed leaves the modalities missing.",
        "",
        "| pipeline_tag | input_modalities | output_modalities | judgement call |",
        "|---|---|---|---|",
    ]
    for task in hub_tasks().values():
        ins = ", ".join(task.inputs) or "(missing)"
        outs = ", ".join(task.outputs) or "(missing)"
        out.append(f"| `{task.task}` | {ins} | {outs} | {_cell(task.judgement)} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m reasoner.model_card [DIR]``: write docs/model-cards.md (``make generate`` runs it)."""
    from reasoner.schema import write_generated

    return write_generated([(DOC, render_docs)], argv)
