"""Looking ahead at certificates: how far aspirants are from trede 1, and by when.

Aspirant status is a plan to reach at least trede 1 within ``levels.aspirant_years`` of its
start (a rules setting: two years in the purchasing code and PSO-Nederland's pages, one in the
brochure). For every organisation holding aspirant status on a date: since when, the deadline,
the days left, its computed score beside the trede 1 norm, and the gap in percentage points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pso_chain.core.network import PurchaseNetwork
from pso_chain.parsing import day_of

ASPIRANT = "aspirant"
OUTLOOK_COLUMNS = ["org_id", "name", "aspirant_since", "deadline", "days_left", "total_pct",
                   "norm_trede1", "gap_pct", "reaches_trede1"]


def aspirant_since(network: PurchaseNetwork, on) -> np.ndarray:
    """Day number each organisation's aspirant status valid on ``on`` started (-1 where none)."""
    index = network.certificates
    day = day_of(on)
    since = np.full(network.n, -1, dtype=np.int64)
    if ASPIRANT not in index.levels:
        return since
    code = index.levels.index(ASPIRANT)
    for j in range(index.valid_from.shape[0]):
        holds = (index.level[j] == code) & (index.valid_from[j] <= day) & (index.valid_until[j] >= day)
        since = np.where(holds & (since < 0), index.valid_from[j], since)
    return since


def aspirant_outlook(network: PurchaseNetwork, scores: pd.DataFrame, on) -> pd.DataFrame:
    """Aspirants on ``on`` with their deadline and distance to trede 1, ``scores`` being
    :func:`pso_chain.credits` of the reference year (one row per organisation, by org_id).

    >>> import datetime as dt, pso_chain
    >>> net = pso_chain.load_example()
    >>> out = aspirant_outlook(net, pso_chain.credits(net), dt.date(2025, 12, 31))
    >>> bool((out["deadline"] > out["aspirant_since"]).all())
    True
    """
    since = aspirant_since(network, on)
    nodes = np.flatnonzero(since >= 0)
    start = pd.to_datetime(since[nodes].astype("datetime64[D]"))
    years = network.rules.aspirant_years
    deadline = start + pd.DateOffset(months=int(round(12 * years)))
    picked = scores.set_index("org_id").loc[network.organisations["org_id"].to_numpy()[nodes]]
    total = picked["total_pct"].to_numpy(float)
    norm = picked["norm_trede1"].to_numpy(float)
    gap = np.maximum(norm - total, 0.0)
    qualitative = network.qualitative_ok[nodes]
    return pd.DataFrame({
        "org_id": picked.index.to_numpy(), "name": picked["name"].to_numpy(),
        "aspirant_since": start, "deadline": deadline,
        "days_left": (deadline - pd.Timestamp(on)).days.to_numpy(),
        "total_pct": total, "norm_trede1": norm, "gap_pct": gap,
        "reaches_trede1": (gap == 0) & qualitative,
    }, columns=OUTLOOK_COLUMNS)


def aspirant_status(network: PurchaseNetwork, node: int, on, total_pct: float, norm_trede1: float
                    ) -> dict | None:
    """One organisation's aspirant outlook on ``on`` as a dict (None when it holds no aspirant
    status then): since, deadline, days left, gap to the trede 1 norm."""
    index = network.certificates
    if ASPIRANT not in index.levels:
        return None
    code, day = index.levels.index(ASPIRANT), day_of(on)
    starts = [int(index.valid_from[j][node]) for j in range(index.valid_from.shape[0])
              if index.level[j][node] == code
              and index.valid_from[j][node] <= day <= index.valid_until[j][node]]
    if not starts:
        return None
    since = pd.Timestamp(np.datetime64(min(starts), "D"))
    deadline = since + pd.DateOffset(months=int(round(12 * network.rules.aspirant_years)))
    gap = max(norm_trede1 - total_pct, 0.0)
    return {"since": since.date().isoformat(), "deadline": deadline.date().isoformat(),
            "days_left": int((deadline - pd.Timestamp(on)).days), "gap_pct": gap,
            "years_allowed": network.rules.aspirant_years,
            "note": ("meets the trede 1 norm" if gap == 0 else
                     f"{gap:.4f} percentage points below the trede 1 norm")}
