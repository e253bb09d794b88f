"""Chain-stimulation indicators: do certified buyers buy more from counting suppliers, do
certified organisations trade with each other (assortativity), and the history's figures.

Definitions (year Y, self-purchases left out):

- *counting spend*: spend on purchase rows that count for the PSO score (supplier an
  SW-bedrijf or holding an eligible certificate valid on the purchase date, docs/contract.md);
- *certified buyer*: holds an eligible certificate valid on 1 January of Y;
- *can adopt*: :func:`~pso_chain.olievlek.base.can_adopt` (no certificate on 1 January, not an
  SW-bedrijf), the one definition ``exposure``, ``simulate`` and ``seeds`` use;
- *spend-weighted assortativity of certification*: the Pearson correlation, over purchase
  relations weighted by their summed amount, of certified(buyer) and certified(supplier)
  (both 0/1). With all amounts equal this is networkx's ``numeric_assortativity_coefficient``;
  beside it Newman's categorical coefficient ``(sum_i e_ii - sum_i a_i b_i) / (1 - sum_i a_i b_i)``
  on the same weighted mixing matrix (networkx's ``attribute_assortativity_coefficient``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pso_chain.core.network import PurchaseNetwork
from pso_chain.olievlek.base import can_adopt, certified_at_start, check_year, supplier_matrix
from pso_chain.olievlek.history import history, history_figures

SPEND_COLUMNS = ["buyers", "organisations", "spend_eur", "counting_spend_eur", "counting_share"]
STATS_COLUMNS = ["indicator", "value", "meaning"]


def weighted_assortativity(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> tuple[float, float]:
    """(Pearson, Newman) assortativity of a 0/1 attribute over weighted directed edges, with
    ``x``/``y`` the attribute at the edge's source/target; NaN where undefined."""
    w = np.asarray(weight, dtype=float)
    total = w.sum()
    if total <= 0:
        return float("nan"), float("nan")
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    mx, my = (w * x).sum() / total, (w * y).sum() / total
    cov = (w * x * y).sum() / total - mx * my
    var = (mx - mx * mx) * (my - my * my)  # 0/1 values: E[x^2] = E[x]
    pearson = cov / np.sqrt(var) if var > 0 else float("nan")
    expected = mx * my + (1 - mx) * (1 - my)  # sum_i a_i b_i
    diagonal = (w * (x * y + (1 - x) * (1 - y))).sum() / total
    newman = (diagonal - expected) / (1 - expected) if expected < 1 else float("nan")
    return float(pearson), float(newman)


def spend_by_buyer_group(network: PurchaseNetwork, year: int | None = None) -> pd.DataFrame:
    """Share of spend going to counting suppliers, for certified buyers, other buyers and all."""
    year = check_year(network, year)
    rows = network.in_year(year) & (network.buyer != network.supplier)
    buyer = network.buyer[rows]
    amount = network.amount[rows]
    counting = network.eligible[rows]
    certified = certified_at_start(network, year)
    groups = {"certified buyers": certified[buyer], "other buyers": ~certified[buyer],
              "all buyers": np.ones(len(buyer), dtype=bool)}
    out = []
    for name, mask in groups.items():
        spend = float(amount[mask].sum())
        count_spend = float(amount[mask & counting].sum())
        buyers = int(np.count_nonzero(np.bincount(buyer[mask], minlength=network.n)))
        out.append((name, buyers, spend, count_spend,
                    count_spend / spend if spend > 0 else float("nan")))
    frame = pd.DataFrame(out, columns=["group", "buyers", "spend_eur", "counting_spend_eur",
                                       "counting_share"])
    return frame


def certification_assortativity(network: PurchaseNetwork, year: int | None = None) -> tuple[float, float]:
    """(Pearson, Newman) spend-weighted assortativity of certification over the year's
    purchase relations (see the module docstring)."""
    year = check_year(network, year)
    coo = supplier_matrix(network, year).tocoo()
    certified = certified_at_start(network, year)
    return weighted_assortativity(certified[coo.row], certified[coo.col], coo.data)


def chain_stats(network: PurchaseNetwork, year: int | None = None) -> pd.DataFrame:
    """All indicators as ``indicator, value, meaning`` rows (spend shares, assortativity,
    history figures)."""
    year = check_year(network, year)
    spend = spend_by_buyer_group(network, year).set_index("group")
    cert_share = spend.at["certified buyers", "counting_share"]
    other_share = spend.at["other buyers", "counting_share"]
    pearson, newman = certification_assortativity(network, year)
    figures = history_figures(history(network, year))
    rows = [
        ("year", year, "reference year of the purchases"),
        ("certified_buyers", int(spend.at["certified buyers", "buyers"]),
         "buyers holding an eligible certificate on 1 January"),
        ("other_buyers", int(spend.at["other buyers", "buyers"]), "all other buyers"),
        ("can_adopt", int(can_adopt(network, year).sum()),
         "organisations that can adopt: no certificate on 1 January, not an SW-bedrijf"),
        ("counting_share_certified_buyers", cert_share,
         "share of certified buyers' spend going to counting suppliers"),
        ("counting_share_other_buyers", other_share,
         "share of other buyers' spend going to counting suppliers"),
        ("counting_share_all_buyers", spend.at["all buyers", "counting_share"],
         "share of all spend going to counting suppliers"),
        ("counting_share_ratio", cert_share / other_share if other_share > 0 else float("nan"),
         "certified buyers' counting share over other buyers'"),
        ("assortativity_pearson", pearson,
         "spend-weighted Pearson correlation of certified(buyer) and certified(supplier)"),
        ("assortativity_newman", newman,
         "spend-weighted Newman (categorical) assortativity of certification"),
        ("certified_organisations", figures["certified_organisations"],
         "organisations ever certified up to the year (history)"),
        ("history_roots", figures["roots"], "certifications with no certified buyer before them"),
        ("followed_certified_buyer_share", figures["followed_share"],
         "share of certifications that followed a certified buyer"),
        ("max_generation", figures["max_generation"], "deepest generation of a cascade"),
        ("largest_cascade", figures["largest_cascade"], "organisations in the largest cascade"),
        ("cascades_with_followers", figures["cascades_with_followers"],
         "cascades of more than one organisation"),
    ]
    frame = pd.DataFrame(rows, columns=STATS_COLUMNS)
    # each value keeps its own type (the year and the counts stay int, not 2025.0)
    frame["value"] = pd.Series([_plain(row[1]) for row in rows], dtype=object)
    return frame


def _plain(value: object) -> object:
    """A Python int or float (numpy scalars unwrapped)."""
    if isinstance(value, np.integer | int) and not isinstance(value, bool):
        return int(value)
    return float(value)  # type: ignore[arg-type]
