"""The synthetic generator and the bundled example dataset."""

from __future__ import annotations

import filecmp
import importlib.util
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pso_chain.errors import PsoInputError
from pso_chain.generate import (
    SCHEMAS,
    TABLE_NAMES,
    generate_dataset,
    municipality_names,
    write_dataset,
)
from pso_chain.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = Path(str(resources.files("pso_chain.data").joinpath("example")))
HAND_PLACED = [f"900000{i:02d}" for i in range(1, 12)]


@pytest.fixture(scope="module")
def medium() -> dict[str, pd.DataFrame]:
    return generate_dataset(20_000, 200_000, seed=11, year=2025, n_years=2)


# --- determinism -------------------------------------------------------------------------


def test_same_seed_same_tables():
    a = generate_dataset(500, 4_000, seed=5, n_years=2)
    b = generate_dataset(500, 4_000, seed=5, n_years=2)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(a[name], b[name])


def test_different_seed_different_tables():
    a = generate_dataset(500, 4_000, seed=5)
    b = generate_dataset(500, 4_000, seed=6)
    assert not a["organisations"].equals(b["organisations"])
    assert not a["purchases"].equals(b["purchases"])


# --- schema ------------------------------------------------------------------------------


def test_schema_exact_columns_and_types():
    tables = generate_dataset(300, 2_000, seed=1)
    assert list(tables) == list(TABLE_NAMES)
    for name, frame in tables.items():
        assert list(frame.columns) == list(SCHEMAS[name]), name
        assert {c: str(t) for c, t in frame.dtypes.items()} == SCHEMAS[name], name
    assert list(SCHEMAS["organisations"]) == [
        "org_id", "name", "employees", "fte", "target_fte", "revenue_eur", "sw", "pso_level",
        "pso_valid_from", "pso_valid_until", "qualitative_ok", "sbi", "delivers", "municipality",
        "postcode"]
    orgs = tables["organisations"]  # SW-bedrijven say what they deliver (issue 12, defect 10)
    assert (orgs["delivers"][orgs["sw"]] != "").all() and (orgs["delivers"][~orgs["sw"]] == "").all()
    assert list(SCHEMAS["purchases"]) == ["buyer_id", "supplier_id", "amount_eur", "year", "date"]


# --- invariants, on many small networks ----------------------------------------------------


