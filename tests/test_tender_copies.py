"""Tenders as buyers run them: each bidder's certificate copy checked against the dataset and the
tender date, award points against a plain oracle, the tender file as PDF read back."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pypdf
import pytest
from typer.testing import CliRunner

import pso_chain
from pso_chain import messages
from pso_chain.api import outputs as api_outputs
from pso_chain.buyers.defaults import load_buyer_defaults
from pso_chain.cli import app
from pso_chain.errors import PsoInputError
from pso_chain.outputs.pdf import heading
from pso_chain.outputs.tender_file import SHOWN
from tests.test_dutch_outputs import english_in

BIDS = pso_chain.example_path().parent / "tender-bids-example.csv"
ON = dt.date(2025, 10, 1)


def _bids(tmp_path, rows: list[dict]):
    path = tmp_path / "bids.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_copy_of_unknown_bidder_counts_only_when_valid_on_the_tender_date(tmp_path):
    bids = _bids(tmp_path, [
        {"supplier_id": "77777771", "name": "Geldig B.V.", "price": 100, "certificate_level": "Trede 3",
         "certificate_valid_from": "2025-01-01", "certificate_valid_until": "2027-12-31"},
        {"supplier_id": "77777772", "name": "Verlopen B.V.", "price": 100, "certificate_level": "Trede 3",
         "certificate_valid_from": "2022-01-01", "certificate_valid_until": "2025-09-30"},
        {"supplier_id": "77777773", "name": "Toekomst B.V.", "price": 100, "certificate_level": "PSO 30+",
         "certificate_valid_from": "2025-10-02", "certificate_valid_until": "2028-10-01"},
    ])
    ranking = pso_chain.tender(pso_chain.load_example(), bids, ON).set_index("supplier_id")
    discounts = load_buyer_defaults().discount_pct
    assert ranking.loc["77777771", "discount_pct"] == discounts["3"]
    assert ranking.loc["77777771", "copy_check"].startswith("copy_used: level=3")
    assert ranking.loc["77777772", "discount_pct"] == 0
    assert ranking.loc["77777772", "copy_check"].startswith("copy_expired")
    assert ranking.loc["77777773", "discount_pct"] == 0
    assert ranking.loc["77777773", "copy_check"].startswith("copy_early")
    assert ranking.loc["77777771", "rank"] == 1
    # the day the copy ends it still counts; the next day it does not
    last = pso_chain.tender(pso_chain.load_example(), bids, dt.date(2025, 9, 30)).set_index("supplier_id")
    assert last.loc["77777772", "discount_pct"] == discounts["3"]


def test_copy_of_known_bidder_is_checked_not_trusted(tmp_path):
    # 90000003 held trede 2 until 2025-06-30; a forged copy claiming trede 3 until 2027 does not count
    bids = _bids(tmp_path, [
        {"supplier_id": "90000003", "price": 100, "certificate_level": "3",
         "certificate_valid_from": "2024-01-01", "certificate_valid_until": "2027-12-31"},
        {"supplier_id": "90000009", "price": 100, "certificate_level": "aspirant",
         "certificate_valid_from": "2024-03-18", "certificate_valid_until": "2026-03-17"},
        {"supplier_id": "10000004", "price": 100, "sw": "ja"},
    ])
    ranking = pso_chain.tender(pso_chain.load_example(), bids, ON).set_index("supplier_id")
    assert ranking.loc["90000003", "discount_pct"] == 0
    assert ranking.loc["90000003", "copy_check"].startswith("copy_differs")
    assert ranking.loc["90000009", "copy_check"] == "copy_matches: level=aspirant"
    assert not ranking.loc["10000004", "sw"]
    assert ranking.loc["10000004", "copy_check"].endswith(" | sw_refused")


def points_oracle(bids: pd.DataFrame, levels: list[str], sws: list[bool]) -> list[float]:
    table = load_buyer_defaults().award
    lowest = min(bids["price"])
    out = []
    for price, quality, level, sw in zip(bids["price"], bids["quality_points"], levels, sws, strict=True):
        pso = table.pso_points[level or "none"]
        if sw:
            pso = max(pso, table.pso_points["sw"])
        out.append(table.price_points * lowest / price + pso + quality)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_award_points_equal_a_plain_oracle(tmp_path, seed):
    rng = np.random.default_rng(seed)
    levels = ["", "aspirant", "1", "2", "3"]
    rows, want_levels, want_sw = [], [], []
    for i in range(int(rng.integers(2, 12))):
        level = str(rng.choice(levels))
        valid = rng.random() < 0.7
        sw = bool(rng.random() < 0.2)
        start = ON - dt.timedelta(days=int(rng.integers(1, 900)))
        end = ON + dt.timedelta(days=int(rng.integers(0, 900))) if valid else ON - dt.timedelta(days=1)
        rows.append({"supplier_id": f"7{i:07d}", "name": f"Bieder {i}", "price": float(rng.integers(50, 200) * 1000),
                     "quality_points": float(rng.integers(0, 30)), "certificate_level": level,
                     "certificate_valid_from": start.isoformat() if level else "",
                     "certificate_valid_until": end.isoformat() if level else "", "sw": sw})
        want_levels.append(level if valid else "")
        want_sw.append(sw)
    bids = pd.DataFrame(rows)
    ranking = pso_chain.tender(pso_chain.load_example(), _bids(tmp_path, rows), ON, method="points")
    got = ranking.set_index("supplier_id")["total_points"]
    want = pd.Series(points_oracle(bids, want_levels, want_sw), index=bids["supplier_id"])
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)
    order = sorted(range(len(rows)), key=lambda i: (-want.iloc[i], rows[i]["price"], rows[i]["supplier_id"]))
    assert list(ranking["supplier_id"]) == [rows[i]["supplier_id"] for i in order]


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("certificate_level", "Trede 7", "not a certificate level"),
    ("certificate_valid_until", "31-31-2025", "not a date"),
    ("certificate_valid_from", "", "needs its validity dates"),
    ("sw", "misschien", "not true/false"),
    ("quality_points", "-3", "quality_points must be a number >= 0"),
])
def test_bad_copy_columns(tmp_path, column, value, reason):
    frame = pd.read_csv(BIDS, dtype=str, keep_default_na=False)
    frame.loc[0, column] = value
    path = tmp_path / "bids.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(PsoInputError) as err:
        pso_chain.tender(pso_chain.load_example(), path, ON)
    assert f"bids.csv, row 2, column {column}" in str(err.value) and reason in str(err.value)


def test_tender_file_pdf_and_cli_say_what_counted(tmp_path):
    runner = CliRunner()
    pdf = tmp_path / "tender.pdf"
    result = runner.invoke(app, ["tender", str(pso_chain.example_path()), str(BIDS), "--on", "2025-10-01",
                                 "--method", "points", "--out", str(pdf)])
    assert result.exit_code == 0, result.output
    text = " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(pdf).pages)
    assert "Aanbestedingsdatum: 01-10-2025" in text
    assert "niet in de gegevens: kopie gebruikt, niveau 2 geldig tot 04-11-2027" in text
    assert "verlopen op de aanbestedingsdatum (geldig tot 30-06-2025)" in text
    result = runner.invoke(app, ["--lang", "en", "tender", str(pso_chain.example_path()), str(BIDS), "--on",
                                 "2025-10-01", "--method", "points", "--out", str(pdf)])
    assert result.exit_code == 0, result.output
    text = " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(pdf).pages)
    assert "Tender date: 2025-10-01" in text and "page 1 of " in text
    assert "not in the dataset: copy used, level 2" in text
    assert "expired on the tender date" in text
    result = runner.invoke(app, ["tender", str(pso_chain.example_path()), str(BIDS), "--on", "2025-10-01"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "kopie gebruikt" in said and "verlopen op de aanbestedingsdatum" in said


@pytest.mark.parametrize("method", ["discount", "points"])
def test_tender_file_reads_as_dutch(tmp_path, method):
    """Issue 18, acceptance 2 and 4 for the tender file: every heading whole, no English heading,
    word or number format, no raw column name, dates whole as dd-mm-yyyy, page numbers."""
    network = pso_chain.load_example()
    ranking = pso_chain.tender(network, BIDS, ON, method=method)
    weights = ("aspirant 1%, 1 2%, 2 4%, 3 6%, sw 5%" if method == "discount"
               else "price 60, none 0, aspirant 5, 1 10, 2 15, 3 20, sw 15")
    path = api_outputs.write_tender_file(ranking, tmp_path / "tender.pdf", ON, method, weights,
                                         network.rules.version)
    pages = [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(path).pages]
    text = " ".join(pages)
    columns = [*SHOWN[method], "how", "copy_check"]
    for column in columns:
        assert heading("nl", column) in text, column
        english = heading("en", column)
        if english != heading("nl", column):
            assert not re.search(rf"\b{re.escape(english)}\b", text), english
        if "_" in column:
            assert column not in text, column
    assert english_in("\n".join(pages)) == {}
    for i, page in enumerate(pages, 1):
        assert f"pagina {i} van {len(pages)}" in page
    assert re.search(r"\d{4}-\d{2}-\d{2}", text) is None
    assert "Aanbestedingsdatum: 01-10-2025" in text
    for price in ranking["price"]:
        assert messages.money(price, "nl") in text
    for name in ranking["name"]:
        assert name in text


def test_supplier_review_letters_and_level_history():
    """The periodic supplier review: every supplier without a counting certificate gets a
    letter of the right kind; the level history lists every certificate in date order."""
    network = pso_chain.load_example()
    review = pso_chain.compliance(network, "90000008", dt.date(2025, 12, 31), expiring_days=120)
    suppliers, letters = review["suppliers"], review["letters"]
    kinds = {"none": "send_code", "expired": "ask_certificate", "expiring": "ask_renewal"}
    want = suppliers[suppliers["status"].isin(list(kinds))]
    assert list(letters["supplier_id"]) == list(want["supplier_id"])
    assert list(letters["letter"]) == [kinds[s] for s in want["status"]]
    certs = pd.read_csv(pso_chain.example_path() / "certifications.csv", dtype=str)
    for row in suppliers.itertuples():
        mine = certs[certs["org_id"] == row.supplier_id].sort_values("valid_from")
        assert row.level_history == " | ".join(  # codes (pso_chain.messages), one per certificate
            f"level_period: level={c.level}; start={c.valid_from}; until={c.valid_until}"
            for c in mine.itertuples())
