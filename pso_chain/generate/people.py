"""Certification histories spreading along the network, and the target-group persons of
certified organisations and SW-bedrijven (``employees_records``)."""

from __future__ import annotations

import numpy as np

from pso_chain.generate.orgs import _take
from pso_chain.generate.params import (
    CERT_HAZARD,
    CERT_HAZARD_BOUNDS,
    CONTRACT_MIX,
    CONTRACT_MIX_SW,
    FIRST_CERT_YEAR,
    FIRST_LEVEL_LARGE,
    FIRST_LEVEL_SMALL,
    FULL_YEAR_P,
    FULLTIME,
    FULLTIME_P,
    HOURS,
    HOURS_P,
    HOURS_P_SW,
    LEVEL_YEARS,
    OLIEVLEK_BETA,
    RENEW_PROB,
    RENEW_TRANSITION,
    START_MIX,
    START_MIX_SW,
)
from pso_chain.rules import Rules

# ---------------------------------------------------------------------------- certifications


def _day(year: int, month: int = 1, day: int = 1) -> int:
    return int(np.datetime64(f"{year:04d}-{month:02d}-{day:02d}", "D").astype(np.int64))


def _add_years_minus_day(days: np.ndarray, years: np.ndarray) -> np.ndarray:
    """The day before the same calendar day ``years`` later (end of a certificate)."""
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    offset = (d - month.astype("datetime64[D]")).astype(np.int64)
    later = (month + (12 * years).astype("timedelta64[M]")).astype("datetime64[D]")
    return later.astype(np.int64) + offset - 1


def _categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of ``probs`` (rows sum to one)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u >= cum).sum(axis=1), probs.shape[1] - 1)


