"""Load test: mixed traffic against a fresh ``aiact serve``, on demand (``make load``), never in CI.

Starts the service in a subprocess on a free port, warms it up, then for ``--seconds`` (default 60)
runs ``--clients`` (default 24) clients, each sending one request after the other: half POST /validate of
the examples, a third SPARQL (cheap SELECTs with a LIMIT and heavier joins), the rest
GET /provisions/{ref} and GET /search?q=. Beside them a runaway SPARQL query every 2 s (each is
expected to end in a 503 when it reaches the time limit) and, from a process of its own, a probe of
/health every 100 ms.

Reports throughput, p50/p95/p99 per route, responses by status per route, and the resident memory
(VmRSS) of the server and of its worker processes, read from /proc every second. Goals: no 5xx but the
runaway queries' 503s, memory flat after the warm-up, /health p99 under 100 ms.

``python bench/load.py [--seconds 60] [--clients 24] [--workers 3] [--timeout 2] [--queue 16] [--json F]``

The service runs with 3 workers, a 2 s time limit and room for 16 waiting queries: with the defaults
(2 workers, 10 s) a runaway query every 2 s would keep every worker busy with runaways; with 8 waiting
places about a tenth of the other SPARQL queries found the queue full (503 with Retry-After) on a 2-CPU
machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from common import free_port, rss_kb

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
QUERIES = ROOT / "kg" / "queries"
PREFIXES = """PREFIX aikg: <https://w3id.org/aiact-kg/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
CHEAP = [
    PREFIXES + "SELECT ?p ?n WHERE { ?p skos:notation ?n } LIMIT 20",
    PREFIXES + "SELECT ?p ?t WHERE { ?p a aikg:Article ; eli:title ?t } LIMIT 10",
    PREFIXES + "ASK { <https://w3id.org/aiact-kg/id/art_53> ?p ?o }",
    PREFIXES + "SELECT ?o WHERE { <https://w3id.org/aiact-kg/id/art_53> ?p ?o } LIMIT 50",
]
HEAVY = [
    PREFIXES + "SELECT ?a ?b (COUNT(?t) AS ?n) WHERE { ?a aikg:refersTo ?t . ?b aikg:refersTo ?t . "
    "FILTER(?a != ?b) } GROUP BY ?a ?b ORDER BY DESC(?n) LIMIT 20",
    PREFIXES + "SELECT ?a (COUNT(DISTINCT ?y) AS ?n) WHERE { ?a a aikg:Article . ?x eli:is_part_of* ?a . "
    "?x aikg:refersTo ?t . ?y aikg:refersTo ?t } GROUP BY ?a ORDER BY DESC(?n) LIMIT 20",
    *(
        (QUERIES / name).read_text(encoding="utf-8")
        for name in ("referring-to-art-53.rq", "provisions-citing-annex-xi.rq", "art101-to-obligations.rq")
    ),
]
RUNAWAY = "SELECT (COUNT(*) AS ?c) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PROVISIONS = ["Art. 53", "Art. 53(1)(a)", "Art. 55", "Annex XI", "Recital 109", "Art. 3(63)", "Art. 101"]
TERMS = ["systemic risk", "training data", "copyright", "Art. 53", "technical documentation", "open-source"]


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[int | str]] = field(default_factory=lambda: defaultdict(Counter))
    rss: list[tuple[float, int, int, int]] = field(default_factory=list)  # t, server kB, workers kB, n
    cpu: list[tuple[float, float, float]] = field(default_factory=list)  # t, server s, workers s
    details: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def record(self, route: str, seconds: float, status: int | str) -> None:
        self.latencies[route].append(seconds)
        self.statuses[route][status] += 1


def cpu_seconds(pid: int) -> tuple[float, float]:
    """(CPU seconds of the process, CPU seconds of its children that have ended and been reaped)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (the service's worker processes)."""
    parent: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        found += kids
        frontier += kids
    return found


async def timed(stats: Stats, route: str, request: Any) -> None:
    start = time.perf_counter()
    try:
        response = await request
        status: int | str = response.status_code
        if status >= 500:
            detail = (
                response.json().get("detail", "")
                if "json" in response.headers.get("content-type", "")
                else ""
            )
            stats.details[route][re.sub(r"[\d.]+", "N", detail)[:90]] += 1
    except httpx.HTTPError as err:
        status = type(err).__name__
    stats.record(route, time.perf_counter() - start, status)


