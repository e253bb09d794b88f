"""PSO score of every organisation: direct and indirect contribution, cap, norms, trede.

Follows the scoring contract (docs/contract.md) to the letter. :func:`score_arrays` is the pure
array kernel (reused by uplift and what-if); :func:`credits` applies it to a network.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pso_chain import check
from pso_chain.core.network import PurchaseNetwork
from pso_chain.parsing import day_of
from pso_chain.rules import Rules
from pso_chain.settings import load_settings

CREDIT_COLUMNS = [
    "org_id", "name", "year", "employees", "fte", "target_fte", "direct_pct", "indirect_fte",
    "indirect_pct", "indirect_counted_pct", "total_pct", "norm_trede1", "norm_trede2",
    "norm_trede3", "trede", "cap_applied", "pso30plus",
]


def indirect_fte(network: PurchaseNetwork, year: int) -> np.ndarray:
    """Indirect FTE of every buyer: sum over eligible purchases of the year of
    ``amount / supplier revenue * supplier target_fte``."""
    mask = network.in_year(year) & network.eligible
    supplier = network.supplier[mask]
    credit = network.amount[mask] * network.yield_per_eur[supplier]
    return np.bincount(network.buyer[mask], weights=credit, minlength=network.n).astype(float)



def indirect_fte_of(network: PurchaseNetwork, buyer: int, year: int, rows: np.ndarray | None = None
                    ) -> float:
    """One buyer's indirect FTE from its own purchase rows of ``year`` (``rows``: those rows when
    already at hand), bit for bit what :func:`indirect_fte` gives it: the same terms added in
    the same order, as ``np.bincount`` adds them there."""
    rows = network.buyer_rows(buyer, year) if rows is None else rows
    rows = rows[network.eligible[rows]]
    credit = network.amount[rows] * network.yield_per_eur[network.supplier[rows]]
    return float(np.bincount(np.zeros(len(rows), dtype=np.int64), weights=credit, minlength=1)[0])

def score_arrays(rules: Rules, fte, target_fte, indirect, employees, qualitative_ok) -> dict:
    """The scoring contract on arrays (one value per organisation).

    >>> from pso_chain.rules import load_rules
    >>> out = score_arrays(load_rules(), [100.0], [2.0], [1.0], [100], [True])
    >>> round(float(out["total_pct"][0]), 4), int(out["trede"][0])
    (2.9901, 2)
    """
    fte = np.asarray(fte, dtype=float)
    target_fte = np.asarray(target_fte, dtype=float)
    indirect = np.asarray(indirect, dtype=float)
    direct_pct = 100 * target_fte / fte
    indirect_pct = 100 * indirect / (fte + indirect)
    s = rules.max_indirect_share
    cap = direct_pct * s / (1 - s)
    counted = np.minimum(indirect_pct, cap)
    total = direct_pct + counted
    norms = rules.norms(employees)
    passed = np.asarray(qualitative_ok, dtype=bool)
    meets = (total[:, None] >= norms) & passed[:, None]
    # highest trede met: 3 if meets[:, 2], else 2 if meets[:, 1], else 1 if meets[:, 0]
    trede = np.select([meets[:, 2], meets[:, 1], meets[:, 0]], [3, 2, 1], default=0)
    return {
        "direct_pct": direct_pct, "indirect_pct": indirect_pct, "indirect_counted_pct": counted,
        "total_pct": total, "norms": norms, "trede": trede, "cap_applied": indirect_pct > cap,
        # PSO 30+ is a certificate too: its qualitative requirements hold for it as well
        "pso30plus": (direct_pct >= rules.pso30plus_direct_pct) & passed,
    }


def credits(network: PurchaseNetwork, year: int | None = None) -> pd.DataFrame:
    """One row per organisation (sorted by org_id) with the scoring contract's columns."""
    year = network.resolve_year(year)
    indirect = indirect_fte(network, year)
    out = score_arrays(network.rules, network.fte, network.target_fte, indirect,
                       network.employees, network.qualitative_ok)
    orgs = network.organisations
    trede = pd.array(out["trede"], dtype="Int64")
    trede[out["trede"] == 0] = pd.NA
    employees, fte, target = network.employees, network.fte, network.target_fte
    unknown = ~orgs["figures_known"].to_numpy(dtype=bool) if "figures_known" in orgs else None
    if unknown is not None and unknown.any():  # figures nobody gave: no score, no trede
        trede[unknown] = pd.NA
        employees = pd.array(employees, dtype="Int64")
        employees[unknown] = pd.NA
        fte, target = np.where(unknown, np.nan, fte), np.where(unknown, np.nan, target)
        for key in ("direct_pct", "indirect_pct", "indirect_counted_pct", "total_pct"):
            out[key] = np.where(unknown, np.nan, out[key])
        out["norms"] = np.where(unknown[:, None], np.nan, out["norms"])
        out["cap_applied"] = out["cap_applied"] & ~unknown
        out["pso30plus"] = out["pso30plus"] & ~unknown
    return pd.DataFrame({
        "org_id": orgs["org_id"], "name": orgs["name"],
        "year": np.full(network.n, year, dtype=np.int64), "employees": employees,
        "fte": fte, "target_fte": target,
        "direct_pct": out["direct_pct"], "indirect_fte": indirect,
        "indirect_pct": out["indirect_pct"], "indirect_counted_pct": out["indirect_counted_pct"],
        "total_pct": out["total_pct"], "norm_trede1": out["norms"][:, 0],
        "norm_trede2": out["norms"][:, 1], "norm_trede3": out["norms"][:, 2],
        "trede": trede, "cap_applied": out["cap_applied"], "pso30plus": out["pso30plus"],
    }, columns=CREDIT_COLUMNS)


