"""Differential tests: ``pso_chain.core.scoring.credits`` against a plain-Python oracle.

The oracle below reads the dataset's CSV files with the ``csv`` module and computes every
column of the scoring contract (docs/contract.md) with dicts and loops, from the numbers published in
docs/pso-rules.md (copied here on purpose: the oracle must not share the engine's rules
file or any of its code). Random datasets come from ``tests.datasets.random_tables``; the engine
reads the same data written as comma CSV, Dutch semicolon CSV (decimal comma, cp1252), Parquet
or XLSX.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
import tempfile
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pso_chain.core.loading import load_network
from pso_chain.core.scoring import CREDIT_COLUMNS, credits
from pso_chain.errors import PsoInputError
from pso_chain.rules import default_rules_path
from tests.datasets import buy, org, random_tables, write_tables

# --- the published rules (docs/pso-rules.md), as the oracle's own data -----------------
PUBLISHED_NORMS = [  # size, trede 1, trede 2, trede 3
    (2, 21.4, 28.0, 33.0), (5, 12.6, 17.0, 22.0), (10, 6.7, 9.0, 15.5), (15, 6.2, 8.0, 13.0),
    (20, 5.7, 7.3, 10.8), (25, 5.2, 6.6, 9.8), (30, 4.7, 6.1, 8.9), (35, 4.2, 5.6, 8.4),
    (40, 3.7, 5.1, 7.9), (45, 3.4, 4.6, 7.4), (50, 3.0, 3.7, 6.8), (60, 2.6, 3.4, 5.7),
    (70, 2.3, 3.0, 5.1), (80, 2.0, 2.6, 4.6), (90, 1.7, 2.3, 4.2), (100, 1.5, 2.1, 3.9),
    (105, 1.4, 1.9, 3.7),
]
START_POSITION_WEIGHTS = {
    "sw": 1.0, "pw": 1.0, "pw_lks": 1.0, "wia": 1.0, "wajong": 1.0, "bbl1": 0.5, "bbl2": 0.25,
    "vso_pro": 1.0, "ww": 0.75, "wiw_id": 1.0, "lost_status": 1.0, "jh_wml": 1.0, "register": 1.0,
}
CONTRACT_WEIGHTS = {"regular": 1.0, "sw_seconded": 0.0, "supported": 1.0, "flex": 0.9,
                    "internship": 0.75, "trial": 0.5}
MAX_INDIRECT_SHARE = 0.8
ELIGIBLE_LEVELS = {"aspirant", "1", "2", "3"}
PSO30PLUS_DIRECT_PCT = 30.0
TRUE_WORDS = {"true", "ja", "1", "yes"}

FLOAT_COLUMNS = ["fte", "target_fte", "direct_pct", "indirect_fte", "indirect_pct",
                 "indirect_counted_pct", "total_pct", "norm_trede1", "norm_trede2", "norm_trede3"]
EXACT_COLUMNS = ["org_id", "name", "year", "employees", "trede", "cap_applied", "pso30plus"]


# --- the oracle ---------------------------------------------------------------------------------
def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def parse_date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text.strip() else None


def oracle_norms(size: float) -> tuple[float, float, float]:
    """Norms by explicit linear interpolation between the published rows."""
    first, last = PUBLISHED_NORMS[0], PUBLISHED_NORMS[-1]
    if size <= first[0]:
        return first[1:]
    if size >= last[0]:
        return last[1:]
    for low, high in zip(PUBLISHED_NORMS, PUBLISHED_NORMS[1:], strict=False):
        if low[0] <= size <= high[0]:
            fraction = (size - low[0]) / (high[0] - low[0])
            return tuple(a + (b - a) * fraction for a, b in zip(low[1:], high[1:], strict=True))
    raise AssertionError("unreachable")


def person_fte(record: dict[str, str]) -> float:
    """One target-group person's weighted FTE from the published weights."""
    fulltime = float(record.get("fulltime_hours") or 40.0)
    months = float(record.get("months") or 12.0)
    return (START_POSITION_WEIGHTS[record["start_position"].strip().lower()]
            * CONTRACT_WEIGHTS[record["contract_type"].strip().lower()]
            * float(record["hours_per_week"]) / fulltime * months / 12.0)


