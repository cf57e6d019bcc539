"""Faults of the live service and its start: a query stopped when its client disconnects, a clean
shutdown on a signal, and a service that refuses to start from a bad graph (the manifest's checks); the
settings that bound the load. The workers' faults are in ``test_faults_workers``."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

import api.settings
from api.app import create_app
from api.settings import Settings, parse_size
from api.state import Services
from kg import integrity, paths
from kg.build.graph import BuildResult, write
from tests.api_fixtures import free_port, wait_for

ROOT = Path(__file__).parent.parent
RUNAWAY = "SELECT (COUNT(*) AS ?c) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ART53 = "https://w3id.org/aiact-kg/id/art_53"
QUICK = f"SELECT ?n WHERE {{ <{ART53}> <http://www.w3.org/2004/02/skos/core#notation> ?n }}"


# --- live service: disconnection, shutdown, a bad graph ------------------------------------------------


@contextmanager
def serve(env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``aiact serve`` in a process group of its own; yields its base URL and process."""
    port = free_port()
    aiact = Path(sys.executable).parent / "aiact"
    process = subprocess.Popen(
        [str(aiact) if aiact.exists() else "aiact", "serve", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/health", process)
        yield f"http://127.0.0.1:{port}", process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


def test_a_query_is_stopped_when_its_client_disconnects() -> None:
    """One worker, a 30 s limit: the runaway query of a client that hung up must not keep the only
    worker, or the next query would wait its whole limit and get a 503."""
    with serve({"AIACT_QUERY_WORKERS": "1", "AIACT_QUERY_TIMEOUT": "30"}) as (base, _):
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as s:
            target = "/sparql?" + str(httpx.QueryParams({"query": RUNAWAY}))
            s.sendall(f"GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
            time.sleep(1)  # let it reach the worker
        r = httpx.get(f"{base}/sparql", params={"query": QUICK}, timeout=60)
        assert r.status_code == 200, r.text


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_process_group_stops_the_service_without_a_traceback(sig: signal.Signals) -> None:
    with serve({"AIACT_QUERY_TIMEOUT": "3"}) as (base, process):
        assert httpx.get(f"{base}/sparql", params={"query": QUICK}, timeout=30).status_code == 200
        late: list[int] = []

        def runaway() -> None:
            try:
                late.append(httpx.get(f"{base}/sparql", params={"query": RUNAWAY}, timeout=60).status_code)
            except httpx.HTTPError:
                late.append(0)

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(1)  # a query in flight when the signal comes
        os.killpg(process.pid, sig)
        _, err = process.communicate(timeout=60)
        thread.join(timeout=60)
    stderr = err.decode()
    assert "Traceback" not in stderr, stderr
    assert "Application shutdown complete" in stderr
    assert process.returncode in (0, -sig)
    assert late and late[0] in (0, 503)


def test_aiact_serve_refuses_a_truncated_graph_with_one_line_and_exit_code_2(tmp_path: Path) -> None:
    graph = _copy_kg(tmp_path)
    graph.write_bytes(graph.read_bytes()[: graph.stat().st_size // 2])
    aiact = Path(sys.executable).parent / "aiact"
    done = subprocess.run(
        [str(aiact) if aiact.exists() else "aiact", "serve", "--port", str(free_port())],
        cwd=ROOT,
        env={**os.environ, "AIACT_GRAPH": str(graph)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"aiact serve: {graph}: the built graph is truncated: ")


# --- the graph's manifest ------------------------------------------------------------------------------


def _copy_kg(tmp: Path) -> Path:
    kg = tmp / "kg"
    kg.mkdir()
    shutil.copy(paths.PROVISIONS, kg / "provisions.ttl")
    shutil.copy(integrity.manifest_path(paths.PROVISIONS), kg / "provisions.manifest.json")
    return kg / "provisions.ttl"


def test_the_committed_manifest_describes_the_committed_graph(fresh: BuildResult) -> None:
    manifest = json.loads(integrity.manifest_path(paths.PROVISIONS).read_text(encoding="utf-8"))
    assert manifest == integrity.describe(paths.PROVISIONS)
    kinds = [p.kind for p in fresh.index.provisions.values()]
    assert manifest["triples"] == len(fresh.graph)
    assert manifest["provisions"] == len(fresh.index.provisions)
    assert (
        (manifest["articles"], manifest["recitals"], manifest["annexes"])
        == (
            kinds.count("Article"),
            kinds.count("Recital"),
            kinds.count("Annex"),
        )
        == (113, 180, 13)
    )


def test_the_build_writes_the_manifest_beside_the_graph(fresh: BuildResult, tmp_path: Path) -> None:
    out = write(fresh, tmp_path / "provisions.ttl")
    written = json.loads((tmp_path / "provisions.manifest.json").read_text(encoding="utf-8"))
    committed = json.loads(integrity.manifest_path(paths.PROVISIONS).read_text(encoding="utf-8"))
    assert out.read_bytes() == paths.PROVISIONS.read_bytes() and written == committed


def _truncated(graph: Path) -> None:
    graph.write_bytes(graph.read_bytes()[:100_000])


def _empty(graph: Path) -> None:
    graph.write_bytes(b"")


def _corrupt(graph: Path) -> None:  # same size, a few bytes changed: only the checksum can tell
    data = bytearray(graph.read_bytes())
    data[50_000:50_008] = b"XXXXXXXX"
    graph.write_bytes(bytes(data))


def _missing(graph: Path) -> None:
    graph.unlink()


def _no_manifest(graph: Path) -> None:
    integrity.manifest_path(graph).unlink()


def _wrong_counts(graph: Path) -> None:  # a manifest whose checksum is right but whose counts are not
    where = integrity.manifest_path(graph)
    manifest = json.loads(where.read_text(encoding="utf-8"))
    where.write_text(json.dumps({**manifest, "articles": 114}), encoding="utf-8")


def _unparsable(graph: Path) -> None:  # corrupt, and a manifest made for the corrupt file
    graph.write_bytes(b"<a> <b> <c> .\n<a> <b> @@@ this is not Turtle\n")
    manifest = {"bytes": graph.stat().st_size, "sha256": integrity.sha256(graph)}
    integrity.manifest_path(graph).write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize(
    ("damage", "named", "words"),
    [
        (_truncated, "graph", "the built graph is truncated: 100000 bytes, the manifest records"),
        (_empty, "graph", "the built graph is empty (0 bytes)"),
        (_corrupt, "graph", "the built graph is corrupt: its sha256 differs from the manifest's"),
        (_missing, "graph", "the built graph is missing"),
        (_no_manifest, "manifest", "the manifest of provisions.ttl is missing"),
        (_wrong_counts, "graph", "the loaded graph holds 113 articles, the manifest records 114"),
        (_unparsable, "graph", "the graph cannot be loaded"),
    ],
)
def test_a_bad_graph_stops_the_start_naming_the_file(
    tmp_path: Path, damage: Callable[[Path], None], named: str, words: str
) -> None:
    graph = _copy_kg(tmp_path)
    damage(graph)
    with pytest.raises(integrity.GraphError) as err:
        Services(Settings(graph=graph))
    path = graph if named == "graph" else integrity.manifest_path(graph)
    assert str(err.value).startswith(f"{path}: ") and words in str(err.value), str(err.value)
    with pytest.raises(integrity.GraphError), TestClient(create_app(Settings(graph=graph))):
        pass  # the application does not start either


def test_an_intact_copy_of_the_graph_serves(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(graph=_copy_kg(tmp_path), query_workers=1))) as client:
        assert client.get("/health").json()["provisions"] == 1622
        assert client.get("/sparql", params={"query": QUICK}).status_code == 200


# --- settings ------------------------------------------------------------------------------------------


def test_the_new_settings_are_read_and_documented(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "AIACT_QUERY_QUEUE": "3",
        "AIACT_WORKER_MEMORY": "512M",
        "AIACT_MAX_QUERY_LENGTH": "5000",
        "AIACT_MAX_QUERY_DEPTH": "40",
        "AIACT_GRAPH": "/data/provisions.ttl",
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    s = Settings.from_env()
    assert (s.query_queue, s.worker_memory, s.max_query_length, s.max_query_depth, s.graph) == (
        3,
        512 * 2**20,
        5000,
        40,
        Path("/data/provisions.ttl"),
    )
    assert parse_size("1G") == parse_size("1073741824") == 2**30 and parse_size("0") == 0
    with pytest.raises(ValueError, match="not a size"):
        parse_size("lots")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    source = Path(api.settings.__file__).read_text(encoding="utf-8")
    doc = api.settings.__doc__ or ""
    for name in sorted(set(re.findall(r'"(AIACT_[A-Z_]+)"', source))):
        assert f"| `{name}` |" in readme, f"{name} is not in the README's settings table"
        assert f"``{name}``" in doc, f"{name} is not in the docstring of api/settings.py"
