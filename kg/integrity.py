"""The built graph's manifest, and the check that the graph being served is the graph that was built.

``aiact build`` writes ``kg/provisions.manifest.json`` beside ``kg/provisions.ttl``: the file's size and
sha256, its triples, and how many provisions, articles, recitals and annexes it holds. The service checks
the file against it before loading (presence, size, checksum) and the loaded graph after (the counts),
and does not start on any difference (:class:`GraphError`, naming the file and what is wrong): it never
answers from a missing, truncated, corrupt or partial graph.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox

AIKG = "https://w3id.org/aiact-kg/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
COUNTED = {
    "provisions": ELI + "LegalResourceSubdivision",
    "articles": AIKG + "Article",
    "recitals": AIKG + "Recital",
    "annexes": AIKG + "Annex",
}
REBUILD = "rebuild it with `aiact build` or restore it from the repository"


class GraphError(Exception):
    """The built graph cannot be served: the message names the file and what is wrong with it."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def manifest_path(graph: Path) -> Path:
    """``kg/provisions.ttl`` → ``kg/provisions.manifest.json``."""
    return graph.with_name(graph.stem + ".manifest.json")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def counts(store: ox.Store, graph: str) -> dict[str, int]:
    """Triples of the named graph ``graph`` in the store, and its provisions, articles, recitals, annexes."""
    found = {"triples": 0, **dict.fromkeys(COUNTED, 0)}
    found["triples"] = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    values = " ".join(f"<{iri}>" for iri in COUNTED.values())
    by_type = store.query(
        f"SELECT ?type (COUNT(DISTINCT ?x) AS ?n) WHERE {{ VALUES ?type {{ {values} }} "
        f"GRAPH <{graph}> {{ ?x a ?type }} }} GROUP BY ?type"
    )
    assert isinstance(by_type, ox.QuerySolutions)
    names = {iri: name for name, iri in COUNTED.items()}
    for row in by_type:
        found[names[row["type"].value]] = int(row["n"].value)
    return found


def describe(path: Path) -> dict[str, Any]:
    """The manifest of a built graph file: what :func:`check_file` and :func:`check_loaded` compare with."""
    store = ox.Store()
    graph = "urn:aiact-kg:manifest"
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    return {"file": path.name, "bytes": path.stat().st_size, "sha256": sha256(path), **counts(store, graph)}


def write_manifest(path: Path) -> Path:
    """Write the manifest beside the built graph; its path."""
    target = manifest_path(path)
    target.write_text(json.dumps(describe(path), indent=2) + "\n", encoding="utf-8")
    return target


def check_file(path: Path) -> dict[str, Any]:
    """The manifest of ``path``, once the file is there, as long as the manifest says, with its checksum;
    :class:`GraphError` otherwise."""
    if not path.is_file():
        raise GraphError(path, f"the built graph is missing: {REBUILD}")
    size = path.stat().st_size
    if size == 0:
        raise GraphError(path, f"the built graph is empty (0 bytes): {REBUILD}")
    where = manifest_path(path)
    if not where.is_file():
        raise GraphError(where, f"the manifest of {path.name} is missing: rebuild with `aiact build`")
    try:
        manifest: dict[str, Any] = json.loads(where.read_text(encoding="utf-8"))
        expected_size, expected_sha = int(manifest["bytes"]), str(manifest["sha256"])
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
        raise GraphError(where, f"the manifest of {path.name} cannot be read ({err})") from err
    if size < expected_size:
        raise GraphError(
            path,
            f"the built graph is truncated: {size} bytes, the manifest records {expected_size}; {REBUILD}",
        )
    if size != expected_size:
        raise GraphError(
            path,
            f"the built graph has {size} bytes, the manifest records {expected_size}: "
            f"it is not the graph that was built; {REBUILD}",
        )
    if sha256(path) != expected_sha:
        raise GraphError(
            path, f"the built graph is corrupt: its sha256 differs from the manifest's; {REBUILD}"
        )
    return manifest


def check_loaded(path: Path, manifest: dict[str, Any], store: ox.Store, graph: str) -> None:
    """:class:`GraphError` if the graph loaded from ``path`` (named graph ``graph`` of the store) does not
    hold the triples, provisions, articles, recitals and annexes the manifest records."""
    found = counts(store, graph)
    for key, n in found.items():
        expected = manifest.get(key)
        if expected != n:
            raise GraphError(
                path, f"the loaded graph holds {n} {key}, the manifest records {expected}; {REBUILD}"
            )