def check_invariants(tables: dict[str, pd.DataFrame], year: int, n_years: int) -> None:
    rules = load_rules()
    orgs, buys = tables["organisations"], tables["purchases"]
    recs, certs = tables["employees_records"], tables["certifications"]
    ids = orgs["org_id"]
    assert ids.is_unique
    assert ids.str.fullmatch(r"\d{8}").all()
    assert (orgs["name"].str.len() > 0).all()
    assert (orgs["employees"] >= 1).all()
    assert (orgs["fte"] > 0).all() and (orgs["revenue_eur"] > 0).all()
    assert (orgs["target_fte"] >= 0).all()
    assert orgs["sw"].sum() >= 1
    assert set(orgs["pso_level"]) <= {"", "aspirant", "1", "2", "3"}
    assert orgs["postcode"].str.fullmatch(r"[1-9]\d{3}[A-Z]{2}").all()
    assert set(orgs["municipality"]) <= set(municipality_names())

    # purchases
    assert buys["buyer_id"].isin(ids).all() and buys["supplier_id"].isin(ids).all()
    assert (buys["buyer_id"] != buys["supplier_id"]).all()
    assert (buys["amount_eur"] > 0).all()
    assert buys["year"].between(year - n_years + 1, year).all()
    dated = buys["date"].notna()
    assert (buys.loc[dated, "date"].dt.year == buys.loc[dated, "year"]).all()
    revenue = orgs.set_index("org_id")["revenue_eur"]
    bought = buys.groupby(["buyer_id", "year"])["amount_eur"].sum()
    assert (bought / revenue.reindex(bought.index.get_level_values(0)).to_numpy() < 1).all()

    # certifications: the organisations' pso_* columns are the latest certificate, when it is
    # valid on some day of the reference year
    assert certs["org_id"].isin(ids).all()
    assert set(certs["level"]) <= {"aspirant", "1", "2", "3"}
    assert (certs["valid_from"] <= certs["valid_until"]).all()
    assert (certs["valid_from"] <= pd.Timestamp(f"{year}-12-31")).all()
    latest = certs.sort_values(["org_id", "valid_from"]).groupby("org_id").tail(1)
    latest = latest.set_index("org_id")
    current = latest[latest["valid_until"] >= pd.Timestamp(f"{year}-01-01")]
    o = orgs.set_index("org_id")
    holders = o[o["pso_level"] != ""]
    assert set(holders.index) == set(current.index)
    cur = current.reindex(holders.index)
    assert (holders["pso_level"] == cur["level"]).all()
    assert (holders["pso_valid_from"] == cur["valid_from"]).all()
    assert (holders["pso_valid_until"] == cur["valid_until"]).all()
    assert o.loc[o["pso_level"] == "", "pso_valid_from"].isna().all()
    # no overlapping certificates of one organisation
    ordered = certs.sort_values(["org_id", "valid_from"])
    same = ordered["org_id"].eq(ordered["org_id"].shift())
    assert (ordered["valid_from"][same] > ordered["valid_until"].shift()[same]).all()
    assert not o.loc[o["sw"], "pso_level"].ne("").any()

    # employees_records: codes from the rules file, target_fte = weighted sum
    assert recs["org_id"].isin(ids).all()
    assert recs["person_id"].is_unique
    assert recs["start_position"].isin(list(rules.start_position_weights)).all()
    assert recs["contract_type"].isin(list(rules.contract_type_weights)).all()
    assert recs["months"].between(1, 12).all()
    assert (recs["hours_per_week"] > 0).all()
    assert (recs["hours_per_week"] <= recs["fulltime_hours"]).all()
    weight = (recs["start_position"].map(rules.start_position_weights)
              * recs["contract_type"].map(rules.contract_type_weights)
              * recs["hours_per_week"] / recs["fulltime_hours"] * recs["months"] / 12)
    summed = weight.groupby(recs["org_id"]).sum()
    np.testing.assert_allclose(o.loc[summed.index, "target_fte"], summed, rtol=1e-9)
    with_records = set(recs["org_id"])
    assert with_records == set(holders.index) | set(o.index[o["sw"]])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_orgs=st.integers(2, 400),
    n_purchases=st.integers(0, 3_000),
    seed=st.integers(0, 2**32 - 1),
    year=st.integers(2014, 2030),
    n_years=st.integers(1, 3),
)
def test_invariants_hold_for_any_small_network(n_orgs, n_purchases, seed, year, n_years):
    tables = generate_dataset(n_orgs, n_purchases, seed=seed, year=year, n_years=n_years)
    assert len(tables["organisations"]) == n_orgs
    assert len(tables["purchases"]) == n_purchases
    check_invariants(tables, year, n_years)


def test_invariants_medium(medium):
    check_invariants(medium, 2025, 2)


def test_bad_arguments():
    with pytest.raises(PsoInputError, match="unknown municipalities"):
        generate_dataset(10, 10, municipalities=["Atlantis"])
    with pytest.raises(PsoInputError, match="^orgs"):
        generate_dataset(0, 0)
    with pytest.raises(PsoInputError, match="at least 2 organisations"):
        generate_dataset(1, 5)
    with pytest.raises(PsoInputError, match="^format"):
        write_dataset({}, Path("unused"), "xlsx")


def test_municipalities_restrict_the_region():
    region = ["Apeldoorn", "Epe", "Voorst"]
    orgs = generate_dataset(400, 1_000, seed=2, municipalities=region)["organisations"]
    assert set(orgs["municipality"]) == set(region)
    assert orgs.loc[orgs["municipality"] == "Apeldoorn", "postcode"].str[:2].eq("73").all()


# --- realism -------------------------------------------------------------------------------


