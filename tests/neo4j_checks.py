"""Helpers shared by the ``test_neo4j_*`` modules: the database's content as comparable data.

``graph_snapshot`` reads every node and relationship of the graph model with all its labels and
properties into a sorted list of JSON lines (element ids left out), so two databases — or one
database before and after a load — compare for equality, and ``checksum`` condenses it.
"""

from __future__ import annotations

import hashlib
import json

from neo4j import GraphDatabase

from pso_chain.config import Settings
from pso_chain.neo4jdb.connect import target_of

SNAPSHOT_QUERIES = (
    "MATCH (o:Organisation) RETURN 'org' AS kind, labels(o) AS labels, properties(o) AS props",
    "MATCH (o:Organisation)-[:HAS_CERTIFICATE]->(c:Certificate) "
    "RETURN 'cert' AS kind, [o.org_id] AS labels, properties(c) AS props",
    "MATCH (c:Certificate) RETURN 'cert-node' AS kind, labels(c) AS labels, {key: c.key} AS props",
    "MATCH (o:Organisation)-[:EMPLOYS]->(e:EmployeeRecord) "
    "RETURN 'record' AS kind, [o.org_id] AS labels, properties(e) AS props",
    "MATCH (e:EmployeeRecord) RETURN 'record-node' AS kind, labels(e) AS labels, {row: e.row} AS props",
    "MATCH (b)-[p:BUYS_FROM]->(s) RETURN 'purchase' AS kind, [b.org_id, s.org_id] AS labels, "
    "properties(p) AS props",
    "MATCH (d:PsoDataset) RETURN 'dataset' AS kind, labels(d) AS labels, properties(d) AS props",
)

NODE_KINDS = ("org", "cert-node", "record-node", "dataset")


def _plain(value):
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if isinstance(value, float) and value != value:
        return "NaN"
    return value


def graph_snapshot(uri: str, settings: Settings | None = None) -> list[str]:
    """Every node and relationship of the graph model as sorted JSON lines (credentials from
    ``settings``; a local server's password file by default)."""
    target = target_of(uri, settings)
    lines = []
    with GraphDatabase.driver(target.uri, auth=target.auth) as driver, driver.session() as session:
        for query in SNAPSHOT_QUERIES:
            for record in session.run(query):
                props = {k: _plain(v) for k, v in sorted(record["props"].items())}
                kind = record["kind"]
                # node labels are a set; a relationship's ends keep their order
                ends = sorted(record["labels"]) if kind in NODE_KINDS else record["labels"]
                lines.append(json.dumps([kind, ends, props],
                                        ensure_ascii=False, sort_keys=True))
    return sorted(lines)


def checksum(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def run_cypher(uri: str, query: str, settings: Settings | None = None, **params) -> list[dict]:
    """Run one query (test set-up and inspection)."""
    target = target_of(uri, settings)
    with GraphDatabase.driver(target.uri, auth=target.auth) as driver, driver.session() as session:
        return [r.data() for r in session.run(query, params)]
