"""Where a network comes from: a dataset folder (the in-memory engine's own tables) or a Neo4j
database, which hands the engine only the rows a verb needs.

:class:`DatabaseNetwork` is the database side of :func:`pso_chain.open`. It never computes a
rule of its own: each method selects rows in Neo4j and leaves the result to the engine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pso_chain.parsing import DATABASE_SCHEMES, is_database_uri  # noqa: F401 (the core's, re-exported)
from pso_chain.rules import Rules


@dataclass
class DatabaseNetwork:
    """A network kept in Neo4j: verbs read what they need; :meth:`whole` streams everything."""

    uri: str
    rules: Rules
    _whole: Any = field(default=None, repr=False)

    def whole(self):
        """The whole database as an in-memory network (for verbs without a database path)."""
        if self._whole is None:
            from pso_chain.network import load_network

            self._whole = load_network(self.uri, self.rules)
        return self._whole

    def resolve_year(self, year: int | None) -> int:
        from pso_chain.neo4jdb.queries import resolve_year_cypher

        return resolve_year_cypher(self.uri, year, self.rules)

    def credits(self, year: int | None) -> pd.DataFrame:
        from pso_chain.neo4jdb.queries import credits_cypher

        return credits_cypher(self.uri, year, self.rules)

    def explain(self, org_id: str, year: int | None) -> dict:
        from pso_chain.neo4jdb.queries import explain_cypher

        return explain_cypher(self.uri, org_id, year, self.rules)

    def uplift(self, org_id: str, year: int | None, **options) -> dict[str, pd.DataFrame]:
        from pso_chain.neo4jdb.queries import uplift_cypher

        return uplift_cypher(self.uri, org_id, self.resolve_year(year), rules=self.rules, **options)

    def suppliers(self, on: dt.date, **options) -> pd.DataFrame:
        from pso_chain.neo4jdb.queries import suppliers_cypher

        return suppliers_cypher(self.uri, on, rules=self.rules, **options)

    def exposure(self, year: int | None, *, municipality: str | None, threshold: float | None
                 ) -> pd.DataFrame:
        from pso_chain.neo4jdb.queries import exposure_cypher

        return exposure_cypher(self.uri, year, municipality, threshold, self.rules)
