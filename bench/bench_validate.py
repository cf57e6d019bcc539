"""Benchmark: validation of one description, as the engine does it, against a newcomer's pyshacl call
that copies the ontology into the data graph and runs RDFS inference per request.

Run on demand: ``python bench/bench_validate.py [repeats]``. Medians of each example, both measured in
this run, and their ratio.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, URIRef

from kg import paths
from reasoner.description import MODEL, load, media_type_of, to_rdf
from reasoner.engine import Engine

EXAMPLES = Path(__file__).parent.parent / "examples"
DAY = dt.date(2026, 11, 24)


def median_ms(fn: object, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(repeats: int = 20) -> None:
    engine = Engine()
    ontology = Graph()
    for f in sorted(paths.ONTOLOGY.glob("*.ttl")):
        ontology.parse(f)
    print(f"{'example':36} {'engine':>9} {'newcomer':>10} {'ratio':>7}")
    medians = []
    for path in sorted(EXAMPLES.iterdir()):
        data = load(path.read_bytes(), media_type_of(path.name))
        ours = median_ms(lambda d=data: engine.assess(d, DAY), repeats)
        outcome = engine.assess(data, DAY)
        graph = to_rdf(data, DAY)
        for o in outcome.classification.obligations:
            if o.status == "due":
                graph.add((MODEL, RDF.type, URIRef(o.due_class)))

        def newcomer(g: Graph = graph) -> None:
            shacl_validate(
                g, shacl_graph=engine.shapes, ont_graph=ontology, inference="rdfs", allow_warnings=True
            )

        theirs = median_ms(newcomer, max(3, repeats // 4))
        medians.append(ours)
        print(f"{path.name:36} {ours:7.1f}ms {theirs:8.1f}ms {theirs / ours:6.1f}x")
    print(
        f"median per description (classification + SHACL + report data): {statistics.median(medians):.1f} ms"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
