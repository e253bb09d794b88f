"""Certified alternatives for the suppliers whose sales do not count for a buyer.

For each current supplier with spend that does not count (largest first), the eligible
suppliers of the same sector (SBI prefix), nearby ones first (same municipality as the buyer,
then the same postcode area, then elsewhere), with the credit the buyer would gain if that
supplier's non-counting spend moved there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pso_chain.buyers.common import (
    buyer_indirect_fte,
    buyer_scores,
    buyer_spend,
    level_in_year,
    new_purchase_counts,
    yield_fte_per_meur,
)
from pso_chain.explain import why_not_counted
from pso_chain.network import PurchaseNetwork

SUBSTITUTE_COLUMNS = [
    "supplier_id", "supplier_name", "not_counted_eur", "reason", "sbi", "alternative_id",
    "alternative_name", "alternative_level", "alternative_sw", "alternative_sbi",
    "alternative_municipality", "proximity", "yield_fte_per_meur", "gain_indirect_fte",
    "total_pct_now", "total_pct_after", "gain_pct", "trede_after", "note",
]
PROXIMITY = ("same municipality", "same postcode area", "elsewhere")
POSTCODE_AREA_DIGITS = 2  # a Dutch postcode area: the first two digits (e.g. 73xx Apeldoorn)


def proximity_rank(network: PurchaseNetwork, buyer: int) -> np.ndarray:
    """0 same municipality as the buyer, 1 same postcode area, 2 elsewhere (every node)."""
    orgs = network.organisations
    muni = orgs["municipality"].str.casefold().to_numpy()
    area = orgs["postcode"].str[:POSTCODE_AREA_DIGITS].to_numpy()
    same_muni = (muni == muni[buyer]) & (muni[buyer] != "")
    same_area = (area == area[buyer]) & (area[buyer] != "")
    return np.where(same_muni, 0, np.where(same_area, 1, 2))


def substitutes(network: PurchaseNetwork, org_id: str, year: int, top: int = 3,
                sbi_digits: int = 2, on=None) -> pd.DataFrame:
    """Alternatives for the buyer's suppliers that do not count in ``year``.

    Suppliers come by non-counting spend (descending, ties by org_id), with the reason of their
    largest non-counting purchase. Alternatives share the first ``sbi_digits`` of the supplier's
    SBI code, would count for a purchase undated in ``year`` (or dated ``on``), earn credit
    (yield > 0) and are neither the buyer nor the supplier; they are ranked by proximity, then
    yield, then org_id, ``top`` per supplier. The gain assumes the supplier's whole non-counting
    spend moves to that one alternative (the spend that counted already stays as it is). A
    supplier without alternatives (or without an SBI code) gets one row saying so.
    """
    buyer = network.node(org_id)
    spend, counted = buyer_spend(network, buyer, year)
    lost = spend - counted
    movers = np.flatnonzero(lost > 1e-9)
    movers = movers[np.lexsort((movers, -lost[movers]))]
    orgs = network.organisations
    ids, names = orgs["org_id"].to_numpy(), orgs["name"].to_numpy()
    sbi = orgs["sbi"].to_numpy()
    muni = orgs["municipality"].to_numpy()
    meur = yield_fte_per_meur(network)
    levels = network.level_on(on) if on is not None else level_in_year(network, year)
    counts = new_purchase_counts(network, buyer, year, on) & (network.yield_per_eur > 0)
    counts[buyer] = False
    near = proximity_rank(network, buyer)
    prefix = orgs["sbi"].str[:sbi_digits].to_numpy()
    now_fte = buyer_indirect_fte(network, buyer, year)
    now_total = float(buyer_scores(network, buyer, now_fte)["total_pct"][0])
    in_rows = (network._buyer == buyer) & network.in_year(year) & ~network.eligible
    rows = []
    for s in movers:
        mine = np.flatnonzero(in_rows & (network._supplier == s))
        largest = mine[np.argmax(network._amount[mine])]
        head = {"supplier_id": ids[s], "supplier_name": names[s], "not_counted_eur": lost[s],
                "reason": why_not_counted(network, buyer, int(s), year,
                                          int(network.purchase_days[largest])),
                "sbi": sbi[s], "total_pct_now": now_total}
        if sbi[s] == "":
            rows.append({**head, "note": "supplier has no SBI code: sector unknown, no alternatives"})
            continue
        pool = np.flatnonzero(counts & (prefix == prefix[s]))
        pool = pool[pool != s]
        pool = pool[np.lexsort((pool, -network.yield_per_eur[pool], near[pool]))][:top]
        if len(pool) == 0:
            rows.append({**head, "note": f"no eligible supplier with SBI prefix {prefix[s]}"})
            continue
        gain = lost[s] * network.yield_per_eur[pool]
        after = buyer_scores(network, buyer, now_fte + gain)
        for i, alt in enumerate(pool):
            rows.append({**head, "alternative_id": ids[alt], "alternative_name": names[alt],
                         "alternative_level": levels[alt], "alternative_sw": bool(network.sw[alt]),
                         "alternative_sbi": sbi[alt], "alternative_municipality": muni[alt],
                         "proximity": PROXIMITY[near[alt]], "yield_fte_per_meur": meur[alt],
                         "gain_indirect_fte": gain[i], "total_pct_after": after["total_pct"][i],
                         "gain_pct": after["total_pct"][i] - now_total,
                         "trede_after": int(after["trede"][i]) or pd.NA})
    frame = pd.DataFrame(rows, columns=SUBSTITUTE_COLUMNS)
    frame["trede_after"] = frame["trede_after"].astype("Int64")
    for col in ("yield_fte_per_meur", "gain_indirect_fte", "total_pct_after", "gain_pct"):
        frame[col] = frame[col].astype(float)
    return frame
