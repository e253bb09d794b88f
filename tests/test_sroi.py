"""Social return (SROI): the engine against a plain-Python oracle on random contracts, hand
computed cases from the published building blocks, bad input and the CLI."""

from __future__ import annotations

import datetime as dt
import tomllib

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import pso_chain
from pso_chain.cli import app
from pso_chain.errors import PsoInputError
from pso_chain.social_return import load_sroi_settings
from pso_chain.social_return.settings import default_sroi_settings_path
from tests.datasets import random_tables, write_tables

ON = dt.date(2025, 9, 30)
KIND_CHOICES = ["hire", "sw_purchase", "pso_purchase", "activity"]


def _date(text) -> dt.date:
    return dt.date.fromisoformat(str(text)[:10])


def random_sroi(tables: dict, seed: int, n_contracts: int = 25) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = tables["organisations"]["org_id"].tolist()
    settings = load_sroi_settings()
    positions = list(settings.hire_value_per_year)
    contracts, real = [], []
    for c in range(n_contracts):
        start = dt.date(2024, 1, 1) + dt.timedelta(days=int(rng.integers(0, 700)))
        end = start + dt.timedelta(days=int(rng.integers(0, 900)))
        cid = f"C{c:03d}"
        contracts.append({"contract_id": cid, "buyer_id": str(rng.choice(ids)),
                          "supplier_id": str(rng.choice(ids)),
                          "value_eur": float(np.round(rng.lognormal(12, 1), 2)),
                          "start": start.isoformat(), "end": end.isoformat(),
                          "sroi_pct": float(rng.choice([0, 2, 5, 5, 10]))})
        for _ in range(int(rng.integers(0, 6))):
            kind = str(rng.choice(KIND_CHOICES))
            day = start + dt.timedelta(days=int(rng.integers(-60, (end - start).days + 90)))
            row = {"contract_id": cid, "date": day.isoformat(), "kind": kind, "start_position": "",
                   "person_months": "", "hours_per_week": "", "permanent": "", "age_50_plus": "",
                   "amount_eur": "", "supplier_id": "", "hours": ""}
            if kind == "hire":
                row.update(start_position=str(rng.choice(positions)),
                           person_months=float(rng.integers(1, 25)),
                           hours_per_week="" if rng.random() < 0.3 else float(rng.integers(8, 41)),
                           permanent=bool(rng.random() < 0.3), age_50_plus=bool(rng.random() < 0.2))
            elif kind == "activity":
                row.update(hours=float(rng.integers(1, 80)))
            else:
                row.update(amount_eur=float(np.round(rng.lognormal(9, 1), 2)), supplier_id=str(rng.choice(ids)))
            real.append(row)
    columns = ["contract_id", "date", "kind", "start_position", "person_months", "hours_per_week",
               "permanent", "age_50_plus", "amount_eur", "supplier_id", "hours"]
    return pd.DataFrame(contracts), pd.DataFrame(real, columns=columns)


