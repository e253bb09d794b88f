"""Certified alternatives for the suppliers whose sales do not count for a buyer.

For each current supplier with spend that does not count (largest first), the eligible
suppliers of the same sector (SBI prefix), nearby ones first (same municipality as the buyer,
then the same postcode area, then elsewhere), with the credit the buyer would gain if that
supplier's non-counting spend moved there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pso_chain import check
from pso_chain.buyers.common import (
    buyer_indirect_fte,
    buyer_scores,
    buyer_spend,
    level_in_year,
    new_purchase_counts,
    yield_fte_per_meur,
)
from pso_chain.core.explanation import NOT_CERTIFIED, why_not_counted
from pso_chain.core.network import PurchaseNetwork
from pso_chain.messages import coded
from pso_chain.sectors import sector_codes
from pso_chain.settings import load_buyer_defaults

SUBSTITUTE_COLUMNS = [
    "supplier_id", "supplier_name", "not_counted_eur", "reason", "sbi", "alternative_id",
    "alternative_name", "alternative_level", "alternative_sw", "alternative_sbi", "match",
    "alternative_municipality", "proximity", "yield_fte_per_meur", "gain_indirect_fte",
    "total_pct_now", "total_pct_after", "gain_pct", "trede_after", "note",
]
PROXIMITY = ("same_municipality", "same_postcode_area", "elsewhere")  # codes (pso_chain.messages)
FINE_DIGITS = 4  # an SBI class: alternatives sharing four digits come before the wider sector
POSTCODE_AREA_DIGITS = 2  # a Dutch postcode area: the first two digits (e.g. 73xx Apeldoorn)


def _text_at(network: PurchaseNetwork, column: str, nodes: np.ndarray) -> pd.Series:
    """An organisation text column at ``nodes`` only (not a conversion of every row)."""
    return pd.Series(network.organisations[column].iloc[nodes].to_numpy(dtype=object), dtype=object)


def proximity_rank(network: PurchaseNetwork, buyer: int, nodes: np.ndarray | None = None
                   ) -> np.ndarray:
    """0 same municipality as the buyer, 1 same postcode area, 2 elsewhere (for ``nodes``,
    every node when None)."""
    nodes = np.arange(network.n) if nodes is None else np.asarray(nodes, dtype=np.int64)
    both = np.r_[buyer, nodes]
    muni = _text_at(network, "municipality", both).str.casefold().to_numpy()
    area = _text_at(network, "postcode", both).str[:POSTCODE_AREA_DIGITS].to_numpy()
    same_muni = (muni[1:] == muni[0]) & (muni[0] != "")
    same_area = (area[1:] == area[0]) & (area[0] != "")
    return np.where(same_muni, 0, np.where(same_area, 1, 2))


def _largest_not_counted_row(network: PurchaseNetwork, buyer: int, year: int) -> np.ndarray:
    """Per supplier: the buyer's largest non-counting purchase row in ``year`` (-1 if none)."""
    rows = network.buyer_rows(buyer, year)
    rows = rows[~network.eligible[rows] & (network.supplier[rows] != buyer)]
    out = np.full(network.n, -1, dtype=np.int64)
    if len(rows):
        supplier = network.supplier[rows]
        order = np.lexsort((rows, -network.amount[rows], supplier))
        rows, supplier = rows[order], supplier[order]
        first = np.r_[True, supplier[1:] != supplier[:-1]]
        out[supplier[first]] = rows[first]
    return out


