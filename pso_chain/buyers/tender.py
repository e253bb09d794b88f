"""Tender scoring: bids ranked by fictitious price after a discount per certificate level.

Public buyers weigh the PSO level in a tender as a fictitious discount on the offered price
(the bid is ranked as if it were that much cheaper, the price paid stays the offered one) or
as award points in a price-quality award. The level counted is the certificate valid on the
tender date: an expired certificate, or none, counts nothing. SW-bedrijven get the ``sw``
discount or points (or their level's, when higher). Bidders hand in a certificate copy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pso_chain.buyers.award import AwardTable, award_points
from pso_chain.buyers.bid_copies import judge_copies, read_copies
from pso_chain.buyers.common import (
    STATUS_EXPIRED,
    STATUS_EXPIRING,
    STATUS_NONE,
    STATUS_VALID,
    certificate_status,
    levels_on,
)
from pso_chain.buyers.defaults import SW_KEY
from pso_chain.core.network import PurchaseNetwork
from pso_chain.errors import Problem, PsoInputError
from pso_chain.loaders import read_table
from pso_chain.messages import coded
from pso_chain.parsing import day_of, text, to_number

BASE_COLUMNS = ["rank", "supplier_id", "name", "price", "level", "sw", "certificate_status",
                "valid_until", "certificate_source", "certificate_number", "copy_check"]
TENDER_COLUMNS = [*BASE_COLUMNS, "discount_pct", "fictitious_price", "how", "bid_row"]
POINTS_COLUMNS = [*BASE_COLUMNS, "price_points", "pso_points", "quality_points", "total_points", "how",
                  "bid_row"]
TENDER_METHODS = ("discount", "points")
BID_COLUMNS = ("supplier_id", "price")
STATUS_UNKNOWN = "not_in_dataset"  # statuses and explanations are codes (pso_chain.messages)


def read_bids(path: str | Path, levels: tuple[str, ...] = ("aspirant", "1", "2", "3")) -> pd.DataFrame:
    """Bids from a CSV/XLSX/Parquet file with columns ``supplier_id, price`` (optionally
    ``name``, ``quality_points`` and the certificate copy: ``certificate_number,
    certificate_level, certificate_valid_from, certificate_valid_until, sw``): ``supplier_id,
    name, price, quality_points, certificate_number, copy_level, copy_from, copy_until,
    sw_claim, bid_row`` (``bid_row`` is the row in the file).

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
    quality = np.zeros(len(frame))
    if "quality_points" in frame.columns:
        quality, bad_q, empty_q = to_number(frame["quality_points"], table.decimal_comma)
        bad_q |= ~bad_q & ~empty_q & ~((quality >= 0) & (quality <= 1e6))
        problems += [Problem(table.file, int(r), "quality_points", v, "quality_points must be a number >= 0")
                     for r, v in zip(row[bad_q], frame["quality_points"].to_numpy()[bad_q], strict=True)]
        quality = np.where(empty_q, 0.0, quality)
    copies, copy_problems = read_copies(frame, table.file, row, levels)
    problems += copy_problems
    if problems:
        problems.sort(key=lambda p: (p.row, p.column))
        raise PsoInputError(problems)
    name = text(frame["name"].astype(object)) if "name" in frame.columns else pd.Series([""] * len(frame))
    return pd.concat([pd.DataFrame({"supplier_id": supplier.to_numpy(), "name": name.to_numpy(),
                                    "price": price, "quality_points": quality}),
                      copies, pd.DataFrame({"bid_row": row})], axis=1)