def trede_distribution(scores: pd.DataFrame) -> pd.DataFrame:
    """How many organisations reach each trede (``none`` for no trede); organisations without
    figures (no score) are left out."""
    scores = scores[scores["total_pct"].notna()]
    labels = scores["trede"].astype("string").fillna("none")
    counts = labels.value_counts().reindex(["3", "2", "1", "none"], fill_value=0)
    return pd.DataFrame({"trede": counts.index, "organisations": counts.to_numpy(),
                         "share_pct": 100 * counts.to_numpy() / max(len(scores), 1)})


def closest_to_next_trede(scores: pd.DataFrame, top: int | None = None,
                          qualitative_ok: np.ndarray | None = None) -> pd.DataFrame:
    """The ``top`` organisations (default ``report.closest`` of ``olievlek.toml``) nearest (in
    percentage points) to the norm of their next trede.

    With ``qualitative_ok`` (one flag per row of ``scores``) only those that passed the
    qualitative checklist: for the others no percentage gives a trede.
    """
    top = load_settings().report_closest if top is None else check.positive_int(top, "top")
    current = scores["trede"].fillna(0).astype(int).to_numpy()
    norms = scores[["norm_trede1", "norm_trede2", "norm_trede3"]].to_numpy()
    has_next = current < 3
    nxt = np.minimum(current, 2)
    gap = norms[np.arange(len(scores)), nxt] - scores["total_pct"].to_numpy()
    keep = has_next & (gap > 0)
    if qualitative_ok is not None:
        keep &= np.asarray(qualitative_ok, dtype=bool)
    out = scores.assign(next_trede=current + 1, gap_pct=gap)[keep]
    out = out[out["target_fte"] > 0]
    return out.sort_values(["gap_pct", "org_id"]).head(top)[
        ["org_id", "name", "employees", "total_pct", "trede", "next_trede", "gap_pct"]
    ]


def certified_levels(network: PurchaseNetwork, year: int, on=None, nodes: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray, pd.Timestamp]:
    """Per organisation (of ``nodes`` only, when given): the highest certificate level valid on
    ``on`` (default 31 December of ``year``; ``""`` where none), the trede it promises (1-3; 0
    for none or aspirant), and the day used."""
    day = pd.Timestamp(on) if on is not None else pd.Timestamp(year=int(year), month=12, day=31)
    if nodes is None:
        levels = np.asarray(network.level_on(day), dtype=object)
    else:  # one organisation's certificates, not everyone's
        c, d = network.certificates, day_of(day)
        best = np.full(len(nodes), -1, dtype=np.int64)
        for j in range(c.valid_from.shape[0]):
            ok = (c.valid_from[j, nodes] <= d) & (c.valid_until[j, nodes] >= d)
            best = np.where(ok & (c.level[j, nodes] > best), c.level[j, nodes], best)
        levels = np.asarray(["", *network.rules.all_levels], dtype=object)[best + 1]
    promised = np.zeros(len(levels), dtype=np.int64)
    for t in (1, 2, 3):
        promised[levels == str(t)] = t
    return levels, promised, day.normalize()


BELOW_LEVEL_COLUMNS = ["org_id", "name", "certified_level", "trede", "total_pct", "norm_pct",
                       "gap_pct", "year", "certified_on"]


def below_certified_level(network: PurchaseNetwork, year: int | None = None, on=None,
                          scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """Certificate holders whose computed score is below their certified level: at risk at the
    next audit.

    The certified level is the highest level valid on ``on`` (default 31 December of ``year``);
    only numbered levels (1, 2, 3) promise a trede (an aspirant does not). ``trede`` is the
    computed one (empty for none), ``norm_pct`` the norm of the certified level and ``gap_pct``
    the percentage points missing to it. Pass ``scores`` (:func:`credits` of ``year``) to reuse
    them. Sorted by org_id.

    >>> import pso_chain
    >>> below_certified_level(pso_chain.load_example(), 2025)["org_id"].head(1).tolist()
    ['10000131']
    """
    year = network.resolve_year(year)
    if scores is None:
        scores = credits(network, year)
    levels, certified, day = certified_levels(network, year, on)
    numbered = certified > 0
    trede = scores["trede"].fillna(0).to_numpy(dtype=np.int64)
    rows = np.flatnonzero(numbered & (trede < certified))
    norms = scores[["norm_trede1", "norm_trede2", "norm_trede3"]].to_numpy(dtype=float)
    norm = norms[rows, certified[rows] - 1]
    total = scores["total_pct"].to_numpy(dtype=float)[rows]
    return pd.DataFrame({
        "org_id": scores["org_id"].to_numpy()[rows], "name": scores["name"].to_numpy()[rows],
        "certified_level": levels[rows].astype(str), "trede": scores["trede"].array[rows],
        "total_pct": total, "norm_pct": norm, "gap_pct": norm - total,
        "year": np.full(len(rows), year, dtype=np.int64),
        "certified_on": np.full(len(rows), day),
    }, columns=BELOW_LEVEL_COLUMNS).reset_index(drop=True)
