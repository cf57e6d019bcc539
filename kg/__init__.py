"""The Act as a graph: Regulation (EU) 2024/1689 as provisions, cross-references and their text.

- ``kg.build``: from the Formex XML to ``kg/provisions.ttl`` (reader, reference grammar and extraction,
  placement of IRIs and notations); run by ``aiact build``.
- ``kg.index``, ``kg.notation``: the provisions by IRI and the citation notation (parse and render).
- ``kg.act``, ``kg.reader``, ``kg.search``, ``kg.neighbourhood``: what readers ask of the graph (a
  provision with its references, the contents and trees, full-text search, the reference neighbourhood).
- ``kg.store``: the store seam (embedded Oxigraph in worker processes, or an external endpoint).
- ``kg.integrity``, ``kg.paths``, ``kg.ids``, ``kg.excerpt``: the built graph's manifest, where the data
  files are, the namespaces, short excerpts of input for messages.

Nothing here knows the GPAI law: ``kg`` imports nothing of ``reasoner`` or ``api``.
"""
