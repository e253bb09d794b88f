"""Spend with counting suppliers: how much of the buyers' purchasing goes to SW-bedrijven and
PSO holders, overall and by the buyer's municipality or sector.

A purchase row *counts* exactly when it counts for the buyer's PSO score (``network.eligible``:
supplier an SW-bedrijf, or holding an eligible certificate valid on the purchase date or, without
a date, on some day of the year; never a self-purchase). Self-purchases (internal charges) are
left out of the spend as well, the way ``olievlek stats`` leaves them out. Counting spend is split
into spend at SW-bedrijven and spend at certified suppliers (an SW-bedrijf that also holds a
certificate is counted as an SW-bedrijf).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pso_chain import check
from pso_chain.core.network import PurchaseNetwork
from pso_chain.sectors import sbi_section

SPEND_COLUMNS = ["group", "buyers", "spend_eur", "counting_spend_eur", "sw_spend_eur",
                 "certified_spend_eur", "counting_share"]
GROUPINGS = (None, "municipality", "sector")


def buyer_groups(network: PurchaseNetwork, by: str | None) -> np.ndarray:
    """The group of every organisation as a buyer: one ``all`` group, its municipality, or its
    SBI section letter (``"?"`` unknown)."""
    if by is None:
        return np.full(network.n, "all", dtype=object)
    if by == "municipality":
        return network.organisations["municipality"].fillna("").astype(str).str.strip().to_numpy(object)
    if by == "sector":
        return sbi_section(network.organisations["sbi"])
    check.fail("by", by, "use one of None, municipality, sector")


def counting_spend(network: PurchaseNetwork, year: int | None = None, by: str | None = None,
                   municipality: str | None = None) -> pd.DataFrame:
    """Spend of the year's buyers and the part going to counting suppliers, one row per group
    (sorted by group): ``group, buyers, spend_eur, counting_spend_eur, sw_spend_eur,
    certified_spend_eur, counting_share`` (a fraction, NaN where a group spent nothing).

    ``municipality`` keeps only buyers in that municipality (unknown: bad input).

    >>> import pso_chain
    >>> out = counting_spend(pso_chain.load_example(), 2025)
    >>> out["group"].tolist(), bool(0 < out["counting_share"].iloc[0] < 1)
    (['all'], True)
    """
    year = check.year(network, year)
    buyer, supplier = network.buyer, network.supplier
    rows = network.in_year(year) & (buyer != supplier) & check.municipality_mask(network, municipality)[buyer]
    buyer, supplier = buyer[rows], supplier[rows]
    amount = network.amount[rows]
    counting = network.eligible[rows]
    at_sw = counting & network.sw[supplier]
    group = pd.Series(buyer_groups(network, by)[buyer], dtype="object")
    frame = pd.DataFrame({
        "group": group, "buyer": buyer, "spend_eur": amount,
        "counting_spend_eur": np.where(counting, amount, 0.0),
        "sw_spend_eur": np.where(at_sw, amount, 0.0),
        "certified_spend_eur": np.where(counting & ~at_sw, amount, 0.0),
    })
    out = frame.groupby("group", sort=True).agg(
        buyers=("buyer", "nunique"), spend_eur=("spend_eur", "sum"),
        counting_spend_eur=("counting_spend_eur", "sum"), sw_spend_eur=("sw_spend_eur", "sum"),
        certified_spend_eur=("certified_spend_eur", "sum")).reset_index()
    if by is None and out.empty:
        out = pd.DataFrame({"group": ["all"], "buyers": [0], "spend_eur": [0.0],
                            "counting_spend_eur": [0.0], "sw_spend_eur": [0.0],
                            "certified_spend_eur": [0.0]})
    spend = out["spend_eur"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["counting_share"] = np.where(spend > 0, out["counting_spend_eur"].to_numpy(float) / spend,
                                         np.nan)
    out["buyers"] = out["buyers"].astype(np.int64)
    return out[SPEND_COLUMNS]


def supplier_spend(network: PurchaseNetwork, org_id: str, year: int | None = None) -> pd.DataFrame:
    """One buyer's spend per supplier in a year, largest first (ties by ``supplier_id``):
    ``supplier_id``, ``supplier_name``, ``rows``, ``amount_eur`` and ``counted_eur`` (the part
    of it in rows that count). Summed over the buyer's rows in file order with numpy, so the
    totals equal adding the rows one by one. Self-purchases are rows of the buyer like any other
    here (what a what-if form starts from), unlike :func:`counting_spend`."""
    year = network.resolve_year(year)
    node = network.node(org_id)
    rows = network.buyer_rows(node, year)
    amount = network.amount[rows]
    nodes, inverse = np.unique(network.supplier[rows], return_inverse=True)
    total = np.bincount(inverse, weights=amount, minlength=len(nodes))
    counted = np.bincount(inverse, weights=np.where(network.eligible[rows], amount, 0.0),
                          minlength=len(nodes))
    orgs = network.organisations
    ids = orgs["org_id"].iloc[nodes].to_numpy(dtype=object)
    order = np.lexsort((ids.astype(str), -total))
    names = orgs["name"].iloc[nodes[order]].to_numpy(dtype=object)
    return pd.DataFrame({"supplier_id": ids[order], "supplier_name": names,
                         "rows": np.bincount(inverse, minlength=len(order))[order],
                         "amount_eur": total[order], "counted_eur": counted[order]})
