"""Loading datasets as Dutch users produce them.

The same logical dataset is written in several CSV dialects (comma or semicolon; UTF-8 with or
without BOM, or cp1252; decimal point or decimal comma with thousands dots; booleans as
true/false, ja/nee or 1/0 in any case; ISO or DD-MM-YYYY dates) and as Parquet and XLSX:
every variant must give the same credits, and the values must be read as written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from pso_chain.loaders import read_folder
from typer.testing import CliRunner

from pso_chain.cli import app
from pso_chain.core.loading import load_network
from pso_chain.core.scoring import credits
from pso_chain.errors import PsoInputError
from pso_chain.rules import load_rules
from pso_chain.validate import validate_folder
from tests.datasets import buy, org, random_tables, write_tables

# The logical dataset: python values, rendered into each dialect below.
ORG_HEADER = ["org_id", "name", "employees", "fte", "target_fte", "revenue_eur", "sw", "pso_level",
              "pso_valid_from", "pso_valid_until", "qualitative_ok"]
ORGS = [
    ["10000001", "Café De Eenhoorn", 12, 10.5, 1.25, 1234.56, False, "", None, None, True],
    ["10000002", "Schoonmaakbedrijf Ëlan", 40, 36.0, 4.0, 2_500_000.75, False, "2",
     dt.date(2024, 3, 1), dt.date(2025, 6, 30), True],
    ["10000003", "SW Werkbedrijf € Apeldoorn", 300, 250.0, 180.5, 12_345_678.9, True, "", None, None, False],
    ["10000004", "Groenvoorziening Noël", 8, 6.25, 0.0, 750_000.0, False, "aspirant",
     dt.date(2025, 2, 1), dt.date(2027, 1, 31), True],
]
PURCHASE_HEADER = ["buyer_id", "supplier_id", "amount_eur", "year", "date"]
PURCHASES = [
    ["10000001", "10000002", 12_000.5, 2025, dt.date(2025, 3, 15)],
    ["10000001", "10000002", 1_000.0, 2025, dt.date(2025, 8, 1)],   # after the certificate expired
    ["10000001", "10000003", 45_678.9, 2025, None],
    ["10000002", "10000004", 2_345.67, 2025, None],                  # undated: valid from February
    ["10000004", "10000003", 999.99, 2025, dt.date(2025, 1, 2)],
]

DIALECTS = {
    #          sep, encoding,   decimal comma, booleans,                 date format
    "comma-utf8": (",", "utf-8", False, ("true", "false"), "%Y-%m-%d"),
    "comma-bom": (",", "utf-8-sig", False, ("TRUE", "False"), "%Y-%m-%d"),
    "semicolon-utf8": (";", "utf-8", False, ("1", "0"), "%Y-%m-%d"),
    "semicolon-nl-cp1252": (";", "cp1252", True, ("ja", "nee"), "%d-%m-%Y"),
    "semicolon-nl-bom": (";", "utf-8-sig", True, ("JA", "Nee"), "%d-%m-%Y"),
    "tab-utf8": ("\t", "utf-8", False, ("True", "FALSE"), "%d-%m-%Y"),
}


def dutch_number(value: float) -> str:
    """1234567.5 -> '1.234.567,5' (thousands dots, decimal comma)."""
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def render(value, decimal_comma: bool, booleans: tuple[str, str], date_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return booleans[0] if value else booleans[1]
    if isinstance(value, float):
        return dutch_number(value) if decimal_comma else repr(value)
    if isinstance(value, dt.date):
        return value.strftime(date_format)
    return str(value)


def write_dialect(folder: Path, dialect: str) -> Path:
    sep, encoding, decimal_comma, booleans, date_format = DIALECTS[dialect]
    folder.mkdir(parents=True, exist_ok=True)
    for name, header, rows in (("organisations", ORG_HEADER, ORGS),
                               ("purchases", PURCHASE_HEADER, PURCHASES)):
        lines = [sep.join(header)]
        lines += [sep.join(render(v, decimal_comma, booleans, date_format) for v in row) for row in rows]
        (folder / f"{name}.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return folder


def scores_of(folder: Path) -> pd.DataFrame:
    return credits(load_network(folder))


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> pd.DataFrame:
    return scores_of(write_dialect(tmp_path_factory.mktemp("ref"), "comma-utf8"))


@pytest.mark.parametrize("dialect", list(DIALECTS))
def test_csv_dialects_give_identical_credits(tmp_path: Path, reference: pd.DataFrame, dialect: str) -> None:
    scores = scores_of(write_dialect(tmp_path, dialect))
    pd.testing.assert_frame_equal(scores, reference)


@pytest.mark.parametrize("dialect", ["comma-utf8", "semicolon-nl-cp1252", "semicolon-nl-bom"])
def test_values_are_read_as_written(tmp_path: Path, dialect: str) -> None:
    net = load_network(write_dialect(tmp_path, dialect))
    orgs = net.organisations.set_index("org_id")
    assert orgs.at["10000001", "name"] == "Café De Eenhoorn"
    assert orgs.at["10000002", "name"] == "Schoonmaakbedrijf Ëlan"
    assert orgs.at["10000003", "name"] == "SW Werkbedrijf € Apeldoorn"
    assert orgs["revenue_eur"].tolist() == [1234.56, 2_500_000.75, 12_345_678.9, 750_000.0]
    assert orgs["fte"].tolist() == [10.5, 36.0, 250.0, 6.25]
    assert orgs["sw"].tolist() == [False, False, True, False]
    assert orgs["qualitative_ok"].tolist() == [True, True, False, True]
    assert str(orgs.at["10000002", "pso_valid_until"].date()) == "2025-06-30"
    assert net.purchases["amount_eur"].tolist() == [12_000.5, 1_000.0, 45_678.9, 2_345.67, 999.99]
    dates = pd.Series(net.purchases["date"]).dt.strftime("%Y-%m-%d").fillna("").tolist()
    assert dates == ["2025-03-15", "2025-08-01", "", "", "2025-01-02"]


def test_dialect_scores_by_hand(reference: pd.DataFrame) -> None:
    """The purchase after the certificate expired (1 Aug) does not count; the undated one from a
    certificate starting in February does; SW always counts."""
    s = reference.set_index("org_id")
    # buyer 1: 12000.5 / 2500000.75 * 4.0 (level 2 valid 15 March) + 45678.9 / 12345678.9 * 180.5 (SW)
    want = 12_000.5 / 2_500_000.75 * 4.0 + 45_678.9 / 12_345_678.9 * 180.5
    assert s.at["10000001", "indirect_fte"] == pytest.approx(want, rel=1e-12)
    # buyer 2 buys from aspirant 4, whose target_fte is 0: eligible but worth nothing
    assert s.at["10000002", "indirect_fte"] == 0.0
    assert pd.isna(s.at["10000003", "trede"])  # qualitative_ok false


@pytest.mark.parametrize(("word", "expected"), [
    ("true", True), ("True", True), ("TRUE", True), ("ja", True), ("Ja", True), ("JA", True),
    ("1", True), ("false", False), ("False", False), ("FALSE", False), ("nee", False), ("Nee", False),
    ("NEE", False), ("0", False), ("", False),
])
def test_boolean_words_for_sw(tmp_path: Path, word: str, expected: bool) -> None:
    write_tables(tmp_path, [org("A"), org("B", sw=word)], [buy("A", "B", 10.0)])
    assert load_network(tmp_path).sw.tolist() == [False, expected]


def test_empty_qualitative_ok_means_true_and_bad_boolean_is_an_error(tmp_path: Path) -> None:
    write_tables(tmp_path, [org("A", qualitative_ok=""), org("B", qualitative_ok="misschien")],
                 [buy("A", "B", 10.0)])
    data = validate_folder(tmp_path, load_rules())
    errors = data.report.errors
    assert errors[["row", "column"]].values.tolist() == [[3, "qualitative_ok"]]
    assert bool(data.organisations["qualitative_ok"].iat[0]) is True


@pytest.mark.parametrize(("text", "value"), [
    ("1.234,56", 1234.56), ("1234,56", 1234.56), ("1.234.567,8", 1234567.8), ("12", 12.0),
    ("€ 1.234,56", 1234.56), ("0,5", 0.5), ("1.000", 1000.0),
])
def test_decimal_comma_in_semicolon_files(tmp_path: Path, text: str, value: float) -> None:
    (tmp_path / "organisations.csv").write_text(
        "org_id;name;employees;fte;target_fte;revenue_eur\n"
        "A;a;5;4,5;1;2,5\n"
        f"B;b;5;4,5;1;{text}\n", encoding="utf-8")
    (tmp_path / "purchases.csv").write_text(
        "buyer_id;supplier_id;amount_eur;year\nA;B;10,5;2025\n", encoding="utf-8")
    net = load_network(tmp_path)
    assert net.revenue.tolist() == [2.5, value]
    assert net.fte.tolist() == [4.5, 4.5]


@pytest.mark.parametrize("text", ["4.5", "1,234.5", "12.34,5"])
def test_stray_decimal_point_in_a_decimal_comma_column_is_an_error(tmp_path: Path, text: str) -> None:
    """Beside ``4,5`` a ``4.5`` is not read as 45 in silence: it is reported."""
    (tmp_path / "organisations.csv").write_text(
        f"org_id;name;employees;fte;target_fte\nA;a;5;4,5;1\nB;b;5;{text};1\n", encoding="utf-8")
    (tmp_path / "purchases.csv").write_text("buyer_id;supplier_id;amount_eur;year\nA;B;1;2025\n")
    errors = validate_folder(tmp_path, load_rules()).report.errors
    assert errors[["row", "column", "value", "reason"]].values.tolist() == [[3, "fte", text, "not_a_number"]]


def test_comma_decimal_in_a_comma_file_is_an_error_not_a_guess(tmp_path: Path) -> None:
    (tmp_path / "organisations.csv").write_text(
        'org_id,name,employees,fte,target_fte\nA,a,5,"4,5",1\n', encoding="utf-8")
    (tmp_path / "purchases.csv").write_text("buyer_id,supplier_id,amount_eur,year\nA,A,1,2025\n")
    data = validate_folder(tmp_path, load_rules())
    assert data.report.errors[["row", "column", "reason"]].values.tolist() == [[2, "fte", "not_a_number"]]


@pytest.mark.parametrize("text", ["15-03-2025", "15/03/2025", "2025-03-15", "15.03.2025", "2025/03/15",
                                  " 15-03-2025 "])
def test_date_formats(tmp_path: Path, text: str) -> None:
    write_tables(tmp_path, [org("A"), org("B")], [buy("A", "B", 10.0, date=text)])
    net = load_network(tmp_path)
    assert str(pd.Timestamp(net.purchases["date"].iat[0]).date()) == "2025-03-15"


def test_day_first_dates_in_certifications(tmp_path: Path) -> None:
    write_tables(tmp_path, [org("A"), org("B", target_fte=2.0)],
                 [buy("A", "B", 1_000_000.0, date="01-07-2025"), buy("A", "B", 500_000.0, date="02-07-2025")],
                 certifications=[{"org_id": "B", "level": "1", "valid_from": "01-01-2024",
                                  "valid_until": "01-07-2025"}])
    # the certificate is valid up to and including 1 July: only the first purchase counts
    assert credits(load_network(tmp_path))["indirect_fte"].iat[0] == pytest.approx(1.0)


def test_header_names_are_trimmed_and_case_insensitive(tmp_path: Path) -> None:
    (tmp_path / "organisations.csv").write_text(
        " Org_ID ,NAME,Employees,FTE,Target_FTE\nA,a,5,5,1\n", encoding="utf-8")
    (tmp_path / "purchases.csv").write_text("Buyer_ID,Supplier_ID,Amount_EUR,Year\nA,A,1,2025\n")
    assert credits(load_network(tmp_path))["direct_pct"].iat[0] == 20.0


def test_ids_keep_leading_zeros_and_are_trimmed(tmp_path: Path) -> None:
    (tmp_path / "organisations.csv").write_text(
        "org_id,name,employees,fte,target_fte,revenue_eur,sw\n"
        "01234567,a,5,5,1,1000,nee\n 07654321 ,b,5,5,1,1000,ja\n", encoding="utf-8")
    (tmp_path / "purchases.csv").write_text(
        "buyer_id,supplier_id,amount_eur,year\n01234567, 07654321,100,2025\n")
    scores = credits(load_network(tmp_path))
    assert scores["org_id"].tolist() == ["01234567", "07654321"]
    assert scores["indirect_fte"].iat[0] == pytest.approx(0.1)


def test_blank_line_keeps_row_numbers(tmp_path: Path) -> None:
    """A blank line inside a file is a row the user sees: later rows keep their numbers."""
    (tmp_path / "organisations.csv").write_text(
        "org_id,name,employees,fte,target_fte\nA,a,5,5,1\n\nB,b,5,0,1\n", encoding="utf-8")
    (tmp_path / "purchases.csv").write_text("buyer_id,supplier_id,amount_eur,year\nA,A,1,2025\n")
    errors = validate_folder(tmp_path, load_rules()).report.errors
    assert [4, "fte"] in errors[["row", "column"]].values.tolist()
    assert 3 in errors["row"].tolist()  # the blank row itself is reported, not dropped in silence


def test_trailing_empty_rows_from_spreadsheets_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "organisations.csv").write_text(
        "org_id;name;employees;fte;target_fte\nA;a;5;5;1\n;;;;\n;;;;\n\n", encoding="cp1252")
    (tmp_path / "purchases.csv").write_text("buyer_id;supplier_id;amount_eur;year\nA;A;1;2025\n;;;\n")
    data = validate_folder(tmp_path, load_rules())
    assert data.report.ok and len(data.organisations) == 1 and len(data.purchases) == 1


# --- Parquet and XLSX ---------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 5])
@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_parquet_and_xlsx_give_identical_credits(tmp_path: Path, seed: int, fmt: str) -> None:
    tables = random_tables(seed, n_orgs=35, n_purchases=200)
    from_csv = scores_of(write_tables(tmp_path / "csv", **tables))
    other = scores_of(write_tables(tmp_path / fmt, **tables, fmt=fmt))
    pd.testing.assert_frame_equal(other, from_csv, check_exact=False, rtol=1e-12)


def test_xlsx_with_real_excel_types(tmp_path: Path, reference: pd.DataFrame) -> None:
    """An Excel user's workbook: KvK numbers as numbers, real date cells (some empty), booleans."""
    orgs = pd.DataFrame(ORGS, columns=ORG_HEADER)
    orgs["org_id"] = orgs["org_id"].astype(int)
    for col in ("pso_valid_from", "pso_valid_until"):
        orgs[col] = pd.to_datetime(orgs[col])
    purchases = pd.DataFrame(PURCHASES, columns=PURCHASE_HEADER)
    purchases[["buyer_id", "supplier_id"]] = purchases[["buyer_id", "supplier_id"]].astype(int)
    purchases["date"] = pd.to_datetime(purchases["date"])
    orgs.to_excel(tmp_path / "organisations.xlsx", index=False)
    purchases.to_excel(tmp_path / "purchases.xlsx", index=False)
    pd.testing.assert_frame_equal(scores_of(tmp_path), reference)


