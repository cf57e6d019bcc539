"""Benchmark: how long ``aiact serve`` takes to answer, and how much memory the service holds after a run.

Run on demand: ``python bench/bench_startup.py [--starts N] [--against DIR]`` (default 5 starts;
``--against``: another checkout, such as ``git archive HEAD | tar -x -C /tmp/base``, started alternately
with this one under the same load, for a before and after). Each start launches ``aiact serve``
on a free port and polls, with one client, until the first ``/health`` 200, then the first successful
``/sparql`` and ``/validate``; after the last start a mixed run (SPARQL, validations, provisions, search)
and the service's resident memory (RSS, the service process alone, its SPARQL workers apart). Prints the
medians. Goals (issue 11): first ``/health`` 200 within 1 s; RSS at most 300 MB after the run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from common import free_port, rss_kb

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples"
QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def command(port: int, root: Path) -> list[str]:
    if root == ROOT:
        aiact = Path(sys.executable).parent / "aiact"
        return [str(aiact) if aiact.exists() else "aiact", "serve", "--port", str(port)]
    start = f"import sys; sys.path.insert(0, {str(root)!r}); from api.cli import main; sys.exit(main())"
    return [sys.executable, "-c", start, "serve", "--port", str(port)]


def description() -> tuple[bytes, str]:
    """A model description from ``examples/`` (the first JSON one), for ``/validate``."""
    for path in sorted(EXAMPLE.rglob("*.json")):
        return path.read_bytes(), "application/json"
    return json.dumps({"model": {"name": "bench"}}).encode(), "application/json"


def until(client: httpx.Client, started: float, process: subprocess.Popen[bytes], send: object) -> float:
    """Seconds from ``started`` to the first 2xx of ``send()`` (a callable making the request)."""
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"aiact serve exited with {process.returncode}")
        try:
            response = send()  # type: ignore[operator]
            if response.status_code < 300:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.005)


def mixed_run(client: httpx.Client, base: str, body: bytes, media: str) -> None:
    queries = [
        QUERY,
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?p ?n WHERE { ?p skos:notation ?n }",
        "ASK { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 500",
    ]
    for i in range(40):
        client.post(f"{base}/sparql", content=queries[i % len(queries)],
                    headers={"content-type": "application/sparql-query"})  # fmt: skip
        if i % 4 == 0:
            client.post(f"{base}/validate", content=body, headers={"content-type": media})
        client.get(f"{base}/provisions/Art. 53")
        client.get(f"{base}/search", params={"q": "systemic risk"})


def one_start(mixed: bool, root: Path = ROOT) -> dict[str, float]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    body, media = description()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if root != ROOT:
        env["PYTHONPATH"] = str(root)
    started = time.perf_counter()
    process = subprocess.Popen(command(port, root), cwd=root, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        with httpx.Client(timeout=30) as client:
            out = {"health": until(client, started, process, lambda: client.get(f"{base}/health"))}
            sparql = {"query": QUERY}
            accept = {"accept": "application/json"}
            out["sparql"] = until(
                client, started, process, lambda: client.get(f"{base}/sparql", params=sparql, headers=accept)
            )
            post = {"content-type": media}
            out["validate"] = until(
                client, started, process, lambda: client.post(f"{base}/validate", content=body, headers=post)
            )
            if mixed:
                mixed_run(client, base, body, media)
                out["rss"] = rss_kb(process.pid) / 1024
        return out
    finally:
        process.terminate()
        process.wait(timeout=20)


def report(title: str, runs: list[dict[str, float]]) -> None:
    print(f"{title}: {len(runs)} starts (median, max), load average {os.getloadavg()[0]:.2f}")
    for key, goal in (("health", 1.0), ("sparql", None), ("validate", None)):
        values = [r[key] for r in runs]
        note = (
            f"  goal ≤ {goal:g} s: {'met' if statistics.median(values) <= goal else 'NOT met'}"
            if goal
            else ""
        )
        print(f"  first {key + ' 2xx':<14} {statistics.median(values) * 1000:7.0f} ms  "
              f"(max {max(values) * 1000:.0f} ms){note}")  # fmt: skip
    rss = runs[-1]["rss"]
    print(f"  RSS after a mixed run {rss:7.0f} MB  goal ≤ 300 MB: {'met' if rss <= 300 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--against", type=Path, help="another checkout, started alternately with this one")
    args = parser.parse_args()
    roots = [ROOT, *([args.against.resolve()] if args.against else [])]
    runs: dict[Path, list[dict[str, float]]] = {r: [] for r in roots}
    for i in range(args.starts):
        for root in roots:
            runs[root].append(one_start(mixed=i == args.starts - 1, root=root))
    for root in roots:
        report(f"aiact serve ({'this checkout' if root == ROOT else root})", runs[root])


if __name__ == "__main__":
    main()
