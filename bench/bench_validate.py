"""Benchmark of ``validate()`` (issue 11), run on demand, never in CI: ``python bench/bench_validate.py``.

Four tables, all measured in this run, each with medians, p95 and ratios:

1. the engine at commit :data:`BASELINE` (before issue 11), imported from a temporary ``git worktree`` in a
   subprocess of its own, against this checkout's engine in another, over the examples and the scenarios
   (the two subprocesses take turns, so load on the machine hits both alike);
2. a newcomer's call: pyshacl with the ontology and RDFS inference per request
   (``pyshacl.validate(data + ontology, shacl_graph=shapes, inference="rdfs")``), against the engine;
3. the steady state: 5 000 calls in one process, the medians of the first and the last 500, and the RSS
   before and after.

Options: ``--rounds N`` (rounds of every description per side, default 5), ``--calls N`` (steady state,
default 5 000), ``--skip-baseline``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "55893304e0a4e57ae9b8ec6eb95c3c155b6a01e9"

# The worker: a subprocess that imports the engine of the checkout at ``root`` and times validate() over
# the descriptions, one round per line of stdin, answering each with the times in seconds.
WORKER = r"""
import datetime as dt, json, sys, time
root = sys.argv[1]
sys.path.insert(0, root)
from pathlib import Path
from reasoner import validate
from reasoner.description import load, media_type_of
from tests.scenarios import load as scenarios
examples = sorted(Path(root, "examples").iterdir())
items = [(load(p.read_bytes(), media_type_of(p.name)), "2026-11-24") for p in examples]
items += [(s.input, s.as_of) for s in scenarios()]
for data, day in items:
    validate(data, as_of=day)  # warm
print(json.dumps({"n": len(items)}), flush=True)
for line in sys.stdin:
    times = []
    for data, day in items:
        start = time.perf_counter()
        validate(data, as_of=day)
        times.append(time.perf_counter() - start)
    print(json.dumps(times), flush=True)
"""


def stats(times: list[float]) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds."""
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000


def table(title: str, rows: list[tuple[str, list[float]]], reference: str) -> dict[str, dict[str, float]]:
    """Print a table of medians, p95 and the ratio of each median to ``reference``'s."""
    out = {name: dict(zip(("median", "p95"), stats(ts), strict=True)) for name, ts in rows}
    base = out[reference]["median"]
    print(f"\n{title}\n{'':28} {'median ms':>10} {'p95 ms':>9} {'ratio':>8}")
    for name, s in out.items():
        s["ratio"] = s["median"] / base
        print(f"{name:28} {s['median']:10.2f} {s['p95']:9.2f} {s['ratio']:7.2f}x")
    return out


class Worker:
    def __init__(self, root: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(root)}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(root)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, cwd=root, env=env,
        )  # fmt: skip
        assert self.proc.stdout is not None
        self.n = json.loads(self.proc.stdout.readline())["n"]

    def round(self) -> list[float]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        times: list[float] = json.loads(self.proc.stdout.readline())
        return times

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def baseline(rounds: int) -> dict[str, dict[str, float]]:
    """This checkout against the commit before issue 11, each in a subprocess, taking turns."""
    tmp = Path(tempfile.mkdtemp(prefix="aiact-bench-"))
    tree = tmp / "baseline"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), BASELINE],
                   check=True, capture_output=True)  # fmt: skip
    try:
        old, new = Worker(tree), Worker(ROOT)
        old_t: list[float] = []
        new_t: list[float] = []
        for _ in range(rounds):
            old_t += old.round()
            new_t += new.round()
        old.close()
        new.close()
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False,
                       capture_output=True)  # fmt: skip
        shutil.rmtree(tmp, ignore_errors=True)
    return table(
        f"1. validate() per description, {BASELINE[:8]} (before issue 11) and now; {rounds} rounds, "
        f"{old.n} / {new.n} descriptions (examples and scenarios)",
        [(f"engine at {BASELINE[:8]}", old_t), ("engine now", new_t)],
        f"engine at {BASELINE[:8]}",
    )


def _items() -> list[tuple[dict[str, Any], str]]:
    sys.path.insert(0, str(ROOT))
    from reasoner.description import load, media_type_of
    from tests.scenarios import load as scenarios

    items = [
        (load(p.read_bytes(), media_type_of(p.name)), "2026-11-24")
        for p in sorted((ROOT / "examples").iterdir())
    ]
    return items + [(s.input, s.as_of) for s in scenarios()]


def newcomer(rounds: int) -> dict[str, dict[str, float]]:
    """A newcomer's pyshacl call (ontology and RDFS inference per request) against the engine; the
    newcomer's data carries the due obligations' classes, as the engine's does, so both check the same."""
    import datetime as dt

    from pyshacl import validate as shacl_validate
    from rdflib import RDF, Graph, URIRef

    from kg import paths
    from reasoner import _engine, validate
    from reasoner.description import MODEL, check, to_rdf

    engine = _engine()
    ontology = Graph()
    for f in sorted(paths.ONTOLOGY.glob("*.ttl")):
        ontology.parse(f)
    sample = _items()[:: max(1, len(_items()) // 30)]  # pyshacl with inference is slow: a sample
    graphs = []
    for data, day in sample:
        d = check(data)
        outcome = engine.assess(d, dt.date.fromisoformat(day))
        g = to_rdf(d, dt.date.fromisoformat(day))
        for o in outcome.classification.obligations:
            if o.status == "due":
                g.add((MODEL, RDF.type, URIRef(o.due_class)))
        graphs.append(g)
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(max(1, rounds // 2)):
        for (data, day), g in zip(sample, graphs, strict=True):
            start = time.perf_counter()
            validate(data, as_of=day)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            shacl_validate(g + ontology, shacl_graph=engine.shapes, inference="rdfs", allow_warnings=True)
            theirs.append(time.perf_counter() - start)
    return table(
        f"2. a newcomer's pyshacl call (ontology + RDFS inference per request) and the engine; "
        f"{len(sample)} descriptions",
        [("newcomer (pyshacl, rdfs)", theirs), ("engine now", ours)],
        "engine now",
    )


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def steady(calls: int) -> dict[str, dict[str, float]]:
    """``calls`` validations in this process: the first and the last 500, and the RSS around them."""
    from reasoner import validate

    items = _items()
    for data, day in items:
        validate(data, as_of=day)
    before = rss_mb()
    times = []
    for i in range(calls):
        data, day = items[i % len(items)]
        start = time.perf_counter()
        validate(data, as_of=day)
        times.append(time.perf_counter() - start)
    after = rss_mb()
    out = table(
        f"3. steady state: {calls} calls in one process (the descriptions in turn)",
        [("first 500 calls", times[:500]), ("last 500 calls", times[-500:])],
        "first 500 calls",
    )
    print(f"RSS after warm-up {before:.1f} MB, after {calls} calls {after:.1f} MB ({after - before:+.1f} MB)")
    out["rss"] = {"before_mb": before, "after_mb": after}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    if not args.skip_baseline:
        results["baseline"] = baseline(args.rounds)
    results["newcomer"] = newcomer(args.rounds)
    results["steady"] = steady(args.calls)
    print("\n" + json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