async def client(http: httpx.AsyncClient, stats: Stats, end: float, rng: random.Random) -> None:
    bodies = [p.read_bytes() for p in EXAMPLES]
    while time.monotonic() < end:
        pick = rng.random()
        if pick < 1 / 2:
            await timed(
                stats,
                "POST /validate",
                http.post(
                    "/validate",
                    params={"as_of": "2026-11-24"},
                    content=rng.choice(bodies),
                    headers={"content-type": "application/json"},
                ),
            )
        elif pick < 1 / 2 + 1 / 3:
            heavy = rng.random() < 0.5
            query = rng.choice(HEAVY if heavy else CHEAP)
            await timed(
                stats,
                f"GET /sparql ({'join' if heavy else 'cheap'})",
                http.get("/sparql", params={"query": query}),
            )
        elif rng.random() < 0.5:
            await timed(stats, "GET /provisions/{ref}", http.get(f"/provisions/{rng.choice(PROVISIONS)}"))
        else:
            await timed(stats, "GET /search?q=", http.get("/search", params={"q": rng.choice(TERMS)}))


async def runaways(http: httpx.AsyncClient, stats: Stats, end: float) -> None:
    tasks = []
    while time.monotonic() < end:
        tasks.append(
            asyncio.ensure_future(
                timed(stats, "GET /sparql (runaway)", http.get("/sparql", params={"query": RUNAWAY}))
            )
        )
        await asyncio.sleep(2)
    await asyncio.gather(*tasks)


def probe(base: str, seconds: float) -> None:
    """``--probe``: GET /health every 100 ms for ``seconds``, from a process of its own (the load clients'
    event loop would delay the probe's own timing); prints the latencies in seconds as JSON."""
    latencies, statuses = [], []
    end = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=30) as http:
        while time.monotonic() < end:
            start = time.perf_counter()
            try:
                statuses.append(http.get("/health").status_code)
            except httpx.HTTPError as err:
                statuses.append(type(err).__name__)  # type: ignore[arg-type]
            latencies.append(time.perf_counter() - start)
            time.sleep(0.1)
    print(json.dumps({"latencies": latencies, "statuses": statuses}))


async def health(base: str, stats: Stats, seconds: float) -> None:
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--probe", base, "--seconds", str(seconds), stdout=asyncio.subprocess.PIPE
    )
    out, _ = await child.communicate()
    found = json.loads(out)
    for seconds_taken, status in zip(found["latencies"], found["statuses"], strict=True):
        stats.record("GET /health", seconds_taken, status)


async def memory(pid: int, stats: Stats, end: float, start: float) -> None:
    while time.monotonic() < end:
        workers = children(pid)
        now = time.monotonic() - start
        stats.rss.append((now, rss_kb(pid), sum(rss_kb(w) for w in workers), len(workers)))
        own, reaped = cpu_seconds(pid)
        stats.cpu.append((now, own, reaped + sum(cpu_seconds(w)[0] for w in workers)))
        await asyncio.sleep(1)


async def warm_up(http: httpx.AsyncClient) -> None:
    """The first request of each kind loads what the service loads lazily (engine, search index)."""
    for body in (p.read_bytes() for p in EXAMPLES):
        await http.post("/validate", content=body, headers={"content-type": "application/json"})
    for q in [*CHEAP, *HEAVY]:
        await http.get("/sparql", params={"query": q})
    for ref in PROVISIONS:
        await http.get(f"/provisions/{ref}")
    for term in TERMS:
        await http.get("/search", params={"q": term})


async def run(base: str, pid: int, seconds: float, clients: int) -> tuple[Stats, float]:
    stats = Stats()
    limits = httpx.Limits(max_connections=clients + 16, max_keepalive_connections=clients + 16)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        await warm_up(http)
        rng = random.Random(1689)
        start = time.monotonic()
        end = start + seconds
        await asyncio.gather(
            memory(pid, stats, end, start),
            health(base, stats, seconds),
            runaways(http, stats, end),
            *(client(http, stats, end, random.Random(rng.random())) for _ in range(clients)),
        )
        elapsed = time.monotonic() - start
    return stats, elapsed


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def mib(kb: int) -> str:
    return f"{kb / 1024:.0f} MiB"