def certificate_valid(cert: tuple[str, dt.date | None, dt.date | None], day: dt.date | None,
                      year: int, eligible_levels=ELIGIBLE_LEVELS) -> bool:
    """An eligible certificate valid on ``day``, or on any day of ``year`` when undated."""
    level, start, end = cert
    if level not in eligible_levels:
        return False
    lo, hi = (day, day) if day is not None else (dt.date(year, 1, 1), dt.date(year, 12, 31))
    return (start is None or start <= hi) and (end is None or end >= lo)


def oracle_credits(folder: Path, year: int | None = None, *, eligible_levels=ELIGIBLE_LEVELS,
                   max_indirect_share: float = MAX_INDIRECT_SHARE) -> list[dict]:
    """The scoring contract, computed row by row from the CSV files of ``folder``."""
    organisations = read_rows(folder / "organisations.csv")
    purchases = read_rows(folder / "purchases.csv")
    by_id = {o["org_id"]: o for o in organisations}

    target = {i: float(o["target_fte"]) if o["target_fte"] != "" else None for i, o in by_id.items()}
    if (folder / "employees_records.csv").exists():
        from_records: dict[str, float] = defaultdict(float)
        for record in read_rows(folder / "employees_records.csv"):
            from_records[record["org_id"]] += person_fte(record)
        target.update(from_records)  # records win over target_fte

    certificates: dict[str, list] = defaultdict(list)
    if (folder / "certifications.csv").exists():
        for c in read_rows(folder / "certifications.csv"):
            certificates[c["org_id"]].append(
                (c["level"].strip().lower(), parse_date(c["valid_from"]), parse_date(c["valid_until"])))
    else:
        for i, o in by_id.items():
            if o["pso_level"].strip():
                certificates[i].append((o["pso_level"].strip().lower(), parse_date(o["pso_valid_from"]),
                                        parse_date(o["pso_valid_until"])))

    if year is None:
        year = max(int(p["year"]) for p in purchases)  # the latest year in purchases
    indirect: dict[str, float] = defaultdict(float)
    for p in purchases:
        if int(p["year"]) != year:
            continue
        b, s = p["buyer_id"], p["supplier_id"]
        if b == s:
            continue  # self-purchase never counts
        supplier = by_id[s]
        day = parse_date(p.get("date", ""))
        counts = supplier["sw"].strip().lower() in TRUE_WORDS or any(
            certificate_valid(c, day, year, eligible_levels) for c in certificates[s])
        if counts:
            indirect[b] += float(p["amount_eur"]) / float(supplier["revenue_eur"]) * target[s]

    out = []
    for org_id in sorted(by_id):
        o = by_id[org_id]
        fte = float(o["fte"])
        direct_pct = 100 * target[org_id] / fte
        ind = indirect[org_id]
        indirect_pct = 100 * ind / (fte + ind)
        cap = direct_pct * max_indirect_share / (1 - max_indirect_share)
        counted = min(indirect_pct, cap)
        total = direct_pct + counted
        norms = oracle_norms(int(o["employees"]))
        qualitative_ok = o["qualitative_ok"].strip().lower() in TRUE_WORDS | {""}
        trede = None
        for t in (1, 2, 3):
            if qualitative_ok and total >= norms[t - 1]:
                trede = t
        out.append({
            "org_id": org_id, "name": o["name"], "year": year, "employees": int(o["employees"]),
            "fte": fte, "target_fte": target[org_id], "direct_pct": direct_pct, "indirect_fte": ind,
            "indirect_pct": indirect_pct, "indirect_counted_pct": counted, "total_pct": total,
            "norm_trede1": norms[0], "norm_trede2": norms[1], "norm_trede3": norms[2],
            "trede": trede, "cap_applied": indirect_pct > cap,
            "pso30plus": direct_pct >= PSO30PLUS_DIRECT_PCT and qualitative_ok,
        })
    return out


# --- comparison -------------------------------------------------------------------------------
def assert_matches_oracle(engine: pd.DataFrame, expected: list[dict]) -> None:
    """Every column equal: floats to rtol 1e-9, everything else exactly, rows by org_id."""
    assert list(engine.columns) == CREDIT_COLUMNS
    assert engine["org_id"].tolist() == [e["org_id"] for e in expected]
    for row, want in zip(engine.to_dict(orient="records"), expected, strict=True):
        for col in FLOAT_COLUMNS:
            assert math.isclose(row[col], want[col], rel_tol=1e-9, abs_tol=1e-12), (
                f"{want['org_id']} {col}: engine {row[col]!r} != oracle {want[col]!r}")
        for col in EXACT_COLUMNS:
            got = row[col]
            got = None if got is pd.NA else got
            if col in ("cap_applied", "pso30plus"):
                got = bool(got)
            if col in ("year", "employees", "trede") and got is not None:
                got = int(got)
            assert got == want[col], f"{want['org_id']} {col}: engine {got!r} != oracle {want[col]!r}"


