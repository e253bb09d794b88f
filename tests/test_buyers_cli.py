"""The buyer verbs on the bundled example (pso_chain/data/example): exit codes, output files a
purchasing officer opens in Excel, and the hand-placed cases of the example's README."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pso_chain.cli import app

EXAMPLE = Path(str(resources.files("pso_chain.data").joinpath("example")))
BIDS = Path(str(resources.files("pso_chain.data").joinpath("tender-bids-example.csv")))
pytestmark = pytest.mark.skipif(not (EXAMPLE / "organisations.csv").exists(),
                                reason="bundled example not present")
runner = CliRunner()


def run(*args: str, code: int = 0):
    result = runner.invoke(app, ["--lang", "en", *(str(a) for a in args)])  # English: contract names
    assert result.exit_code == code, result.output
    return result


def read_ids(path: Path, sheet: str | None = None) -> pd.DataFrame:
    if path.suffix == ".xlsx":
        return pd.read_excel(path, sheet_name=sheet, dtype={"org_id": str, "supplier_id": str})
    return pd.read_csv(path, dtype={"org_id": str, "supplier_id": str, "sbi": str})


def test_uplift_on_the_example(tmp_path):
    out = run("uplift", EXAMPLE, "--org", "90000006").output
    assert "10000159" in out and "87.15" in out  # a small purchase at the Werkbedrijf lifts it to trede 2
    assert "cap:" in run("uplift", EXAMPLE, "--org", "90000002").output  # the cap binds for trede 3
    assert "qualitative" in run("uplift", EXAMPLE, "--org", "90000005").output
    book = tmp_path / "uplift.xlsx"
    run("uplift", EXAMPLE, "--org", "90000006", "--max-share", "0.0005", "--shift", "10000270:90000001:50000",
        "--out", book)
    wb = load_workbook(book)
    assert wb.sheetnames == ["uplift", "targets", "mix", "shift", "about"]
    ws = wb["uplift"]
    header = [c.value for c in ws[1]]
    assert ws["A1"].font.bold and ws.freeze_panes == "A2"
    col = header.index("extra_eur") + 1
    assert ws.cell(row=2, column=col).number_format == '"€" #,##0.00'
    shift = pd.read_excel(book, sheet_name="shift").set_index("scenario")
    assert shift.loc["after", "total_pct"] > shift.loc["before", "total_pct"]
    run("uplift", EXAMPLE, "--org", "90000006", "--shift", "nonsense", code=1)
    run("uplift", EXAMPLE, "--org", "no-such-org", code=1)
    assert "reference year" in run("uplift", EXAMPLE, "--org", "90000006", "--on", "2024-05-01", code=1).output
    dated = tmp_path / "dated.csv"
    run("uplift", EXAMPLE, "--org", "90000011", "--on", "2025-09-01", "--supplier", "90000003", "--out", dated)
    assert "until=2025-06-30" in read_ids(dated)["reason"].iat[0]  # dated after its expiry (a code in CSV)


def test_suppliers_filters_on_the_example(tmp_path):
    path = tmp_path / "all.csv"
    run("suppliers", EXAMPLE, "--on", "2025-12-31", "--out", path)
    every = read_ids(path)
    assert {"10000159", "90000001"} <= set(every["org_id"])  # the two SW-bedrijven
    assert "90000003" not in set(every["org_id"])  # its certificate expired on 2025-06-30
    assert list(every["yield_fte_per_meur"]) == sorted(every["yield_fte_per_meur"], reverse=True)
    run("suppliers", EXAMPLE, "--on", "2025-06-30", "--out", path)
    assert "90000003" in set(read_ids(path)["org_id"])  # its last valid day
    run("suppliers", EXAMPLE, "--on", "2025-12-31", "--sbi", "81", "--for", "90000006", "--out", path)
    cleaning = read_ids(path)
    sells = cleaning["sbi"].str.startswith("81") | cleaning["delivers"].fillna("").str.contains(r"(?:^|;)81")
    assert len(cleaning) and sells.all() and (cleaning["gain_pct"] > 0).all()
    assert {"10000159", "90000001"} <= set(cleaning["org_id"])  # SW-bedrijven that deliver cleaning
    run("suppliers", EXAMPLE, "--on", "31-12-2025", "--municipality", "apeldoorn", "--min-level", "2",
        "--out", path)
    strict = read_ids(path)
    assert len(strict) and (strict["municipality"] == "Apeldoorn").all()
    assert strict["level"].astype(str).isin(["2", "3"]).all()
    assert "10000159" in run("suppliers", EXAMPLE, "--on", "2025-12-31").output
    run("suppliers", EXAMPLE, "--on", "2025-12-31", "--min-level", "7", code=1)
    run("suppliers", EXAMPLE, "--on", "not-a-date", code=2)


def test_substitutes_on_the_example(tmp_path):
    out = run("substitutes", EXAMPLE, "--org", "90000011").output
    assert "expired on 2025-06-30" in out
    path = tmp_path / "subs.csv"
    run("substitutes", EXAMPLE, "--org", "90000011", "--out", path)
    subs = read_ids(path)
    cleaner = subs[subs["supplier_id"] == "90000003"]
    assert len(cleaner) and cleaner["not_counted_eur"].iat[0] == 52_500  # the row dated 2025-09-22
    assert (cleaner["gain_pct"] > 0).all()


def test_compliance_on_the_example(tmp_path):
    out = run("compliance", EXAMPLE, "--org", "90000008", "--on", "2025-12-31").output
    assert "expiring" in out and "counting" in out
    book = tmp_path / "compliance.xlsx"
    run("compliance", EXAMPLE, "--org", "90000011", "--on", "2025-12-31", "--out", book)
    wb = load_workbook(book)
    assert wb.sheetnames == ["suppliers", "summary", "letters", "about"]
    suppliers = read_ids(book, "suppliers").set_index("supplier_id")
    assert suppliers.loc["90000003", "status"] == "expired" and suppliers.loc["90000001", "status"] == "sw"
    header = [c.value for c in wb["suppliers"][1]]
    assert wb["suppliers"].cell(row=2, column=header.index("valid_until") + 1).number_format == "yyyy-mm-dd"
    summary = pd.read_excel(book, sheet_name="summary").set_index("status")
    assert summary.loc["total", "spend_share_pct"] == pytest.approx(1)  # 100%: a fraction in a % format


def test_tender_on_the_example(tmp_path):
    path = tmp_path / "tender.csv"
    run("tender", EXAMPLE, BIDS, "--on", "2025-10-01", "--out", path)
    ranking = read_ids(path).set_index("supplier_id")
    assert ranking.loc["90000003", "certificate_status"] == "expired"
    assert ranking.loc["90000003", "discount_pct"] == 0
    assert ranking.loc["90000009", "discount_pct"] > 0 and ranking.loc["90000001", "discount_pct"] > 0
    assert list(ranking["rank"]) == list(range(1, len(ranking) + 1))
    run("tender", EXAMPLE, BIDS, "--on", "2025-10-01", "--discount", "aspirant=20", "--out", path)
    boosted = read_ids(path).set_index("supplier_id")
    assert boosted.loc["90000009", "rank"] == 1 and boosted.loc["90000009", "discount_pct"] == 20
    assert "90000003" in run("tender", EXAMPLE, BIDS, "--on", "2025-10-01").output
    bad = tmp_path / "bad.csv"
    bad.write_text("supplier_id,price\n90000009,100\n90000003,abc\n", encoding="utf-8")
    result = run("tender", EXAMPLE, bad, "--on", "2025-10-01", code=1)
    assert "row 3, column price" in result.output
    run("tender", EXAMPLE, BIDS, "--on", "2025-10-01", "--discount", "9", code=2)  # not LEVEL=PCT: usage
    assert "discount (value" in run("tender", EXAMPLE, BIDS, "--on", "2025-10-01", "--discount", "9=5", code=1).output
    run("tender", EXAMPLE, BIDS, "--on", "2025-10-01", "--discount", "2=150", code=1)
    run("tender", EXAMPLE, BIDS, code=2)  # the tender date is required