def test_parquet_with_typed_columns(tmp_path: Path, reference: pd.DataFrame) -> None:
    """Parquet written by pandas with real dates, bools and floats (not text)."""
    orgs = pd.DataFrame(ORGS, columns=ORG_HEADER)
    purchases = pd.DataFrame(PURCHASES, columns=PURCHASE_HEADER)
    orgs.to_parquet(tmp_path / "organisations.parquet", index=False)
    purchases.to_parquet(tmp_path / "purchases.parquet", index=False)
    pd.testing.assert_frame_equal(scores_of(tmp_path), reference)


def test_parquet_with_integer_kvk_numbers(tmp_path: Path, reference: pd.DataFrame) -> None:
    orgs = pd.DataFrame(ORGS, columns=ORG_HEADER).astype({"org_id": "int64"})
    purchases = pd.DataFrame(PURCHASES, columns=PURCHASE_HEADER).astype(
        {"buyer_id": "int64", "supplier_id": "int64"})
    orgs.to_parquet(tmp_path / "organisations.parquet", index=False)
    purchases.to_parquet(tmp_path / "purchases.parquet", index=False)
    pd.testing.assert_frame_equal(scores_of(tmp_path), reference)


def test_mixed_formats_in_one_folder(tmp_path: Path, reference: pd.DataFrame) -> None:
    write_dialect(tmp_path, "semicolon-nl-cp1252")
    (tmp_path / "purchases.csv").unlink()
    pd.DataFrame(PURCHASES, columns=PURCHASE_HEADER).to_parquet(tmp_path / "purchases.parquet")
    pd.testing.assert_frame_equal(scores_of(tmp_path), reference)