def test_heavy_tails_and_shares(medium):
    orgs, buys = medium["organisations"], medium["purchases"]
    n = len(orgs)
    emp = orgs["employees"]
    assert 0.55 < (emp < 10).mean() < 0.7
    assert emp.max() > 5_000
    for col in ("buyer_id", "supplier_id"):
        degree = buys.loc[buys["year"] == 2025, col].value_counts()
        assert degree.max() > 50 * degree.median()
    holders = (orgs["pso_level"] != "").mean()
    assert 0.015 < holders < 0.05
    assert orgs["sw"].sum() == n // 2000
    # larger organisations certify more often
    small = orgs.loc[emp < 10, "pso_level"].ne("").mean()
    large = orgs.loc[emp >= 50, "pso_level"].ne("").mean()
    assert large > 4 * small
    # SW-bedrijven: large with most FTE from the target group
    sw = orgs[orgs["sw"]]
    assert (sw["employees"] >= 250).all()
    assert (sw["target_fte"] / sw["fte"]).between(0.5, 0.95).all()
    # most organisations without target-group workers; about 40% of purchases dated
    assert (orgs["target_fte"] == 0).mean() > 0.6
    assert 0.35 < buys["date"].notna().mean() < 0.45
    # a few repeated buyer/supplier/year rows
    assert 0 < buys.duplicated(["buyer_id", "supplier_id", "year"]).mean() < 0.06


def test_olievlek_certification_follows_certified_buyers(medium):
    """Suppliers selling to already certified buyers certify later more often."""
    certs, buys = medium["certifications"], medium["purchases"]
    first = certs.groupby("org_id")["valid_from"].min()
    cut = pd.Timestamp("2020-01-01")
    early = set(first.index[first < cut])
    later = set(first.index[first >= cut])
    b = buys[buys["year"] == 2025]
    to_early = b["amount_eur"].where(b["buyer_id"].isin(early), 0.0)
    share = to_early.groupby(b["supplier_id"]).sum() / b.groupby("supplier_id")["amount_eur"].sum()
    share = share[~share.index.isin(early)]
    pressed = share.index[share > 0.2]
    free = share.index[share == 0]
    rate = lambda idx: np.isin(idx, list(later)).mean()  # noqa: E731
    assert rate(pressed) > 2 * rate(free)


def test_part_year_certificates_occur(medium):
    orgs = medium["organisations"]
    until = orgs["pso_valid_until"]
    assert ((until >= "2025-01-01") & (until < "2025-12-31")).sum() > 0
    assert medium["certifications"].groupby("org_id").size().max() >= 3


# --- writing -------------------------------------------------------------------------------


def test_csv_format(tmp_path):
    tables = generate_dataset(200, 1_500, seed=4)
    paths = write_dataset(tables, tmp_path, "csv")
    assert [p.name for p in paths] == [f"{t}.csv" for t in TABLE_NAMES]
    orgs = pd.read_csv(tmp_path / "organisations.csv", dtype=str, keep_default_na=False)
    assert list(orgs.columns) == list(SCHEMAS["organisations"])
    assert set(orgs["sw"]) <= {"true", "false"}
    assert set(orgs["qualitative_ok"]) <= {"true", "false"}
    assert orgs["org_id"].tolist() == tables["organisations"]["org_id"].tolist()
    dates = orgs.loc[orgs["pso_valid_from"] != "", "pso_valid_from"]
    assert dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    buys = pd.read_csv(tmp_path / "purchases.csv", dtype=str, keep_default_na=False)
    assert (buys["date"] == "").any()
    assert buys["date"][buys["date"] != ""].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    np.testing.assert_array_equal(buys["amount_eur"].astype(float),
                                  tables["purchases"]["amount_eur"])
    text = (tmp_path / "organisations.csv").read_text(encoding="utf-8")
    assert ";" not in text.splitlines()[0]