def tender_ranking(network: PurchaseNetwork, bids: pd.DataFrame, on, discount_pct: dict[str, float],
                   method: str = "discount", award: AwardTable | None = None) -> pd.DataFrame:
    """Bids ranked with the PSO level valid on date ``on``.

    ``method="discount"``: by fictitious price ``price * (1 - discount_pct / 100)`` (ties: lower
    price, then supplier_id, then bid row). ``discount_pct`` maps certificate levels (and
    ``sw``) to percentages; levels not in it get 0. Only a certificate valid on ``on`` earns
    its level's discount (``expiring`` ones still do); ``expired``/``none`` get 0.
    ``method="points"``: by total award points (price, PSO level, quality; see
    :mod:`pso_chain.buyers.award`), highest first (ties: lower price, supplier_id, bid row).

    Bidders in the dataset count with the dataset's certificates (a certificate copy in the
    bid is checked against them); bidders not in it with the copy they handed in, when it is
    valid on ``on`` (:mod:`pso_chain.buyers.bid_copies`). ``how`` says how each bid's
    position came about.
    """
    if method not in TENDER_METHODS:
        raise PsoInputError(Problem("method", None, None, method,
                                    f"use one of {', '.join(TENDER_METHODS)}"))
    bids = bids.reset_index(drop=True)
    nodes = network.org_ids.get_indexer(bids["supplier_id"].astype(str))
    known = nodes >= 0
    at = np.where(known, nodes, 0)
    status = certificate_status(network, on, expiring_days=0, nodes=at)
    valid_level = np.where(known, levels_on(network, day_of(on), at), "")  # valid on the date
    judged = judge_copies(bids, known, valid_level, network.sw[at] & known, on)
    level, sw = judged["level_counted"].to_numpy(), judged["sw_counted"].to_numpy()
    shown = np.where(status["status"] == STATUS_EXPIRING, STATUS_VALID, status["status"])
    copy_status = np.where(level != "", "valid_copy", np.where(bids.get("copy_level", "") != "",
                                                                "copy_not_valid", STATUS_UNKNOWN))
    names = np.where(known, network.organisations["name"].to_numpy()[at], bids["name"].to_numpy())
    price = bids["price"].to_numpy(dtype=float)
    frame = pd.DataFrame({
        "supplier_id": bids["supplier_id"].astype(str).to_numpy(), "name": names, "price": price,
        "level": np.where(known, status["level"].to_numpy(), level), "sw": sw,
        "certificate_status": np.where(known, shown, copy_status),
        "valid_until": pd.to_datetime(status["valid_until"]).where(known),
        "certificate_source": judged["certificate_source"].to_numpy(),
        "certificate_number": bids.get("certificate_number", pd.Series([""] * len(bids))).to_numpy(),
        "copy_check": judged["copy_check"].to_numpy(),
        "bid_row": bids["bid_row"].to_numpy() if "bid_row" in bids else np.arange(len(bids)) + 1,
    })
    if method == "discount":
        level_pct = np.array([discount_pct.get(lv, 0.0) if lv else 0.0 for lv in level])
        pct = np.where(sw, np.maximum(level_pct, discount_pct.get(SW_KEY, 0.0)), level_pct)
        frame["discount_pct"] = pct
        frame["fictitious_price"] = price * (1 - pct / 100)
        frame["how"] = [_how_discount(lv, s, p, f) for lv, s, p, f in
                        zip(level, sw, pct, frame["fictitious_price"], strict=True)]
        order, ascending, columns = ["fictitious_price", "price"], [True, True], TENDER_COLUMNS
    else:
        quality = bids["quality_points"].to_numpy(float) if "quality_points" in bids else np.zeros(len(bids))
        points = award_points(price, level, sw, quality, award or AwardTable(0.0, {}))
        frame = pd.concat([frame, points], axis=1)
        frame["how"] = [_how_points(lv, s, r) for lv, s, r in
                        zip(level, sw, points.itertuples(index=False), strict=True)]
        order, ascending, columns = ["total_points", "price"], [False, True], POINTS_COLUMNS
    frame = frame.sort_values([*order, "supplier_id", "bid_row"], ascending=[*ascending, True, True],
                              kind="stable")
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame[columns].reset_index(drop=True)


def _level_words(level: str, sw: bool) -> str:
    """What counted for a bid, as a code: ``level_2``, ``level_aspirant_sw``, ``sw_supplier``,
    ``no_valid_certificate_tender``."""
    if not level:
        return "sw_supplier" if sw else "no_valid_certificate_tender"
    return f"level_{level}" + ("_sw" if sw else "")


def _how_discount(level: str, sw: bool, pct: float, fictitious: float) -> str:
    return coded("how_discount", what=_level_words(level, sw), discount_pct=f"{pct:g}",
                 price_eur=f"{fictitious:.2f}")


def _how_points(level: str, sw: bool, points) -> str:
    return coded("how_points", price_points=f"{points.price_points:.2f}", pso=f"{points.pso_points:g}",
                 what=_level_words(level, sw), quality=f"{points.quality_points:g}",
                 total_points=f"{points.total_points:.2f}")


__all__ = ["POINTS_COLUMNS", "TENDER_COLUMNS", "TENDER_METHODS", "read_bids", "tender_ranking",
           "STATUS_EXPIRED", "STATUS_NONE"]
