"""Issue 12, "Defects": one test per numbered defect, each written to fail before its fix.

Most run on the bundled example (the defects were found there) through the library and the
command line; a few use a small hand-built dataset where the example cannot show the case.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import pso_chain
from pso_chain.cli import app
from pso_chain.errors import PsoInputError
from tests.datasets import buy, org, write_tables

EXAMPLE = str(pso_chain.example_path())
runner = CliRunner()


@pytest.fixture(scope="module")
def example():
    return pso_chain.load_example()


def cli(*args: str, code: int = 0):
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"org_id": str, "supplier_id": str})


# 1. every given municipality counts --------------------------------------------------------
def test_1_suppliers_several_municipalities_all_count(example, tmp_path):
    day = dt.date(2025, 6, 1)
    one = {m: set(pso_chain.suppliers(example, day, municipality=m)["org_id"])
           for m in ("Apeldoorn", "Voorst")}
    both = pso_chain.suppliers(example, day, municipality=["Apeldoorn", "Voorst"])
    assert one["Apeldoorn"] and one["Voorst"]
    assert set(both["org_id"]) == one["Apeldoorn"] | one["Voorst"]
    assert both["yield_fte_per_meur"].fillna(-1).is_monotonic_decreasing
    out = tmp_path / "s.csv"
    cli("suppliers", EXAMPLE, "--on", "2025-06-01", "--municipality", "Apeldoorn",
        "--municipality", "Voorst", "--out", str(out))
    assert set(read(out)["org_id"]) == one["Apeldoorn"] | one["Voorst"]


# 2. an unknown municipality is bad input, with the nearest known names, everywhere -----------
@pytest.mark.parametrize("args", [
    ["suppliers", EXAMPLE, "--on", "2025-06-01", "--municipality", "Apeldorn"],
    ["olievlek", "exposure", EXAMPLE, "--municipality", "Apeldorn"],
    ["olievlek", "seeds", EXAMPLE, "--k", "1", "--municipality", "Apeldorn"],
    ["report", EXAMPLE, "--municipality", "Apeldorn"],
])
def test_2_unknown_municipality_exit_1_with_nearest_names(args, tmp_path):
    if args[0] == "report":
        args = [*args, "--out", str(tmp_path / "r.html")]
    result = cli(*args, code=1)
    assert "Apeldorn" in result.output and "Apeldoorn" in result.output
    assert "Traceback" not in result.output


def test_2_unknown_municipality_library(example):
    with pytest.raises(PsoInputError, match="Apeldoorn"):
        pso_chain.suppliers(example, dt.date(2025, 6, 1), municipality="Apeldorn")


# 3. a year without purchases is bad input naming the years present ----------------------------
@pytest.mark.parametrize("year", ["2019", "2030"])
@pytest.mark.parametrize("verb", [["credits"], ["explain", "--org", "10000001"],
                                  ["uplift", "--org", "10000001"]])
def test_3_year_without_purchases(verb, year):
    result = cli(verb[0], EXAMPLE, *verb[1:], "--year", year, code=1)
    assert "2024" in result.output and "2025" in result.output and year in result.output


def test_3_year_without_purchases_library(example):
    with pytest.raises(PsoInputError, match="2024.*2025"):
        pso_chain.credits(example, 2030)
    assert len(pso_chain.credits(example, 2024)) == example.n


# 8. PSO 30+ needs the qualitative check too ------------------------------------------------
def test_8_pso30plus_needs_qualitative_ok(tmp_path):
    folder = write_tables(tmp_path / "d", [
        org("A", fte=10.0, target_fte=4.0, qualitative_ok=False),
        org("B", fte=10.0, target_fte=4.0),
        org("C", fte=10.0, target_fte=2.0),
    ], [buy("A", "B", 10.0)])
    scores = pso_chain.credits(pso_chain.open(folder)).set_index("org_id")
    assert scores["pso30plus"].to_dict() == {"A": False, "B": True, "C": False}
    assert pd.isna(scores.loc["A", "trede"])
    assert pso_chain.explain(pso_chain.open(folder), "A")["pso30plus"] is False


def test_8_example_90000004_and_qualitative_failures(example):
    scores = pso_chain.credits(example)
    ok = example.qualitative_ok
    assert not (scores["pso30plus"].to_numpy() & ~ok).any()
    assert bool(scores.set_index("org_id").loc["90000004", "pso30plus"]) is True


# 4. uplift proposes only suppliers where a purchase on the stated date counts ----------------
def test_4_default_purchase_date_inside_the_year():
    from pso_chain.buyers.common import default_purchase_date

    assert default_purchase_date(2025, dt.date(2026, 1, 5)) == dt.date(2025, 12, 31)
    assert default_purchase_date(2025, dt.date(2025, 3, 4)) == dt.date(2025, 3, 4)
    assert default_purchase_date(2027, dt.date(2025, 3, 4)) == dt.date(2027, 1, 1)


def test_4_uplift_never_proposes_an_expired_supplier(example, tmp_path):
    # 10000031 was offered 90000003, whose certificate ended 2025-06-30
    plan = pso_chain.uplift(example, "10000031", 2025, on=dt.date(2025, 9, 1))
    proposed = plan["uplift"].dropna(subset=["extra_eur"])
    assert len(proposed) and "90000003" not in set(proposed["supplier_id"])
    assert (proposed["purchase_date"] == pd.Timestamp("2025-09-01")).all()
    out = tmp_path / "u.csv"
    result = cli("uplift", EXAMPLE, "--org", "10000031", "--year", "2025", "--out", str(out))
    frame = read(out).dropna(subset=["extra_eur"])
    day = pd.Timestamp(frame["purchase_date"].iat[0]).date()
    assert day.year == 2025 and frame["purchase_date"].nunique() == 1
    assert day >= min(dt.date.today(), dt.date(2025, 12, 31))
    counts = example.counts_on(day)
    assert counts[example.nodes(frame["supplier_id"])].all()
    assert "90000003" not in set(frame["supplier_id"]) or day <= dt.date(2025, 6, 30)
    assert result.exit_code == 0
    shown = cli("uplift", EXAMPLE, "--org", "10000031", "--year", "2025").output
    assert day.strftime("%d-%m-%Y") in shown  # the terminal speaks Dutch by default


# 5. never more than a supplier could sell; large shares marked ---------------------------------
@pytest.mark.parametrize("org_id", ["10000020", "10000055", "10000068"])
def test_5_uplift_within_what_the_supplier_sells(example, org_id):
    plan = pso_chain.uplift(example, org_id, 2025, on=dt.date(2025, 12, 31))
    rows = plan["uplift"].dropna(subset=["extra_eur"])
    assert len(rows)
    supplier = example.nodes(rows["supplier_id"])
    buyer = example.node(org_id)
    mine = (example.buyer == buyer) & example.in_year(2025)
    already = np.bincount(example.supplier[mine], weights=example.amount[mine], minlength=example.n)
    room = example.revenue[supplier] - already[supplier]
    assert (rows["extra_eur"].to_numpy() <= room + 1e-6).all()
    assert (rows["share_of_revenue_pct"] <= 100).all()
    from pso_chain.buyers.defaults import load_buyer_defaults

    large = load_buyer_defaults().large_share_pct
    assert (rows["large_share"] == (rows["share_of_revenue_pct"] >= large)).all()
    assert "Bakkerij Bos V.O.F." not in set(rows.loc[rows["share_of_revenue_pct"] > 100, "supplier_name"])


def test_5_named_supplier_beyond_its_revenue_gets_a_reason(example):
    plan = pso_chain.uplift(example, "10000055", 2025, on=dt.date(2025, 12, 31),
                            suppliers=["10000253"])  # Bakkerij Bos: 235% of its revenue needed
    rows = plan["uplift"][plan["uplift"]["reachable"]]
    refused = rows[rows["extra_eur"].isna()]
    assert len(refused) and refused["reason"].str.startswith("exceeds_room:").all()
    assert (rows["share_of_revenue_pct"].dropna() <= 100).all()


# 6. seeds: SW-bedrijven are neither adopters nor gain --------------------------------------
def test_6_seeds_never_count_an_sw_bedrijf(tmp_path):
    # B's purchases would tip SW-bedrijf S, whose own purchases would tip X; C tips D alone
    folder = write_tables(tmp_path / "d", [
        org("B", revenue_eur=5e6), org("C", revenue_eur=5e6),
        org("S", sw=True, target_fte=9.0, revenue_eur=1e6, employees=900),
        org("X", target_fte=1.0, revenue_eur=1e6), org("D", target_fte=0.5, revenue_eur=1e6),
    ], [buy("B", "S", 500_000.0), buy("S", "X", 600_000.0), buy("C", "D", 300_000.0)])
    net = pso_chain.open(folder)
    picks = pso_chain.seeds(net, 2).frame
    assert picks["org_id"].tolist() == ["C"]
    assert picks["certified_gain"].tolist() == [1]
    assert picks["target_fte_at_certified_gain"].tolist() == [0.5]


def test_6_seeds_on_the_example(example):
    picks = pso_chain.seeds(example, 3).frame
    sw_ids = set(example.organisations["org_id"][example.sw])
    assert not set(picks["org_id"]) & sw_ids
    assert picks["target_fte_at_certified_gain"].max() < 891  # Werkbedrijf Voorst's own jobs are no gain


# 7. exposure and the report: SW-bedrijven are no prospects ---------------------------------------
def test_7_exposure_lists_no_sw_bedrijf(example):
    sw_ids = set(example.organisations["org_id"][example.sw])
    assert sw_ids
    assert not set(pso_chain.exposure(example)["org_id"]) & sw_ids
    page = pso_chain.report(example, lang="en")
    prospects = page[page.index('<section id="prospects">'):]
    prospects = prospects[:prospects.index("</section>")]
    for name in example.organisations["name"][example.sw]:
        assert name not in prospects


# 9. certificate holders scoring below their certified level are flagged ----------------------
def test_9_below_certified_level_engine(example):
    from pso_chain.core.scoring import below_certified_level

    frame = below_certified_level(example, 2025)
    assert list(frame.columns[:4]) == ["org_id", "name", "certified_level", "trede"]
    row = frame.set_index("org_id").loc["10000131"]
    assert row["certified_level"] == "1" and pd.isna(row["trede"])
    assert row["total_pct"] == pytest.approx(2.95186, abs=1e-4)
    # oracle: every holder of a numbered level valid on 31 December whose trede is lower
    scores = pso_chain.credits(example, 2025).set_index("org_id")
    levels = example.level_on(dt.date(2025, 12, 31))
    expected = {o for o, lv in zip(example.organisations["org_id"], levels, strict=True)
                if lv in ("1", "2", "3") and (0 if pd.isna(scores.loc[o, "trede"])
                                              else int(scores.loc[o, "trede"])) < int(lv)}
    assert set(frame["org_id"]) == expected
    assert (frame["gap_pct"] > 0).all()


def test_9_below_certified_level_in_explain_credits_and_report(example, tmp_path):
    ex = pso_chain.explain(example, "10000131", 2025)
    assert ex["certified_level"]["level"] == "1" and ex["certified_level"]["below"] is True
    ok = pso_chain.explain(example, "90000004", 2025)
    assert ok["certified_level"]["below"] is False
    out = tmp_path / "below.csv"
    cli("credits", EXAMPLE, "--year", "2025", "--below-level", "--out", str(out))
    assert "10000131" in set(read(out)["org_id"])
    shown = cli("credits", EXAMPLE, "--year", "2025", "--below-level").output
    assert "10000131" in shown
    assert "10000131" in cli("explain", EXAMPLE, "--org", "10000131").output
    assert "onder het gecertificeerde niveau" in cli("explain", EXAMPLE, "--org", "10000131").output  # Dutch
    page = pso_chain.report(example, lang="en")
    assert "10000131" in page and 'id="below-level"' in page


# 10. what an organisation delivers (SBI codes) counts in sector search --------------------------
def _sector_tables():
    cert = {"pso_level": "2", "pso_valid_from": "2024-01-01", "pso_valid_until": "2027-12-31"}
    return [
        org("B", municipality="Apeldoorn", postcode="7311AA", sbi="8411"),
        org("X", sbi="8121", municipality="Deventer", postcode="7411AA", target_fte=0.0),
        org("G", sbi="8130", municipality="Apeldoorn", postcode="7312AA", target_fte=4.0,
            revenue_eur=1e6, **cert),
        org("C", sbi="8121", municipality="Deventer", postcode="7412AA", target_fte=1.0,
            revenue_eur=1e6, **cert),
        org("W", sbi="8899", sw=True, municipality="Zutphen", postcode="7201AA", target_fte=50.0,
            revenue_eur=2e6, delivers="81210; 81300,82920"),
    ], [buy("B", "X", 50_000.0)]


def test_10_delivers_validated_and_normalised(tmp_path):
    orgs, purchases = _sector_tables()
    net = pso_chain.open(write_tables(tmp_path / "ok", orgs, purchases))
    assert net.organisations.set_index("org_id").loc["W", "delivers"] == "81210;81300;82920"
    assert net.organisations.set_index("org_id").loc["B", "delivers"] == ""
    orgs[1]["delivers"] = "81x1"
    bad = write_tables(tmp_path / "bad", orgs, purchases)
    result = cli("credits", str(bad), code=1)
    assert "organisations" in result.output and "delivers" in result.output
    assert "rij 3" in result.output  # Dutch by default


def test_10_suppliers_sbi_matches_delivers(tmp_path, example):
    orgs, purchases = _sector_tables()
    net = pso_chain.open(write_tables(tmp_path / "d", orgs, purchases))
    found = pso_chain.suppliers(net, dt.date(2025, 6, 1), sbi="8121")
    assert set(found["org_id"]) == {"C", "W"}
    assert set(pso_chain.suppliers(net, dt.date(2025, 6, 1), sbi="88")["org_id"]) == {"W"}
    # the example: its SW-bedrijven deliver cleaning, and are found as cleaners
    sw_ids = set(example.organisations["org_id"][example.sw])
    cleaners = set(pso_chain.suppliers(example, dt.date(2025, 6, 1), sbi="812")["org_id"])
    assert sw_ids <= cleaners


def test_10_substitutes_four_digits_before_two(tmp_path):
    orgs, purchases = _sector_tables()
    net = pso_chain.open(write_tables(tmp_path / "d", orgs, purchases))
    out = pso_chain.substitutes(net, "B", 2025, top=3)
    assert out["alternative_id"].tolist() == ["W", "C", "G"]  # cleaners (8121) before the gardener
    assert out["match"].tolist() == ["8121", "8121", "81"]


# 12. no setuptools warnings on install -----------------------------------------------------------
def test_12_pyproject_has_an_spdx_license_and_every_shipped_folder_as_a_package():
    import tomllib

    root = Path(__file__).resolve().parents[1]
    conf = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert isinstance(conf["project"]["license"], str)  # SPDX, not a table (deprecated)
    tools = conf["tool"]["setuptools"]
    packages = set(tools["packages"])
    missing = []
    for package, folder in tools["package-dir"].items():
        base = root / folder
        for sub in base.rglob("*"):
            if not sub.is_dir() or "__pycache__" in sub.parts or sub.name.endswith(".egg-info"):
                continue
            if not any(f.is_file() for f in sub.iterdir()):
                continue
            name = ".".join([package, *sub.relative_to(base).parts])
            if not any(name == p for p in packages):
                missing.append(name)
    assert missing == []


# 11. the test command reaches pytest on a machine without apt, root or Java ----------------------
@pytest.mark.parametrize("ci", ["", "true"])
def test_11_prepare_steps_name_what_is_missing_and_go_on_outside_ci(tmp_path, ci):
    import os
    import shutil
    import subprocess

    root = Path(__file__).resolve().parents[1]
    bare = tmp_path / "bin"  # a PATH without java, apt-get, sudo or chromium
    bare.mkdir()
    for tool in ("bash", "dirname", "id", "cat", "env"):
        found = shutil.which(tool)
        assert found, tool
        (bare / tool).symlink_to(found)
    env = {"PATH": str(bare), "HOME": str(tmp_path), "CI": ci, "PYTHON": "/nonexistent/python"}
    done = subprocess.run(["bash", str(root / "scripts" / "prepare-tests")], env=env, cwd=root,
                          capture_output=True, text=True, timeout=60)
    assert "java" in done.stderr.lower() and "chromium" in done.stderr.lower(), done.stderr
    assert done.returncode == (1 if ci else 0), done.stderr
    test_script = (root / "scripts" / "test").read_text(encoding="utf-8")
    assert "scripts/prepare-tests" in test_script and "prepare-neo4j\n" not in test_script
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "downloads" in readme and "minutes" in readme
    assert os.access(root / "scripts" / "prepare-tests", os.X_OK)