def report(stats: Stats, elapsed: float, settings: dict[str, str]) -> dict[str, Any]:
    routes = {}
    for route in sorted(stats.latencies):
        lat = stats.latencies[route]
        routes[route] = {
            "requests": len(lat),
            "p50_ms": round(percentile(lat, 50) * 1000, 1),
            "p95_ms": round(percentile(lat, 95) * 1000, 1),
            "p99_ms": round(percentile(lat, 99) * 1000, 1),
            "max_ms": round(max(lat) * 1000, 1),
            "statuses": {str(k): v for k, v in sorted(stats.statuses[route].items(), key=str)},
        }
    total = sum(len(v) for v in stats.latencies.values())
    unexpected = {
        route: {s: n for s, n in r["statuses"].items() if not s.startswith(("2",)) and s != "404"}
        for route, r in routes.items()
        if route != "GET /sparql (runaway)"
    }
    settled = [r for r in stats.rss if r[0] >= 10] or stats.rss
    out = {
        "seconds": round(elapsed, 1),
        "settings": settings,
        "requests": total,
        "throughput_per_s": round(total / elapsed, 1),
        "routes": routes,
        "unexpected_statuses": {k: v for k, v in unexpected.items() if v},
        "rss_kb": {
            "server_start": stats.rss[0][1] if stats.rss else 0,
            "server_after_10s": settled[0][1] if settled else 0,
            "server_end": stats.rss[-1][1] if stats.rss else 0,
            "server_max": max((r[1] for r in stats.rss), default=0),
            "workers_start": stats.rss[0][2] if stats.rss else 0,
            "workers_end": stats.rss[-1][2] if stats.rss else 0,
            "workers_max": max((r[2] for r in stats.rss), default=0),
            "series": [(round(t), s, w, n) for t, s, w, n in stats.rss],
        },
    }
    out["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
    print(f"{total} requests in {elapsed:.1f} s: {out['throughput_per_s']} per second; settings {settings}")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {out['load_average_at_end']} at the end "
        "(other processes on the machine distort every figure)"
    )
    print(f"{'route':<26}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}  statuses")
    for route, r in routes.items():
        print(
            f"{route:<26}{r['requests']:>7}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['p99_ms']:>9}{r['max_ms']:>9}  "
            + ", ".join(f"{s}: {n}" for s, n in r["statuses"].items())
        )
    rss = out["rss_kb"]
    print(
        f"server RSS: {mib(rss['server_start'])} at start, {mib(rss['server_after_10s'])} after 10 s, "
        f"{mib(rss['server_end'])} at the end (max {mib(rss['server_max'])}); workers: "
        f"{mib(rss['workers_start'])} at start, {mib(rss['workers_end'])} at the end "
        f"(max {mib(rss['workers_max'])})"
    )
    print(
        "RSS every 5 s (s: server MiB + workers MiB / n):  "
        + "  ".join(f"{t}: {s / 1024:.0f}+{w / 1024:.0f}/{n}" for t, s, w, n in rss["series"][::5])
    )
    if len(stats.cpu) > 1:
        (t0, s0, w0), (t1, s1, w1) = stats.cpu[0], stats.cpu[-1]
        client = os.times()
        out["cpu_percent"] = {
            "server": round(100 * (s1 - s0) / (t1 - t0)),
            "workers": round(100 * (w1 - w0) / (t1 - t0)),
            "load_client_whole_run_s": round(client.user + client.system, 1),
            "cpus": os.cpu_count(),
        }
        print(f"CPU (100% = one CPU): {out['cpu_percent']}")
    out["5xx_details"] = {route: dict(c) for route, c in stats.details.items()}
    for route, c in stats.details.items():
        print(f"{route} 5xx: " + "; ".join(f"{n}× {d}" for d, n in c.most_common(4)))
    health = routes.get("GET /health", {})
    print(
        "goals: unexpected statuses "
        + (json.dumps(out["unexpected_statuses"]) if out["unexpected_statuses"] else "none")
        + f"; /health p99 {health.get('p99_ms')} ms (goal < 100)"
    )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=24)
    ap.add_argument("--workers", type=int, default=3, help="AIACT_QUERY_WORKERS of the service")
    ap.add_argument("--timeout", type=float, default=2, help="AIACT_QUERY_TIMEOUT of the service")
    ap.add_argument("--queue", type=int, default=16, help="AIACT_QUERY_QUEUE of the service")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--probe", metavar="URL", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.probe:
        probe(args.probe, args.seconds)
        return 0
    settings = {
        "AIACT_QUERY_WORKERS": str(args.workers),
        "AIACT_QUERY_TIMEOUT": f"{args.timeout:g}",
        "AIACT_QUERY_QUEUE": str(args.queue),
    }
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **settings},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                err = server.stderr.read().decode() if server.stderr else ""
                print(f"the service did not start: {err}", file=sys.stderr)
                return 1
            try:
                httpx.get(f"{base}/health", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        stats, elapsed = asyncio.run(run(base, server.pid, args.seconds, args.clients))
        out = report(stats, elapsed, settings)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    stderr = server.stderr.read().decode() if server.stderr else ""
    out["server_tracebacks"] = stderr.count("Traceback")
    print(f"server stderr: {len(stderr.splitlines())} lines, {out['server_tracebacks']} tracebacks")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
