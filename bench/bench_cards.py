"""Benchmark, on demand: model cards per second end to end (card parse, classification, validation,
report, one JSON line each) through the CLI's collection runner (``api.cli.run_collection``) with
``--jobs 2``, output to /dev/null; and the memory (RSS of this process and its workers) over the run.

``python bench/bench_cards.py [--inputs 10000] [--jobs 2]``: the real cards of
tests/fixtures/hf-model-cards/cards, cycled to ``--inputs``.
Goals: 500 cards per second, and flat memory (the RSS of the second and of the last tenth of the run
alike: the first tenth is the workers' start).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))

from api.cli_collections import _file, _Options, run_collection  # noqa: E402

CARDS = [ROOT / "tests/fixtures/hf-model-cards/cards"]


def rss_mib(pid: int) -> float:
    """The resident set of ``pid`` and its children, MiB (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return total / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--inputs", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    folder = next(f for f in CARDS if f.is_dir())
    cards = sorted(folder.glob("*.md"))
    entries = [e for i in range(args.inputs) for e in _file(str(cards[i % len(cards)]), _Options())]
    samples: list[tuple[float, float]] = []
    stop = threading.Event()
    import os

    def sample() -> None:
        while not stop.is_set():
            samples.append((time.perf_counter(), rss_mib(os.getpid())))
            stop.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    start = time.perf_counter()
    sampler.start()
    with open(os.devnull, "w") as out:
        _, summary = run_collection(entries, "2026-11-24", args.jobs, out, "jsonl")
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    tenth = max(1, len(samples) // 10)
    first = max(r for _, r in samples[tenth : 2 * tenth] or samples[:tenth])  # after the workers' start
    last = max(r for _, r in samples[-tenth:])
    print(f"{len(cards)} distinct cards from {folder}, cycled to {args.inputs} inputs, --jobs {args.jobs}")
    print(f"{'inputs':>8} | {'wall s':>7} | {'cards/s':>8} | {'errors':>6} | {'RSS MiB 2nd 10%':>15} | "
          f"{'RSS MiB last 10%':>16} | {'RSS MiB max':>11}")  # fmt: skip
    errors = summary["verdicts"]["error"]
    print(f"{args.inputs:>8} | {wall:>7.1f} | {args.inputs / wall:>8.1f} | {errors:>6} | "
          f"{first:>15.0f} | {last:>16.0f} | {max(r for _, r in samples):>11.0f}")  # fmt: skip
    print("(the wall time includes starting the workers: about a second each)")
    step = max(1, len(samples) // 10)
    series = "  ".join(f"{t - start:.0f}s {r:.0f}" for t, r in samples[::step])
    print(f"RSS (this process and its workers, MiB) over the run: {series}")


if __name__ == "__main__":
    main()
