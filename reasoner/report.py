"""The report of CONTRACT §3, from an engine :class:`~reasoner.engine.Outcome`: JSON-ready dictionary,
readable text, and the W3C SHACL validation report (Turtle, JSON-LD)."""

from __future__ import annotations

from typing import Any

from rdflib import Graph

from reasoner.engine import Engine, Outcome

STATUS_ORDER = ("violated", "met", "undetermined", "not_yet_applicable", "exempt", "not_applicable")


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
        title, bases, exemption = engine.obligation_meta[o.id]
        status = o.status
        because = o.because
        if status == "due":
            status = "violated" if o.id in violated else "met"
            because = (
                "required information missing: see violations"
                if status == "violated"
                else "the documentation the obligation requires is given"
            )
        entry = {
            "id": o.id,
            "title": title,
            "citation": cite.cite(bases[0]),
            "citations": cite.many([*bases, *o.cites]),
            "status": status,
            "because": because,
            "applies_from": o.applies_from,
            "due": o.due,
        }
        if o.status == "exempt" and exemption:
            entry["exempted_by"] = cite.cite(exemption)
        if o.missing:
            entry["missing"] = o.missing
        obligations.append(entry)
    order = [
        "art52-1", "art53-1-a", "art53-1-b", "art53-1-c", "art53-1-d", "art54-1",
        "art55-1-a", "art55-1-b", "art55-1-c", "art55-1-d",
    ]  # fmt: skip
    obligations.sort(key=lambda e: order.index(e["id"]) if e["id"] in order else len(order))
    violations = []
    for shape, focus in outcome.violations:
        cites = cite.many(list(shape.bases) + list(shape.guidance))
        law = [c for c in cites if c["binding"]]
        violations.append({
            "severity": shape.severity,
            "message": shape.message,
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
        "conforms": not any(v["severity"] == "violation" for v in violations),
        "classification": classification,
        "designation_indicators": [
            {"criterion": i["criterion"], "because": i["because"], "citations": cite.many(i["cites"])}
            for i in outcome.classification.indicators
        ],
        "obligations": obligations,
        "violations": violations,
        "text_version": "Regulation (EU) 2024/1689 as published in OJ L, 12.7.2024 (original text)",
    }


def shacl_report(outcome: Outcome, fmt: str) -> str:
    """The W3C SHACL validation report, as Turtle or JSON-LD."""
    g: Graph = outcome.results
    g.bind("sh", "http://www.w3.org/ns/shacl#")
    return g.serialize(format="json-ld" if fmt == "jsonld" else "turtle")


def _value(v: bool | None) -> str:
    return "unknown" if v is None else "yes" if v else "no"


def text(rep: dict[str, Any]) -> str:
    """The report as a provider reads it."""
    count = sum(v["severity"] == "violation" for v in rep["violations"])
    verdict = "conforms" if rep["conforms"] else f"{count} violation(s)"
    lines = [f"{rep['model']} — assessed as of {rep['as_of']}: {verdict}", ""]
    lines.append("Classification")
    for key, c in rep["classification"].items():
        kind = "" if c["binding"] else " [guidance]"
        cites = "; ".join(x["notation"] for x in c["citations"])
        lines.append(f"  {key.replace('_', ' ')}: {_value(c['value'])} — {c['because']} ({cites}){kind}")
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
    if rep["violations"]:
        lines += ["", "Violations"]
        for v in rep["violations"]:
            cites = "; ".join(x["notation"] for x in v["citations"])
            lines.append(f"  [{v['severity']}] {v['path']} ({cites})")
            lines.append(f"      {v['message']}")
    return "\n".join(lines)
