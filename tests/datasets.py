"""Small and random canonical datasets for tests (shared by every test module).

``random_tables`` exercises each scoring rule: dated and undated purchases, certificates
valid part of the year (several per organisation), SW suppliers, repeated rows, sizes between
norm rows, failed qualitative checks, self-purchases and binding caps.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ORG_COLUMNS = ["org_id", "name", "employees", "fte", "target_fte", "revenue_eur", "sw", "pso_level",
               "pso_valid_from", "pso_valid_until", "qualitative_ok", "sbi", "municipality", "postcode"]
LEVELS = ["aspirant", "1", "2", "3"]
MUNICIPALITIES = ["Apeldoorn", "Deventer", "Zutphen", "Epe"]


def org(org_id: str, **kw) -> dict:
    """One organisations row with sensible defaults."""
    row = {"org_id": org_id, "name": f"Org {org_id}", "employees": 20, "fte": 18.0,
           "target_fte": 0.0, "revenue_eur": 2_000_000.0, "sw": False, "pso_level": "",
           "pso_valid_from": "", "pso_valid_until": "", "qualitative_ok": True, "sbi": "4120",
           "municipality": "Apeldoorn", "postcode": "7311AB"}
    row.update(kw)
    return row


def buy(buyer: str, supplier: str, amount: float, year: int = 2025, date: str = "") -> dict:
    return {"buyer_id": buyer, "supplier_id": supplier, "amount_eur": amount, "year": year,
            "date": date}


def write_tables(folder: Path, organisations, purchases, employees_records=None,
                 certifications=None, fmt: str = "csv") -> Path:
    """Write canonical tables (lists of dicts or DataFrames) to ``folder`` as csv/parquet/xlsx."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {"organisations": organisations, "purchases": purchases,
              "employees_records": employees_records, "certifications": certifications}
    for name, rows in tables.items():
        if rows is None:
            continue
        frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
        if name == "purchases" and frame.empty:
            frame = pd.DataFrame(columns=["buyer_id", "supplier_id", "amount_eur", "year", "date"])
        if fmt == "csv":
            frame.to_csv(folder / f"{name}.csv", index=False)
        elif fmt == "parquet":
            frame.astype({c: str for c in frame.columns if frame[c].dtype == object}).to_parquet(
                folder / f"{name}.parquet", index=False)
        elif fmt == "xlsx":
            frame.to_excel(folder / f"{name}.xlsx", index=False)
        else:
            raise ValueError(fmt)
    return folder


def _day(rng: np.random.Generator, year: int) -> str:
    start = np.datetime64(f"{year}-01-01")
    return str(start + int(rng.integers(0, 365)))


def random_tables(seed: int, n_orgs: int = 40, n_purchases: int = 300, year: int = 2025,
                  with_certifications: bool = True, with_records: bool = True) -> dict[str, pd.DataFrame]:
    """A random dataset that touches every scoring rule (deterministic per seed)."""
    rng = np.random.default_rng(seed)
    ids = [f"{10000000 + i * 7919 % 9999999:08d}" for i in range(n_orgs)]
    rng.shuffle(ids)
    employees = np.where(rng.random(n_orgs) < 0.5, rng.integers(1, 120, n_orgs),
                         rng.integers(1, 3000, n_orgs))
    fte = np.round(employees * rng.uniform(0.5, 1.0, n_orgs) + 0.1, 3)
    sw = rng.random(n_orgs) < 0.08
    target = np.round(np.where(sw, fte * rng.uniform(0.4, 0.9, n_orgs),
                               np.where(rng.random(n_orgs) < 0.5, fte * rng.uniform(0, 0.4, n_orgs), 0)), 4)
    revenue = np.round(employees * rng.lognormal(11.5, 0.6, n_orgs) + 1000, 2)
    orgs = []
    certs = []
    for i, org_id in enumerate(ids):
        level, vf, vu = "", "", ""
        if rng.random() < 0.35:
            n_certs = int(rng.integers(1, 4))
            start = np.datetime64(f"{year - 4}-01-01") + int(rng.integers(0, 3 * 365))
            for _ in range(n_certs):
                length = int(rng.integers(200, 3 * 365))
                end = start + length
                lv = str(rng.choice(LEVELS))
                certs.append({"org_id": org_id, "level": lv, "valid_from": str(start),
                              "valid_until": str(end)})
                level, vf, vu = lv, str(start), str(end)
                start = end + int(rng.integers(1, 200))
        orgs.append(org(
            org_id, name=f"Bedrijf {i} 'quote' B.V.", employees=int(employees[i]), fte=float(fte[i]),
            target_fte=float(target[i]), revenue_eur=float(revenue[i]), sw=bool(sw[i]),
            pso_level=level, pso_valid_from=vf, pso_valid_until=vu,
            qualitative_ok=bool(rng.random() > 0.1), sbi=str(rng.choice(["4120", "4321", "8121", "4941", "6201"])),
            municipality=str(rng.choice(MUNICIPALITIES)),
        ))
    buyers = rng.integers(0, n_orgs, n_purchases)
    suppliers = rng.integers(0, n_orgs, n_purchases)
    suppliers = np.where(rng.random(n_purchases) < 0.03, buyers, suppliers)  # self-purchases
    purchases = []
    for b, s in zip(buyers, suppliers, strict=True):
        yr = year if rng.random() < 0.8 else year - 1
        big = rng.random() < 0.05
        amount = float(np.round(rng.lognormal(10, 1.5) * (50 if big else 1), 2)) + 1.0
        date = _day(rng, yr) if rng.random() < 0.5 else ""
        purchases.append(buy(ids[b], ids[s], amount, yr, date))
    purchases += purchases[: n_purchases // 20]  # repeated rows, summed by the engine
    tables = {"organisations": pd.DataFrame(orgs, columns=ORG_COLUMNS),
              "purchases": pd.DataFrame(purchases)}
    if with_certifications:
        tables["certifications"] = pd.DataFrame(certs, columns=["org_id", "level", "valid_from",
                                                                "valid_until"])
    if with_records:
        recs = []
        has = [i for i in range(n_orgs) if target[i] > 0 and rng.random() < 0.3]
        for i in has:
            for k in range(int(rng.integers(1, 5))):
                recs.append({"org_id": ids[i], "person_id": f"p{i}-{k}",
                             "start_position": str(rng.choice(["sw", "pw", "bbl1", "bbl2", "ww", "wajong"])),
                             "contract_type": str(rng.choice(["regular", "flex", "internship", "trial"])),
                             "hours_per_week": float(rng.integers(8, 41)), "fulltime_hours": 40,
                             "months": int(rng.integers(1, 13))})
        tables["employees_records"] = pd.DataFrame(
            recs, columns=["org_id", "person_id", "start_position", "contract_type", "hours_per_week",
                           "fulltime_hours", "months"])
    return tables