def engine_credits(folder: Path, year: int | None = None, rules=None) -> pd.DataFrame:
    return credits(load_network(folder, rules), year)


def write_dutch_csv(folder: Path, tables: dict[str, pd.DataFrame], encoding: str = "cp1252") -> None:
    """The tables as a Dutch spreadsheet exports them: ``;``, decimal comma, cp1252."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", sep=";", decimal=",", index=False, encoding=encoding)


def check_seed(seed: int, n_orgs: int, n_purchases: int, *, fmt: str = "csv", year: int | None = None,
               with_certifications: bool = True, with_records: bool = True) -> None:
    tables = random_tables(seed, n_orgs=n_orgs, n_purchases=n_purchases,
                           with_certifications=with_certifications, with_records=with_records)
    with tempfile.TemporaryDirectory() as tmp:
        plain = write_tables(Path(tmp) / "csv", **tables)
        if year is not None and not (tables["purchases"]["year"].astype(int) == year).any():
            with pytest.raises(PsoInputError, match="years present"):  # issue 12, defect 3
                engine_credits(plain, year)
            return
        expected = oracle_credits(plain, year)
        if fmt == "csv":
            engine_folder = plain
        elif fmt == "dutch":
            engine_folder = Path(tmp) / "dutch"
            write_dutch_csv(engine_folder, tables)
        else:
            engine_folder = write_tables(Path(tmp) / fmt, **tables, fmt=fmt)
        assert_matches_oracle(engine_credits(engine_folder, year), expected)


# --- random datasets ----------------------------------------------------------------------------
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), n_orgs=st.integers(2, 60), n_purchases=st.integers(1, 400))
def test_credits_match_oracle_on_random_datasets(seed: int, n_orgs: int, n_purchases: int) -> None:
    check_seed(seed, n_orgs, n_purchases)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), n_orgs=st.integers(2, 50), n_purchases=st.integers(1, 300))
def test_credits_match_oracle_for_an_earlier_year(seed: int, n_orgs: int, n_purchases: int) -> None:
    """``year`` picks the purchases of that year (random_tables puts ~20% in year - 1)."""
    check_seed(seed, n_orgs, n_purchases, year=2024)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), n_orgs=st.integers(2, 50), n_purchases=st.integers(1, 300))
def test_credits_match_oracle_without_certifications_table(seed: int, n_orgs: int,
                                                           n_purchases: int) -> None:
    """Without ``certifications`` the organisations' pso_level and validity decide."""
    check_seed(seed, n_orgs, n_purchases, with_certifications=False)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), n_orgs=st.integers(2, 50), n_purchases=st.integers(1, 300))
def test_credits_match_oracle_without_employees_records(seed: int, n_orgs: int, n_purchases: int) -> None:
    check_seed(seed, n_orgs, n_purchases, with_records=False)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), n_orgs=st.integers(2, 50), n_purchases=st.integers(1, 300))
def test_credits_match_oracle_on_dutch_semicolon_csv(seed: int, n_orgs: int, n_purchases: int) -> None:
    """Semicolon separated, decimal comma, cp1252: same scores as the plain CSV."""
    check_seed(seed, n_orgs, n_purchases, fmt="dutch")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), n_orgs=st.integers(2, 50), n_purchases=st.integers(1, 300))
def test_credits_match_oracle_on_parquet(seed: int, n_orgs: int, n_purchases: int) -> None:
    check_seed(seed, n_orgs, n_purchases, fmt="parquet")


@pytest.mark.parametrize("seed", [3, 11])
def test_credits_match_oracle_on_xlsx(seed: int) -> None:
    check_seed(seed, 30, 150, fmt="xlsx")


@pytest.mark.parametrize("seed", range(6))
def test_credits_match_oracle_on_larger_datasets(seed: int) -> None:
    check_seed(1000 + seed, 200, 3000)


