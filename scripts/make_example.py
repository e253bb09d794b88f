"""Build the bundled example dataset ``pso_chain/data/example/`` (deterministic).

A synthetic network of organisations around Apeldoorn from :func:`generate_dataset`, plus
hand-placed organisations (ids ``90000001`` ...) that each show one rule of the PSO method;
``pso_chain/data/example/README.md`` tells their story. Run from the repository root:

    .venv/bin/python scripts/make_example.py [OUT]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from pso_chain.generate import SCHEMAS, SW_DELIVERS, generate_dataset, write_dataset
from pso_chain.rules import load_rules

YEAR = 2025
SEED = 20250
REGION = ["Apeldoorn", "Deventer", "Zutphen", "Epe", "Voorst", "Brummen", "Lochem", "Ermelo",
          "Harderwijk"]
N_GENERIC = 289
N_GENERIC_PURCHASES = 2_900
OUT = Path(__file__).resolve().parents[1] / "pso_chain" / "data" / "example"

# The hand-placed cases (the README lists them with these ids).
WERKBEDRIJF = "90000001"  # SW-bedrijf supplier
CAP_BUYER = "90000002"  # tiny direct contribution, large purchases from the SW-bedrijf
EXPIRED = "90000003"  # certificate expired 2025-06-30: dated purchases before and after
PSO30 = "90000004"  # PSO 30+: direct contribution >= 30%
QUAL_FAIL = "90000005"  # meets the trede 2 norm, qualitative checklist failed
JUST_BELOW = "90000006"  # trede 1, a hair below the trede 2 norm
SELF_BUYER = "90000007"  # certified, with a self-purchase row
GEMEENTE = "90000008"  # the municipality: certified since 2016, root of an olievlek
OLIE_GEN1 = "90000009"  # certified 2024 under pressure of the municipality
OLIE_GEN2 = "90000010"  # certified 2025 under pressure of OLIE_GEN1
EXPIRED_BUYER = "90000011"  # buys from EXPIRED before and after its expiry


def _org(org_id: str, name: str, employees: int, fte: float, revenue: float, sbi: str,
         municipality: str, postcode: str, *, target_fte: float = 0.0, sw: bool = False,
         qualitative_ok: bool = True) -> dict:
    return {"org_id": org_id, "name": name, "employees": employees, "fte": fte,
            "target_fte": target_fte, "revenue_eur": revenue, "sw": sw, "pso_level": "",
            "pso_valid_from": pd.NaT, "pso_valid_until": pd.NaT,
            "qualitative_ok": qualitative_ok, "sbi": sbi,
            "delivers": SW_DELIVERS if sw else "", "municipality": municipality,
            "postcode": postcode}


def _persons(rng: np.random.Generator, org_id: str, n: int, start: dict[str, float],
             contract: dict[str, float], hours: tuple[float, ...] = (24, 32, 36, 40),
             ) -> pd.DataFrame:
    """``n`` target-group persons of one organisation, drawn from the given code mixes."""
    s_codes, s_p = list(start), np.array(list(start.values()))
    c_codes, c_p = list(contract), np.array(list(contract.values()))
    return pd.DataFrame({
        "org_id": org_id,
        "person_id": [f"{org_id}-{i:04d}" for i in range(1, n + 1)],
        "start_position": rng.choice(s_codes, n, p=s_p / s_p.sum()),
        "contract_type": rng.choice(c_codes, n, p=c_p / c_p.sum()),
        "hours_per_week": rng.choice(np.array(hours, dtype=float), n),
        "fulltime_hours": 40.0,
        "months": np.where(rng.random(n) < 0.85, 12, rng.integers(3, 12, n)),
    })


def _fixed(org_id: str, rows: list[tuple[str, str, float, float, int]]) -> pd.DataFrame:
    """Persons given one by one: (start_position, contract_type, hours, fulltime, months)."""
    return pd.DataFrame({
        "org_id": org_id,
        "person_id": [f"{org_id}-{i:04d}" for i in range(1, len(rows) + 1)],
        "start_position": [r[0] for r in rows], "contract_type": [r[1] for r in rows],
        "hours_per_week": [float(r[2]) for r in rows], "fulltime_hours": [float(r[3]) for r in rows],
        "months": [r[4] for r in rows],
    })


def _weighted(records: pd.DataFrame) -> float:
    """Weighted target-group FTE of one organisation's records (rules file weights)."""
    rules = load_rules()
    w = (records["start_position"].map(rules.start_position_weights).to_numpy()
         * records["contract_type"].map(rules.contract_type_weights).to_numpy()
         * (records["hours_per_week"].to_numpy() / records["fulltime_hours"].to_numpy())
         * (records["months"].to_numpy() / rules.months_per_year))
    return float(np.bincount(np.zeros(len(w), dtype=np.int64), weights=w)[0])


