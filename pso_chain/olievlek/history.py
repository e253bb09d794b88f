"""The propagation that actually happened (docs/contract.md, ``olievlek history``).

Each organisation's first certification date d (from ``certifications``, the source of truth;
without that table, from the organisations' current certificate). Its parent is the buyer
certified strictly before d with the largest summed purchases from it in the years up to and
including year(d) (ties: smallest org_id); without one it is a root. Generations and roots
follow the parent links, one generation at a time over all organisations at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pso_chain import check
from pso_chain.core.certification import FAR_FUTURE, FAR_PAST
from pso_chain.core.network import PurchaseNetwork
from pso_chain.olievlek.base import node_ids
from pso_chain.settings import load_settings

HISTORY_COLUMNS = ["org_id", "certified_on", "parent_id", "generation", "root_id"]
CASCADE_COLUMNS = ["root_id", "name", "size", "generations", "first_certified", "last_certified"]


def _years_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def propagation(network: PurchaseNetwork, year: int | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Arrays over all nodes: first certification day (``FAR_FUTURE`` none), parent node (-1),
    generation (-1 for never certified) and root node (-1).

    ``year``: leave out certifications that first started after 31 December of that year.
    """
    first = network.certificates.first_certified().astype(np.int64)
    if year is not None:
        last_day = np.datetime64(f"{int(year):04d}-12-31", "D").astype(np.int64)
        first = np.where(first <= last_day, first, FAR_FUTURE)
    n = network.n
    certified = first < FAR_FUTURE
    known = certified & (first > FAR_PAST)
    buyer, supplier, amount = network.buyer, network.supplier, network.amount
    # an edge can make the buyer the supplier's parent: supplier certified (with a known date),
    # buyer certified strictly earlier, purchase in a year up to and including year(d)
    keep = known[supplier] & (first[buyer] < first[supplier])
    supplier_year = np.full(n, np.iinfo(np.int64).min)
    supplier_year[known] = _years_of(first[known])
    keep &= network.year <= supplier_year[supplier]
    b, s, a = buyer[keep], supplier[keep], amount[keep]
    parent = np.full(n, -1, dtype=np.int64)
    if len(s):
        key = s * np.int64(n) + b
        pairs, inverse = np.unique(key, return_inverse=True)
        summed = np.bincount(inverse.ravel(), weights=a)
        ps, pb = pairs // n, pairs % n
        order = np.lexsort((pb, -summed, ps))  # per supplier: largest sum, then smallest buyer
        ps_sorted = ps[order]
        first_of = np.r_[True, ps_sorted[1:] != ps_sorted[:-1]]
        parent[ps_sorted[first_of]] = pb[order][first_of]
    generation = np.full(n, -1, dtype=np.int64)
    root = np.full(n, -1, dtype=np.int64)
    roots = certified & (parent < 0)
    generation[roots] = 0
    root[roots] = np.flatnonzero(roots)
    todo = np.flatnonzero(certified & (parent >= 0))
    g = 0
    while len(todo):  # parents certified strictly earlier: no cycles, one pass per generation
        ready = generation[parent[todo]] == g
        if not ready.any():
            break
        now = todo[ready]
        generation[now] = g + 1
        root[now] = root[parent[now]]
        todo = todo[~ready]
        g += 1
    return first, parent, generation, root


def history(network: PurchaseNetwork, year: int | None = None) -> pd.DataFrame:
    """One row per certified organisation: ``org_id, certified_on, parent_id, generation,
    root_id`` (roots: generation 0, no parent, their own root), sorted by org_id.

    >>> import pso_chain
    >>> out = history(pso_chain.load_example())
    >>> list(out.columns), int(out["generation"].min())
    (['org_id', 'certified_on', 'parent_id', 'generation', 'root_id'], 0)
    """
    first, parent, generation, root = propagation(network, year)
    nodes = np.flatnonzero(first < FAR_FUTURE)
    days = first[nodes]
    on = np.where(days > FAR_PAST, days, np.iinfo(np.int64).min).astype("datetime64[D]")
    return pd.DataFrame({
        "org_id": node_ids(network, nodes),
        "certified_on": pd.Series(on).astype("datetime64[s]").to_numpy(),
        "parent_id": node_ids(network, parent[nodes]),
        "generation": generation[nodes],
        "root_id": node_ids(network, root[nodes]),
    }, columns=HISTORY_COLUMNS)


def largest_cascades(network: PurchaseNetwork, frame: pd.DataFrame, top: int | None = None
                     ) -> pd.DataFrame:
    """The ``top`` largest cascades (trees of one root) of a :func:`history` frame: size,
    number of generations below the root, first and last certification (``top`` defaults to
    ``olievlek.toml``)."""
    top = load_settings().history_top if top is None else check.positive_int(top, "top")
    if frame.empty:
        return pd.DataFrame(columns=CASCADE_COLUMNS)
    grouped = frame.groupby("root_id", sort=True).agg(
        size=("org_id", "size"), generations=("generation", "max"),
        first_certified=("certified_on", "min"), last_certified=("certified_on", "max"))
    grouped = grouped.reset_index().sort_values(["size", "root_id"], ascending=[False, True],
                                                kind="stable").head(top)
    names = network.organisations.set_index("org_id")["name"]
    grouped.insert(1, "name", names.reindex(grouped["root_id"]).to_numpy())
    return grouped[CASCADE_COLUMNS].reset_index(drop=True)


def history_figures(frame: pd.DataFrame) -> dict[str, float]:
    """Headline figures of a :func:`history` frame: certified organisations, roots, the share
    of certifications that followed a certified buyer, generations, the largest cascade."""
    total = len(frame)
    followed = int(frame["parent_id"].notna().sum()) if total else 0
    sizes = frame.groupby("root_id").size() if total else pd.Series(dtype=int)
    return {
        "certified_organisations": total,
        "roots": total - followed,
        "followed_certified_buyer": followed,
        "followed_share": followed / total if total else float("nan"),
        "max_generation": int(frame["generation"].max()) if total else 0,
        "largest_cascade": int(sizes.max()) if total else 0,
        "cascades_with_followers": int((sizes > 1).sum()) if total else 0,
    }
