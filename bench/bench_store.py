"""Benchmark: the embedded store (Oxigraph) against rdflib's memory store on the provisions graph.

Run on demand: ``python bench/bench_store.py [repeats]``. Reports the median time of each query on
each engine and the ratio, both measured in this run, plus the load and build times.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from rdflib import Graph

from kg import paths
from kg.build.graph import build
from kg.store.core import OxigraphStore, default_files

QUERIES = {
    "join: references into Chapter V": """
        PREFIX aikg: <https://w3id.org/aiact-kg/ontology#> PREFIX eli: <http://data.europa.eu/eli/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?from ?to WHERE { ?r aikg:source ?s ; aikg:target ?t . ?t eli:is_part_of+ ?c .
          ?c skos:notation "Chapter V" . ?s skos:notation ?from . ?t skos:notation ?to }""",
    "regex over text": """
        PREFIX aikg: <https://w3id.org/aiact-kg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?n WHERE { ?p aikg:text ?x ; skos:notation ?n FILTER(REGEX(?x, "systemic risk", "i")) }""",
    "most referenced articles": """
        PREFIX aikg: <https://w3id.org/aiact-kg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?n (COUNT(?s) AS ?refs) WHERE { ?s aikg:refersTo ?t . ?t a aikg:Article ; skos:notation ?n }
        GROUP BY ?n ORDER BY DESC(?refs) LIMIT 10""",
}


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(repeats: int = 5) -> None:
    t_build = median_time(build, 3)
    t_ox_load = median_time(OxigraphStore, repeats)
    rdf = Graph()
    start = time.perf_counter()
    for f in default_files():
        rdf.parse(f, format="turtle")
    t_rdf_load = time.perf_counter() - start
    ox = OxigraphStore()
    print(f"graph: {paths.PROVISIONS.stat().st_size / 1e6:.1f} MB Turtle, {len(ox)} triples")
    print(f"build from Formex (median of 3): {t_build:.2f} s")
    print(f"load: oxigraph {t_ox_load * 1000:.0f} ms, rdflib {t_rdf_load * 1000:.0f} ms")
    print(f"{'query':36} {'oxigraph':>10} {'rdflib':>10} {'ratio':>7}")
    for name, q in QUERIES.items():
        a = median_time(lambda q=q: ox.query(q), repeats)  # type: ignore[misc]
        b = median_time(lambda q=q: list(rdf.query(q)), repeats)  # type: ignore[misc]
        print(f"{name:36} {a * 1000:8.1f}ms {b * 1000:8.1f}ms {b / a:6.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
