"""Which organisations hold which certificate on which day, as stacked interval arrays.

An organisation may hold several certificates over time (its history). They are stacked into
``k`` layers of shape ``(n,)`` — ``k`` the most certificates any one organisation has — so that
"does supplier s hold an eligible certificate valid between day lo and day hi" is a handful of
vectorised comparisons over all purchase rows at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from pso_chain.parsing import to_days, year_bounds
from pso_chain.rules import Rules

FAR_PAST = -(10**9)
FAR_FUTURE = 10**9


@dataclass(frozen=True, eq=False)
class CertificateIndex:
    """Certificates stacked per organisation: layer ``j`` holds each one's ``j``-th certificate.

    ``valid_from``/``valid_until`` are inclusive day numbers (open ends are far past/future);
    ``level`` indexes ``levels`` (-1 for an empty slot); ``eligible`` marks levels that count.
    """

    valid_from: np.ndarray
    valid_until: np.ndarray
    level: np.ndarray
    eligible: np.ndarray
    levels: tuple[str, ...]

    @property
    def n(self) -> int:
        return self.valid_from.shape[1]

    @cached_property
    def count(self) -> np.ndarray:
        """Number of certificates of each organisation (layers are filled from the first)."""
        if not len(self.level):
            return np.zeros(self.n, np.int64)
        return (self.level >= 0).sum(axis=0, dtype=np.int16)

    @cached_property
    def holds_eligible(self) -> np.ndarray:
        """Whether each organisation has any eligible certificate at all (in any period)."""
        if len(self.eligible) == 0:
            return np.zeros(self.n, dtype=bool)
        return np.asarray(self.eligible.any(axis=0))

    def valid_between(self, orgs: np.ndarray, lo, hi, eligible_only: bool = True) -> np.ndarray:
        """True where organisation ``orgs[i]`` holds a certificate valid on some day in [lo, hi].

        Only rows whose organisation has a j-th certificate are checked against layer j (the
        rows, their organisations and days are narrowed as the layers go), so the work follows
        the certificates, not the rows times the longest history.
        """
        orgs = np.asarray(orgs)
        out = np.zeros(len(orgs), dtype=bool)
        if self.valid_from.shape[0] == 0:
            return out
        count = self.count
        rows = np.flatnonzero(count[orgs] > 0)
        o = orgs[rows]
        lo = np.broadcast_to(lo, orgs.shape)[rows]
        hi = np.broadcast_to(hi, orgs.shape)[rows]
        have = count[o]
        for j in range(self.valid_from.shape[0]):
            if j > 0:
                keep = have > j
                rows, o, lo, hi, have = rows[keep], o[keep], lo[keep], hi[keep], have[keep]
            if len(rows) == 0:
                break
            ok = (self.valid_from[j].take(o) <= hi) & (self.valid_until[j].take(o) >= lo)
            if eligible_only:
                ok &= self.eligible[j].take(o)
            out[rows[ok]] = True
        return out

    def valid_on(self, day: int, eligible_only: bool = True) -> np.ndarray:
        """For every organisation: holds a (counting) certificate valid on ``day``."""
        return self.valid_between(np.arange(self.n), day, day, eligible_only)

    def level_on(self, day: int, nodes: np.ndarray | None = None) -> np.ndarray:
        """For every organisation (or ``nodes`` only): index into ``levels`` of its highest
        certificate valid on ``day`` (-1 where none)."""
        start, end, level = self.valid_from, self.valid_until, self.level
        if nodes is not None:
            start, end, level = start[:, nodes], end[:, nodes], level[:, nodes]
        best = np.full(start.shape[1], -1, dtype=np.int64)
        for j in range(start.shape[0]):
            ok = (start[j] <= day) & (end[j] >= day)
            best = np.where(ok & (level[j] > best), level[j], best)
        return best

    def valid_until_on(self, day: int) -> np.ndarray:
        """For every organisation: the latest end day among its certificates valid on ``day``
        (FAR_PAST where none)."""
        until = np.full(self.n, FAR_PAST, dtype=np.int64)
        for j in range(self.valid_from.shape[0]):
            ok = (self.valid_from[j] <= day) & (self.valid_until[j] >= day)
            until = np.where(ok, np.maximum(until, self.valid_until[j]), until)
        return until

    def first_certified(self) -> np.ndarray:
        """For every organisation: the day its first certificate started (FAR_FUTURE if none)."""
        starts = np.where(self.level >= 0, self.valid_from, FAR_FUTURE)
        return starts.min(axis=0).astype(np.int64) if len(starts) else np.full(self.n, FAR_FUTURE)


def build_certificate_index(
    n: int, org: np.ndarray, level: pd.Series, valid_from, valid_until,
    levels: tuple[str, ...], eligible_levels: tuple[str, ...],
) -> CertificateIndex:
    """Stack certificate rows (``org`` node indices) into a :class:`CertificateIndex`."""
    org = np.asarray(org, dtype=np.int64)
    level_idx = pd.Index(levels).get_indexer(pd.Series(level, dtype=object).astype(str))
    keep = (org >= 0) & (level_idx >= 0)
    org, level_idx = org[keep], level_idx[keep]
    start = to_days(valid_from)[keep]
    end = to_days(valid_until)[keep]
    start = np.where(start == np.iinfo(np.int64).min, FAR_PAST, start)
    end = np.where(end == np.iinfo(np.int64).min, FAR_FUTURE, end)
    order = np.lexsort((start, org))
    org, level_idx, start, end = org[order], level_idx[order], start[order], end[order]
    if len(org):
        first_of_org = np.r_[True, org[1:] != org[:-1]]
        group_start = np.maximum.accumulate(np.where(first_of_org, np.arange(len(org)), 0))
        layer = np.arange(len(org)) - group_start
        k = int(layer.max()) + 1
    else:
        layer = np.zeros(0, dtype=np.int64)
        k = 0
    # day numbers of real dates and FAR_PAST/FAR_FUTURE fit in int32; levels are a handful:
    # (k, n) layers of a national dataset stay small (fresh memory is what costs at 1M orgs)
    start = np.clip(start, FAR_PAST, FAR_FUTURE)
    end = np.clip(end, FAR_PAST, FAR_FUTURE)
    valid_from_arr = np.full((k, n), FAR_FUTURE, dtype=np.int32)
    valid_until_arr = np.full((k, n), FAR_PAST, dtype=np.int32)
    level_arr = np.full((k, n), -1, dtype=np.int16)
    valid_from_arr[layer, org] = start
    valid_until_arr[layer, org] = end
    level_arr[layer, org] = level_idx
    eligible_mask = np.isin(np.asarray(levels), np.asarray(eligible_levels))
    eligible_arr = np.zeros((k, n), dtype=bool)
    eligible_arr[layer, org] = eligible_mask[level_idx]
    return CertificateIndex(valid_from_arr, valid_until_arr, level_arr, eligible_arr, tuple(levels))


def purchase_eligibility(
    buyer: np.ndarray, supplier: np.ndarray, year: np.ndarray, day: np.ndarray,
    sw: np.ndarray, certificates: CertificateIndex,
) -> np.ndarray:
    """Whether each purchase row counts as social purchasing.

    A row counts when buyer != supplier and the supplier is an SW-bedrijf or holds an eligible
    certificate valid on the purchase date, or — without a date — on any day of its year.
    ``day`` holds day numbers with :data:`pso_chain.parsing.NO_DAY` for undated rows, or the
    dates themselves (``datetime64``, NaT undated): then only the rows that need a day number
    are converted.
    """
    buyer, supplier = np.asarray(buyer), np.asarray(supplier)
    sw_supplier = sw[supplier]
    other = buyer != supplier
    eligible = other & sw_supplier
    # only rows whose supplier is not SW but holds some eligible certificate need the dates
    rows = np.flatnonzero(certificates.holds_eligible[supplier] & ~sw_supplier & other)
    if len(rows):
        row_day = np.asarray(day)[rows]
        if np.issubdtype(row_day.dtype, np.datetime64):
            row_day = to_days(row_day)
        first, last = year_bounds(np.asarray(year)[rows])
        dated = row_day != np.iinfo(np.int64).min
        lo = np.where(dated, row_day, first)
        hi = np.where(dated, row_day, last)
        eligible[rows] = certificates.valid_between(supplier[rows], lo, hi)
    return eligible


def certificate_index(organisations: pd.DataFrame, certifications: pd.DataFrame | None,
                      rules: Rules) -> CertificateIndex:
    """The certificate index of a dataset: ``certifications`` when given (the source of truth),
    else the organisations' current ``pso_level`` with its validity."""
    n = len(organisations)
    if certifications is not None:
        c = certifications
        return build_certificate_index(n, c["org"].to_numpy(), c["level"], c["valid_from"],
                                       c["valid_until"], rules.all_levels, rules.eligible_levels)
    o = organisations
    return build_certificate_index(n, np.arange(n), o["pso_level"], o["pso_valid_from"],
                                   o["pso_valid_until"], rules.all_levels, rules.eligible_levels)
