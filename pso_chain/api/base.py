"""What every verb function of the public API takes: a network from either source.

Kept apart from :mod:`pso_chain.api.verbs` so that the verb modules (:mod:`pso_chain.api.buyers`,
:mod:`pso_chain.api.olievlek`) and the API itself share it without importing each other.
"""

from __future__ import annotations

from pso_chain import check
from pso_chain.core.network import PurchaseNetwork
from pso_chain.neo4jdb.database import DatabaseNetwork

Network = PurchaseNetwork | DatabaseNetwork


def engine(network: Network) -> PurchaseNetwork:
    """The in-memory network behind a source (a database is read whole: for verbs without a
    database path of their own)."""
    if isinstance(network, DatabaseNetwork):
        return network.whole()
    check.a_network(network)
    return network
