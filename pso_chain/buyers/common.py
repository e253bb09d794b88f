"""Shared pieces of the buyer verbs: what a new purchase would earn, one buyer's score for
candidate indirect FTE and certificate status on a date (a network with purchases edited is
the core's :meth:`PurchaseNetwork.with_purchases`).

Everything here reuses the core (``purchase_eligibility``, ``indirect_fte``, ``score_arrays``)
so that a what-if computed here is exactly what ``credits`` says once the purchase is made.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Iterator

import numpy as np
import pandas as pd

from pso_chain.core.certification import FAR_FUTURE, FAR_PAST, purchase_eligibility
from pso_chain.core.network import PurchaseNetwork
from pso_chain.core.scoring import indirect_fte_of, score_arrays
from pso_chain.errors import Problem, PsoInputError
from pso_chain.parsing import NO_DAY, day_of, year_bounds

STATUS_SW = "sw"
STATUS_VALID = "valid"
STATUS_EXPIRING = "expiring"
STATUS_EXPIRED = "expired"
STATUS_NONE = "none"
COUNTING_STATUSES = (STATUS_SW, STATUS_VALID, STATUS_EXPIRING)


def purchase_day(on, year: int) -> int:
    """Day number of a planned purchase dated ``on`` (:data:`NO_DAY` when undated); a dated
    purchase must fall in its reference year, as in ``purchases``."""
    if on is None:
        return NO_DAY
    day = day_of(on)
    if pd.Timestamp(on).year != int(year):
        raise PsoInputError(Problem("on", None, None, str(pd.Timestamp(on).date()),
                                    f"the purchase date must fall in the reference year {year}"))
    return day


def default_purchase_date(year: int, today: dt.date) -> dt.date:
    """The day a planned purchase in ``year`` is dated when the user names none: the first day
    on which it can still be made (``today``, not before 1 January), and for a year already
    over its last day, 31 December.

    >>> default_purchase_date(2025, dt.date(2026, 1, 5))
    datetime.date(2025, 12, 31)
    """
    first, last = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    return min(max(today, first), last)


def new_purchase_counts(network: PurchaseNetwork, buyer: int, year: int, on=None) -> np.ndarray:
    """For every organisation: would a purchase by ``buyer`` there count (social purchasing)?

    Undated (``on`` None) it counts when the supplier is an SW-bedrijf or holds an eligible
    certificate valid on some day of ``year``; dated, on that day — the core's own rule
    (:func:`pso_chain.core.certification.purchase_eligibility`), never the buyer itself.
    """
    return counts_at(network, buyer, year, np.arange(network.n, dtype=np.int64), on)


def counts_at(network: PurchaseNetwork, buyer: int, year: int, nodes: np.ndarray, on=None) -> np.ndarray:
    """:func:`new_purchase_counts` for the suppliers ``nodes`` only (the same rule, without a
    pass over every organisation)."""
    nodes = np.asarray(nodes, dtype=np.int64)
    m = len(nodes)
    day = purchase_day(on, year)
    return purchase_eligibility(np.full(m, buyer, dtype=np.int64), nodes, np.full(m, year, dtype=np.int64),
                                np.full(m, day, dtype=np.int64), network.sw, network.certificates)


_YIELD_ORDER: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def yield_order(network: PurchaseNetwork) -> np.ndarray:
    """Every organisation with a positive yield (target-group FTE per euro of revenue), highest
    first, ties by node index: computed once per network, so a buyer's candidates are read off
    it in order instead of sorting every organisation per question."""
    order = _YIELD_ORDER.get(network)
    if order is None:
        y = network.yield_per_eur
        positive = np.flatnonzero(y > 0)
        order = positive[np.lexsort((positive, -y[positive]))]
        order.setflags(write=False)
        _YIELD_ORDER[network] = order
    return order


def candidate_blocks(network: PurchaseNetwork, buyer: int, year: int, on=None, first: int = 256
                     ) -> Iterator[np.ndarray]:
    """The suppliers where a new purchase by ``buyer`` counts and earns credit, highest yield
    first (ties by node index), in blocks of growing size: a caller that needs the best few
    reads a few hundred organisations, not all of them."""
    order = yield_order(network)
    size, lo = first, 0
    while lo < len(order):
        nodes = order[lo:lo + size]
        lo += size
        size *= 2
        nodes = nodes[nodes != buyer]
        yield nodes[counts_at(network, buyer, year, nodes, on)]


def yield_fte_per_meur(network: PurchaseNetwork, nodes: np.ndarray | None = None) -> np.ndarray:
    """Target-group FTE per million euro of revenue (NaN where revenue is missing), of every
    organisation or of ``nodes`` only."""
    fte, revenue = ((network.target_fte, network.revenue) if nodes is None
                    else (network.target_fte[nodes], network.revenue[nodes]))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 1e6 * fte / revenue
    return np.where(np.isfinite(out), out, np.nan)


def buyer_indirect_fte(network: PurchaseNetwork, buyer: int, year: int) -> float:
    """The buyer's indirect FTE exactly as ``credits`` sums it (same order of additions), from
    its own purchase rows only."""
    return indirect_fte_of(network, buyer, year)


def buyer_scores(network: PurchaseNetwork, buyer: int, indirect, qualitative_ok: bool | None = None
                 ) -> dict:
    """``score_arrays`` for one buyer under each candidate indirect FTE value (``qualitative_ok``
    overrides the buyer's own check, e.g. to ask what the numbers alone would give)."""
    if qualitative_ok is None:
        qualitative_ok = bool(network.qualitative_ok[buyer])
    indirect = np.atleast_1d(np.asarray(indirect, dtype=float))
    m = len(indirect)
    return score_arrays(network.rules, np.full(m, network.fte[buyer]),
                        np.full(m, network.target_fte[buyer]), indirect,
                        np.full(m, network.employees[buyer]),
                        np.full(m, qualitative_ok))


def spend_at(network: PurchaseNetwork, buyer: int, year: int, nodes: np.ndarray) -> np.ndarray:
    """The buyer's spend in ``year`` at each supplier of ``nodes`` (self-purchases excluded), from
    its own rows: the sums :func:`buyer_spend` makes, without an array over every organisation."""
    rows = network.buyer_rows(buyer, year)
    rows = rows[network.supplier[rows] != buyer]
    suppliers, at = np.unique(network.supplier[rows], return_inverse=True)
    totals = np.bincount(at, weights=network.amount[rows], minlength=len(suppliers))
    nodes = np.asarray(nodes, dtype=np.int64)
    if len(suppliers) == 0:
        return np.zeros(len(nodes))
    k = np.minimum(np.searchsorted(suppliers, nodes), len(suppliers) - 1)
    return np.where(suppliers[k] == nodes, totals[k], 0.0)


def buyer_spend(network: PurchaseNetwork, buyer: int, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Per supplier: the buyer's spend in ``year`` and the part of it that counts (self-purchases
    excluded from both)."""
    rows = network.buyer_rows(buyer, year)  # the buyer's rows only, not a pass over the network
    rows = rows[network.supplier[rows] != buyer]
    supplier = network.supplier[rows]
    amount = network.amount[rows]
    spend = np.bincount(supplier, weights=amount, minlength=network.n)
    counted = np.bincount(supplier, weights=amount * network.eligible[rows], minlength=network.n)
    return spend, counted


def level_in_year(network: PurchaseNetwork, year: int) -> np.ndarray:
    """For every organisation: the highest eligible certificate level valid on some day of
    ``year`` (``""`` where none) — the level an undated purchase in that year is judged by."""
    certs = network.certificates
    first, last = (int(v[0]) for v in year_bounds(np.array([year])))
    best = np.full(network.n, -1, dtype=np.int64)
    for j in range(certs.valid_from.shape[0]):
        ok = certs.eligible[j] & (certs.valid_from[j] <= last) & (certs.valid_until[j] >= first)
        best = np.where(ok & (certs.level[j] > best), certs.level[j], best)
    return np.asarray(["", *certs.levels], dtype=object)[best + 1]


def days_to_dates(days: np.ndarray) -> np.ndarray:
    """Day numbers as ``datetime64[D]`` (NaT for open ends and missing days)."""
    days = np.asarray(days, dtype=np.int64)
    missing = (days <= FAR_PAST) | (days >= FAR_FUTURE) | (days == NO_DAY)
    out = np.where(missing, 0, days).astype("datetime64[D]")
    out[missing] = np.datetime64("NaT")
    return out


def _layers(network: PurchaseNetwork, nodes: np.ndarray | None):
    """The certificate layers (valid_from, valid_until, level, eligible), for ``nodes`` only."""
    c = network.certificates
    if nodes is None:
        return c.valid_from, c.valid_until, c.level, c.eligible
    return c.valid_from[:, nodes], c.valid_until[:, nodes], c.level[:, nodes], c.eligible[:, nodes]


def _size(network: PurchaseNetwork, nodes: np.ndarray | None) -> int:
    return network.n if nodes is None else len(nodes)


def levels_on(network: PurchaseNetwork, day: int, nodes: np.ndarray | None = None) -> np.ndarray:
    """The highest certificate level valid on ``day`` (``""`` where none), for ``nodes`` (all
    organisations when None) — :meth:`PurchaseNetwork.level_on` by day number."""
    best = network.certificates.level_on(day, nodes)
    return np.asarray(["", *network.certificates.levels], dtype=object)[best + 1]


def continuous_valid_until(network: PurchaseNetwork, day: int, nodes: np.ndarray | None = None
                           ) -> np.ndarray:
    """For ``nodes`` (all organisations when None): the last day of unbroken eligible
    certification from ``day`` (renewals that start by the day after the previous end extend
    it); FAR_PAST where no eligible certificate is valid on ``day``, FAR_FUTURE where it has no
    end."""
    start, end, _, eligible = _layers(network, nodes)
    until = np.full(_size(network, nodes), FAR_PAST, dtype=np.int64)
    layers = range(start.shape[0])
    for j in layers:
        ok = eligible[j] & (start[j] <= day) & (end[j] >= day)
        until = np.where(ok, np.maximum(until, end[j]), until)
    for _ in layers:  # each pass may chain one more renewal
        before = until
        for j in layers:
            chain = (eligible[j] & (until > FAR_PAST) & (until < FAR_FUTURE)
                     & (start[j] <= until + 1) & (end[j] > until))
            until = np.where(chain, end[j], until)
        if np.array_equal(before, until):
            break
    return until


def last_expired(network: PurchaseNetwork, day: int, nodes: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """For ``nodes`` (all when None): the latest end day before ``day`` of their eligible
    certificates (FAR_PAST where none ended before ``day``) and that certificate's level."""
    _, end, level_idx, eligible = _layers(network, nodes)
    last = np.full(_size(network, nodes), FAR_PAST, dtype=np.int64)
    level = np.full(_size(network, nodes), -1, dtype=np.int64)
    for j in range(end.shape[0]):
        ended = eligible[j] & (end[j] < day)
        later = ended & ((end[j] > last) | ((end[j] == last) & (level_idx[j] > level)))
        last = np.where(later, end[j], last)
        level = np.where(later, level_idx[j], level)
    return last, np.asarray(["", *network.certificates.levels], dtype=object)[level + 1]


def certificate_status(network: PurchaseNetwork, on, expiring_days: int,
                       nodes: np.ndarray | None = None) -> pd.DataFrame:
    """Certificate status on date ``on`` of ``nodes`` (one row each, in that order; every
    organisation when None).

    ``status``: ``sw`` (an SW-bedrijf: counts without a certificate), ``expiring`` (an eligible
    certificate valid on the date whose unbroken validity ends within ``expiring_days`` days:
    ``valid_until - on <= expiring_days``), ``valid``, ``expired`` (an eligible certificate ended
    before the date, none valid on it) or ``none``. ``valid_until`` is the end of the unbroken
    validity (renewals included), or for ``expired`` the day it ended; ``days_left`` counts the
    days from the date to ``valid_until`` (0 on its last day). ``level`` is the highest level
    valid on the date, or for ``expired`` the level of the certificate that ended. ``counts``:
    a purchase on the date would count (SW-bedrijf or valid eligible certificate).
    """
    day = day_of(on)
    sw = network.sw if nodes is None else network.sw[nodes]
    until = continuous_valid_until(network, day, nodes)
    valid = until > FAR_PAST
    ended, ended_level = last_expired(network, day, nodes)
    open_end = until >= FAR_FUTURE
    days_left = np.where(valid & ~open_end, until - day, -1)
    status = np.select(
        [sw, valid & ~open_end & (days_left <= expiring_days), valid, ended > FAR_PAST],
        [STATUS_SW, STATUS_EXPIRING, STATUS_VALID, STATUS_EXPIRED], default=STATUS_NONE)
    left = pd.array(days_left, dtype="Int64")
    left[~(valid & ~open_end)] = pd.NA
    shown_until = np.where(valid, until, np.where(ended > FAR_PAST, ended, FAR_PAST))
    return pd.DataFrame({
        "status": status,
        "level": np.where(valid | (ended == FAR_PAST), levels_on(network, day, nodes), ended_level),
        "valid_until": days_to_dates(shown_until),
        "days_left": left,
        "counts": sw | valid,
    })


def require_figures(network: PurchaseNetwork, org_id: str) -> None:
    """Bad input for an organisation whose figures nobody gave (``figures_known`` false, an
    imported supplier): it has no score, so no purchase lifts it and no trede is "the highest"."""
    orgs = network.organisations
    if "figures_known" not in orgs.columns:
        return
    node = network.node(org_id)
    if bool(orgs["figures_known"].iat[node]):
        return
    row = int(orgs["_row"].iat[node]) if "_row" in orgs.columns else None
    raise PsoInputError(Problem(network.data.files.get("organisations", "organisations"), row,
                                "figures_known", org_id,
                                "no figures for this organisation (employees, fte): it has no score, "
                                "so there is no uplift; ask it for its PSO figures"))
