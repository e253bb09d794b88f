"""The propagation that actually happened (docs/contract.md, ``olievlek history``).

Each organisation's first certification date d (from ``certifications``, the source of truth;
without that table, from the organisations' current certificate). Its parent is the buyer
certified strictly before d with the largest summed purchases from it in the years up to and
including year(d) (ties: smallest org_id); without one it is a root. Generations and roots
follow the parent links, one generation at a time over all organisations at once.

:func:`history_baseline` puts "followed a certified buyer" beside a baseline: the yearly rate
of first certification of organisations selling to code-applying buyers against that of
organisations of the same size class that did not (Wilson intervals), an association and not
a cause.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pso_chain import check
from pso_chain.core.certification import FAR_FUTURE, FAR_PAST
from pso_chain.core.network import PurchaseNetwork
from pso_chain.olievlek.base import node_ids
from pso_chain.olievlek.panel import adoption_panel
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


# --- a baseline for "followed a certified buyer" ---------------------------------------------
BASELINE_COLUMNS = ["size_class", "exposed_years", "exposed_certified", "exposed_rate", "exposed_low",
                    "exposed_high", "other_years", "other_certified", "other_rate", "other_low",
                    "other_high", "difference", "difference_low", "difference_high"]
ALL_SIZES = "all"
Z95 = 1.959963984540054


def wilson(successes: ArrayLike, trials: ArrayLike, z: float = Z95
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rate and Wilson score interval of ``successes`` out of ``trials`` (NaN where no trials)."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = k / n
        centre = (k + z * z / 2) / (n + z * z)
        half = z * np.sqrt(n * rate * (1 - rate) + z * z / 4) / (n + z * z)
    lo, hi = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    empty = n == 0
    return (np.where(empty, np.nan, rate), np.where(empty, np.nan, lo), np.where(empty, np.nan, hi))


def newcombe(k1: ArrayLike, n1: ArrayLike, k0: ArrayLike, n0: ArrayLike, z: float = Z95
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Difference of two rates ``k1/n1 - k0/n0`` with Newcombe's hybrid score interval (method
    10 of Newcombe 1998, built from the two Wilson intervals)."""
    p1, l1, u1 = wilson(k1, n1, z)
    p0, l0, u0 = wilson(k0, n0, z)
    d = p1 - p0
    lo = d - np.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
    hi = d + np.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    return d, lo, hi


def history_baseline(network: PurchaseNetwork, first_year: int | None = None,
                     last_year: int | None = None, lag: int = 0) -> pd.DataFrame:
    """How often organisations selling to code-applying (certified) buyers certified for the
    first time, against organisations of the same size class that did not sell to them.

    Over the organisation-years of :func:`~pso_chain.olievlek.panel.adoption_panel` (never
    certified before the year, able to adopt, with a revenue): ``exposed`` rows sold to
    code-applying buyers in year ``t - lag``, ``other`` rows did not. Per size class (the fee
    bands of the rules file) and for all sizes together (not standardised for size): the
    yearly rate of first certification with its 95% Wilson interval, and the difference with
    Newcombe's interval. An association, not a cause: organisations that sell to certified
    buyers differ in more than that (sector, region, size within the class).

    >>> import pso_chain
    >>> out = history_baseline(pso_chain.load_example())
    >>> out["size_class"].iat[-1], int(out["exposed_certified"].iat[-1] + out["other_certified"].iat[-1])
    ('all', 4)
    """
    panel = adoption_panel(network, first_year, last_year, lag)
    rules = network.rules
    employees = network.employees[panel.node]
    band = np.searchsorted(rules.fee_lower_bounds, employees, side="right") - 1
    band = np.clip(band, 0, len(rules.fee_eur) - 1)
    exposed = panel.sales > 0
    y = panel.adopted
    groups = [(rules.fee_band(int(rules.fee_lower_bounds[b])), band == b) for b in np.unique(band)]
    groups.append((ALL_SIZES, np.ones(len(panel), dtype=bool)))
    rows = []
    for label, m in groups:
        n1, k1 = int((m & exposed).sum()), int((m & exposed & y).sum())
        n0, k0 = int((m & ~exposed).sum()), int((m & ~exposed & y).sum())
        r1, lo1, hi1 = (float(v) for v in wilson(k1, n1))
        r0, lo0, hi0 = (float(v) for v in wilson(k0, n0))
        d, dlo, dhi = (float(v) for v in newcombe(k1, n1, k0, n0))
        rows.append((label, n1, k1, r1, lo1, hi1, n0, k0, r0, lo0, hi0, d, dlo, dhi))
    return pd.DataFrame(rows, columns=BASELINE_COLUMNS)


def baseline_text(frame: pd.DataFrame) -> str:
    """The comparison of :func:`history_baseline` in words (all sizes), saying it is an
    association and not a cause."""
    row = frame[frame["size_class"] == ALL_SIZES].iloc[0]

    def pct(v: float) -> str:
        return "n/a" if not np.isfinite(v) else f"{100 * v:.2f}%"

    return (f"organisations selling to code-applying buyers certified in {pct(row['exposed_rate'])} "
            f"of {int(row['exposed_years']):,} organisation-years (95% CI {pct(row['exposed_low'])}-"
            f"{pct(row['exposed_high'])}), the others in {pct(row['other_rate'])} of "
            f"{int(row['other_years']):,} ({pct(row['other_low'])}-{pct(row['other_high'])}); "
            f"difference {pct(row['difference'])} ({pct(row['difference_low'])} to "
            f"{pct(row['difference_high'])}). An association, not a cause: organisations that "
            "sell to certified buyers differ in more than that; compare within a size class.")