def oracle(tables: dict, contracts: pd.DataFrame, real: pd.DataFrame, on: dt.date) -> dict[str, dict]:
    """Per contract, day by day and row by row, straight from the settings file."""
    raw = tomllib.loads(default_sroi_settings_path().read_text(encoding="utf-8"))
    orgs = tables["organisations"].set_index("org_id")
    certs = tables["certifications"]
    levels = ["aspirant", "1", "2", "3"]

    def holds(org, day, min_rank) -> bool:
        mine = certs[certs["org_id"] == org]
        return any(_date(c.valid_from) <= day <= _date(c.valid_until) and levels.index(c.level) >= min_rank
                   for c in mine.itertuples())

    def valid_on(org, day) -> bool:
        return holds(org, day, 0)

    out = {}
    for c in contracts.itertuples():
        start, end = _date(c.start), _date(c.end)
        obligation = c.value_eur * c.sroi_pct / 100
        hi = min(end, max(on, start))
        level = ""
        for rank in (3, 2, 1, 0):
            days = [start + dt.timedelta(days=k) for k in range((hi - start).days + 1)]
            if all(holds(c.supplier_id, d, rank) for d in days):
                level = levels[rank]
                break
        ways = {"certificate_eur": raw["certificate"]["share"].get(level, 0.0) * obligation,
                "hire_eur": 0.0, "sw_purchase_eur": 0.0, "pso_purchase_eur": 0.0, "activity_eur": 0.0}
        for r in real[real["contract_id"] == c.contract_id].itertuples():
            day = _date(r.date)
            if day < start or day > end or day > on:
                continue
            if r.kind == "hire":
                per_year = raw["hire"]["value_per_year"][r.start_position]
                if str(r.permanent) == "True":
                    per_year += raw["hire"]["extra_per_year"]["permanent"]
                if str(r.age_50_plus) == "True":
                    per_year += raw["hire"]["extra_per_year"]["age_50_plus"]
                full = raw["hire"]["fulltime_hours_per_week"]
                hours = full if r.hours_per_week == "" else float(r.hours_per_week)
                ways["hire_eur"] += per_year / 12 * float(r.person_months) * min(hours / full, 1.0)
            elif r.kind == "activity":
                ways["activity_eur"] += float(r.hours) * raw["activity"]["value_per_hour"]
            elif r.kind == "sw_purchase":
                if str(orgs.loc[r.supplier_id, "sw"]) == "True":
                    ways["sw_purchase_eur"] += float(r.amount_eur) * raw["purchase"]["sw_share"]
            elif valid_on(r.supplier_id, day):
                ways["pso_purchase_eur"] += float(r.amount_eur) * raw["purchase"]["pso_holder_share"]
        fulfilled = min(sum(ways.values()), obligation)
        out[c.contract_id] = {"obligation_eur": obligation, "certificate_level": level, **ways,
                              "fulfilled_eur": fulfilled, "remaining_eur": obligation - fulfilled}
    return out


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_sroi_equals_plain_oracle(tmp_path, seed):
    tables = random_tables(seed, n_orgs=30, n_purchases=60)
    network = pso_chain.open(write_tables(tmp_path, **tables))
    contracts, real = random_sroi(tables, seed)
    got = pso_chain.sroi(network, contracts, real, ON).contracts.set_index("contract_id")
    want = oracle(tables, contracts, real, ON)
    assert sorted(want) == sorted(got.index)
    for cid, expected in want.items():
        row = got.loc[cid]
        assert row["certificate_level"] == expected["certificate_level"], cid
        for key, value in expected.items():
            if key != "certificate_level":
                assert row[key] == pytest.approx(value, abs=1e-6), (cid, key)


def test_hand_computed_example():
    """The bundled example on 2025-12-31, by hand from the Utrecht building blocks."""
    out = pso_chain.sroi(pso_chain.load_example(), on=dt.date(2025, 12, 31)).contracts.set_index("contract_id")
    # APD-2025-004: 5% of 1,200,000 = 60,000; Participatiewet > 2 jaar, 12 months full time =
    # 40,000; SW-bedrijf invoice 8,000 -> 48,000; 12,000 remain; 334 of 365 days elapsed.
    row = out.loc["APD-2025-004"]
    assert row["obligation_eur"] == pytest.approx(60_000)
    assert row["hire_eur"] == pytest.approx(40_000)
    assert row["sw_purchase_eur"] == pytest.approx(8_000)
    assert row["remaining_eur"] == pytest.approx(12_000)
    assert row["status"] == "at_risk"
    # APD-2025-005: 4% of 500,000 = 20,000; trede 1 all term so far -> 25% = 5,000; PSO holder
    # invoice 6,000; 20 h activity x 100 = 2,000; BBL 15,000/12 x 6 x 32/36 = 6,666.67.
    row = out.loc["APD-2025-005"]
    assert row["certificate_level"] == "1"
    assert row["certificate_eur"] == pytest.approx(5_000)
    assert row["hire_eur"] == pytest.approx(15_000 / 12 * 6 * 32 / 36)
    assert row["remaining_eur"] == pytest.approx(20_000 - 5_000 - 6_000 - 2_000 - 15_000 / 12 * 6 * 32 / 36)
    # APD-2025-002: the trede-2 certificate ended 2025-06-30, inside the term: it counts for
    # nothing (whole term), and the purchase dated after its end does not count either.
    row = out.loc["APD-2025-002"]
    assert row["certificate_level"] == ""
    assert row["certificate_eur"] == 0
    assert row["pso_purchase_eur"] == 0
    # APD-2025-003: trede 3 over the whole term so far -> 100% of the obligation.
    assert out.loc["APD-2025-003", "status"] == "fulfilled"


