"""The report of docs/contract.md §3, from an engine :class:`~reasoner.engine.Outcome`: JSON-ready dictionary,
readable text, and the W3C SHACL validation report (Turtle, JSON-LD).

The verdict is honest: ``conforms`` is ``true`` only when every obligation is determined and none is
violated, ``false`` when one is violated, and ``null`` (cannot tell) when one is undetermined; the
report then names the facts that would decide (``missing_facts``).
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph

from reasoner.engine import Engine, Outcome


def report(engine: Engine, outcome: Outcome) -> dict[str, Any]:
    cite = engine.citations
    classification = {}
    for key, c in outcome.classification.conclusions.items():
        entry: dict[str, Any] = {"value": c.value, "basis": c.basis, "because": c.because,
                                 "binding": all(cite.cite(i)["binding"] for i in c.cites),
                                 "citations": cite.many(c.cites)}  # fmt: skip
        if c.missing:
            entry["missing"] = c.missing
        classification[key] = entry
    violated = {s.obligation for s, _ in outcome.violations if s.severity == "violation"}
    obligations = []
    for o in outcome.classification.obligations:
        ob = engine.obligations[o.id]
        bases = list(ob.bases)
        status = o.status
        because = o.because
        if status == "due":
            status = "violated" if o.id in violated else "met"
            found = (
                "required information missing: see violations"
                if status == "violated"
                else "the documentation the obligation requires is given"
            )
            because = found if because == "in force" else f"{because}; {found}"
        if o.scope == "modification":
            because += "; " + engine.obligations.modification_scope_reason
        entry = {
            "id": o.id,
            "title": ob.title,
            "citation": cite.cite(bases[0]),
            "citations": cite.many([*bases, *o.cites]),
            "status": status,
            "because": because,
            "applies_from": o.applies_from,
            "due": o.due,
        }
        if o.status == "exempt" and ob.exemption:
            entry["exempted_by"] = cite.cite(ob.exemption)
        if o.missing:
            entry["missing"] = o.missing
        if o.scope:
            entry["scope"] = o.scope
        obligations.append(entry)
    violations = []
    for shape, focus in outcome.violations:
        cites = cite.many(list(shape.bases) + list(shape.guidance))
        law = [c for c in cites if c["binding"]]
        violations.append({
            "severity": shape.severity,
            "message": engine.rules.fill(shape.message, outcome.classification.facts),
            "path": shape.key,
            "citation": law[0] if law else cites[0],
            "citations": cites,
            "obligation": shape.obligation,
            "shape": shape.iri,
            "focus": focus,
        })  # fmt: skip
    return {
        "model": outcome.data["name"],
        "as_of": outcome.as_of.isoformat(),
        "conforms": verdict(obligations, violations),
        "missing_facts": missing_facts(classification, obligations),
        "classification": classification,
        "designation_indicators": [
            {"criterion": i["criterion"], "because": i["because"], "citations": cite.many(i["cites"])}
            for i in outcome.classification.indicators
        ],
        "obligations": obligations,
        "violations": violations,
        "text_version": engine.text_version,
    }


def verdict(obligations: list[dict[str, Any]], violations: list[dict[str, Any]]) -> bool | None:
    """``False`` if an obligation is violated (or a legally required item is missing), ``None`` if an
    obligation is undetermined, else ``True``."""
    if any(o["status"] == "violated" for o in obligations) or any(
        v["severity"] == "violation" for v in violations
    ):
        return False
    if any(o["status"] == "undetermined" for o in obligations):
        return None
    return True


def missing_facts(classification: dict[str, Any], obligations: list[dict[str, Any]]) -> list[str]:
    """The facts that would decide an open question, in the order the report first names them."""
    out: list[str] = []
    open_questions = [c for c in classification.values() if c["value"] is None and c["basis"] != "moot"]
    undetermined = [o for o in obligations if o["status"] == "undetermined"]
    for item in [*open_questions, *undetermined]:
        for fact in item.get("missing", []):
            if fact not in out:
                out.append(fact)
    return out


def shacl_report(outcome: Outcome, fmt: str) -> str:
    """The W3C SHACL validation report, as Turtle or JSON-LD."""
    g: Graph = outcome.results
    g.bind("sh", "http://www.w3.org/ns/shacl#")
    return g.serialize(format="json-ld" if fmt == "jsonld" else "turtle")


def _value(v: bool | None) -> str:
    return "unknown" if v is None else "yes" if v else "no"


def verdict_line(rep: dict[str, Any]) -> str:
    """One line: the verdict, and what would change it."""
    head = f"{rep['model']} — as of {rep['as_of']}: "
    if rep["conforms"] is False:
        violated = [o["citation"]["notation"] for o in rep["obligations"] if o["status"] == "violated"]
        count = sum(v["severity"] == "violation" for v in rep["violations"])
        return head + f"DOES NOT CONFORM — {count} violation(s) of {', '.join(violated) or 'the Act'}"
    if rep["conforms"] is None:
        facts = ", ".join(rep["missing_facts"]) or "see the undetermined obligations"
        return head + f"CANNOT TELL — some obligations are undetermined; facts to add: {facts}"
    return head + "CONFORMS — every obligation is determined and none is violated"


def to_add(rep: dict[str, Any]) -> list[tuple[str, str, list[str], str]]:
    """What to add, one entry per key: (severity, key, every provision asking for it, message)."""
    entries: dict[str, tuple[str, str, list[str], str]] = {}
    rank = {"violation": 0, "warning": 1, "info": 2}
    for v in rep["violations"]:
        severity, key, cites, message = entries.get(v["path"], (v["severity"], v["path"], [], v["message"]))
        for c in v["citations"]:
            if c["notation"] not in cites:
                cites.append(c["notation"])
        if rank[v["severity"]] < rank[severity]:
            severity, message = v["severity"], v["message"]
        entries[v["path"]] = (severity, key, cites, message)
    return sorted(entries.values(), key=lambda e: (rank[e[0]], e[1]))


def text(rep: dict[str, Any]) -> str:
    """The report as a provider reads it: the verdict first, then what to add, then the reasons."""
    lines = [verdict_line(rep), ""]
    additions = to_add(rep)
    if additions:
        lines.append("What to add")
        for severity, key, cites, message in additions:
            lines.append(f"  [{severity}] {key} ({'; '.join(cites)})")
            lines.append(f"      {message}")
        lines.append("")
    lines.append("Classification")
    for key, c in rep["classification"].items():
        kind = "" if c["binding"] else " [guidance]"
        notations = "; ".join(x["notation"] for x in c["citations"])
        value = "moot" if c["basis"] == "moot" else _value(c["value"])
        lines.append(f"  {key.replace('_', ' ')}: {value} — {c['because']} ({notations}){kind}")
        if c.get("missing"):
            lines.append(f"      missing: {', '.join(c['missing'])}")
    for i in rep["designation_indicators"]:
        lines.append(
            f"  designation indicator: {i['because']} ({'; '.join(x['notation'] for x in i['citations'])})"
        )
    lines += ["", "Obligations"]
    for o in rep["obligations"]:
        due = f", due {o['due']}" if o.get("due") else ""
        lines.append(f"  {o['citation']['notation']:<14} {o['title']:<45} {o['status'].upper()}{due}")
        if o["status"] not in ("met",):
            lines.append(f"      {o['because']}")
        if o.get("missing"):
            lines.append(f"      missing: {', '.join(o['missing'])}")
    return "\n".join(lines)