def _certifications(
    rng: np.random.Generator, orgs: dict, rel_buyer: np.ndarray, rel_supplier: np.ndarray,
    rel_amount: np.ndarray, year: int,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Yearly cascade from 2012 to ``year``: certify (more likely under certified buyers),
    renew (up, same or down a level) or lapse. Returns all certificates and the latest one."""
    n = len(orgs["employees"])
    employees = orgs["employees"]
    sw = orgs["sw"]
    first_year = min(FIRST_CERT_YEAR, year - 3)
    last_day = _day(year, 12, 31)
    none = np.iinfo(np.int64).min // 2
    level = np.zeros(n, dtype=np.int64)
    vfrom = np.full(n, none)
    until = np.full(n, none)
    ever = np.zeros(n, dtype=bool)
    hazard0 = CERT_HAZARD[np.searchsorted(CERT_HAZARD_BOUNDS, employees, side="right")]
    sales = np.bincount(rel_supplier, weights=rel_amount, minlength=n)
    first_p = np.where((employees >= 50)[:, None], FIRST_LEVEL_LARGE, FIRST_LEVEL_SMALL)
    out_org, out_level, out_from, out_until = [], [], [], []
    span = max(year - first_year, 1)
    for t in range(first_year, year + 1):
        jan1, dec31 = _day(t), _day(t, 12, 31)
        # renewals of certificates ending this year
        ending = np.flatnonzero((until >= jan1) & (until <= dec31))
        renew = ending[rng.random(len(ending)) < RENEW_PROB[level[ending]]]
        gap = np.where(rng.random(len(renew)) < 0.85, 0, rng.integers(14, 120, len(renew)))
        new_from = until[renew] + 1 + gap
        keep = new_from <= last_day  # no certificate starts after the reference year
        renew, new_from = renew[keep], new_from[keep]
        new_level = 1 + _categorical(rng, RENEW_TRANSITION[level[renew] - 1])
        new_until = _add_years_minus_day(new_from, LEVEL_YEARS[new_level])
        level[renew], vfrom[renew], until[renew] = new_level, new_from, new_until
        out_org.append(renew)
        out_level.append(new_level)
        out_from.append(new_from)
        out_until.append(new_until)
        # first certifications (and a few returns after a lapse)
        applying = until >= jan1
        to_applying = np.bincount(rel_supplier, weights=rel_amount * applying[rel_buyer],
                                  minlength=n)
        pressure = np.divide(to_applying, sales, out=np.zeros(n), where=sales > 0)
        growth = 0.4 + 1.2 * (t - first_year) / span
        h = hazard0 * growth * (1.0 + OLIEVLEK_BETA * pressure)
        h = np.where(ever, 0.25 * h, h)
        cand = ~applying & ~sw & (until < jan1)
        new = np.flatnonzero(cand & (rng.random(n) < np.minimum(h, 0.9)))
        ndays = _day(t + 1) - jan1
        new_from = jan1 + rng.integers(0, ndays, len(new))
        new_level = 1 + _categorical(rng, first_p[new])
        new_until = _add_years_minus_day(new_from, LEVEL_YEARS[new_level])
        level[new], vfrom[new], until[new] = new_level, new_from, new_until
        ever[new] = True
        out_org.append(new)
        out_level.append(new_level)
        out_from.append(new_from)
        out_until.append(new_until)
    certs = {
        "org": np.concatenate(out_org).astype(np.int64),
        "level": np.concatenate(out_level).astype(np.int64),
        "from": np.concatenate(out_from).astype(np.int64),
        "until": np.concatenate(out_until).astype(np.int64),
    }
    order = np.lexsort((certs["from"], certs["org"]))
    certs = {k: v[order] for k, v in certs.items()}
    holds = until >= _day(year)  # latest certificate valid on some day of the reference year
    current = {
        "level": np.where(holds, level, 0),
        "from": np.where(holds, vfrom, none),
        "until": np.where(holds, until, none),
        "holds": holds,
    }
    return certs, current


# ----------------------------------------------------------------------------- target group


def _mix(table: dict[str, float], codes: list[str]) -> np.ndarray:
    p = np.array([table.get(c, 0.0) for c in codes])
    return p / p.sum()


def _target_group(
    rng: np.random.Generator, orgs: dict, current: dict, rules: Rules
) -> dict[str, np.ndarray | list[str]]:
    """Target-group FTE: person records for certified organisations and SW-bedrijven (their
    target_fte is the weighted sum), a drawn number for a minority of the others."""
    n = len(orgs["employees"])
    employees, fte, sw = orgs["employees"], orgs["fte"].copy(), orgs["sw"]
    level = current["level"]
    norms = rules.norms(employees)  # (n, 3) percent

    # desired direct percentage of the organisations that get person records
    has_records = current["holds"] | sw
    idx = np.flatnonzero(has_records)
    lvl = level[idx]
    norm_of_level = np.where(lvl >= 2, norms[idx, np.clip(lvl - 2, 0, 2)], 0.7 * norms[idx, 0])
    pct = norm_of_level * rng.lognormal(0.05, 0.3, len(idx))
    plus30 = (lvl == 4) & (employees[idx] >= 5) & (rng.random(len(idx)) < 0.1)
    pct = np.where(plus30, rng.uniform(31.0, 55.0, len(idx)), pct)
    pct = np.where(sw[idx], rng.uniform(60.0, 90.0, len(idx)), pct)
    desired = fte[idx] * pct / 100.0

    start_codes = list(rules.start_position_weights)
    contract_codes = list(rules.contract_type_weights)
    sw_start, start = _mix(START_MIX_SW, start_codes), _mix(START_MIX, start_codes)
    sw_contract, contract = _mix(CONTRACT_MIX_SW, contract_codes), _mix(CONTRACT_MIX,
                                                                        contract_codes)
    w_start = np.array([rules.start_position_weights[c] for c in start_codes])
    w_contract = np.array([rules.contract_type_weights[c] for c in contract_codes])
    per_year = rules.months_per_year
    e_months = (FULL_YEAR_P * per_year + (1 - FULL_YEAR_P) * 6.0) / per_year
    e_ft = FULLTIME_P @ (1 / FULLTIME)

    def expected_weight(ps, pc_, ph):
        return (ps @ w_start) * (pc_ @ w_contract) * (ph @ HOURS) * e_ft * e_months

    ew = np.where(sw[idx], expected_weight(sw_start, sw_contract, HOURS_P_SW),
                  expected_weight(start, contract, HOURS_P))
    k = np.clip(np.round(desired / ew), 1, employees[idx]).astype(np.int64)

    person_org = np.repeat(idx, k)
    p_sw = sw[person_org]
    np_ = len(person_org)
    seq = np.arange(np_) - np.repeat(np.cumsum(k) - k, k) + 1
    s_code = np.where(p_sw, rng.choice(len(start_codes), np_, p=sw_start),
                      rng.choice(len(start_codes), np_, p=start))
    c_code = np.where(p_sw, rng.choice(len(contract_codes), np_, p=sw_contract),
                      rng.choice(len(contract_codes), np_, p=contract))
    hours = np.where(p_sw, rng.choice(HOURS, np_, p=HOURS_P_SW), rng.choice(HOURS, np_, p=HOURS_P))
    full = rng.choice(FULLTIME, np_, p=FULLTIME_P)
    hours = np.minimum(hours, full)
    months = np.where(rng.random(np_) < FULL_YEAR_P, int(per_year),
                      rng.integers(1, int(per_year), np_)).astype(np.int64)
    weight = w_start[s_code] * w_contract[c_code] * (hours / full) * (months / per_year)
    target = np.bincount(person_org, weights=weight, minlength=n)  # summed in record order

    # the others: most small organisations none, larger ones a little
    rest = np.flatnonzero(~has_records)
    p_has = np.select([employees[rest] < 10, employees[rest] < 50, employees[rest] < 250],
                      [0.08, 0.30, 0.55], 0.8)
    has = rng.random(len(rest)) < p_has
    share = np.minimum(rng.lognormal(np.log(0.015), 0.8, len(rest)), 0.25)
    amount = fte[rest] * np.where(employees[rest] < 10, rng.uniform(0.08, 0.4, len(rest)), share)
    target[rest] = np.where(has, np.maximum(np.round(amount, 2), 0.1), 0.0)

    # target-group persons are part of the workforce: FTE (and headcount) at least cover them
    fte = np.maximum(fte, np.round(target / 0.8, 2))
    employees = np.maximum(employees, np.ceil(fte).astype(np.int64))

    u = rng.random(n)
    qual = np.where(level >= 2, u < 0.97, np.where(level == 1, u < 0.95, u < 0.9))
    return {
        "target": target, "fte": fte, "employees": employees, "qualitative_ok": qual,
        "person_org": person_org, "seq": seq,
        "start": _take(start_codes, s_code),
        "contract": _take(contract_codes, c_code),
        "hours": hours, "fulltime": full, "months": months,
    }


# -------------------------------------------------------------------------------- assembling
