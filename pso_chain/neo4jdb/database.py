"""Where a network comes from: a dataset folder (the in-memory engine's own tables) or a Neo4j
database, which hands the engine only the rows a verb needs.

:class:`DatabaseNetwork` is the database side of :func:`pso_chain.open`. It never computes a
rule of its own: each method selects rows in Neo4j, builds a small network of them and runs
the engine's function on it (:mod:`pso_chain.neo4jdb.verbs`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pso_chain.config import Settings
from pso_chain.neo4jdb import verbs
from pso_chain.neo4jdb.source import load_network
from pso_chain.parsing import DATABASE_SCHEMES, is_database_uri  # noqa: F401 (the core's, re-exported)
from pso_chain.rules import Rules


@dataclass
class DatabaseNetwork:
    """A network kept in Neo4j: verbs read what they need; :meth:`whole` streams everything."""

    uri: str
    rules: Rules
    settings: Settings = field(default_factory=Settings)  # credentials, database, retries
    _whole: Any = field(default=None, repr=False)

    def whole(self):
        """The whole database as an in-memory network (for verbs without a database path)."""
        if self._whole is None:
            self._whole = load_network(self.uri, self.rules, self.settings)
        return self._whole

    def resolve_year(self, year: int | None) -> int:
        return verbs.resolve_year(self.uri, self.rules, year, self.settings)

    def credits(self, year: int | None) -> pd.DataFrame:
        return verbs.credits(self.uri, self.rules, year, self.settings)

    def explain(self, org_id: str, year: int | None) -> dict:
        return verbs.explain(self.uri, self.rules, org_id, year, self.settings)

    def uplift(self, org_id: str, year: int | None, **options) -> dict[str, pd.DataFrame]:
        return verbs.uplift(self.uri, self.rules, org_id, year, settings=self.settings, **options)

    def suppliers(self, on: dt.date, **options) -> pd.DataFrame:
        return verbs.suppliers(self.uri, self.rules, on, settings=self.settings, **options)

    def exposure(self, year: int | None, *, municipality: str | None, threshold: float | None
                 ) -> pd.DataFrame:
        return verbs.exposure(self.uri, self.rules, year, municipality=municipality,
                              threshold=threshold, settings=self.settings)