def test_random_datasets_exercise_every_rule() -> None:
    """The random datasets really reach the rules the oracle checks (not a vacuous comparison)."""
    seen = defaultdict(int)
    for seed in range(8):
        with tempfile.TemporaryDirectory() as tmp:
            rows = oracle_credits(write_tables(Path(tmp), **random_tables(seed, 60, 400)))
        for r in rows:
            seen["cap"] += r["cap_applied"]
            seen["pso30plus"] += r["pso30plus"]
            seen["indirect"] += r["indirect_fte"] > 0
            seen[f"trede{r['trede']}"] += 1
            seen["between_rows"] += r["employees"] not in {n[0] for n in PUBLISHED_NORMS}
    for key in ("cap", "pso30plus", "indirect", "trede1", "trede2", "trede3", "tredeNone",
                "between_rows"):
        assert seen[key] > 0, key


def strict_rules(path: Path, eligible_levels: list[str], share: float) -> Path:
    """The default rules file with other eligible levels and maximum indirect share."""
    text = default_rules_path().read_text(encoding="utf-8")
    text = re.sub(r"^eligible_levels = .*$", f"eligible_levels = {json.dumps(eligible_levels)}", text,
                  flags=re.MULTILINE)
    text = re.sub(r"^max_indirect_share = .*$", f"max_indirect_share = {share!r}", text, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")
    return path


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), n_orgs=st.integers(2, 50), n_purchases=st.integers(1, 300),
       eligible=st.lists(st.sampled_from(["aspirant", "1", "2", "3"]), min_size=1, max_size=4, unique=True),
       share=st.sampled_from([0.5, 0.6, 0.75, 0.9]), certifications=st.booleans())
def test_credits_match_oracle_under_other_rules(seed: int, n_orgs: int, n_purchases: int,
                                                eligible: list[str], share: float,
                                                certifications: bool) -> None:
    """A rules file with fewer eligible levels and another cap: the levels a supplier held on
    the purchase date decide, including when it held an eligible and a non-eligible one."""
    tables = random_tables(seed, n_orgs=n_orgs, n_purchases=n_purchases,
                           with_certifications=certifications)
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_tables(Path(tmp) / "csv", **tables)
        rules = strict_rules(Path(tmp) / "rules.toml", eligible, share)
        expected = oracle_credits(folder, eligible_levels=set(eligible), max_indirect_share=share)
        assert_matches_oracle(engine_credits(folder, rules=rules), expected)


# --- eligibility at the edges of a certificate ---------------------------------------------------
BOUNDARY_CASES = [
    # certificate from, until, purchase date ("" = undated), counts?
    ("2025-03-01", "2025-06-30", "2025-03-01", True),    # first day
    ("2025-03-01", "2025-06-30", "2025-06-30", True),    # last day
    ("2025-03-01", "2025-06-30", "2025-02-28", False),   # the day before
    ("2025-03-01", "2025-06-30", "2025-07-01", False),   # the day after
    ("2023-01-01", "2025-01-01", "", True),              # undated: ends on 1 January of the year
    ("2025-12-31", "2027-12-31", "", True),              # undated: starts on 31 December
    ("2023-01-01", "2024-12-31", "", False),             # undated: ended the day before the year
    ("2026-01-01", "2027-12-31", "", False),             # undated: starts the day after
    ("", "2025-05-01", "2025-05-01", True),              # open start
    ("2025-05-01", "", "2025-12-31", True),              # open end
]


@pytest.mark.parametrize("with_table", [True, False], ids=["certifications", "organisations"])
@pytest.mark.parametrize(("valid_from", "valid_until", "date", "counts"), BOUNDARY_CASES)
def test_certificate_validity_edges(tmp_path: Path, valid_from: str, valid_until: str, date: str,
                                    counts: bool, with_table: bool) -> None:
    supplier = org("S", target_fte=5.0, revenue_eur=1_000_000.0)
    certs = None
    if with_table:
        certs = [{"org_id": "S", "level": "2", "valid_from": valid_from, "valid_until": valid_until}]
    else:
        supplier.update(pso_level="2", pso_valid_from=valid_from, pso_valid_until=valid_until)
    write_tables(tmp_path, [org("B", fte=10.0, target_fte=1.0), supplier],
                 [buy("B", "S", 200_000.0, 2025, date)], certifications=certs)
    scores = engine_credits(tmp_path)
    assert scores["indirect_fte"].iat[0] == pytest.approx(1.0 if counts else 0.0)
    assert_matches_oracle(scores, oracle_credits(tmp_path))


