"""``POST /validate`` over HTTP against ``validate()`` in process, on demand (never in CI).

Goal (issue 11): the route's median minus the HTTP floor (``GET /health``, same client, same run) at most
the in-process median + 2 ms. Starts ``aiact serve`` on a free port, waits until nothing is still loading,
then for each description of ``examples/`` sends it ``--repeats`` times (after one warm-up) and times
``reasoner.validate`` on the same bytes in this process, one call of each in turn.

``python bench/bench_validate_http.py [--repeats 40]``
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import free_port, p95, times, wait  # noqa: E402

from reasoner import validate  # noqa: E402

DAY = "2026-11-24"
MEDIA = {".json": "application/json", ".yaml": "application/yaml"}


def times_ms(fn: Callable[[], object], repeats: int) -> list[float]:
    return [t * 1000 for t in times(fn, repeats)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    aiact = Path(sys.executable).parent / "aiact"
    server = subprocess.Popen(
        [str(aiact) if aiact.exists() else "aiact", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait(base + "/health", server)
        with httpx.Client(base_url=base, timeout=60) as client:
            while client.get("/health").json().get("starting"):
                time.sleep(0.1)
            floor = statistics.median(times_ms(lambda: client.get("/health"), args.repeats * 2))
            print(f"HTTP floor (GET /health): {floor:.2f} ms; medians and p95 over {args.repeats} calls")
            print(f"{'description':<34}{'in process':>11}{'HTTP':>9}{'HTTP p95':>10}{'HTTP-floor':>12}  goal")
            met = True
            for path in sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in MEDIA):
                body, media = path.read_bytes(), MEDIA[path.suffix]

                def post(body: bytes = body, media: str = media) -> None:
                    r = client.post("/validate", params={"as_of": DAY}, content=body,
                                    headers={"content-type": media})  # fmt: skip
                    r.raise_for_status()

                def here(body: bytes = body, media: str = media) -> None:
                    validate(body, as_of=DAY, media_type=media)

                # one call of each in turn, so that both see the machine in the same state
                here(), post()
                pairs = [(times_ms(here, 1)[0], times_ms(post, 1)[0]) for _ in range(args.repeats)]
                local = statistics.median(a for a, _ in pairs)
                http = [b for _, b in pairs]
                above = statistics.median(http) - floor
                ok = above <= local + 2
                met &= ok
                print(f"{path.name:<34}{local:>11.2f}{statistics.median(http):>9.2f}{p95(http):>10.2f}"
                      f"{above:>12.2f}  {'met' if ok else 'NOT met'} (<= {local + 2:.2f})")  # fmt: skip
            print("goal met for every description" if met else "goal NOT met for some description")
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