# --- two files for one table ------------------------------------------------------------------------
def test_two_files_for_the_same_table_is_an_error(tmp_path: Path) -> None:
    write_dialect(tmp_path, "comma-utf8")
    pd.DataFrame(PURCHASES, columns=PURCHASE_HEADER).to_parquet(tmp_path / "purchases.parquet")
    with pytest.raises(PsoInputError, match="purchases given more than once"):
        read_folder(tmp_path)
    result = CliRunner().invoke(app, ["--lang", "en", "credits", str(tmp_path)])
    assert result.exit_code == 1
    assert "purchases.csv" in result.stderr and "purchases.parquet" in result.stderr


def test_unreadable_files_are_input_errors(tmp_path: Path) -> None:
    write_dialect(tmp_path, "comma-utf8")
    (tmp_path / "purchases.csv").unlink()
    (tmp_path / "purchases.xlsx").write_bytes(b"this is not a workbook")
    result = CliRunner().invoke(app, ["--lang", "en", "credits", str(tmp_path)])
    assert result.exit_code == 1 and "purchases.xlsx" in result.stderr


def test_empty_csv_file_is_an_input_error(tmp_path: Path) -> None:
    write_dialect(tmp_path, "comma-utf8")
    (tmp_path / "purchases.csv").write_text("")
    result = CliRunner().invoke(app, ["--lang", "en", "credits", str(tmp_path)])
    assert result.exit_code == 1 and "purchases.csv" in result.stderr