def test_no_purchases_in_the_year_is_bad_input(tmp_path: Path) -> None:
    """Issue 12, defect 3: a year without purchases would score silently as direct-only; it is
    bad input naming the years present."""
    tables = random_tables(4, n_orgs=20, n_purchases=100)
    folder = write_tables(tmp_path, **tables)
    with pytest.raises(PsoInputError, match=r"years present: 2024, 2025"):
        engine_credits(folder, year=2030)


# --- direct contribution from employees_records -------------------------------------------------
RECORD_COLUMNS = ["org_id", "person_id", "start_position", "contract_type", "hours_per_week",
                  "fulltime_hours", "months"]


def test_employees_records_weighted_with_published_weights(tmp_path: Path) -> None:
    records = [
        # sw (1) x regular (1) x 20/40 x 12/12 = 0.5
        ["A", "p1", "sw", "regular", 20, 40, 12],
        # bbl2 (0.25) x internship (0.75) x 40/40 x 6/12 = 0.09375
        ["A", "p2", "bbl2", "internship", 40, 40, 6],
        # ww (0.75) x flex (0.9) x 32/36 x 12/12 = 0.6
        ["A", "p3", "ww", "flex", 32, 36, 12],
        # bbl1 (0.5) x trial (0.5) x 40/40 (default fulltime) x 12/12 (default months) = 0.25
        ["A", "p4", "BBL1", "Trial", 40, "", ""],
        # sw_seconded contract counts 0 for the SW organisation itself
        ["A", "p5", "wajong", "sw_seconded", 40, 40, 12],
    ]
    write_tables(tmp_path, [org("A", fte=10.0, target_fte=""), org("B")], [buy("A", "B", 100.0)],
                 employees_records=pd.DataFrame(records, columns=RECORD_COLUMNS))
    net = load_network(tmp_path)
    want = 0.5 + 0.09375 + 0.6 + 0.25 + 0.0
    scores = credits(net).set_index("org_id")
    assert scores.at["A", "target_fte"] == pytest.approx(want, rel=1e-12)
    assert scores.at["A", "direct_pct"] == pytest.approx(100 * want / 10.0, rel=1e-12)
    assert scores.at["B", "target_fte"] == 0.0  # no records: the column


def test_employees_records_win_over_target_fte(tmp_path: Path) -> None:
    """Records win over a disagreeing target_fte (a warning, not an error), also as a supplier."""
    records = [["S", "p1", "pw", "regular", 40, 40, 12], ["S", "p2", "pw", "regular", 20, 40, 12]]
    write_tables(tmp_path,
                 [org("B", fte=10.0, target_fte=1.0),
                  org("S", fte=10.0, target_fte=9.0, revenue_eur=1_000_000.0, sw=True)],
                 [buy("B", "S", 100_000.0)],
                 employees_records=pd.DataFrame(records, columns=RECORD_COLUMNS))
    net = load_network(tmp_path)
    warnings = net.data.report.warnings
    assert len(warnings) == 1 and warnings["column"].iat[0] == "target_fte"
    assert int(warnings["row"].iat[0]) == 3  # S is the second data row
    scores = credits(net).set_index("org_id")
    assert scores.at["S", "target_fte"] == pytest.approx(1.5)
    # the buyer's credit uses the supplier's target FTE from the records: 100k / 1M * 1.5
    assert scores.at["B", "indirect_fte"] == pytest.approx(0.15)
    assert oracle_credits(tmp_path)[1]["target_fte"] == pytest.approx(1.5)


def test_target_fte_may_be_empty_when_records_give_it(tmp_path: Path) -> None:
    write_tables(tmp_path, [org("A", fte=4.0, target_fte="")], [buy("A", "A", 1.0)],
                 employees_records=pd.DataFrame([["A", "p", "wia", "supported", 40, 40, 12]],
                                                columns=RECORD_COLUMNS))
    scores = credits(load_network(tmp_path))
    assert scores["direct_pct"].iat[0] == pytest.approx(25.0)
    assert scores["indirect_fte"].iat[0] == 0.0  # self-purchase never counts
