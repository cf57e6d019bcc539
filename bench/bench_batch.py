"""Benchmark: batches of descriptions, end to end (read, check, assess, report, serialise each report to
JSON where it is made, as ``POST /validate/batch`` does), in this process and with two worker processes
(``reasoner.batch``).

Run on demand: ``python bench/bench_batch.py [--runs N] [--sizes 1,10,100,1000]``. The inputs are the
examples and the scenario inputs of ``tests/cases`` (as JSON text, each with its own date), repeated to
the batch size. Prints descriptions per second (median and p95 of the runs: the p95 of the run times, so
the slower figure) and per core; the worker processes are started (and their engines built) before the
timing, which the start-up line reports on its own. A batch smaller than ``IN_PROCESS_BELOW`` runs in
this process even with workers: the table says so.

Goals (docs/contract.md §5, Batches): 250 descriptions per second per core for batches of 10 or more, and
500 per second with two workers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))

from common import p95  # noqa: E402

from reasoner.batch import IN_PROCESS_BELOW, Batch, Source, as_json  # noqa: E402
from reasoner.description import media_type_of  # noqa: E402
from reasoner.engine import Engine  # noqa: E402

DAY = dt.date(2026, 11, 24)
RUNS = {1: 30, 10: 10, 100: 5, 1000: 3}
ROW = "{:>6} | {:<22} | {:>4} | {:>10} | {:>10} | {:>11}"


def inputs() -> list[Source]:
    from tests.scenarios import load

    out = [Source(f.read_bytes(), media_type_of(f.name)) for f in sorted((ROOT / "examples").glob("*.*"))]
    out += [
        Source(json.dumps(s.input).encode(), "application/json", dt.date.fromisoformat(s.as_of))
        for s in load()
    ]
    return out


def batch_of(pool: list[Source], size: int) -> list[Source]:
    return [pool[i % len(pool)] for i in range(size)]


def timed(batch: Batch, sources: list[Source], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        # as POST /validate/batch answers: each report serialised where it is made, the array joined here
        body = b"[" + b",".join(batch.stream(sources, DAY, as_json, count=len(sources))) + b"]"
        times.append(time.perf_counter() - start)
        assert body.count(b'"model"') >= len(sources)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, help="runs of every batch size (default: 30, 10, 5, 3 by size)")
    ap.add_argument("--sizes", default="1,10,100,1000", help="batch sizes, comma-separated")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    pool = inputs()
    engine = Engine()
    many = hasattr(engine, "assess_many")
    local = Batch(1, engine=engine)
    start = time.perf_counter()
    workers = Batch(2, engine=engine)
    workers.warm_up()
    spawn = time.perf_counter() - start
    print(f"{len(pool)} distinct inputs; Engine.assess_many: {'yes' if many else 'no (a loop over assess)'}")
    print(f"two workers started and their engines built in {spawn:.2f} s (not in the figures below)\n")
    head = ROW.format("batch", "mode", "runs", "median /s", "p95 /s", "per core /s")
    print(head)
    print("-" * len(head))
    try:
        for size in sizes:
            sources = batch_of(pool, size)
            runs = args.runs or RUNS.get(size, 3)
            local.validate(sources[: min(size, 10)], DAY)  # warm caches
            for name, batch, cores in (("in process", local, 1), ("2 workers", workers, 2)):
                if cores > 1 and size < IN_PROCESS_BELOW:
                    name, cores = "2 workers (in process)", 1
                times = timed(batch, sources, runs)
                median = size / statistics.median(times)
                slow = size / p95(times)
                figures = (f"{median:.1f}", f"{slow:.1f}", f"{median / cores:.1f}")
                print(ROW.format(size, name, runs, *figures), flush=True)
    finally:
        workers.close()


if __name__ == "__main__":
    main()
