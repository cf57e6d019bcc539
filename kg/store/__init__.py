"""The graph store: one interface (:class:`~kg.store.protocol.Store`) that the CLI, the Act, the reasoner
and every route of the service read the graph through, and the stores behind it.

Modules: ``protocol`` (the interface), ``core`` (the embedded Oxigraph store in one process, and query
solutions to rows), ``answers`` (a SPARQL Protocol request and its serialised answer, with the row limit),
``errors`` (what a query can end in besides an answer), ``bounds`` (length and nesting of the query text),
``embedded`` (the service's store: this process plus the workers), ``pool`` (the queue of queries and the
workers' lifecycle), ``worker`` (the worker process and the service's end of its pipe), ``remote`` (an
external SPARQL endpoint), ``results`` (the CLI's table, CSV and JSON), ``syntax``, ``parsing_lock``,
``sandbox``.

Copies of the dataset the service holds, with ``AIACT_QUERY_WORKERS`` = *w* (2 by default):

- embedded store: *w* + 2 (4 by default), until this seam 5 (*w* + 3):

  - 1 in the service's process (``Services.local``), checked against the manifest at start-up: the Act
    (index of provisions, citations, search), the service description's sizes, ``/graph``, and the
    reasoner's citations and obligation catalogue. The reasoner had a copy of its own before (loaded
    without the named graphs), now gone. Its rules run in a scratch store of their own that holds the
    ontology and law files only (about 2,200 triples, not the Act), where each validation adds a graph
    and removes it after.
  - *w* in the workers, one each: a runaway query can only be stopped by ending the process it runs in,
    and an Oxigraph memory store cannot be shared between processes.
  - 1 in the spare worker, loaded ahead, so that a killed worker is replaced at once, not after a load.

- external store (``AIACT_SPARQL_ENDPOINT``): 1, the checked copy in the service's process, for the
  reasoner and ``/graph``; until this seam the checked copy was dropped after the check, the reasoner
  loaded another, and each ``/graph`` request loaded one more for its answer.

The workers are forked from a fork server (``multiprocessing``'s ``forkserver``, started with the pool),
which has imported the worker's modules (and the service's main module, once) and holds no copy: a worker
starts without a Python start-up of its own and loads its copy, niced, while the service already answers
(``aiact serve`` starts the pool in a thread; a query that comes first waits for its worker). The SPARQL
parser's verdicts on the last texts it read are kept (``syntax.ReadCache``): a text sent again is not
parsed again.

Each copy in the service's process and the workers holds the dataset twice over (the default graph, and
each file again as a named graph of its own, which the SPARQL Protocol's dataset parameters name).
"""
