"""The buyer's files as Dutch users write them (issue 19): `;` and decimal commas, UTF-16
tab-separated text, a title line above the header — for the buyer, figures, SW list, register and
ledger; errors name the user's file, row and column, never a temporary path; the import writes
only values it parsed."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

import pso_chain
from pso_chain.cli import app
from pso_chain.errors import PsoInputError
from tests.import_fixtures import make_world, write_afas

runner = CliRunner()


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    base = tmp_path_factory.mktemp("dutch-books")
    w = make_world(seed=7, n_register=1200, n_suppliers=40)
    lists = w.write_lists(base)
    lists["ledger"] = write_afas(w.invoices, base / "afas.csv")
    return w, base, lists


def dutch(frame: pd.DataFrame, path, *, sep=";", encoding="utf-8", title: str | None = None):
    """A table as Dutch Excel writes it: decimal commas, the given separator and encoding."""
    text = frame.to_csv(index=False, sep=sep, decimal=",")
    if title:
        text = f"{title}\n{text}"
    path.write_text(text, encoding=encoding)
    return path


def _scan(lists, **changes):
    files = {k: lists[k] for k in ("register", "sw", "figures", "buyer")}
    files.update(changes)
    return pso_chain.quickscan(ledger=lists["ledger"], accept_review=True, **files).credits


@pytest.mark.parametrize("sep,encoding,title", [(";", "utf-8", None), ("\t", "utf-16", None),
                                                (";", "cp1252", "Onze organisatie;;;")])
def test_a_dutch_buyer_file_gives_the_same_score(books, tmp_path, sep, encoding, title):
    w, base, lists = books
    buyer = w.buyer.copy()
    buyer["fte"] = buyer["fte"].astype(float) + 0.5  # a decimal comma to read: 1420,5
    plain = tmp_path / "wij-punt.csv"
    buyer.to_csv(plain, index=False)
    written = dutch(buyer, tmp_path / "wij.csv", sep=sep, encoding=encoding, title=title)
    assert "," in written.read_text(encoding=encoding).splitlines()[-1]
    want, got = _scan(lists, buyer=plain), _scan(lists, buyer=written)
    for key in ("direct_pct", "indirect_pct", "total_pct", "trede"):
        assert got[key] == pytest.approx(want[key]), key
    # and the import writes the number it read, not the text
    out = tmp_path / "ds"
    result = runner.invoke(app, ["import", "ledger", str(lists["ledger"]), "--register", str(lists["register"]),
                                 "--sw", str(lists["sw"]), "--figures", str(lists["figures"]),
                                 "--buyer", str(written), "--accept-review", "--out", str(out)])
    assert result.exit_code == 0, result.output
    orgs = pd.read_csv(out / "organisations.csv", dtype=str, keep_default_na=False)
    me = orgs[orgs["org_id"] == str(w.buyer["org_id"].iat[0])].iloc[0]
    assert float(me["fte"]) == pytest.approx(float(buyer["fte"].iat[0]))
    credits = runner.invoke(app, ["credits", str(out)])
    assert credits.exit_code == 0, credits.output


def test_the_lists_in_utf16_and_with_semicolons(books, tmp_path):
    w, base, lists = books
    changed = {}
    for key, sep, enc in (("register", "\t", "utf-16"), ("sw", ";", "utf-8-sig"), ("figures", "\t", "utf-16")):
        frame = pd.read_csv(lists[key], dtype=str, keep_default_na=False, sep=None, engine="python")
        for col in frame.columns:  # the figures' decimals as Dutch Excel writes them
            frame[col] = frame[col].str.replace(r"^(\d+)\.(\d+)$", r"\1,\2", regex=True)
        path = tmp_path / f"{key}.txt"
        path.write_text(frame.to_csv(index=False, sep=sep), encoding=enc)
        changed[key] = path
    ledger = pd.read_csv(lists["ledger"], dtype=str, keep_default_na=False, sep=None, engine="python")
    (tmp_path / "afas.txt").write_text(ledger.to_csv(index=False, sep="\t"), encoding="utf-16")
    want = _scan(lists)
    got = pso_chain.quickscan(ledger=tmp_path / "afas.txt", accept_review=True, buyer=lists["buyer"],
                              **changed).credits
    assert got["total_pct"] == pytest.approx(want["total_pct"])


def test_a_bad_buyer_cell_names_the_users_file_row_and_column(books, tmp_path):
    w, base, lists = books
    buyer = w.buyer.copy().astype(object)
    buyer["fte"] = "veel"
    path = dutch(buyer, tmp_path / "wij.csv", title="Onze organisatie")
    with pytest.raises(PsoInputError) as caught:
        _scan(lists, buyer=path)
    text = str(caught.value)
    assert str(path) in text and "row 3" in text and "column fte" in text
    assert "pso-quickscan" not in text and "/tmp" not in text.replace(str(tmp_path), "")
