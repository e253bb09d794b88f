"""Certified-supplier search: every supplier whose sales count on a date, ranked by yield.

A purchase counts when the supplier is an SW-bedrijf or holds an eligible certificate valid on
the purchase date. The yield of a supplier, target-group FTE per million euro of its revenue, is
the indirect FTE a buyer earns per million spent there, so ranking by yield ranks by credit per
euro. All of it is array work over every organisation at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pso_chain import check
from pso_chain.buyers.common import (
    buyer_indirect_fte,
    buyer_scores,
    continuous_valid_until,
    days_to_dates,
    levels_on,
    yield_fte_per_meur,
)
from pso_chain.core.certification import FAR_PAST
from pso_chain.core.network import PurchaseNetwork
from pso_chain.parsing import day_of
from pso_chain.sectors import sells_sector
from pso_chain.settings import load_buyer_defaults

SUPPLIER_COLUMNS = ["org_id", "name", "level", "sw", "valid_until", "sbi", "delivers", "municipality",
                    "postcode", "revenue_eur", "target_fte", "yield_fte_per_meur"]
GAIN_COLUMNS = ["extra_eur", "total_pct_now", "total_pct_after", "gain_pct", "trede_after"]


def level_rank(network: PurchaseNetwork, levels: np.ndarray) -> np.ndarray:
    """Position of each level in the rules' level order (-1 for no level)."""
    return pd.Index(network.rules.all_levels).get_indexer(pd.Series(levels, dtype=object))


def ranked_by_yield(nodes: np.ndarray, yield_meur: np.ndarray) -> np.ndarray:
    """Positions ordering ``nodes`` by their ``yield_meur``, highest first (unknown yield
    last), ties by node index (= org_id order)."""
    key = np.where(np.isnan(yield_meur), np.inf, -yield_meur)
    return np.lexsort((nodes, key))


def eligible_suppliers(network: PurchaseNetwork, on, *, sbi: str | None = None,
                       municipality: str | Sequence[str] | None = None, min_level: str | None = None,
                       for_org: str | None = None, year: int | None = None,
                       gain_per_eur: float | None = None) -> pd.DataFrame:
    """Every organisation whose sales count on date ``on`` (an SW-bedrijf, or an eligible
    certificate valid on the date), ordered by ``yield_fte_per_meur`` (highest first, unknown
    revenue last, ties by org_id).

    Filters: ``sbi`` code prefix (the organisation's own code or one in ``delivers``),
    ``municipality`` (one name or several, any of them counts; case-insensitive; an unknown one
    is bad input naming the nearest known names), ``min_level`` (the certificate level valid on
    the date is at least this one in the rules' order; an SW-bedrijf without such a certificate
    is left out). ``valid_until`` is the end of the unbroken certification (renewals included;
    empty when open-ended or for an SW-bedrijf without one).

    With ``for_org`` (a buyer; dropped from the list, since self-purchases never count) each row
    adds what ``gain_per_eur`` more euros there would do to that buyer's total percentage in
    ``year`` (default: the latest year in purchases), cap included: ``total_pct_after``,
    ``gain_pct`` and ``trede_after``.
    """
    gain_per_eur = load_buyer_defaults().gain_per_eur if gain_per_eur is None \
        else check.number(gain_per_eur, "gain_per_eur", minimum=0.0)
    day = day_of(on)
    orgs = network.organisations
    keep = network.counts_on(on)
    if sbi:
        keep &= sells_sector(orgs, str(sbi))  # its own code or one it delivers
    if municipality is not None and len(municipality):
        keep &= check.municipality_mask(network, municipality)
    buyer = network.node(for_org) if for_org else None
    if buyer is not None:
        keep[buyer] = False
    nodes = np.flatnonzero(keep)
    levels = levels_on(network, day, nodes)
    if min_level:
        min_level = check.level(min_level, network.rules.all_levels, "min_level")
        ok = level_rank(network, levels) >= network.rules.all_levels.index(min_level)
        nodes, levels = nodes[ok], levels[ok]
    meur = yield_fte_per_meur(network, nodes)
    order = ranked_by_yield(nodes, meur)
    nodes, levels, meur = nodes[order], levels[order], meur[order]
    until = continuous_valid_until(network, day, nodes)
    picked = orgs.iloc[nodes]  # only the rows shown: cheap on Arrow string columns
    frame = pd.DataFrame({
        "org_id": picked["org_id"].to_numpy(), "name": picked["name"].to_numpy(),
        "level": levels, "sw": network.sw[nodes],
        "valid_until": pd.to_datetime(days_to_dates(np.where(until > FAR_PAST, until, FAR_PAST))),
        "sbi": picked["sbi"].to_numpy(),
        "delivers": picked["delivers"].to_numpy() if "delivers" in picked.columns else "",
        "municipality": picked["municipality"].to_numpy(),
        "postcode": picked["postcode"].to_numpy(), "revenue_eur": network.revenue[nodes],
        "target_fte": network.target_fte[nodes], "yield_fte_per_meur": meur,
    }, columns=SUPPLIER_COLUMNS)
    if buyer is None:
        return frame
    year = network.resolve_year(year)
    now_fte = buyer_indirect_fte(network, buyer, year)
    now = buyer_scores(network, buyer, now_fte)
    after = buyer_scores(network, buyer, now_fte + gain_per_eur * network.yield_per_eur[nodes])
    trede = pd.array(after["trede"], dtype="Int64")
    trede[after["trede"] == 0] = pd.NA
    return frame.assign(extra_eur=float(gain_per_eur), total_pct_now=float(now["total_pct"][0]),
                        total_pct_after=after["total_pct"],
                        gain_pct=after["total_pct"] - now["total_pct"][0], trede_after=trede)
