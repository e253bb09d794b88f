"""Neo4j as a source and a writer of the canonical tables, and the PSO verbs computed in Cypher.

``server`` starts a throwaway local Neo4j; ``load`` writes a validated dataset into the graph
model of ``docs/neo4j.md``; ``source`` streams the tables back out (so every verb takes a
``bolt://`` URI); ``queries`` runs ``queries/*.cypher`` and returns the in-memory engine's frames.
The ``neo4j`` driver is an optional dependency (``pip install pso-chain[neo4j]``).
"""
