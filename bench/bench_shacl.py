"""Benchmark: the SHACL step of one description, the fast validator (pyrudof) against the reference
(pyshacl), both through ``reasoner.shacl`` over the same data (the description, the derived facts, the
due obligations' types; each validator adds the lookups).

Run on demand: ``python bench/bench_shacl.py [repeats]`` from the checkout. For the examples/ files and
for all the scenarios of tests/cases: median and p95 per description, in ms, and the ratio
pyshacl / fast. Each description is validated ``repeats`` times per validator (after one warm-up call).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).parent.parent))

from common import p95

from reasoner import shacl
from reasoner.description import check, load, media_type_of
from tests.scenarios import load as load_scenarios
from tests.test_shacl_paths import data_of

EXAMPLES = Path(__file__).parent.parent / "examples"
DAY = dt.date(2026, 11, 24)


def times_ms(fn: Callable[[Sequence[ox.Triple]], object], data: list[ox.Triple], repeats: int) -> list[float]:
    fn(data)
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(data)
        out.append((time.perf_counter() - start) * 1000)
    return out


def row(name: str, datas: list[list[ox.Triple]], repeats: int) -> str:
    fast, ref = shacl.fast(), shacl.reference()
    per_fast = [statistics.median(times_ms(fast.validate, d, repeats)) for d in datas]
    per_ref = [statistics.median(times_ms(ref.validate, d, repeats)) for d in datas]
    mf, mr = statistics.median(per_fast), statistics.median(per_ref)
    return (
        f"{name:<22} {len(datas):>5} {mf:>10.2f} {p95(per_fast):>9.2f} {mr:>12.2f} {p95(per_ref):>11.2f}"
        f" {mr / mf:>7.1f}x"
    )


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    examples = []
    for f in sorted(EXAMPLES.iterdir()):
        if f.suffix in (".json", ".yaml"):
            examples.append(data_of(load(f.read_bytes(), media_type_of(f.name)), DAY))
    scenarios = [data_of(check(s.input), dt.date.fromisoformat(str(s.as_of))) for s in load_scenarios()]
    print(f"SHACL per description (ms; median and p95 over descriptions of each one's median of {repeats})")
    head = ("set", "n", "fast med", "fast p95", "pyshacl med", "pyshacl p95", "ratio")
    print(f"{head[0]:<22} {head[1]:>5} {head[2]:>10} {head[3]:>9} {head[4]:>12} {head[5]:>11} {head[6]:>8}")
    print(row("examples/", examples, repeats))
    print(row("tests/cases scenarios", scenarios, repeats))


if __name__ == "__main__":
    main()
