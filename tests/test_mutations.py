"""Bad input, tried by machine (issue 12): single mutations of the bundled example, run through
the command line.

The rule for every mutation: exit 1 (2 for usage) with file, row and column where a row is at
fault — never a Python traceback, never exit 0 with a result that silently changed; a harmless
variation (semicolon CSV with decimal comma, BOM, cp1252, CRLF, extra or reordered columns,
Parquet or XLSX instead of CSV, Excel's ``sep=`` line, UTF-16 text, padded Parquet ids, a cp1252
rules file) gives the same credits as the original.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import pso_chain
from pso_chain.cli import app

EXAMPLE = pso_chain.example_path()
TABLES = ("organisations", "purchases", "employees_records", "certifications")
TEXT = {"org_id": str, "buyer_id": str, "supplier_id": str, "sbi": str, "postcode": str,
        "person_id": str, "delivers": str, "name": str, "municipality": str}
runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_compiled_cache(monkeypatch):
    monkeypatch.setenv("PSO_CHAIN_NO_CACHE", "1")


def run(*args) -> tuple[int, str]:
    """Exit code and all output of one command; a Python traceback fails the test."""
    result = runner.invoke(app, ["--lang", "en", *(str(a) for a in args)])  # the English reasons
    exc = result.exception
    assert exc is None or isinstance(exc, SystemExit), f"traceback: {exc!r}\n{result.output}"
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def copy_example(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("*.py", "*.md", "__pycache__"))
    for extra in folder.iterdir():  # the canonical tables only
        if extra.stem not in TABLES:
            extra.unlink()
    return folder


def table(folder: Path, name: str, raw: bool = False) -> pd.DataFrame:
    """A table of the copy: typed (numbers as numbers), or ``raw`` (every cell as its text)."""
    return pd.read_csv(folder / f"{name}.csv", dtype=str if raw else TEXT, keep_default_na=False)


def credits_of(folder: Path, tmp_path: Path, *extra) -> pd.DataFrame:
    out = tmp_path / "credits.csv"
    code, output = run("credits", folder, "--out", out, *extra)
    assert code == 0, output
    return pd.read_csv(out, dtype={"org_id": str})


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> pd.DataFrame:
    tmp = tmp_path_factory.mktemp("original")
    return credits_of(copy_example(tmp), tmp)


# --- harmless variations: the same credits -----------------------------------------------------
def semicolon_decimal_comma(folder: Path) -> None:
    for name in TABLES:
        frame = table(folder, name)
        frame.to_csv(folder / f"{name}.csv", sep=";", decimal=",", index=False)


def bom(folder: Path) -> None:
    for name in TABLES:
        path = folder / f"{name}.csv"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def cp1252(folder: Path) -> None:
    path = folder / "organisations.csv"
    frame = table(folder, "organisations")
    frame.loc[0, "name"] = "Café De Zwaan € B.V."
    frame.to_csv(path, index=False, encoding="cp1252")


def crlf(folder: Path) -> None:
    for name in TABLES:
        path = folder / f"{name}.csv"
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


def extra_and_reordered_columns(folder: Path) -> None:
    for name in TABLES:
        frame = table(folder, name)
        frame["remark"] = "x"
        frame[list(reversed(frame.columns))].to_csv(folder / f"{name}.csv", index=False)


def as_parquet(folder: Path) -> None:
    for name in TABLES:
        frame = pd.read_csv(folder / f"{name}.csv", dtype={k: v for k, v in TEXT.items()})
        (folder / f"{name}.csv").unlink()
        frame.to_parquet(folder / f"{name}.parquet", index=False)


def as_xlsx(folder: Path) -> None:
    for name in ("organisations", "certifications"):
        frame = pd.read_csv(folder / f"{name}.csv", dtype=TEXT, keep_default_na=False)
        (folder / f"{name}.csv").unlink()
        frame.to_excel(folder / f"{name}.xlsx", index=False)


def excel_sep_line(folder: Path) -> None:
    for name in TABLES:
        path = folder / f"{name}.csv"
        table(folder, name).to_csv(path, sep=";", decimal=",", index=False)
        path.write_bytes(b"sep=;\r\n" + path.read_bytes())


def utf16_tabs(folder: Path) -> None:  # Excel's "Unicode text"
    for name in ("organisations", "purchases"):
        path = folder / f"{name}.csv"
        table(folder, name).to_csv(path, sep="\t", index=False, encoding="utf-16")


def parquet_padded_ids(folder: Path) -> None:
    as_parquet(folder)
    for name, cols in (("organisations", ["org_id"]), ("purchases", ["buyer_id", "supplier_id"])):
        path = folder / f"{name}.parquet"
        frame = pd.read_parquet(path)
        for col in cols:
            frame[col] = " " + frame[col].astype(str) + "  "
        frame.to_parquet(path, index=False)


def utf8_tabs(folder: Path) -> None:
    for name in TABLES:
        table(folder, name).to_csv(folder / f"{name}.csv", sep="\t", index=False)


def header_only_purchases(folder: Path) -> None:
    path = folder / "purchases.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")


def duplicate_org_id(folder: Path) -> None:
    frame = table(folder, "organisations", raw=True)
    frame.loc[9, "org_id"] = frame.loc[8, "org_id"]
    frame.to_csv(folder / "organisations.csv", index=False)


HARMLESS: dict[str, Callable[[Path], None]] = {
    "utf8-tab": utf8_tabs,
    "semicolon-decimal-comma": semicolon_decimal_comma, "bom": bom, "cp1252": cp1252,
    "crlf": crlf, "extra-reordered-columns": extra_and_reordered_columns, "parquet": as_parquet,
    "xlsx": as_xlsx, "excel-sep-line": excel_sep_line, "utf16-tab": utf16_tabs,
    "parquet-padded-ids": parquet_padded_ids,
}


@pytest.mark.parametrize("mutation", list(HARMLESS))
def test_harmless_variation_gives_the_same_credits(mutation, tmp_path, original):
    folder = copy_example(tmp_path)
    HARMLESS[mutation](folder)
    got = credits_of(folder, tmp_path)
    expected = original
    if mutation == "cp1252":  # the one name written with cp1252 characters, read back as such
        assert got["name"].iat[0] == "Café De Zwaan € B.V."
        expected = original.assign(name=got["name"])
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12)


def test_whole_euros_with_thousands_dots_in_a_decimal_comma_file(tmp_path):
    """``24.169`` in a semicolon file is 24,169 euros, not 24.169."""
    plain = copy_example(tmp_path / "a")
    buys = table(plain, "purchases")
    buys["amount_eur"] = buys["amount_eur"].astype(float).round().astype(np.int64)
    buys.to_csv(plain / "purchases.csv", index=False)
    expected = credits_of(plain, tmp_path)
    dutch = copy_example(tmp_path / "b")
    buys.assign(amount_eur=[f"{v:,d}".replace(",", ".") for v in buys["amount_eur"]]).to_csv(
        dutch / "purchases.csv", sep=";", index=False)
    assert (pd.read_csv(dutch / "purchases.csv", sep=";", dtype=str)["amount_eur"]
            .str.contains(r"\.").any())
    pd.testing.assert_frame_equal(credits_of(dutch, tmp_path), expected, check_exact=False, rtol=1e-12)


def test_rules_file_saved_as_cp1252(tmp_path, original):
    from pso_chain.rules import default_rules_path

    text = default_rules_path().read_text(encoding="utf-8") + "\n# Gewijzigd door de inkoper: € é\n"
    rules = tmp_path / "rules.toml"
    rules.write_bytes(text.encode("cp1252"))
    got = credits_of(copy_example(tmp_path), tmp_path, "--rules", rules)
    pd.testing.assert_frame_equal(got, original, check_exact=False, rtol=1e-12)


# --- bad rows and bad files: exit 1 naming file, row and column ----------------------------------
def set_cell(name: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    """Row ``row`` as the user sees it (header = row 1)."""
    def mutate(folder: Path) -> None:
        frame = table(folder, name, raw=True)
        frame.loc[row - 2, column] = value
        frame.to_csv(folder / f"{name}.csv", index=False)
    return mutate


def duplicate_column(name: str, column: str, twin: str) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        path = folder / f"{name}.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        cells = [line.split(",") for line in lines]
        at = cells[0].index(column)
        out = [",".join([*c, twin if i == 0 else str(float(c[at]) + 1)]) for i, c in enumerate(cells)]
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return mutate


def drop_column(name: str, column: str) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        table(folder, name, raw=True).drop(columns=[column]).to_csv(folder / f"{name}.csv", index=False)
    return mutate


def cp1252_row_in_utf8(folder: Path) -> None:
    path = folder / "organisations.csv"
    lines = path.read_bytes().split(b"\n")
    lines[5] = lines[5].replace(b",", b",Caf\xe9 ", 1)  # one row written by another program
    path.write_bytes(b"\n".join(lines))


def trailing_comma_on_data_lines(folder: Path) -> None:
    path = folder / "organisations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], *(line + "," for line in lines[1:])]) + "\n", encoding="utf-8")


def xlsx_data_on_second_sheet(folder: Path) -> None:
    frame = table(folder, "organisations")
    (folder / "organisations.csv").unlink()
    with pd.ExcelWriter(folder / "organisations.xlsx") as writer:
        pd.DataFrame({"notes": ["exported by the ERP"]}).to_excel(writer, sheet_name="Info", index=False)
        frame.to_excel(writer, sheet_name="Data", index=False)


def empty_file(folder: Path) -> None:
    (folder / "purchases.csv").write_bytes(b"")


def binary_garbage(folder: Path) -> None:
    (folder / "organisations.csv").write_bytes(bytes(range(256)) * 20)


def year_in_parquet(value: int) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        frame = pd.read_csv(folder / "purchases.csv", dtype=TEXT)
        frame.loc[3, "year"] = value
        frame["year"] = frame["year"].astype(np.int64)
        (folder / "purchases.csv").unlink()
        frame.to_parquet(folder / "purchases.parquet", index=False)
    return mutate


# (mutation, the words the message must contain: file, "row N", column)
BAD: dict[str, tuple[Callable[[Path], None], tuple[str, ...]]] = {
    "employees-1e20": (set_cell("organisations", 4, "employees", "1e20"),
                       ("organisations.csv", "row 4", "employees")),
    "fte-1e-320": (set_cell("organisations", 4, "fte", "1e-320"), ("organisations.csv", "row 4", "fte")),
    "revenue-inf": (set_cell("organisations", 6, "revenue_eur", "inf"),
                    ("organisations.csv", "row 6", "revenue_eur")),
    "amount-nan": (set_cell("purchases", 7, "amount_eur", "NaN"), ("purchases.csv", "row 7", "amount_eur")),
    "amount-1e300": (set_cell("purchases", 7, "amount_eur", "1e300"), ("purchases.csv", "row 7", "amount_eur")),
    "year-99999": (set_cell("purchases", 5, "year", "99999"), ("purchases.csv", "row 5", "year")),
    "year-0": (set_cell("purchases", 5, "year", "0"), ("purchases.csv", "row 5", "year")),
    "year-99999-parquet": (year_in_parquet(99999), ("purchases.parquet", "row 5", "year")),
    "year-0-parquet": (year_in_parquet(0), ("purchases.parquet", "row 5", "year")),
    "date-31-02": (set_cell("purchases", 3, "date", "2025-02-31"), ("purchases.csv", "row 3", "date")),
    "duplicate-column": (duplicate_column("purchases", "amount_eur", "amount_eur"),
                         ("purchases.csv", "row 1", "amount_eur", "duplicate")),
    "duplicate-column-case": (duplicate_column("purchases", "amount_eur", "Amount_EUR"),
                              ("purchases.csv", "row 1", "amount_eur", "duplicate")),
    "cp1252-row-in-utf8": (cp1252_row_in_utf8, ("organisations.csv", "row 6")),
    "missing-org_id": (drop_column("organisations", "org_id"), ("organisations.csv", "row 1", "org_id")),
    "missing-amount": (drop_column("purchases", "amount_eur"), ("purchases.csv", "row 1", "amount_eur")),
    "trailing-comma": (trailing_comma_on_data_lines, ("organisations.csv",)),
    "xlsx-second-sheet": (xlsx_data_on_second_sheet, ("organisations.xlsx", "row 1", "org_id")),
    "empty-file": (empty_file, ("purchases.csv",)),
    "binary-garbage": (binary_garbage, ("organisations.csv",)),
    "unknown-supplier": (set_cell("purchases", 2, "supplier_id", "99999999"),
                         ("purchases.csv", "row 2", "supplier_id")),
    "negative-amount": (set_cell("purchases", 2, "amount_eur", "-5"), ("purchases.csv", "row 2", "amount_eur")),
    "header-only-purchases": (header_only_purchases, ("purchases.csv",)),
    "duplicate-org_id": (duplicate_org_id, ("organisations.csv", "row 11", "org_id")),
    "employees-not-whole": (set_cell("organisations", 3, "employees", "12,5"),
                            ("organisations.csv", "row 3", "employees")),
}


@pytest.mark.parametrize("mutation", list(BAD))
def test_bad_input_exits_1_naming_file_row_and_column(mutation, tmp_path):
    folder = copy_example(tmp_path)
    mutate, words = BAD[mutation]
    mutate(folder)
    verbs = [["credits"], ["validate"], ["explain", "--org", "90000002"]]
    if mutation == "header-only-purchases":  # a valid table, just empty: no year to score
        verbs.remove(["validate"])
    for verb in verbs:
        code, output = run(verb[0], folder, *verb[1:])
        assert code == 1, (verb, output)
        start = min((i for i in (output.find("fout:"), output.find("error:")) if i >= 0), default=0)
        first = output[start:]  # the cause comes first, before follow-on errors (Dutch: "fout:")
        for word in words:
            assert word.lower() in first.lower(), (verb, word, output)


def test_the_cause_comes_before_its_consequences(tmp_path):
    """A file that cannot be read as a table is named first, not buried under the unknown
    organisations it causes in other files."""
    for mutate in (trailing_comma_on_data_lines, xlsx_data_on_second_sheet):
        folder = copy_example(tmp_path / mutate.__name__)
        mutate(folder)
        code, output = run("credits", folder)
        assert code == 1
        head = output.strip().splitlines()[0] if output.strip() else ""
        assert "organisations." in head, output
        assert "unknown organisation" not in head, output


# --- user text in the terminal and in spreadsheets ----------------------------------------------
MARKUP = ["[/b]", "[SW]/[/i]", "[bold red]x", "[link=file:///etc/passwd]y[/link]"]


@pytest.mark.parametrize("text", MARKUP)
def test_rich_markup_in_names_and_org_values_is_printed_as_text(text, tmp_path):
    folder = copy_example(tmp_path)
    orgs = table(folder, "organisations")
    orgs.loc[0, "name"] = f"Bakkerij {text}"
    orgs.to_csv(folder / "organisations.csv", index=False)
    first = orgs.loc[0, "org_id"]
    for args in (["validate", folder], ["explain", folder, "--org", first], ["credits", folder]):
        code, output = run(*args)
        assert code == 0, output
    code, output = run("explain", folder, "--org", first)
    assert text in output.replace("\n", "")
    code, output = run("explain", folder, "--org", text)
    assert code == 1 and text in output


def test_control_characters_and_formulas_in_xlsx(tmp_path):
    from openpyxl import load_workbook

    folder = copy_example(tmp_path)
    orgs = table(folder, "organisations")
    orgs.loc[0, "name"] = "Bakkerij\x07 De\x1b Zwaan"
    orgs.loc[1, "name"] = "=1+1"
    orgs.loc[2, "name"] = "@SUM(A1)"
    orgs.to_csv(folder / "organisations.csv", index=False)
    out = tmp_path / "x.xlsx"
    code, output = run("credits", folder, "--out", out)
    assert code == 0, output
    sheet = load_workbook(out).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula evaluated
    texts = {c.value for c in cells}
    assert any("1+1" in t for t in texts) and any("Zwaan" in t for t in texts)


# --- paths and arguments ----------------------------------------------------------------------
def test_out_to_bad_paths_says_what_is_wrong(tmp_path):
    folder = copy_example(tmp_path)
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    existing = tmp_path / "existing.csv"
    existing.mkdir()
    for out in (a_file / "x.csv", existing, a_file / "deeper" / "x.xlsx"):
        code, output = run("credits", folder, "--out", out)
        assert code == 1 and out.name in flat(output), output  # bad input, not usage (issue 12)
    code, output = run("validate", folder, "--quarantine", a_file / "q.csv")
    assert code == 1 and "q.csv" in flat(output), output


def flat(output: str) -> str:
    """Output without spaces, line breaks and box lines (rich wraps long paths)."""
    return re.sub(r"[\s│╭╮╰╯─]", "", output)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write anywhere")
def test_out_to_a_folder_without_permission(tmp_path):
    folder = copy_example(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, output = run("credits", folder, "--out", locked / "x.csv")
        assert code == 1 and "x.csv" in flat(output)
        code, output = run("validate", folder, "--quarantine", locked / "q.csv")
        assert code == 1 and "q.csv" in flat(output)
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize("year", ["100000000000000000000", "-1", "2025.5", "0"])
def test_out_of_range_year_arguments(year):
    code, output = run("credits", EXAMPLE, "--year", year)
    assert code in (1, 2), output
