"""Organisations (size, sector, municipality, names) and purchase relations between them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pso_chain import check
from pso_chain.generate.params import (
    MUNICIPALITIES,
    PLACE_WORDS,
    POSTCODE_LETTERS,
    REVENUE_PER_EMPLOYEE,
    SBI_CODES,
    SECTION_WEIGHTS,
    SIZE_CLASSES,
    SURNAMES,
    SW_REVENUE_PER_EMPLOYEE,
    SW_SBI,
    municipality_names,
)

# ----------------------------------------------------------------------------- organisations


def _log_uniform_int(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Integers in [lo, hi) with density ~ 1/x."""
    u = rng.random(len(lo))
    return np.floor(np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo)))).astype(np.int64)


def _employees(rng: np.random.Generator, n: int) -> np.ndarray:
    lo = np.array([c[0] for c in SIZE_CLASSES], dtype=float)
    hi = np.array([c[1] for c in SIZE_CLASSES], dtype=float)
    p = np.array([c[2] for c in SIZE_CLASSES])
    cls = rng.choice(len(p), size=n, p=p / p.sum())
    emp = _log_uniform_int(rng, lo[cls], hi[cls])
    top = cls == len(p) - 1  # Pareto tail (alpha 1.5) for the largest employers
    tail = lo[-1] * rng.random(int(top.sum())) ** (-1 / 1.5)
    emp[top] = np.minimum(tail, hi[-1]).astype(np.int64)
    return np.maximum(emp, 1)


def _sw_count(n: int) -> int:
    """About one SW-bedrijf per 2,000 organisations, at least one."""
    return max(1, round(n / 2000))


def _take(words: Sequence[str], idx: np.ndarray) -> pa.Array:
    return pa.array(list(words), type=pa.string()).take(pa.array(idx))


