"""Who is exposed to code-applying buyers (docs/contract.md, ``olievlek exposure``): a prospect list.

For every organisation that can adopt in year Y (:func:`~pso_chain.olievlek.base.can_adopt`: no
valid certificate on 1 January, not an SW-bedrijf — purchases from those count already, they
are no prospects): the share of its
revenue coming from code-applying buyers in Y, and its distance in tiers (supplier hops along
buyer -> supplier purchases of Y) from the nearest code-applying buyer — 1 for their direct
suppliers, 2 for the suppliers of those, and so on. Distances come from a breadth-first search
started from all code-applying buyers at once, one frontier (a sparse row gather) per tier.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from pso_chain.core.network import PurchaseNetwork
from pso_chain.olievlek.base import (
    can_adopt,
    check_year,
    code_applying,
    has_revenue,
    municipality_mask,
    supplier_matrix,
)
from pso_chain.olievlek.simulate import certify_rule, distinct, out_edges

EXPOSURE_COLUMNS = ["org_id", "name", "municipality", "sbi", "employees", "revenue_eur", "code_buyers",
                    "sales_to_code_eur", "code_share", "distance", "threshold", "meets_threshold"]


def tier_distances(matrix: sp.csr_matrix, sources: np.ndarray) -> np.ndarray:
    """Hops from the nearest source along the rows of ``matrix`` (buyer -> supplier) for every
    node: 0 for the sources, -1 where unreachable."""
    n = matrix.shape[0]
    distance = np.full(n, -1, dtype=np.int64)
    frontier = np.flatnonzero(sources) if sources.dtype == bool else np.unique(sources)
    distance[frontier] = 0
    hop = 0
    while len(frontier):
        hop += 1
        _, reached, _ = out_edges(matrix, frontier)
        frontier = distinct(reached[distance[reached] < 0], n)
        distance[frontier] = hop
    return distance


def exposure(network: PurchaseNetwork, year: int | None = None, municipality: str | None = None,
             threshold: float | None = None) -> pd.DataFrame:
    """The prospect list of ``year``: organisations without a valid certificate on 1 January,
    nearest to code-applying buyers first (distance, then highest ``code_share``, then org_id).

    ``code_share`` is NaN where revenue_eur is missing; ``distance`` is empty where no chain of
    purchases leads from a code-applying buyer. ``threshold``/``meets_threshold`` show the
    simulate threshold the share is compared with.

    >>> import pso_chain
    >>> out = exposure(pso_chain.load_example())
    >>> bool(out["distance"].dropna().min() >= 1)
    True
    """
    year = check_year(network, year)
    matrix = supplier_matrix(network, year)
    applying = code_applying(network, year)
    weight = applying.astype(float)
    sales = matrix.T @ weight  # spend each organisation receives from code-applying buyers
    pattern = sp.csr_matrix((np.ones(matrix.nnz), matrix.indices, matrix.indptr), shape=matrix.shape)
    buyers = pattern.T @ weight
    distance = tier_distances(matrix, applying)
    rule = certify_rule(network, "threshold", threshold)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(has_revenue(network), sales / network.revenue, np.nan)
    keep = can_adopt(network, year) & municipality_mask(network, municipality)
    nodes = np.flatnonzero(keep)
    orgs = network.organisations
    dist = pd.array(distance[nodes], dtype="Int64")
    dist[distance[nodes] < 0] = pd.NA
    frame = pd.DataFrame({
        "org_id": orgs["org_id"].to_numpy()[nodes],
        "name": orgs["name"].to_numpy()[nodes],
        "municipality": orgs["municipality"].to_numpy()[nodes],
        "sbi": orgs["sbi"].to_numpy()[nodes],
        "employees": network.employees[nodes],
        "revenue_eur": network.revenue[nodes],
        "code_buyers": buyers[nodes].astype(np.int64),
        "sales_to_code_eur": sales[nodes],
        "code_share": share[nodes],
        "distance": dist,
        "threshold": rule.threshold[nodes],
        "meets_threshold": share[nodes] >= rule.threshold[nodes],
    }, columns=EXPOSURE_COLUMNS)
    unreachable = distance[nodes] < 0
    order = np.lexsort((nodes, -np.nan_to_num(share[nodes], nan=-1.0),
                        np.where(unreachable, np.iinfo(np.int64).max, distance[nodes])))
    return frame.iloc[order].reset_index(drop=True)


def exposure_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Prospects per distance tier: organisations, median and mean code share, how many meet
    the threshold already."""
    tier = frame["distance"].astype("string").fillna("unreachable")
    grouped = frame.assign(tier=tier).groupby("tier", sort=False).agg(
        organisations=("org_id", "size"), median_code_share=("code_share", "median"),
        mean_code_share=("code_share", "mean"), meets_threshold=("meets_threshold", "sum"))
    return grouped.reset_index()