def test_totals_add_up():
    result = pso_chain.sroi(pso_chain.load_example(), on=dt.date(2025, 12, 31))
    for totals, key in ((result.suppliers, "supplier_id"), (result.buyers, "buyer_id")):
        sums = result.contracts.groupby(key)[["obligation_eur", "fulfilled_eur", "remaining_eur"]].sum()
        pd.testing.assert_frame_equal(totals.set_index(key)[sums.columns], sums, check_names=False)


@pytest.mark.parametrize(("table", "column", "value", "reason"), [
    ("contracts", "value_eur", "-5", "must be > 0"),
    ("contracts", "sroi_pct", "150", "<= 100"),
    ("contracts", "start", "31-31-2025", "not a date"),
    ("contracts", "supplier_id", "99999999", "unknown organisation"),
    ("contracts", "contract_id", "APD-2024-001", "duplicate contract_id"),
    ("realisations", "kind", "bribe", "kind must be one of"),
    ("realisations", "contract_id", "NOPE", "unknown contract_id"),
    ("realisations", "start_position", "astronaut", "unknown start_position"),
    ("realisations", "person_months", "abc", "not a number"),
])
def test_bad_input_names_file_row_column(tmp_path, table, column, value, reason):
    example = pso_chain.example_path()
    frames = {name: pd.read_csv(example / f"{name}.csv", dtype=str, keep_default_na=False)
              for name in ("contracts", "realisations")}
    frames[table].loc[1, column] = value
    paths = {}
    for name, frame in frames.items():
        paths[name] = tmp_path / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    with pytest.raises(PsoInputError) as err:
        pso_chain.sroi(pso_chain.load_example(), paths["contracts"], paths["realisations"], ON)
    message = str(err.value)
    assert f"{table}.csv, row 3, column {column}" in message and reason in message


def test_missing_column_and_bad_settings(tmp_path):
    contracts = pd.read_csv(pso_chain.example_path() / "contracts.csv").drop(columns=["sroi_pct"])
    with pytest.raises(PsoInputError, match="column sroi_pct: required column is missing"):
        pso_chain.sroi(pso_chain.load_example(), contracts, None, ON)
    bad = tmp_path / "sroi.toml"
    bad.write_text(default_sroi_settings_path().read_text(encoding="utf-8").replace(
        '"2" = 0.5', '"2" = 1.5'), encoding="utf-8")
    with pytest.raises(PsoInputError, match=r"certificate\.share"):
        pso_chain.sroi(pso_chain.load_example(), on=ON, settings=bad)


def test_cli_sroi(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["sroi", str(pso_chain.example_path()), "--on", "2025-12-31"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "APD-2025-004" in result.output and "met risico" in result.output  # Dutch by default
    english = runner.invoke(app, ["--lang", "en", "sroi", str(pso_chain.example_path()), "--on", "2025-12-31"],
                            env={"COLUMNS": "200"})
    assert english.exit_code == 0 and "at risk or overdue: APD-2025-002, APD-2025-004" in english.output
    out = tmp_path / "sroi.xlsx"
    result = runner.invoke(app, ["sroi", str(pso_chain.example_path()), "--on", "2025-12-31",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert set(pd.read_excel(out, sheet_name=None)) == {"contracten", "realisaties", "leveranciers", "inkopers",
                                                         "over"}  # Dutch sheets; "over": command, rules, date
