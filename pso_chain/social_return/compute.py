"""What each contract's social-return obligation is, what fulfilled it, and what remains.

Obligation: ``value_eur * sroi_pct / 100``. It is fulfilled by (valued per
``data/sroi-bouwblokken.toml``):

- the contractor's own PSO certificate: ``share[level] * obligation`` for the highest level
  that certificates cover on every day of the contract term up to the assessment date;
- hiring target-group persons: ``(value_per_year[start_position] + extras) / 12 *
  person_months * min(hours_per_week / fulltime_hours, 1)``;
- purchases at SW-bedrijven (``sw_share * amount``) and at PSO holders whose certificate is
  valid on the purchase date (``pso_holder_share * amount``);
- social activities: ``hours * value_per_hour``.

Realisations count when dated within the contract term and on or before the assessment date.
The fulfilled total is capped at the obligation; the rest remains.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pso_chain.core.network import PurchaseNetwork
from pso_chain.parsing import day_of, to_days
from pso_chain.social_return.settings import SroiSettings
from pso_chain.social_return.tables import KINDS

WAYS = ("certificate_eur", "hire_eur", "sw_purchase_eur", "pso_purchase_eur", "activity_eur")
STATUSES = ("fulfilled", "on_track", "not_started", "at_risk", "overdue")


@dataclass
class SroiResult:
    """Per contract, per realisation row (what counted and why), per supplier and per buyer."""

    contracts: pd.DataFrame
    realisations: pd.DataFrame
    suppliers: pd.DataFrame
    buyers: pd.DataFrame
    on: dt.date
    settings_version: str


def _certificates_of(network: PurchaseNetwork, node: int) -> list[tuple[int, int, int]]:
    """``(valid_from, valid_until, level_rank)`` of one organisation's certificates."""
    index = network.certificates
    out = []
    for j in range(index.valid_from.shape[0]):
        level = int(index.level[j][node])
        if level >= 0:
            out.append((int(index.valid_from[j][node]), int(index.valid_until[j][node]), level))
    return out


def covered(intervals: list[tuple[int, int]], lo: int, hi: int) -> bool:
    """Whether the union of inclusive day intervals covers every day of ``[lo, hi]``."""
    reach = lo - 1
    for start, end in sorted(intervals):
        if start > reach + 1:
            break
        reach = max(reach, end)
        if reach >= hi:
            return True
    return reach >= hi


def certificate_level(network: PurchaseNetwork, node: int, lo: int, hi: int) -> str:
    """Highest level held without a gap on every day of ``[lo, hi]`` (``""`` when none)."""
    certs = _certificates_of(network, node)
    levels = network.certificates.levels
    for rank in range(len(levels) - 1, -1, -1):
        if covered([(a, b) for a, b, r in certs if r >= rank], lo, hi):
            return levels[rank]
    return ""


def _hire_value(real: pd.DataFrame, settings: SroiSettings) -> np.ndarray:
    per_year = real["start_position"].map(settings.hire_value_per_year).fillna(0.0).to_numpy(float)
    per_year = per_year + np.where(real["permanent"], settings.hire_extra_per_year.get("permanent", 0.0), 0.0)
    per_year = per_year + np.where(real["age_50_plus"],
                                   settings.hire_extra_per_year.get("age_50_plus", 0.0), 0.0)
    hours = real["hours_per_week"].to_numpy(float)
    hours = np.where(np.isnan(hours), settings.fulltime_hours, hours)
    part = np.minimum(hours / settings.fulltime_hours, 1.0)
    return per_year / 12.0 * real["person_months"].to_numpy(float) * part


