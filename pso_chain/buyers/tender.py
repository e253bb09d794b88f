"""Tender scoring: bids ranked by fictitious price after a discount per certificate level.

Public buyers weigh the PSO level in a tender as a fictitious discount on the offered price:
the bid is ranked as if it were that much cheaper, the price paid stays the offered one. The
level counted is the certificate valid on the tender date: an expired certificate, or none,
gives no discount. SW-bedrijven get the ``sw`` discount (or their level's, when higher).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pso_chain.buyers.common import (
    STATUS_EXPIRED,
    STATUS_EXPIRING,
    STATUS_NONE,
    STATUS_VALID,
    certificate_status,
    levels_on,
)
from pso_chain.buyers.defaults import SW_KEY
from pso_chain.errors import Problem, PsoInputError
from pso_chain.loaders import read_table
from pso_chain.network import PurchaseNetwork
from pso_chain.parsing import day_of, text, to_number

TENDER_COLUMNS = [
    "rank", "supplier_id", "name", "price", "level", "sw", "certificate_status", "valid_until",
    "discount_pct", "fictitious_price", "bid_row",
]
BID_COLUMNS = ("supplier_id", "price")
STATUS_UNKNOWN = "not in dataset"


def read_bids(path: str | Path) -> pd.DataFrame:
    """Bids from a CSV/XLSX/Parquet file with columns ``supplier_id, price`` (optionally
    ``name``): ``supplier_id, name, price, bid_row`` (``bid_row`` is the row in the file).

    Raises :class:`PsoInputError` naming file, row and column of every unusable cell.
    """
    table = read_table(path, id_columns=("supplier_id",))
    frame = table.frame
    missing = [c for c in BID_COLUMNS if c not in frame.columns]
    if missing:
        raise PsoInputError([Problem(table.file, None, c, None, "required column is missing")
                             for c in missing])
    row = np.arange(len(frame), dtype=np.int64) + table.first_data_row
    supplier = text(frame["supplier_id"].astype(object))
    price, bad, empty = to_number(frame["price"], table.decimal_comma)
    problems = [Problem(table.file, int(r), "supplier_id", None, "supplier_id is empty")
                for r in row[(supplier == "").to_numpy()]]
    problems += [Problem(table.file, int(r), "price", v, "price is not a number")
                 for r, v in zip(row[bad], frame["price"].to_numpy()[bad], strict=True)]
    problems += [Problem(table.file, int(r), "price", None, "price is empty") for r in row[empty]]
    not_positive = ~bad & ~empty & ~(price > 0)
    problems += [Problem(table.file, int(r), "price", v, "price must be > 0")
                 for r, v in zip(row[not_positive], price[not_positive], strict=True)]
    if problems:
        problems.sort(key=lambda p: (p.row, p.column))
        raise PsoInputError(problems)
    name = text(frame["name"].astype(object)) if "name" in frame.columns else pd.Series([""] * len(frame))
    return pd.DataFrame({"supplier_id": supplier.to_numpy(), "name": name.to_numpy(),
                         "price": price, "bid_row": row})


def tender_ranking(network: PurchaseNetwork, bids: pd.DataFrame, on, discount_pct: dict[str, float]
                   ) -> pd.DataFrame:
    """Bids ranked by fictitious price ``price * (1 - discount_pct / 100)`` (ties: lower price,
    then supplier_id, then bid row), with each bid's level and validity on date ``on``.

    ``discount_pct`` maps certificate levels (and ``sw``) to percentages; levels not in it get
    0. Only a certificate valid on ``on`` earns its level's discount (``expiring`` ones still
    do); ``expired``/``none`` get 0. A bidder not in the dataset has no known certificate: 0.
    """
    bids = bids.reset_index(drop=True)
    nodes = network.org_ids.get_indexer(bids["supplier_id"].astype(str))
    known = nodes >= 0
    at = np.where(known, nodes, 0)
    status = certificate_status(network, on, expiring_days=0, nodes=at)
    valid_level = levels_on(network, day_of(on), at)  # the level valid on the tender date
    level_pct = np.array([discount_pct.get(lv, 0.0) if lv else 0.0 for lv in valid_level])
    sw = network.sw[at] & known
    pct = np.where(sw, np.maximum(level_pct, discount_pct.get(SW_KEY, 0.0)), level_pct)
    pct = np.where(known, pct, 0.0)
    shown = np.where(status["status"] == STATUS_EXPIRING, STATUS_VALID, status["status"])
    names = np.where(known, network.organisations["name"].to_numpy()[at], bids["name"].to_numpy())
    price = bids["price"].to_numpy(dtype=float)
    frame = pd.DataFrame({
        "supplier_id": bids["supplier_id"].astype(str).to_numpy(), "name": names, "price": price,
        "level": np.where(known, status["level"].to_numpy(), ""), "sw": sw,
        "certificate_status": np.where(known, shown, STATUS_UNKNOWN),
        "valid_until": pd.to_datetime(status["valid_until"]).where(known),
        "discount_pct": pct, "fictitious_price": price * (1 - pct / 100),
        "bid_row": bids["bid_row"].to_numpy() if "bid_row" in bids else np.arange(len(bids)) + 1,
    })
    frame = frame.sort_values(["fictitious_price", "price", "supplier_id", "bid_row"], kind="stable")
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame[TENDER_COLUMNS].reset_index(drop=True)


__all__ = ["read_bids", "tender_ranking", "TENDER_COLUMNS", "STATUS_EXPIRED", "STATUS_NONE"]
