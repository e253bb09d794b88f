"""Where a network comes from: a dataset folder (the in-memory engine's own tables) or a Neo4j
database, opened like a folder.

:class:`DatabaseNetwork` is the database side of :func:`pso_chain.open`. It never computes a
rule of its own. By default (``cache``) each verb first reads the database's state (one cheap
query) and runs the engine's function on the database's compiled network, the same memory-mapped
files a folder gets, built once from every row and rebuilt when the database changes
(:mod:`pso_chain.neo4jdb.cached`). Without the cache each verb selects the rows its answer
depends on in Neo4j, builds a small network of them and runs the engine's function on it
(:mod:`pso_chain.neo4jdb.verbs`): nothing written on this machine, every call a fresh read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pso_chain import check
from pso_chain.buyers.suppliers import eligible_suppliers
from pso_chain.buyers.uplift import uplift_plan
from pso_chain.config import Settings
from pso_chain.core.explanation import explain as trace
from pso_chain.core.network import PurchaseNetwork
from pso_chain.core.scoring import credits as score
from pso_chain.core.spend import supplier_spend as spend_of
from pso_chain.neo4jdb import cached, verbs
from pso_chain.neo4jdb.source import load_network
from pso_chain.olievlek.exposure import exposure as prospects
from pso_chain.parsing import DATABASE_SCHEMES, is_database_uri  # noqa: F401 (the core's, re-exported)
from pso_chain.rules import Rules


@dataclass
class DatabaseNetwork:
    """A network kept in Neo4j. With ``cache`` (None: ``settings.cache``, yes by default) the
    verbs run on its compiled network, checked against the database's state on every call;
    without it each verb reads the rows it needs. :meth:`whole` is the whole network."""

    uri: str
    rules: Rules
    settings: Settings = field(default_factory=Settings)  # credentials, database, retries, cache
    cache: bool | None = None
    cache_dir: str | Path | None = None  # None: settings.compiled_root
    _whole: Any = field(default=None, repr=False)
    _held: Any = field(default=None, repr=False)  # (entry, network) of the last state seen

    @property
    def cached(self) -> bool:
        """Whether the verbs run on the compiled network."""
        return bool(self.settings.cache if self.cache is None else self.cache)

    def network(self) -> PurchaseNetwork:
        """The database as it is now, as an in-memory network: its compiled network (mapped,
        or built first when the database changed), reused while the state is the same."""
        self._held = cached.current(self.uri, self.rules, self.settings,
                                    cache_dir=self.cache_dir, held=self._held)
        return self._held[1]

    def whole(self):
        """The whole database as an in-memory network (for verbs without a database path)."""
        if self.cached:
            return self.network()
        if self._whole is None:
            self._whole = load_network(self.uri, self.rules, self.settings)
        return self._whole

    def resolve_year(self, year: int | None) -> int:
        if self.cached:
            return self.network().resolve_year(year)
        return verbs.resolve_year(self.uri, self.rules, year, self.settings)

    def credits(self, year: int | None) -> pd.DataFrame:
        if self.cached:
            network = self.network()
            return score(network, check.year(network, year))
        return verbs.credits(self.uri, self.rules, year, self.settings)

    def explain(self, org_id: str, year: int | None, shown: slice | None = None) -> dict:
        if self.cached:
            network = self.network()
            return trace(network, org_id, check.year(network, year), shown)
        return verbs.explain(self.uri, self.rules, org_id, year, self.settings, shown)

    def supplier_spend(self, org_id: str, year: int | None) -> pd.DataFrame:
        if self.cached:
            network = self.network()
            return spend_of(network, org_id, check.year(network, year))
        return verbs.supplier_spend(self.uri, self.rules, org_id, year, self.settings)

    def uplift(self, org_id: str, year: int | None, **options) -> dict[str, pd.DataFrame]:
        if self.cached:
            network = self.network()
            return uplift_plan(network, org_id, check.year(network, year), **options)
        return verbs.uplift(self.uri, self.rules, org_id, year, settings=self.settings, **options)

    def suppliers(self, on: dt.date, *, min_level: str | None = None, for_org: str | None = None,
                  year: int | None = None, **options) -> pd.DataFrame:
        if self.cached:  # as pso_chain.suppliers on a folder
            network = self.network()
            if min_level is not None:
                min_level = check.level(min_level, network.rules.all_levels, "min_level")
            if for_org is not None:
                year = check.year(network, year)
            return eligible_suppliers(network, on, min_level=min_level, for_org=for_org,
                                      year=year, **options)
        return verbs.suppliers(self.uri, self.rules, on, settings=self.settings,
                               min_level=min_level, for_org=for_org, year=year, **options)

    def exposure(self, year: int | None, *, municipality: str | None, threshold: float | None
                 ) -> pd.DataFrame:
        if self.cached:
            return prospects(self.network(), year, municipality, threshold)
        return verbs.exposure(self.uri, self.rules, year, municipality=municipality,
                              threshold=threshold, settings=self.settings)