def _cert(org_id: str, level: str, start: str, end: str) -> dict:
    return {"org_id": org_id, "level": level, "valid_from": pd.Timestamp(start),
            "valid_until": pd.Timestamp(end)}


def _buy(buyer: str, supplier: str, amount: float, year: int = YEAR, date: str = "") -> dict:
    return {"buyer_id": buyer, "supplier_id": supplier, "amount_eur": amount, "year": year,
            "date": pd.Timestamp(date) if date else pd.NaT}


def build() -> dict[str, pd.DataFrame]:
    """The example tables (generic region plus the hand-placed cases)."""
    rules = load_rules()
    base = generate_dataset(N_GENERIC, N_GENERIC_PURCHASES, seed=SEED, year=YEAR, n_years=2,
                            municipalities=REGION, rules=rules)
    rng = np.random.Generator(np.random.PCG64(SEED + 1))
    orgs = base["organisations"]
    certified_ever = set(base["certifications"]["org_id"])
    plain = orgs[~orgs["sw"] & ~orgs["org_id"].isin(certified_ever)]
    # generic suppliers that never count (no certificate, not SW), generic buyers of all kinds
    plain_suppliers = plain.nlargest(40, "revenue_eur")["org_id"].to_numpy()
    generic_buyers = orgs.nlargest(60, "employees")["org_id"].to_numpy()

    hand, records, certs, buys = [], [], [], []

    # --- the SW-bedrijf -------------------------------------------------------------------
    wb = _persons(rng, WERKBEDRIJF, 300,
                  {"sw": 0.8, "pw_lks": 0.08, "wajong": 0.08, "wia": 0.04},
                  {"regular": 0.72, "sw_seconded": 0.12, "supported": 0.1, "internship": 0.06},
                  hours=(28, 32, 36, 36, 40))
    records.append(wb)
    wb_target = _weighted(wb)
    hand.append(_org(WERKBEDRIJF, "Werkbedrijf Apeldoorn-Noord", 420, round(wb_target / 0.75, 1),
                     18_500_000.0, "8899", "Apeldoorn", "7323AJ", sw=True))
    wb_credit_per_eur = wb_target / 18_500_000.0

    # --- cap binds: direct 0.5 FTE, indirect about 5% from the SW-bedrijf -----------------
    cap = _fixed(CAP_BUYER, [("pw", "regular", 20, 40, 12)])
    records.append(cap)
    cap_fte = 104.5
    hand.append(_org(CAP_BUYER, "Veluwse Logistiek B.V.", 120, cap_fte, 21_400_000.0, "4941",
                     "Apeldoorn", "7324BE"))
    want_indirect_fte = cap_fte * 0.05 / 0.95  # indirect_pct 5%, ten times direct 0.48%
    amount = round(want_indirect_fte / wb_credit_per_eur, -3)
    buys += [_buy(CAP_BUYER, WERKBEDRIJF, round(amount * 0.62, 2)),
             _buy(CAP_BUYER, WERKBEDRIJF, round(amount * 0.38, 2), date="2025-05-15"),
             _buy(CAP_BUYER, WERKBEDRIJF, round(amount * 0.9, 2), year=2024)]
    buys += [_buy(CAP_BUYER, s, float(rng.integers(20, 400)) * 1000.0, year=y)
             for s in plain_suppliers[:6] for y in (2024, 2025)]

    # --- certificate expired mid-2025 -----------------------------------------------------
    ex = _persons(rng, EXPIRED, 8, {"pw": 0.4, "wajong": 0.3, "wia": 0.3},
                  {"regular": 0.8, "supported": 0.2})
    records.append(ex)
    hand.append(_org(EXPIRED, "Schoonmaakbedrijf De IJssel B.V.", 85, 62.0, 3_900_000.0, "8121",
                     "Deventer", "7411KT"))
    certs += [_cert(EXPIRED, "aspirant", "2020-07-01", "2022-06-30"),
              _cert(EXPIRED, "2", "2022-07-01", "2025-06-30")]
    hand.append(_org(EXPIRED_BUYER, "Stichting Zorggroep De IJsselhof", 350, 262.0,
                     21_000_000.0, "8710", "Deventer", "7415CM", target_fte=3.9))
    buys += [_buy(EXPIRED_BUYER, EXPIRED, 48_000.0, date="2025-03-14"),  # counts
             _buy(EXPIRED_BUYER, EXPIRED, 52_500.0, date="2025-09-22"),  # after expiry
             _buy(EXPIRED_BUYER, EXPIRED, 18_250.0),  # undated: valid on some day of 2025
             _buy(EXPIRED_BUYER, EXPIRED, 96_000.0, year=2024),
             _buy(EXPIRED_BUYER, WERKBEDRIJF, 64_000.0, date="2025-02-03")]
    buys += [_buy(EXPIRED_BUYER, s, float(rng.integers(10, 200)) * 1000.0)
             for s in plain_suppliers[6:12]]

    # --- PSO 30+ ------------------------------------------------------------------------
    p30 = _persons(rng, PSO30, 14, {"wajong": 0.35, "pw_lks": 0.35, "vso_pro": 0.15,
                                    "pw": 0.15}, {"regular": 0.85, "supported": 0.15},
                   hours=(32, 36, 40))
    records.append(p30)
    p30_target = _weighted(p30)
    hand.append(_org(PSO30, "Hoveniersbedrijf De Veluwe B.V.", 40, round(p30_target / 0.34, 2),
                     2_600_000.0, "8130", "Epe", "8162BR"))
    certs += [_cert(PSO30, "aspirant", "2017-03-01", "2019-02-28"),
              _cert(PSO30, "2", "2019-03-01", "2022-02-28"),
              _cert(PSO30, "3", "2022-03-01", "2025-02-28"),
              _cert(PSO30, "3", "2025-03-01", "2028-02-29")]

    # --- meets a norm, fails the qualitative checklist ----------------------------------
    qf = _fixed(QUAL_FAIL, [("wia", "regular", 40, 40, 12), ("wia", "regular", 40, 40, 12)])
    records.append(qf)
    hand.append(_org(QUAL_FAIL, "Drukkerij Zutphen B.V.", 60, 50.0, 7_200_000.0, "1812",
                     "Zutphen", "7202AS", qualitative_ok=False))
    certs += [_cert(QUAL_FAIL, "1", "2019-05-01", "2022-04-30")]  # not renewed since
    buys += [_buy(QUAL_FAIL, s, float(rng.integers(10, 150)) * 1000.0)
             for s in plain_suppliers[12:16]]

    # --- just below the next trede ------------------------------------------------------
    jb = _fixed(JUST_BELOW, [("pw_lks", "regular", 32, 40, 12), ("bbl1", "internship", 40, 40, 12)])
    records.append(jb)
    jb_target = _weighted(jb)
    jb_fte = float(np.ceil(jb_target / 0.03697 * 100) / 100)  # direct just under 3.7 (trede 2)
    hand.append(_org(JUST_BELOW, "Installatietechniek Epe B.V.", 50, jb_fte, 6_100_000.0,
                     "4321", "Epe", "8161LD"))
    certs += [_cert(JUST_BELOW, "1", "2023-09-01", "2026-08-31")]
    buys += [_buy(JUST_BELOW, s, float(rng.integers(10, 150)) * 1000.0)
             for s in plain_suppliers[16:20]]

    # --- self-purchase ------------------------------------------------------------------
    sp = _persons(rng, SELF_BUYER, 4, {"pw": 0.5, "ww": 0.25, "bbl2": 0.25}, {"regular": 1.0})
    records.append(sp)
    hand.append(_org(SELF_BUYER, "Bouwcombinatie Twello B.V.", 150, 128.0, 24_000_000.0, "4120",
                     "Voorst", "7391EP"))
    certs += [_cert(SELF_BUYER, "aspirant", "2022-01-15", "2024-01-14"),
              _cert(SELF_BUYER, "1", "2024-01-15", "2027-01-14")]
    buys += [_buy(SELF_BUYER, SELF_BUYER, 80_000.0),  # buyer == supplier: never counts
             _buy(SELF_BUYER, WERKBEDRIJF, 35_000.0, date="2025-04-01")]
    buys += [_buy(SELF_BUYER, s, float(rng.integers(50, 500)) * 1000.0)
             for s in plain_suppliers[20:26]]

    # --- the municipality and its olievlek ----------------------------------------------
    gm = _persons(rng, GEMEENTE, 60, {"pw": 0.3, "pw_lks": 0.3, "wajong": 0.2, "wia": 0.1,
                                      "bbl1": 0.1}, {"regular": 0.8, "internship": 0.2})
    records.append(gm)
    hand.append(_org(GEMEENTE, "Gemeente Apeldoorn", 1450, 1290.0, 520_000_000.0, "8411",
                     "Apeldoorn", "7311LW"))
    certs += [_cert(GEMEENTE, "1", "2016-04-01", "2019-03-31"),
              _cert(GEMEENTE, "2", "2019-04-01", "2022-03-31"),
              _cert(GEMEENTE, "2", "2022-04-01", "2025-03-31"),
              _cert(GEMEENTE, "3", "2025-04-01", "2028-03-31")]
    g1 = _persons(rng, OLIE_GEN1, 3, {"pw": 0.5, "wajong": 0.5}, {"regular": 1.0})
    records.append(g1)
    hand.append(_org(OLIE_GEN1, "Schoonmaakdiensten Apeldoorn B.V.", 70, 49.5, 2_800_000.0,
                     "8121", "Apeldoorn", "7331HK"))
    certs += [_cert(OLIE_GEN1, "aspirant", "2024-03-18", "2026-03-17")]
    g2 = _persons(rng, OLIE_GEN2, 1, {"pw_lks": 1.0}, {"regular": 1.0})
    records.append(g2)
    hand.append(_org(OLIE_GEN2, "Glazenwasserij Veluwe B.V.", 12, 9.6, 760_000.0, "8121",
                     "Apeldoorn", "7335DZ"))
    certs += [_cert(OLIE_GEN2, "aspirant", "2025-02-10", "2027-02-09")]
    for y in (2024, 2025):
        buys += [_buy(GEMEENTE, WERKBEDRIJF, 1_150_000.0, year=y),
                 _buy(GEMEENTE, PSO30, 410_000.0, year=y),
                 _buy(GEMEENTE, OLIE_GEN1, 1_240_000.0, year=y),
                 _buy(GEMEENTE, JUST_BELOW, 95_000.0, year=y),
                 _buy(GEMEENTE, SELF_BUYER, 1_800_000.0, year=y),
                 _buy(OLIE_GEN1, OLIE_GEN2, 64_000.0 if y == 2024 else 71_000.0, year=y)]
        buys += [_buy(GEMEENTE, s, float(rng.integers(50, 900)) * 1000.0, year=y)
                 for s in plain_suppliers[26:40]]
        # the SW-bedrijf and the certified hand-placed suppliers sell in the region too
        for supplier, k in ((WERKBEDRIJF, 14), (PSO30, 4), (SELF_BUYER, 3)):
            for b in rng.choice(generic_buyers, k, replace=False):
                buys.append(_buy(str(b), supplier, float(rng.integers(5, 90)) * 1000.0, year=y))

    # target_fte of organisations with records: the weighted sum of their records
    hand_frame = pd.DataFrame(hand)
    rec = pd.concat(records, ignore_index=True)
    sums = {oid: _weighted(g) for oid, g in rec.groupby("org_id", sort=False)}
    hand_frame["target_fte"] = [sums.get(o, t) for o, t in
                                zip(hand_frame["org_id"], hand_frame["target_fte"], strict=True)]
    # current certificate: the latest one still valid on some day of the reference year
    cert_frame = pd.DataFrame(certs).sort_values(["org_id", "valid_from"])
    latest = cert_frame.groupby("org_id").tail(1).set_index("org_id")
    latest = latest[latest["valid_until"] >= pd.Timestamp(f"{YEAR}-01-01")]
    cur = hand_frame["org_id"].map(latest["level"])
    hand_frame["pso_level"] = cur.fillna("").astype(str)
    hand_frame["pso_valid_from"] = hand_frame["org_id"].map(latest["valid_from"])
    hand_frame["pso_valid_until"] = hand_frame["org_id"].map(latest["valid_until"])

    tables = {
        "organisations": pd.concat([orgs, hand_frame], ignore_index=True).sort_values(
            "org_id", ignore_index=True),
        "purchases": pd.concat([base["purchases"], pd.DataFrame(buys)], ignore_index=True),
        "employees_records": pd.concat([base["employees_records"], rec], ignore_index=True),
        "certifications": pd.concat([base["certifications"], cert_frame], ignore_index=True),
    }
    return {name: frame.astype(SCHEMAS[name])[list(SCHEMAS[name])]
            for name, frame in tables.items()}


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv else OUT
    tables = build()
    for path in write_dataset(tables, out, "csv"):
        print(f"{path}  {sum(1 for _ in path.open(encoding='utf-8')) - 1} rows")


if __name__ == "__main__":
    main(sys.argv[1:])
