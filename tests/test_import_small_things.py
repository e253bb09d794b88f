"""The small things of issue 19: a purchase with a date and no year takes the date's year; a
UBL upload of credit notes only is a clear message; quickscan --out prints the score."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

import pso_chain
from pso_chain.cli import app
from tests.import_fixtures import make_world, write_afas, write_ubl_folder

runner = CliRunner()


def test_a_purchase_with_a_date_and_no_year_takes_the_dates_year(tmp_path):
    folder = shutil.copytree(pso_chain.example_path(), tmp_path / "ex")
    p = pd.read_csv(folder / "purchases.csv", dtype=str, keep_default_na=False)
    dated = p["date"] != ""
    assert dated.sum() > 100
    p.loc[dated, "year"] = ""
    p.to_csv(folder / "purchases.csv", index=False)
    assert pso_chain.validate_dataset(folder).report.ok
    want = pso_chain.credits(pso_chain.load_example())
    got = pso_chain.credits(pso_chain.open(folder))
    pd.testing.assert_series_equal(got["total_pct"], want["total_pct"])


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    base = tmp_path_factory.mktemp("small-books")
    w = make_world(seed=5, n_register=300, n_suppliers=12)
    return w, base, w.write_lists(base)


def test_credit_notes_only_is_a_clear_message(books, tmp_path):
    w, base, lists = books
    credits = w.invoices.head(3).assign(type="credit")
    folder = write_ubl_folder(credits, tmp_path / "ubl")
    result = runner.invoke(app, ["quickscan", "--ubl", str(folder), "--register", str(lists["register"]),
                                 "--buyer", str(lists["buyer"]), "--figures", str(lists["figures"])])
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert "credit note" in result.output and "nothing was bought" in result.output


def test_quickscan_out_prints_the_score(books, tmp_path):
    w, base, lists = books
    ledger = write_afas(w.invoices, tmp_path / "afas.csv")
    result = runner.invoke(app, ["quickscan", "--ledger", str(ledger), "--register", str(lists["register"]),
                                 "--buyer", str(lists["buyer"]), "--figures", str(lists["figures"]),
                                 "--sw", str(lists["sw"]), "--accept-review", "--out", str(tmp_path / "q.xlsx")])
    assert result.exit_code == 0, result.output
    assert "totale sociale bijdrage" in result.output and "trede" in result.output
    from openpyxl import load_workbook

    about = load_workbook(tmp_path / "q.xlsx")["over"]
    values = {r[0].value: r[1].value for r in about.iter_rows()}
    assert values.get("PSO-regels versie") not in (None, "", "-")
