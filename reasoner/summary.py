"""The summary of a collection of reports (docs/contract.md §5, "Collections"): counts by classification
and by verdict, the most frequent missing items with their citations, the slowest inputs, the
throughput and the wall time.

A report is first cut down to its :func:`digest` (where it was made: in a worker process of
``reasoner.batch``, as its ``render``), and the digests are added to a :class:`Summary` one by one, so
that a summary over any number of reports holds only counters. The CLI (``aiact validate``) uses it; the
service could too.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any

from reasoner.batch import Source, dumps

__all__ = ["CLASSIFICATIONS", "VERDICTS", "Summary", "digest", "line_and_digest", "text", "verdict"]

CLASSIFICATIONS = ("gpai_model", "systemic_risk", "open_source_exemption")
VERDICTS = ("conforms", "violations", "cannot tell", "error")
SLOWEST = 5
MOST_MISSING = 10


def verdict(report: dict[str, Any]) -> str:
    """``conforms``, ``violations``, ``cannot tell`` (``conforms`` true, false, null), or ``error``."""
    if "error" in report:
        return "error"
    return {True: "conforms", False: "violations", None: "cannot tell"}[report["conforms"]]


def _notations(citations: list[dict[str, Any]]) -> list[str]:
    return [c["notation"] for c in citations if c.get("notation")]


def digest(report: dict[str, Any], source: Source | None = None, seconds: float = 0.0) -> dict[str, Any]:
    """What a summary or a CSV row needs of a report (or an error object): small, so that it is cheap to
    send back from a worker. ``violations`` counts the entries of severity ``violation`` per obligation
    id, for every obligation the report lists, in its order; ``missing`` lists ``[kind, item,
    citations]``: each missing fact (kind ``missing fact``, cited by the conclusions and obligations whose
    ``missing`` names it) and each violation's path (kind its severity, cited by its citations)."""
    name = source.name if source is not None else None
    if "error" in report:
        return {"file": name, "seconds": seconds, "verdict": "error", "error": report["error"]["problem"]}
    counts = {o["id"]: 0 for o in report["obligations"]}
    for v in report["violations"]:
        if v.get("severity") == "violation" and v.get("obligation") in counts:
            counts[v["obligation"]] += 1
    missing: list[list[Any]] = []
    asked = [*report["classification"].values(), *report["obligations"]]
    for key in report["missing_facts"]:
        cites: list[str] = []
        for part in asked:
            if key in (part.get("missing") or []):
                cites += _notations(part.get("citations") or [part["citation"]])
        missing.append(["missing fact", key, list(dict.fromkeys(cites))])
    for v in report["violations"]:
        if v.get("path"):
            missing.append([v["severity"], v["path"], _notations(v.get("citations") or [v["citation"]])])
    return {
        "file": name,
        "seconds": seconds,
        "model": report["model"],
        **{k: report["classification"][k]["value"] for k in CLASSIFICATIONS},
        "verdict": verdict(report),
        "violations": counts,
        "missing": missing,
    }


def line_and_digest(
    report: dict[str, Any], source: Source, seconds: float = 0.0
) -> tuple[bytes, dict[str, Any]]:
    """The JSON Lines line of a report (with ``"file"`` first: the source's name) and its digest."""
    return dumps({"file": source.name, **report}) + b"\n", digest(report, source, seconds)


@dataclass
class _Item:
    count: int = 0
    citations: dict[str, None] = field(default_factory=dict)


class Summary:
    """Counters over the digests added; :meth:`result` the summary as a JSON-ready dictionary."""

    def __init__(self) -> None:
        self.inputs = 0
        self.classification = {k: {"true": 0, "false": 0, "null": 0} for k in CLASSIFICATIONS}
        self.verdicts = dict.fromkeys(VERDICTS, 0)
        self.missing: dict[tuple[str, str], _Item] = {}
        self.errors: dict[str, int] = {}
        self._slowest: list[tuple[float, int, str]] = []

    def add(self, d: dict[str, Any]) -> None:
        self.inputs += 1
        self.verdicts[d["verdict"]] += 1
        name = d.get("file") or f"#{self.inputs}"
        entry = (float(d.get("seconds") or 0.0), -self.inputs, name)
        if len(self._slowest) < SLOWEST:
            heapq.heappush(self._slowest, entry)
        else:
            heapq.heappushpop(self._slowest, entry)
        if d["verdict"] == "error":
            self.errors[d["error"]] = self.errors.get(d["error"], 0) + 1
            return
        for k in CLASSIFICATIONS:
            self.classification[k][{True: "true", False: "false", None: "null"}[d[k]]] += 1
        for kind, item, cites in d["missing"]:
            entry_ = self.missing.setdefault((kind, item), _Item())
            entry_.count += 1
            entry_.citations.update(dict.fromkeys(cites))

    def result(self, wall_seconds: float) -> dict[str, Any]:
        """The summary: ``inputs``, ``classification`` (per key, how many are true / false / null, over
        the reports), ``verdicts``, ``most_missing`` (the most frequent items, with their kind, count and
        citations), ``errors`` (the reasons, most frequent first), ``slowest`` (files and seconds),
        ``wall_seconds`` and ``per_second`` (inputs per second of wall time)."""
        most = sorted(self.missing.items(), key=lambda kv: (-kv[1].count, kv[0][1], kv[0][0]))[:MOST_MISSING]
        return {
            "inputs": self.inputs,
            "classification": self.classification,
            "verdicts": self.verdicts,
            "most_missing": [
                {"item": item, "kind": kind, "count": v.count, "citations": list(v.citations)}
                for (kind, item), v in most
            ],
            "errors": [
                {"reason": r, "count": n}
                for r, n in sorted(self.errors.items(), key=lambda kv: (-kv[1], kv[0]))[:MOST_MISSING]
            ],
            "slowest": [
                {"file": name, "seconds": round(t, 6)} for t, _, name in sorted(self._slowest, reverse=True)
            ],
            "wall_seconds": round(wall_seconds, 3),
            "per_second": round(self.inputs / wall_seconds, 1) if wall_seconds > 0 else None,
        }


def text(summary: dict[str, Any]) -> str:
    """The summary as text, for a terminal."""
    lines = [f"{summary['inputs']} inputs in {summary['wall_seconds']:.2f} s"
             + (f" ({summary['per_second']:.1f} per second)" if summary["per_second"] else "")]  # fmt: skip
    lines.append("verdicts: " + ", ".join(f"{k} {n}" for k, n in summary["verdicts"].items()))
    for key, counts in summary["classification"].items():
        lines.append(f"{key}: " + ", ".join(f"{k} {n}" for k, n in counts.items()))
    if summary["most_missing"]:
        lines.append("most frequent missing items:")
        for m in summary["most_missing"]:
            cites = "; ".join(m["citations"])
            lines.append(f"  {m['count']:>6}  {m['item']} ({m['kind']})" + (f" — {cites}" if cites else ""))
    if summary["errors"]:
        lines.append("errors:")
        lines += [f"  {e['count']:>6}  {e['reason']}" for e in summary["errors"]]
    if summary["slowest"]:
        lines.append("slowest:")
        lines += [f"  {s['seconds'] * 1000:>9.1f} ms  {s['file']}" for s in summary["slowest"]]
    return "\n".join(lines)