def _join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays (and scalars) without separator."""
    return pc.binary_join_element_wise(*parts, "")


def _organisations(
    rng: np.random.Generator, n: int, municipalities: Sequence[str] | None
) -> dict[str, np.ndarray | pa.Array]:
    # municipality, weighted by population
    known = {m[0]: m for m in MUNICIPALITIES}
    if municipalities is None:
        chosen = list(MUNICIPALITIES)
    else:
        unknown = [m for m in municipalities if m not in known]
        if unknown or not municipalities:
            check.fail("municipality", ", ".join(unknown),
                       f"unknown municipalities; known: {', '.join(municipality_names())}")
        chosen = [known[m] for m in dict.fromkeys(municipalities)]
    pop = np.array([m[1] for m in chosen], dtype=float)
    muni = rng.choice(len(chosen), size=n, p=pop / pop.sum())
    pc_lo = np.array([m[2] for m in chosen])[muni]
    pc_hi = np.array([m[3] for m in chosen])[muni]
    digits = rng.integers(pc_lo, pc_hi + 1)
    letters = rng.integers(0, len(POSTCODE_LETTERS), size=(n, 2))
    first, second = POSTCODE_LETTERS[letters[:, 0]], POSTCODE_LETTERS[letters[:, 1]]
    second = np.where((first == "S") & np.isin(second, ["A", "D", "S"]), "T", second)
    postcode = pc.binary_join_element_wise(
        pc.cast(pa.array(digits), pa.string()), pa.array(first), pa.array(second), "")
    muni_names = _take([m[0] for m in chosen], muni)

    # size, sector, FTE, revenue
    employees = _employees(rng, n)
    sec_w = np.array([SECTION_WEIGHTS[c[1]] for c in SBI_CODES])
    per_section = {s: sum(c[1] == s for c in SBI_CODES) for s in SECTION_WEIGHTS}
    code_w = sec_w / np.array([per_section[c[1]] for c in SBI_CODES])
    code = rng.choice(len(SBI_CODES), size=n, p=code_w / code_w.sum())
    fte = np.round(employees * rng.uniform(0.6, 0.95, n), 2)
    rev_factor = np.array([c[3] for c in SBI_CODES])[code]
    rpe = REVENUE_PER_EMPLOYEE * rev_factor * rng.lognormal(-0.125, 0.5, n)

    # SW-bedrijven: large, low revenue per employee, sector 8899
    sw = np.zeros(n, dtype=bool)
    sw_idx = np.sort(rng.choice(n, size=_sw_count(n), replace=False))
    sw[sw_idx] = True
    employees[sw_idx] = _log_uniform_int(
        rng, np.full(len(sw_idx), 300.0), np.full(len(sw_idx), 3000.0))
    fte[sw_idx] = np.round(employees[sw_idx] * rng.uniform(0.75, 0.9, len(sw_idx)), 2)
    code[sw_idx] = [c[0] for c in SBI_CODES].index(SW_SBI)
    rpe[sw_idx] = SW_REVENUE_PER_EMPLOYEE * rng.lognormal(0.0, 0.2, len(sw_idx))
    revenue = np.maximum(np.round(employees * rpe, 0), 1000.0)

    names = _names(rng, n, code, employees, muni_names)
    sw_names = _join(
        _take(["Werkbedrijf ", "Sociaal Werkbedrijf ", "", "Participatiebedrijf "],
              rng.integers(0, 4, len(sw_idx))),
        muni_names.take(pa.array(sw_idx)),
        _take(["", "", " Werkt", ""], rng.integers(0, 4, len(sw_idx))),
    )
    names = pc.replace_with_mask(names, pa.array(sw), sw_names)
    return {
        "employees": employees, "fte": fte, "revenue": revenue, "sw": sw,
        "sbi": _take([c[0] for c in SBI_CODES], code), "name": names,
        "municipality": muni_names, "postcode": postcode, "public": np.isin(
            np.array([c[1] for c in SBI_CODES])[code], ["O", "P", "Q"]),
    }


def _names(rng: np.random.Generator, n: int, code: np.ndarray, employees: np.ndarray,
           muni_names: pa.Array) -> pa.Array:
    """Plausible Dutch company names: sector word, surname or place, legal form."""
    words = [w for c in SBI_CODES for w in c[4]]
    counts = np.array([len(c[4]) for c in SBI_CODES])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    sector = _take(words, offsets[code] + np.floor(rng.random(n) * counts[code]).astype(int))
    sur1 = _take(SURNAMES, rng.integers(0, len(SURNAMES), n))
    sur2 = _take(SURNAMES, rng.integers(0, len(SURNAMES), n))
    place = pc.if_else(pa.array(rng.random(n) < 0.5),
                       _take(PLACE_WORDS, rng.integers(0, len(PLACE_WORDS), n)), muni_names)
    patterns = [
        _join(sector, " ", sur1),              # Bakkerij De Vries
        _join(sur1, " ", sector),              # Jansen Transport
        _join(sector, " ", place),             # Schoonmaakbedrijf Veluwe
        _join(sur1, " & ", sur2, " ", sector),  # Bakker & Smit Accountants
    ]
    company = pc.choose(pa.array(rng.choice(4, n, p=[0.35, 0.3, 0.2, 0.15])), *patterns)
    small = employees < 10
    u = rng.random(n)
    legal_idx = np.where(small, np.select([u < 0.35, u < 0.5], [0, 1], 2),
                         np.where((employees >= 1000) & (u < 0.1), 3, 2))
    legal = _take(["", " V.O.F.", " B.V.", " N.V."], legal_idx)
    kind = np.array([c[2] for c in SBI_CODES])[code]
    foundation = _join("Stichting ", sector, " ", place)
    public = _join(sector, " ", place)
    out = pc.if_else(pa.array(kind == "st"), foundation,
                     pc.if_else(pa.array(kind == "gov"), public, _join(company, legal)))
    return out


# --------------------------------------------------------------------------------- purchases


def _purchases(
    rng: np.random.Generator, orgs: dict, m: int, year: int, n_years: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    n = len(orgs["employees"])
    n_rel = -(-m // n_years) if m else 0
    employees = orgs["employees"].astype(float)
    revenue = orgs["revenue"]
    # preferential weights: buyers by size, suppliers by revenue, both with lognormal noise
    w_buy = employees**0.9 * rng.lognormal(0.0, 0.8, n) * np.where(orgs["public"], 1.5, 1.0)
    w_sup = revenue**0.8 * rng.lognormal(0.0, 1.0, n) * np.where(orgs["sw"], 10.0, 1.0)
    # counts per organisation, then rows: buyers come out grouped, suppliers shuffled
    org = np.arange(n, dtype=np.int64)
    buyer = np.repeat(org, rng.multinomial(n_rel, w_buy / w_buy.sum()))
    supplier = rng.permutation(np.repeat(org, rng.multinomial(n_rel, w_sup / w_sup.sum())))
    # hubs meet hubs by chance: redraw the supplier of repeated pairs (two passes leave a few)
    for _ in range(2):
        key = np.sort(buyer * n + supplier)
        buyer, supplier = key // n, key % n
        repeat = np.flatnonzero(key[1:] == key[:-1]) + 1
        supplier[repeat] = _weighted_draw(rng, w_sup, len(repeat))
    same = buyer == supplier
    if n > 1:
        supplier[same] = (buyer[same] + 1 + rng.integers(0, n - 1, int(same.sum()))) % n
    # a few relations repeat an earlier pair: several invoice rows for one buyer and supplier
    dup = np.flatnonzero(rng.random(n_rel) < 0.01)
    if n_rel > 1 and len(dup):
        src = rng.integers(0, n_rel, len(dup))
        buyer[dup], supplier[dup] = buyer[src], supplier[src]
    expected_rows = n_rel * w_buy / w_buy.sum()
    mean_amount = 0.3 * revenue / np.maximum(expected_rows, 3.0)
    sigma = 1.1
    rel_amount = mean_amount[buyer] * rng.lognormal(-sigma**2 / 2, sigma, n_rel)

    # rows: relation r % n_rel in year (year - r // n_rel); the reference year is complete
    rows = np.arange(m, dtype=np.int64)
    rel = (rows % n_rel) if n_rel else rows
    year_back = (rows // n_rel) if n_rel else rows
    b, s = buyer[rel], supplier[rel]
    amount = rel_amount[rel] * np.where(year_back > 0, rng.lognormal(-0.03, 0.25, m), 1.0)
    # no supplier sells more than 80% and no buyer buys more than 60% of its revenue a year
    for who, share in ((s, 0.8), (b, 0.6)):
        key = who * n_years + year_back
        total = np.bincount(key, weights=amount, minlength=n * n_years)
        limit = np.repeat(revenue * share, n_years)
        scale = np.minimum(1.0, limit / np.maximum(total, 1e-9))
        amount *= scale[key]
    amount = np.maximum(np.round(amount, 2), 1.0)
    years = (year - year_back).astype(np.int64)
    jan1 = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    ndays = 365 + ((years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0)))
    day = jan1 + np.floor(rng.random(m) * ndays).astype(np.int64)
    dated = rng.random(m) < 0.4
    date = np.where(dated, day, np.iinfo(np.int64).min).astype("datetime64[D]")
    return buyer, supplier, amount[:n_rel], {
        "buyer": b, "supplier": s, "amount": amount, "year": years, "date": date}


def _weighted_draw(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """``size`` indices drawn with probability proportional to ``weights``."""
    cum = np.cumsum(weights)
    idx = np.searchsorted(cum, rng.random(size) * cum[-1], side="right")
    return np.minimum(idx, len(weights) - 1)