def _counted(network: PurchaseNetwork, contracts: pd.DataFrame, real: pd.DataFrame,
             settings: SroiSettings, on_day: int) -> pd.DataFrame:
    """Each realisation with ``way``, ``value_eur`` (what it counts for) and ``reason``."""
    term = contracts.set_index("contract_id")
    day = to_days(real["date"])
    start = to_days(real["contract_id"].map(term["start"]))
    end = to_days(real["contract_id"].map(term["end"]))
    kind = real["kind"].to_numpy()
    value = np.zeros(len(real))
    reason = np.full(len(real), "counts", dtype=object)
    hire = kind == "hire"
    value[hire] = _hire_value(real[hire], settings)
    activity = kind == "activity"
    value[activity] = real["hours"].to_numpy(float)[activity] * settings.activity_value_per_hour
    supplier = network.org_ids.get_indexer(real["supplier_id"])
    sw_rows = kind == "sw_purchase"
    is_sw = np.zeros(len(real), dtype=bool)
    is_sw[sw_rows] = network.sw[supplier[sw_rows]]
    value[sw_rows & is_sw] = real["amount_eur"].to_numpy(float)[sw_rows & is_sw] * settings.sw_share
    reason[sw_rows & ~is_sw] = "supplier_not_sw"  # codes, read by pso_chain.messages
    pso_rows = kind == "pso_purchase"
    valid = np.zeros(len(real), dtype=bool)
    if pso_rows.any():
        valid[pso_rows] = network.certificates.valid_between(supplier[pso_rows], day[pso_rows], day[pso_rows])
    value[pso_rows & valid] = real["amount_eur"].to_numpy(float)[pso_rows & valid] * settings.pso_holder_share
    reason[pso_rows & ~valid] = "supplier_no_certificate_on_date"
    outside = (day < start) | (day > end)
    later = day > on_day
    reason[outside] = "outside_term"
    reason[later & ~outside] = "after_assessment"
    value[outside | later] = 0.0
    return real.assign(way=[f"{k}_eur" for k in kind], value_eur=value, reason=reason)


def sroi_progress(network: PurchaseNetwork, contracts: pd.DataFrame, realisations: pd.DataFrame,
                  settings: SroiSettings, on: dt.date) -> SroiResult:
    """Obligation, fulfilment by way, remaining and status of every contract on date ``on``.

    ``contracts`` and ``realisations`` as :func:`~pso_chain.social_return.tables.read_contracts` and
    :func:`~pso_chain.social_return.tables.read_realisations` return them.
    """
    on_day = day_of(on)
    real = _counted(network, contracts, realisations, settings, on_day)
    obligation = contracts["value_eur"].to_numpy(float) * contracts["sroi_pct"].to_numpy(float) / 100.0
    start, end = to_days(contracts["start"]), to_days(contracts["end"])
    nodes = network.org_ids.get_indexer(contracts["supplier_id"])
    hi = np.minimum(end, np.maximum(on_day, start))
    level = [certificate_level(network, int(n), int(a), int(b))
             for n, a, b in zip(nodes, start, hi, strict=True)]
    frame = contracts.drop(columns=["row"]).assign(
        supplier_name=network.organisations["name"].to_numpy()[nodes],
        obligation_eur=obligation, certificate_level=level,
        certificate_eur=[settings.certificate_share.get(lv, 0.0) for lv in level] * obligation,
    )
    by_way = real.pivot_table(index="contract_id", columns="way", values="value_eur", aggfunc="sum")
    for way in WAYS[1:]:
        column = by_way[way] if way in by_way.columns else pd.Series(dtype=float)
        frame[way] = frame["contract_id"].map(column).fillna(0.0).to_numpy(float)
    total = frame[list(WAYS)].sum(axis=1).to_numpy()
    fulfilled = np.minimum(total, obligation)
    remaining = obligation - fulfilled
    elapsed = np.clip((on_day - start + 1) / (end - start + 1), 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(obligation > 0, fulfilled / obligation, 1.0)
    status = np.select(
        [remaining < 0.005, on_day > end, on_day < start, share < elapsed * settings.at_risk_pace],
        ["fulfilled", "overdue", "not_started", "at_risk"], default="on_track")
    frame = frame.assign(fulfilled_eur=fulfilled, remaining_eur=remaining, fulfilled_pct=100 * share,
                         elapsed_pct=100 * elapsed, due=frame["end"], status=status,
                         at_risk=np.isin(status, ["at_risk", "overdue"]))
    frame = frame.sort_values("contract_id", kind="stable").reset_index(drop=True)
    rows = real.drop(columns=["way"]).sort_values(["contract_id", "row"]).reset_index(drop=True)
    return SroiResult(frame, rows, _totals(frame, "supplier_id"), _totals(frame, "buyer_id"), on,
                      settings.version)


def _totals(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Sums per supplier or per buyer: contracts, obligation, each way, fulfilled, remaining."""
    sums = ["obligation_eur", *WAYS, "fulfilled_eur", "remaining_eur"]
    grouped = frame.groupby(key, sort=True)
    out = grouped[sums].sum()
    out.insert(0, "contracts", grouped.size())
    out["at_risk_contracts"] = grouped["at_risk"].sum().astype(int)
    return out.reset_index()


__all__ = ["KINDS", "STATUSES", "WAYS", "SroiResult", "certificate_level", "covered", "sroi_progress"]