def test_parquet_format(tmp_path):
    tables = generate_dataset(200, 1_500, seed=4)
    write_dataset(tables, tmp_path, "parquet")
    orgs = pq.read_table(tmp_path / "organisations.parquet")
    assert orgs.schema.field("org_id").type == pa.string()
    assert orgs.schema.field("pso_valid_from").type == pa.date32()
    assert orgs.schema.field("sw").type == pa.bool_()
    buys = pq.read_table(tmp_path / "purchases.parquet")
    assert buys.schema.field("buyer_id").type == pa.string()
    assert buys.schema.field("date").type == pa.date32()
    assert buys.column("date").null_count > 0
    assert buys.column("buyer_id").to_pylist() == tables["purchases"]["buyer_id"].tolist()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_generated_data_validates_cleanly(tmp_path, fmt):
    from pso_chain.core.loading import load_network

    write_dataset(generate_dataset(800, 6_000, seed=9, n_years=2), tmp_path, fmt)
    network = load_network(tmp_path)
    assert network.data.report.problems.empty


# --- the bundled example -------------------------------------------------------------------


def _example_tables() -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(EXAMPLE / f"{name}.csv", dtype=str, keep_default_na=False)
            for name in TABLE_NAMES}


def test_example_files_and_hand_placed_ids():
    t = _example_tables()
    orgs, buys = t["organisations"], t["purchases"]
    assert 250 <= len(orgs) <= 350 and 2_500 <= len(buys) <= 3_500
    assert set(HAND_PLACED) <= set(orgs["org_id"])
    assert orgs["org_id"].is_unique
    assert set(buys["year"]) == {"2024", "2025"}
    assert buys["buyer_id"].isin(orgs["org_id"]).all()
    assert buys["supplier_id"].isin(orgs["org_id"]).all()
    assert (buys["amount_eur"].astype(float) > 0).all()
    assert (orgs["fte"].astype(float) > 0).all() and (orgs["revenue_eur"].astype(float) > 0).all()
    region = {"Apeldoorn", "Deventer", "Zutphen", "Epe", "Voorst", "Brummen", "Lochem",
              "Ermelo", "Harderwijk"}
    assert set(orgs["municipality"]) <= region
    readme = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    for org_id in HAND_PLACED:
        assert f"`{org_id}`" in readme


def test_example_hand_placed_cases():
    t = _example_tables()
    o = t["organisations"].set_index("org_id")
    buys, certs = t["purchases"], t["certifications"]
    assert o.loc["90000001", "sw"] == "true"
    assert o.loc["90000001", "name"] == "Werkbedrijf Apeldoorn-Noord"
    # the expired supplier: certificate ends mid-2025, dated purchases before and after
    last = certs[certs["org_id"] == "90000003"].sort_values("valid_from").iloc[-1]
    assert last["valid_until"] == "2025-06-30"
    dated = buys[(buys["supplier_id"] == "90000003") & (buys["date"] != "")]["date"]
    assert (dated < "2025-06-30").any() and (dated > "2025-06-30").any()
    # the self-purchase
    assert ((buys["buyer_id"] == "90000007") & (buys["supplier_id"] == "90000007")).sum() == 1
    assert o.loc["90000005", "qualitative_ok"] == "false"


def test_example_story_holds_in_the_engine():
    from pso_chain.core.loading import load_network
    from pso_chain.core.scoring import closest_to_next_trede, credits

    network = load_network(EXAMPLE)
    assert network.data.report.problems.empty
    scores = credits(network, 2025).set_index("org_id")
    cap = scores.loc["90000002"]
    assert cap["cap_applied"] and cap["indirect_pct"] > 4 * cap["direct_pct"]
    assert scores.loc["90000004", "pso30plus"]
    qf = scores.loc["90000005"]
    assert qf["total_pct"] >= qf["norm_trede2"] and pd.isna(qf["trede"])
    assert scores.loc["90000001", "direct_pct"] > 60
    closest = closest_to_next_trede(scores.reset_index(), top=3)
    assert closest.iloc[0]["org_id"] == "90000006"


def test_example_is_rebuilt_identically(tmp_path):
    spec = importlib.util.spec_from_file_location("make_example", ROOT / "scripts" /
                                                  "make_example.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main([str(tmp_path)])
    for name in TABLE_NAMES:
        assert filecmp.cmp(tmp_path / f"{name}.csv", EXAMPLE / f"{name}.csv", shallow=False), name
