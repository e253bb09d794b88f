"""Plain, obviously-correct oracles for the olievlek contracts (docs/contract.md), straight from the
raw tables with Python loops, dates and dicts — no CSR, no node indices, no numpy kernels.

Used by the olievlek and embodied tests; small networks only.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import numpy as np
import pandas as pd


def _date(value) -> dt.date | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() in ("", "NaT", "nan"):
        return None
    return dt.date.fromisoformat(str(value)[:10])


def _float(value) -> float | None:
    if value is None or str(value).strip() == "":
        return None
    f = float(value)
    return None if math.isnan(f) else f


class Raw:
    """The tables as plain Python values."""

    def __init__(self, tables: dict[str, pd.DataFrame], eligible_levels=("aspirant", "1", "2", "3")):
        orgs = tables["organisations"]
        self.ids = sorted(str(i) for i in orgs["org_id"])
        self.revenue = {str(r.org_id): _float(r.revenue_eur) for r in orgs.itertuples()}
        self.sw = {str(r.org_id): str(r.sw).lower() in ("true", "1") for r in orgs.itertuples()}
        self.employees = {str(r.org_id): int(r.employees) for r in orgs.itertuples()}
        self.name = {str(r.org_id): r.name for r in orgs.itertuples()}
        self.municipality = {str(r.org_id): r.municipality for r in orgs.itertuples()}
        self.threshold = {str(o): None for o in orgs["org_id"]}
        if "threshold" in orgs.columns:
            self.threshold = {str(o): _float(t) for o, t in zip(orgs["org_id"], orgs["threshold"], strict=True)}
        self.applies = {str(o): True for o in orgs["org_id"]}
        if "applies_code" in orgs.columns:
            self.applies = {str(o): str(a).lower() not in ("false", "0") for o, a in
                            zip(orgs["org_id"], orgs["applies_code"], strict=True)}
        self.eligible_levels = set(eligible_levels)
        certs = tables.get("certifications")
        if certs is not None:
            self.certs = [(str(c.org_id), str(c.level), _date(c.valid_from), _date(c.valid_until))
                          for c in certs.itertuples()]
        else:
            self.certs = [(str(r.org_id), str(r.pso_level), _date(r.pso_valid_from), _date(r.pso_valid_until))
                          for r in orgs.itertuples() if str(r.pso_level).strip() not in ("", "nan")]
        self.purchases = [(str(p.buyer_id), str(p.supplier_id), float(p.amount_eur), int(p.year), _date(p.date))
                          for p in tables["purchases"].itertuples()]

    def valid_between(self, org: str, lo: dt.date, hi: dt.date) -> bool:
        for o, level, start, end in self.certs:
            if o == org and level in self.eligible_levels and (start is None or start <= hi) \
                    and (end is None or end >= lo):
                return True
        return False

    def certified_on(self, org: str, day: dt.date) -> bool:
        return self.valid_between(org, day, day)

    def eligible_row(self, buyer: str, supplier: str, year: int, date: dt.date | None) -> bool:
        if buyer == supplier:
            return False
        if self.sw[supplier]:
            return True
        if date is not None:
            return self.certified_on(supplier, date)
        return self.valid_between(supplier, dt.date(year, 1, 1), dt.date(year, 12, 31))

    def amounts(self, year: int, drop_self: bool = True, eligible_only: bool = False) -> dict:
        out: dict[tuple[str, str], float] = defaultdict(float)
        for b, s, a, y, d in self.purchases:
            if y != year or (drop_self and b == s):
                continue
            if eligible_only and not self.eligible_row(b, s, y, d):
                continue
            out[(b, s)] += a
        return out


def oracle_simulate(raw: Raw, year: int, threshold: float = 0.25, model: str = "threshold",
                    at_risk: float = 0.1, rounds: int | None = None, seeds=(), fee=None,
                    never=()) -> dict:
    """{org_id: (round, trigger_id, pressure)} by the contract, one organisation at a time;
    SW-bedrijven without a certificate never certify (who can adopt, docs/contract.md), nor do
    the organisations in ``never``."""
    jan1 = dt.date(year, 1, 1)
    certified = {o for o in raw.ids if raw.certified_on(o, jan1)}
    applying = {o for o in certified if raw.applies[o]} | set(seeds)
    certified |= set(seeds) | set(never) | {o for o in raw.ids if raw.sw[o]}
    amount = raw.amounts(year)
    buyers = defaultdict(set)
    for b, s in amount:
        buyers[s].add(b)
    out = {}
    r = 0
    while rounds is None or r < rounds:
        newly = []
        for i in raw.ids:
            if i in certified or raw.revenue[i] is None:
                continue
            rev = raw.revenue[i]
            contrib = [(amount[(b, i)], b) for b in sorted(buyers[i]) if b in applying]
            pressure = sum(a for a, _ in contrib) / rev
            if model == "threshold":
                own = raw.threshold[i]
                ok = pressure >= (threshold if own is None else own)
            else:
                ok = pressure * rev * at_risk >= fee(raw.employees[i])
            if ok:
                trigger = min(contrib, key=lambda t: (-t[0], t[1]))[1] if contrib else None
                newly.append((i, trigger, pressure))
        if not newly:
            break
        r += 1
        for i, trigger, pressure in newly:
            certified.add(i)
            applying.add(i)
            out[i] = (r, trigger, pressure)
    return out


def oracle_history(raw: Raw, all_levels=("aspirant", "1", "2", "3"), until_year: int | None = None) -> dict:
    """{org_id: (certified_on, parent_id, generation, root_id)} by the contract."""
    early = dt.date(1, 1, 1)
    first: dict[str, dt.date] = {}
    for o, level, start, _ in raw.certs:
        if level not in all_levels:
            continue
        d = start or early
        if until_year is not None and d > dt.date(until_year, 12, 31):
            continue
        if o not in first or d < first[o]:
            first[o] = d
    parent = {}
    for s in sorted(first):
        d = first[s]
        sums = defaultdict(float)
        if d != early:
            for b, s2, a, y, _ in raw.purchases:
                if s2 == s and b in first and first[b] < d and y <= d.year:
                    sums[b] += a
        parent[s] = min(sums, key=lambda b: (-sums[b], b)) if sums else None

    def chain(o):
        gen, node = 0, o
        while parent[node] is not None:
            node = parent[node]
            gen += 1
        return gen, node

    out = {}
    for o in sorted(first):
        gen, root = chain(o)
        out[o] = (None if first[o] == early else first[o], parent[o], gen, root)
    return out


def oracle_embodied(raw: Raw, year: int, target_fte: dict, drop_self: bool = False) -> dict:
    """{org_id: (embodied_fte, embodied_fte_certified)} by a dense numpy solve."""
    ids = raw.ids
    pos = {o: i for i, o in enumerate(ids)}
    n = len(ids)
    rev = np.array([raw.revenue[o] if raw.revenue[o] is not None else np.nan for o in ids])
    t = np.array([target_fte[o] for o in ids])
    results = []
    for eligible_only in (False, True):
        a = np.zeros((n, n))
        for (b, s), amount in raw.amounts(year, drop_self=drop_self, eligible_only=eligible_only).items():
            a[pos[b], pos[s]] += amount
        usable = np.isfinite(rev)
        m = np.where(usable[:, None], a / np.where(usable, rev, 1.0)[:, None], 0.0)
        b = np.where(usable, t / np.where(usable, rev, 1.0), 0.0)
        e = np.linalg.solve(np.eye(n) - m, b)
        results.append(a @ e)
    return {o: (results[0][i], results[1][i]) for i, o in enumerate(ids)}


def spectral_radius(raw: Raw, year: int, drop_self: bool = False) -> float:
    ids = raw.ids
    pos = {o: i for i, o in enumerate(ids)}
    n = len(ids)
    a = np.zeros((n, n))
    for (b, s), amount in raw.amounts(year, drop_self=drop_self).items():
        a[pos[b], pos[s]] += amount
    rev = np.array([raw.revenue[o] or np.nan for o in ids])
    m = np.where(np.isfinite(rev)[:, None], a / np.where(np.isfinite(rev), rev, 1.0)[:, None], 0.0)
    return float(np.abs(np.linalg.eigvals(m)).max()) if n else 0.0
