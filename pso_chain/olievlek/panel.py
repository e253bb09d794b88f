"""The adoption history as a panel of organisation-years: who was at risk of certifying in which
year, under what pressure, and who did.

Shared by :mod:`~pso_chain.olievlek.calibrate` (the likelihood) and
:mod:`~pso_chain.olievlek.history` (the baseline comparison), so that both read the history the
same way:

- **years**: every year t with purchases in year ``t - lag`` (``lag`` 0: the pressure of
  ``simulate``, the year's own purchases; 1: last year's), between ``first_year`` and
  ``last_year`` (default: the latest purchase year, the last year whose certifications are
  taken as fully observed).
- **at risk in year t**: never certified by 1 January of t (no eligible certificate starting on
  or before that day, in the certificate history: one starting on 1 January makes the
  organisation code-applying in t, as ``simulate`` counts it), able to adopt
  (:func:`~pso_chain.olievlek.base.can_adopt`: not an SW-bedrijf, they never certify in the
  cascade) and with a revenue (else the pressure is undefined).
- **pressure**: the sales in year ``t - lag`` to buyers that are code-applying on 1 January of t
  (eligible certificate valid that day and ``applies_code``), over ``revenue_eur``: the
  ``simulate`` pressure of round 0. Self-purchases never count.
- **adopted**: the organisation's first eligible certificate starts after 1 January of t and
  no later than 1 January of t + 1 (certified at the start of the next year).

An organisation leaves the panel after its first certification; lapsed and returning
certificates are not modelled (the first certification is the adoption).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pso_chain import check
from pso_chain.core.certification import FAR_FUTURE
from pso_chain.core.network import PurchaseNetwork
from pso_chain.olievlek.base import applies_code, can_adopt, has_revenue, supplier_matrix

LAGS = (0, 1)


@dataclass(frozen=True)
class AdoptionPanel:
    """One row per organisation-year at risk (arrays of equal length)."""

    year: np.ndarray  # int64: the year t
    node: np.ndarray  # int64: the organisation
    sales: np.ndarray  # float: sales in year t - lag to code-applying buyers, EUR
    pressure: np.ndarray  # float: sales / revenue_eur
    adopted: np.ndarray  # bool: first certification in year t
    years: tuple[int, ...]
    lag: int

    def __len__(self) -> int:
        return len(self.node)


def first_certified_day(network: PurchaseNetwork) -> np.ndarray:
    """Per organisation: the first day of its first eligible certificate (``FAR_FUTURE``: none;
    far past for a certificate without a start date)."""
    index = network.certificates
    if index.valid_from.shape[0] == 0:
        return np.full(network.n, FAR_FUTURE, dtype=np.int64)
    starts = np.where((index.level >= 0) & index.eligible, index.valid_from, FAR_FUTURE)
    return starts.min(axis=0).astype(np.int64)


def jan1(year: int) -> int:
    """Day number of 1 January of ``year``."""
    return int(np.datetime64(f"{int(year):04d}-01-01", "D").astype(np.int64))


def panel_years(network: PurchaseNetwork, first_year: int | None, last_year: int | None,
                lag: int) -> list[int]:
    """The years t of the panel: purchases in ``t - lag``, within the bounds given."""
    purchase_years = sorted(int(y) for y in network.years)
    if not purchase_years:
        check.fail("year", None, "there are no purchases")
    last = purchase_years[-1] if last_year is None else check.whole(last_year, "last_year")
    first = (purchase_years[0] + lag) if first_year is None else check.whole(first_year, "first_year")
    years = [y + lag for y in purchase_years if first <= y + lag <= last]
    if not years:
        check.fail("first_year" if first_year is not None else "last_year",
                   first_year if first_year is not None else last_year,
                   f"no year with purchases {lag} year(s) before it in this range "
                   f"(purchase years: {check.listing(purchase_years)})")
    return years


def adoption_panel(network: PurchaseNetwork, first_year: int | None = None,
                   last_year: int | None = None, lag: int = 0) -> AdoptionPanel:
    """The organisation-years at risk of a first certification, with pressure and outcome.

    >>> import pso_chain
    >>> p = adoption_panel(pso_chain.load_example())
    >>> p.years, bool(p.adopted.sum() > 0)
    ((2024, 2025), True)
    """
    if lag not in LAGS:
        check.fail("lag", lag, "use 0 (the year's own purchases) or 1 (last year's)")
    first_day = first_certified_day(network)
    revenue_ok = has_revenue(network)
    applies = applies_code(network)
    revenue = network.revenue
    years = panel_years(network, first_year, last_year, lag)
    parts: list[tuple[np.ndarray, ...]] = []
    for t in years:
        start, end = jan1(t), jan1(t + 1)
        # never certified before t (can_adopt: not certified on 1 January, not an SW-bedrijf)
        risk = np.flatnonzero(can_adopt(network, t) & revenue_ok & (first_day > start))
        buyers = (network.certified_at_start(t) & applies).astype(float)
        sales = supplier_matrix(network, t - lag).T @ buyers
        parts.append((np.full(len(risk), t, dtype=np.int64), risk, sales[risk],
                      sales[risk] / revenue[risk], first_day[risk] <= end))
    year, node, sales, pressure, adopted = (np.concatenate(col) for col in zip(*parts, strict=True))
    return AdoptionPanel(year, node.astype(np.int64), sales.astype(float), pressure.astype(float),
                         adopted.astype(bool), tuple(years), lag)
