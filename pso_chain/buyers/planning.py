"""Planning ahead: next year's score from this year's purchases, and what to buy to keep or reach
a trede.

The buyer's purchases of the base year are the baseline of the plan year: a dated purchase is
moved to the same day of the plan year; an undated one is spread evenly over the plan year's
months (dated on the 15th), because a certificate that ends during the plan year must not count
after its end. Each baseline purchase then counts by the certificates valid on its date, as
every purchase does. The plan year's trede is the one to keep (when the baseline still reaches
the base year's) or to reach again; the uplift proposals (each dated, at suppliers that count on
that date) are computed on that baseline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pso_chain import check
from pso_chain.buyers.common import continuous_valid_until, require_figures
from pso_chain.buyers.uplift import uplift_plan
from pso_chain.core.certification import FAR_FUTURE, FAR_PAST
from pso_chain.core.network import PurchaseNetwork
from pso_chain.core.scoring import credits
from pso_chain.parsing import day_of

MAX_YEARS_AHEAD = 10
MONTHS = 12
SPREAD_DAY = 15  # undated baseline purchases: one twelfth on the 15th of every month
EXPIRING_COLUMNS = ["supplier_id", "name", "level", "valid_until", "baseline_eur", "counting_eur",
                    "not_counting_eur"]


def _moved_dates(dates: pd.Series, plan_year: int) -> np.ndarray:
    """Dates moved to the plan year, same month and day (29 February -> 28 February)."""
    stamp = pd.to_datetime(dates)
    day = np.where((stamp.dt.month == 2) & (stamp.dt.day == 29), 28, stamp.dt.day)
    moved = pd.to_datetime({"year": plan_year, "month": stamp.dt.month, "day": day})
    return moved.to_numpy()


def baseline_rows(network: PurchaseNetwork, buyer: int, base_year: int, plan_year: int) -> pd.DataFrame:
    """The buyer's base-year purchases as plan-year rows (``buyer_id, supplier_id, amount_eur,
    year, date``); undated rows spread over the months."""
    mask = (network.buyer == buyer) & network.in_year(base_year)
    rows = network.purchases[mask]
    ids = network.organisations["org_id"].to_numpy()
    dated = rows["date"].notna().to_numpy()
    parts = []
    if dated.any():
        parts.append(pd.DataFrame({
            "buyer_id": ids[rows["buyer"].to_numpy()[dated]],
            "supplier_id": ids[rows["supplier"].to_numpy()[dated]],
            "amount_eur": rows["amount_eur"].to_numpy(float)[dated], "year": plan_year,
            "date": _moved_dates(rows["date"][dated], plan_year)}))
    if (~dated).any():
        undated = rows[~dated]
        months = pd.to_datetime({"year": np.full(MONTHS, plan_year), "month": np.arange(1, MONTHS + 1),
                                 "day": np.full(MONTHS, SPREAD_DAY)}).to_numpy()
        parts.append(pd.DataFrame({
            "buyer_id": np.repeat(ids[undated["buyer"].to_numpy()], MONTHS),
            "supplier_id": np.repeat(ids[undated["supplier"].to_numpy()], MONTHS),
            "amount_eur": np.repeat(undated["amount_eur"].to_numpy(float) / MONTHS, MONTHS),
            "year": plan_year, "date": np.tile(months, len(undated))}))
    if not parts:
        return pd.DataFrame(columns=["buyer_id", "supplier_id", "amount_eur", "year", "date"])
    return pd.concat(parts, ignore_index=True)


def plan_network(network: PurchaseNetwork, org_id: str, base_year: int, plan_year: int
                 ) -> PurchaseNetwork:
    """The network with the buyer's baseline in the plan year (other rows unchanged)."""
    buyer = network.node(org_id)
    if plan_year in set(network.years.tolist()):
        keep = ~((network.buyer == buyer) & network.in_year(plan_year))
        amounts = np.where(keep, network.amount, 0.0)  # the plan replaces what is there
        return network.with_purchases(amounts, baseline_rows(network, buyer, base_year, plan_year))
    return network.with_purchases(None, baseline_rows(network, buyer, base_year, plan_year))


def expiring_in(network: PurchaseNetwork, planned: PurchaseNetwork, org_id: str, plan_year: int
                ) -> pd.DataFrame:
    """The baseline's suppliers whose unbroken certification ends inside the plan year: the
    baseline spend there, the part still counting (dated up to the end) and the part not."""
    buyer = planned.node(org_id)
    mask = (planned.buyer == buyer) & planned.in_year(plan_year) & (planned.supplier != buyer)
    supplier = planned.supplier[mask]
    amount = planned.amount[mask]
    counted = amount * planned.eligible[mask]
    nodes = np.unique(supplier)
    first, last = day_of(f"{plan_year}-01-01"), day_of(f"{plan_year}-12-31")
    until = continuous_valid_until(network, first, nodes)
    ends = (until > FAR_PAST) & (until < FAR_FUTURE) & (until < last) & ~network.sw[nodes]
    picked = nodes[ends]
    spend = np.bincount(supplier, weights=amount, minlength=network.n)[picked]
    counting = np.bincount(supplier, weights=counted, minlength=network.n)[picked]
    levels = network.level_on(f"{plan_year}-01-01")[picked]
    frame = pd.DataFrame({
        "supplier_id": network.organisations["org_id"].to_numpy()[picked],
        "name": network.organisations["name"].to_numpy()[picked], "level": levels,
        "valid_until": pd.to_datetime(until[ends].astype("datetime64[D]")),
        "baseline_eur": spend, "counting_eur": counting, "not_counting_eur": spend - counting,
    }, columns=EXPIRING_COLUMNS)
    order = frame.sort_values(["not_counting_eur", "supplier_id"], ascending=[False, True])
    return order.reset_index(drop=True)


def plan_ahead(network: PurchaseNetwork, org_id: str, plan_year: int, base_year: int | None = None,
               **uplift_options) -> dict[str, pd.DataFrame]:
    """The plan for ``plan_year``: ``baseline`` (base-year and plan-year score of the same
    purchases), ``expiring`` (:func:`expiring_in`) and the uplift frames computed on the
    plan-year baseline (:func:`pso_chain.buyers.uplift.uplift_plan`)."""
    base = check.year(network, base_year)
    plan_year = check.whole(plan_year, "plan_year", minimum=base + 1)
    if plan_year > base + MAX_YEARS_AHEAD:
        check.fail("plan_year", plan_year, f"plan at most {MAX_YEARS_AHEAD} years past {base}")
    planned = plan_network(network, org_id, base, plan_year)
    require_figures(network, org_id)
    node = network.node(org_id)
    before = credits(network, base).iloc[node]
    after = credits(planned, plan_year).iloc[node]
    baseline = pd.DataFrame([{
        "org_id": org_id, "base_year": base, "base_total_pct": before["total_pct"],
        "base_trede": before["trede"], "plan_year": plan_year, "plan_total_pct": after["total_pct"],
        "plan_trede": after["trede"], "plan_indirect_fte": after["indirect_fte"],
        "keeps_trede": pd.isna(before["trede"]) or (not pd.isna(after["trede"])
                                                    and after["trede"] >= before["trede"]),
    }])
    plan = {"baseline": baseline, "expiring": expiring_in(network, planned, org_id, plan_year)}
    plan.update(uplift_plan(planned, org_id, plan_year, **uplift_options))
    return plan
