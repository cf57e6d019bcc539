"""Helpers for the service tests: a TestClient app, a live uvicorn server, an external Oxigraph server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from kg.store.core import default_files, graph_of

ROOT = Path(__file__).parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = getattr(process, "log", None)  # live_server's log file
            out = Path(log.name).read_text(errors="replace") if log else ""
            raise RuntimeError(f"the server exited ({process.returncode}): {out[-2000:]}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextmanager
def live_server(env: dict[str, str] | None = None) -> Iterator[str]:
    """``aiact serve`` as a user starts it, on a free port; yields the base URL."""
    port = free_port()
    aiact = Path(sys.executable).parent / "aiact"
    cmd = [str(aiact) if aiact.exists() else "aiact", "serve", "--port", str(port)]
    # the server's output goes to a file: a pipe nobody reads fills up (uvicorn logs every request) and
    # then blocks the server in the middle of a test
    with tempfile.NamedTemporaryFile("w+b", prefix="aiact-serve-", suffix=".log") as log:
        process = subprocess.Popen(
            cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT
        )
        process.log = log  # type: ignore[attr-defined]
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{base}/health", process)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


@contextmanager
def oxigraph_server(tmp: Path, named_graphs: bool = False) -> Iterator[str]:
    """A real Oxigraph server (the ``oxigraph`` package) loaded with the same dump; yields its endpoint.
    ``named_graphs``: each file also in its named graph, as the embedded store has them."""
    binary = Path(sys.executable).parent / "oxigraph"
    exe = str(binary) if binary.exists() else shutil.which("oxigraph")
    if exe is None:
        pytest.fail(
            "the Oxigraph server is not installed: pip install -e '.[dev]' brings it (package oxigraph)"
        )
    location = tmp / "oxigraph"
    files = [str(f) for f in default_files()]
    subprocess.run(
        [exe, "load", "--location", str(location), "--file", *files], check=True, capture_output=True
    )
    for graph in sorted({graph_of(Path(f)) for f in files}) if named_graphs else []:
        part = [f for f in files if graph_of(Path(f)) == graph]
        load = [exe, "load", "--location", str(location), "--graph", graph, "--file", *part]
        subprocess.run(load, check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [exe, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", process)
        yield f"http://127.0.0.1:{port}/query"
    finally:
        process.terminate()
        process.wait(timeout=20)