def substitutes(network: PurchaseNetwork, org_id: str, year: int, top: int | None = None,
                sbi_digits: int | None = None, on=None) -> pd.DataFrame:
    """Alternatives for the buyer's suppliers that do not count in ``year``.

    Suppliers come by non-counting spend (descending, ties by org_id), with the reason of their
    largest non-counting purchase. Alternatives sell in the supplier's sector: one of their SBI
    codes (their own or one in ``delivers``) shares the first four digits with one of the
    supplier's (ranked first), or else the first ``sbi_digits`` (``match`` shows the shared
    prefix). They would count for a purchase undated in ``year`` (or dated ``on``), earn credit
    (yield > 0) and are neither the buyer nor the supplier; they are ranked by the match, then
    proximity, then yield, then org_id, ``top`` per supplier. The gain assumes the supplier's
    whole non-counting spend moves to that one alternative (the spend that counted already stays
    as it is). A supplier without alternatives (or without an SBI code) gets one row saying so in ``note``.
    ``top`` and ``sbi_digits`` default to ``buyers-defaults.toml``.
    """
    conf = load_buyer_defaults()
    top = conf.substitutes_top if top is None else check.positive_int(top, "top")
    sbi_digits = conf.sbi_digits if sbi_digits is None else check.positive_int(sbi_digits, "sbi_digits")
    buyer = network.node(org_id)
    spend, counted = buyer_spend(network, buyer, year)
    lost = spend - counted
    movers = np.flatnonzero(lost > 1e-9)
    movers = movers[np.lexsort((movers, -lost[movers]))]
    largest = _largest_not_counted_row(network, buyer, year)
    orgs = network.organisations
    # candidates grouped by sector prefix, each group in ranking order: proximity, yield, org_id
    y = network.yield_per_eur
    counts = new_purchase_counts(network, buyer, year, on) & (y > 0)
    counts[buyer] = False
    pool = np.flatnonzero(counts)
    near = np.zeros(network.n, dtype=np.int64)
    near[pool] = proximity_rank(network, buyer, pool)
    sbi = dict(zip(movers.tolist(), _text_at(network, "sbi", movers), strict=True))
    # every (candidate, SBI code) pair: own code and the codes delivered; cut to each level
    owner, codes = sector_codes(orgs, pool)
    at = np.searchsorted(pool, owner)  # position in the pool
    levels = sorted({FINE_DIGITS, sbi_digits}, reverse=True) if sbi_digits < FINE_DIGITS else [sbi_digits]
    cut = {d: pd.Series(codes, dtype=object).str[:d].to_numpy() for d in levels}
    # pair indices per code prefix at each level; movers with the same codes share one ranking
    by_prefix = {d: pd.Series(np.arange(len(codes))).groupby(cut[d]).indices for d in levels}
    m_owner, m_codes = sector_codes(orgs, movers)
    own_of: dict[int, list[str]] = {}
    for o, c in zip(m_owner.tolist(), m_codes.tolist(), strict=True):
        own_of.setdefault(o, []).append(c)
    ranked: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}

    def ranking(own: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The ``top + 1`` best pool positions for these codes and the prefix each matched."""
        key = tuple(sorted(set(own)))
        if key not in ranked:
            pos, lvl, pre = [], [], []
            for i, d in reversed(list(enumerate(levels))):  # finer levels last: they win
                wanted = sorted({c[:d] for c in own if len(c) >= d})
                hits = [by_prefix[d][w] for w in wanted if w in by_prefix[d]]
                if hits:
                    idx = np.sort(np.concatenate(hits))
                    pos.append(at[idx])
                    lvl.append(np.full(len(idx), i, dtype=np.int64))
                    pre.append(cut[d][idx])
            if not pos:
                ranked[key] = (np.zeros(0, np.int64), np.zeros(0, dtype=object))
            else:  # the last match of a position wins, as overwriting in order would
                p_all, l_all, m_all = (np.concatenate(v)[::-1] for v in (pos, lvl, pre))
                cand, first = np.unique(p_all, return_index=True)
                level, match = l_all[first], m_all[first]
                nodes = pool[cand]
                order = np.lexsort((nodes, -y[nodes], near[nodes], level))[:top + 1]
                ranked[key] = (cand[order], match[order])
        return ranked[key]

    pair_mover, pair_count, pair_alt, pair_match, lone, note = [], [], [], [], [], []
    for s in movers.tolist():  # one buyer's suppliers; each a lookup of its sector's ranking
        own = own_of.get(s, [])
        cand, match = ranking(own)
        keep = pool[cand] != s
        group, matched = pool[cand][keep][:top], match[keep][:top]
        if len(group):
            pair_mover.append(s)
            pair_count.append(len(group))
            pair_alt.append(group)
            pair_match.append(matched)
        else:
            lone.append(s)
            note.append("no_sbi" if not len(own)
                        else coded("no_alternative", sbi=str(sbi[s])[:sbi_digits]))
    mover = np.repeat(np.asarray(pair_mover, dtype=np.int64), pair_count)
    alt = np.concatenate(pair_alt) if pair_alt else np.zeros(0, np.int64)
    now_fte = buyer_indirect_fte(network, buyer, year)
    now_total = float(buyer_scores(network, buyer, now_fte)["total_pct"][0])
    gain = lost[mover] * y[alt]
    after = buyer_scores(network, buyer, now_fte + gain)
    held = network.level_on(on) if on is not None else level_in_year(network, year)
    trede = pd.array(after["trede"], dtype="Int64")
    trede[after["trede"] == 0] = pd.NA
    alts = orgs.iloc[alt]
    paired = pd.DataFrame({
        "_mover": mover, "alternative_id": alts["org_id"].to_numpy(),
        "alternative_name": alts["name"].to_numpy(), "alternative_level": held[alt],
        "alternative_sw": network.sw[alt], "alternative_sbi": alts["sbi"].to_numpy(),
        "match": np.concatenate(pair_match) if pair_match else np.zeros(0, dtype=object),
        "alternative_municipality": alts["municipality"].to_numpy(),
        "proximity": np.asarray(PROXIMITY, dtype=object)[near[alt]],
        "yield_fte_per_meur": yield_fte_per_meur(network)[alt], "gain_indirect_fte": gain,
        "total_pct_after": after["total_pct"], "gain_pct": after["total_pct"] - now_total,
        "trede_after": trede, "note": "",
    })
    alone = pd.DataFrame({"_mover": np.asarray(lone, dtype=np.int64), "note": note})
    frame = pd.concat([paired, alone], ignore_index=True) if len(alone) else paired
    rank = pd.Series(np.arange(len(movers)), index=movers)
    frame = frame.iloc[np.lexsort((np.arange(len(frame)), rank.loc[frame["_mover"]].to_numpy()))]
    s = frame.pop("_mover").to_numpy()
    days = network.row_days(largest[movers]) if len(movers) else np.zeros(0, np.int64)
    uncertified = network.certificates.count[movers] == 0  # the plain reason, no dates needed
    reasons = {int(m): NOT_CERTIFIED if plain else why_not_counted(network, buyer, int(m), year, int(d))
               for m, d, plain in zip(movers.tolist(), days.tolist(), uncertified.tolist(), strict=True)}
    movers_rows = orgs.iloc[s]
    frame.insert(0, "supplier_id", movers_rows["org_id"].to_numpy())
    frame.insert(1, "supplier_name", movers_rows["name"].to_numpy())
    frame.insert(2, "not_counted_eur", lost[s])
    frame.insert(3, "reason", [reasons[int(m)] for m in s])
    frame.insert(4, "sbi", [sbi[int(m)] for m in s])
    frame["total_pct_now"] = now_total
    frame = frame[SUBSTITUTE_COLUMNS].reset_index(drop=True)
    frame["trede_after"] = frame["trede_after"].astype("Int64")
    frame["alternative_sw"] = frame["alternative_sw"].astype("boolean")
    return frame
