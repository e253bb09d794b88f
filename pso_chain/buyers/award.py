"""Award points for a price-quality tender (BPKV / EMVI) with the buyer's own points table.

Price points: the lowest price gets ``price_points``, every other bid ``price_points *
lowest / price`` (the usual relative formula). PSO points: the buyer's table per certificate
level counted on the tender date (``none`` without one; an SW-bedrijf gets the ``sw`` points
or its level's, whichever is higher). Quality points (from the bids' ``quality_points``,
scored by the jury on the other criteria) are added as given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pso_chain.settings import AwardTable

__all__ = ["AwardTable", "award_points"]

NO_LEVEL = "none"
SW_KEY = "sw"


def award_points(price: np.ndarray, level: np.ndarray, sw: np.ndarray, quality: np.ndarray,
                 table: AwardTable) -> pd.DataFrame:
    """``price_points, pso_points, quality_points, total_points`` per bid."""
    price = np.asarray(price, dtype=float)
    lowest = price.min() if len(price) else 0.0
    price_points = table.price_points * lowest / price
    base = table.pso_points.get(NO_LEVEL, 0.0)
    level_points = np.array([table.pso_points.get(lv, base) if lv else base for lv in level], dtype=float)
    pso = np.where(sw, np.maximum(level_points, table.pso_points.get(SW_KEY, base)), level_points)
    quality = np.nan_to_num(np.asarray(quality, dtype=float))
    return pd.DataFrame({"price_points": price_points, "pso_points": pso, "quality_points": quality,
                         "total_points": price_points + pso + quality})
