"""What people read: Dutch by default (labels, € 1.234,56, 25,7%, 31-12-2025, ja/nee), English
with --lang en; machine outputs unchanged; workbooks as Excel users expect; tables that never
cut or split a value on a narrow terminal; user text never read as rich markup."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from rich.console import Console
from typer.testing import CliRunner

import pso_chain
from pso_chain.cli import app
from pso_chain.outputs.display import Display, Formatter
from pso_chain.outputs.files import render_table, set_language, write_xlsx
from tests.datasets import buy, org, write_tables

EXAMPLE = str(pso_chain.example_path())


def run(*args, code: int = 0, env: dict | None = None):
    result = CliRunner().invoke(app, [str(a) for a in args], env=env)
    assert result.exit_code == code, result.output
    return result


def console_script() -> str:
    beside = Path(sys.executable).parent / "pso-chain"
    found = str(beside) if beside.exists() else shutil.which("pso-chain")
    if found is None:
        pytest.skip("pso-chain console script is not installed")
    return found


def terminal(*args, columns: int, lang: str = "nl") -> str:
    """The console script as a user runs it, at a terminal width."""
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1", "PSO_CHAIN_LANG": lang}
    done = subprocess.run([console_script(), *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(autouse=True)
def dutch():
    set_language("nl")
    yield
    set_language("nl")


def rendered(frame: pd.DataFrame, width: int, **kwargs) -> str:
    out = io.StringIO()
    render_table(frame, console=Console(width=width, file=out, color_system=None), **kwargs)
    return out.getvalue()


# --- formats -------------------------------------------------------------------------------------------
def test_dutch_and_english_formats() -> None:
    nl, en = Formatter("nl"), Formatter("en")
    assert nl.eur(1234.56, 2) == "€ 1.234,56" and en.eur(1234.56, 2) == "€ 1,234.56"
    assert nl.pct(25.71) == "25,7%" and en.pct(25.71) == "25.7%"
    assert nl.date("2025-12-31") == "31-12-2025" and en.date("2025-12-31") == "2025-12-31"
    assert (nl.boolean(True), nl.boolean(False), en.boolean(True)) == ("ja", "nee", "yes")
    assert nl.number(1234567.891, 1) == "1.234.567,9"


def test_no_trede_one_word_and_shares_as_percentages() -> None:
    nl, en = Display("nl"), Display("en")
    for value in (None, np.nan, pd.NA, "", "none"):
        assert nl.cell("trede", value) == "geen" and en.cell("trede", value) == "none"
    assert nl.cell("trede", 2.0) == "2"
    assert nl.cell("code_share", 0.336) == "33,60%"  # a fraction shown as a percentage
    assert nl.cell("counting_share", 0.5) == "50,00%"
    assert nl.cell("total_pct", 25.7) == "25,70%"  # a percent number, the same look


def test_a_small_real_gap_is_never_zero() -> None:
    nl = Display("nl")
    assert nl.cell("gap_pct", 0.0012) == "0,0012%"
    assert nl.cell("gap_pct", 0.0039) == "0,0039%"
    assert nl.cell("gap_pct", 0.0) == "0,00%"
    assert nl.cell("extra_indirect_fte", 0.00123) == "0,0012"


def test_numbers_are_right_aligned_and_text_left() -> None:
    frame = pd.DataFrame({"org_id": ["A"], "name": ["x"], "amount_eur": [5.0], "total_pct": [1.0]})
    lines = rendered(frame, 100).splitlines()
    row = next(line for line in lines if line.startswith("A"))
    header = next(line for line in lines if "bedrag" in line)
    # a right-aligned column ends where its header ends
    assert row.index("€ 5,00") + len("€ 5,00") == header.index("bedrag") + len("bedrag")
    assert row.index("1,00%") + len("1,00%") == header.index("totaal") + len("totaal")


# --- the terminal: Dutch by default, English on request --------------------------------------------
def test_credits_speaks_dutch_by_default_and_english_on_request() -> None:
    dutch = run("credits", EXAMPLE, env={"COLUMNS": "200"}).output
    assert "werknemers" in dutch and "totaal" in dutch and "geen" in dutch
    assert re.search(r"\d,\d\d%", dutch) and "ja" in dutch.split()
    english = run("--lang", "en", "credits", EXAMPLE).output
    assert "employees" in english and "total_pct" in english and "none" in english
    assert re.search(r"\d\.\d\d%", english) and "werknemers" not in english


def test_suppliers_dates_dutch() -> None:
    out = run("suppliers", EXAMPLE, "--on", "2025-06-01").output
    assert re.search(r"\b\d\d-\d\d-20\d\d\b", out)  # 31-12-2025, not 2025-12-31
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", out)


def test_machine_outputs_keep_english_names_and_decimal_points(tmp_path: Path) -> None:
    for suffix in (".csv", ".json"):
        path = tmp_path / f"scores{suffix}"
        run("credits", EXAMPLE, "--out", path)  # Dutch is the default: files do not change
        frame = (pd.read_csv(path, dtype={"org_id": str}) if suffix == ".csv"
                 else pd.DataFrame(json.loads(path.read_text(encoding="utf-8"))))
        assert list(frame.columns)[:3] == ["org_id", "name", "year"]
        assert frame["total_pct"].dtype == float
    text = (tmp_path / "scores.csv").read_text(encoding="utf-8")
    assert re.search(r",\d+\.\d+,", text) and "€" not in text and ";" not in text.splitlines()[0]


# --- XLSX ------------------------------------------------------------------------------------------------
def test_xlsx_as_people_use_it(tmp_path: Path) -> None:
    book = tmp_path / "scores.xlsx"
    run("credits", EXAMPLE, "--out", book)
    wb = load_workbook(book)
    assert wb.sheetnames[-1] == "over"
    ws = wb[wb.sheetnames[0]]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["org-id", "naam", "jaar"] and "totaal" in header and "PSO 30+" in header
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert ws.column_dimensions["B"].width > 10  # sized to the names
    total = ws.cell(row=2, column=header.index("totaal") + 1)
    assert total.number_format == "0.00%" and 0 <= total.value <= 1  # a real percentage
    pso30 = ws.cell(row=2, column=header.index("PSO 30+") + 1)
    assert pso30.value in ("ja", "nee")
    about = {r[0].value: r[1].value for r in wb["over"].iter_rows()}
    assert about["PSO-regels versie"] == pso_chain.load_rules().version
    assert about["opdracht"].startswith("pso-chain") or about["opdracht"] == "pso-chain"
    assert "gemaakt op" in about


def test_xlsx_money_and_dates(tmp_path: Path) -> None:
    book = tmp_path / "s.xlsx"
    run("suppliers", EXAMPLE, "--on", "2025-06-01", "--out", book)
    ws = load_workbook(book)["leveranciers"]  # a Dutch workbook: Dutch sheet names
    header = [c.value for c in ws[1]]
    valid = ws.cell(row=4, column=header.index("geldig tot") + 1)
    assert valid.number_format == "dd-mm-yyyy"
    english = tmp_path / "e.xlsx"
    run("--lang", "en", "uplift", EXAMPLE, "--org", "90000006", "--out", english)
    ws = load_workbook(english)["uplift"]
    header = [c.value for c in ws[1]]
    assert ws.cell(row=2, column=header.index("extra_eur") + 1).number_format == '"€" #,##0.00'


def test_xlsx_user_text_is_text(tmp_path: Path) -> None:
    frame = pd.DataFrame({"org_id": ["1", "2", "3", "4", "5"],
                          "name": ["=1+1", "+31 6 123", "-minus", "@SUM(A1)", "bell\x07 name"]})
    path = write_xlsx({"t": frame}, tmp_path / "t.xlsx")
    ws = load_workbook(path)["t"]
    cells = [ws.cell(row=r, column=2) for r in range(2, 7)]
    assert [c.value for c in cells[:4]] == ["=1+1", "+31 6 123", "-minus", "@SUM(A1)"]
    assert all(c.data_type == "s" for c in cells)  # never a formula
    assert all(c.quotePrefix for c in cells[:4])
    assert cells[4].value == "bell\ufffd name"  # a control character Excel cannot hold


# --- narrow terminals --------------------------------------------------------------------------------------
def _rows_whole(out: str, values: list[str]) -> None:
    for value in values:
        assert value in out, value


@pytest.mark.parametrize("width", [80, 100, 120])
def test_tables_never_cut_or_split_a_value(width: int) -> None:
    network = pso_chain.load_example()
    scores = pso_chain.credits(network).head(30)
    shown = scores[["org_id", "name", "employees", "direct_pct", "indirect_counted_pct", "total_pct",
                    "trede", "cap_applied", "pso30plus"]]
    out = rendered(shown, width, keep=["org_id", "total_pct", "trede"])
    assert max(len(line) for line in out.splitlines()) <= width
    display = Display("nl")
    left_out = re.search(r"niet getoond bij deze breedte: ([^(]*)\(", out.replace("\n", " "))
    missing = {c.strip() for c in left_out.group(1).split(",")} if left_out else set()
    for col in shown.columns:
        if display.header(col) in missing:
            continue
        for value in display.column(shown, col):
            if col != "name":
                assert value in out, (col, value)  # whole, on one line
    for org_id, total, trede in zip(shown["org_id"], display.column(shown, "total_pct"),
                                    display.column(shown, "trede"), strict=True):
        line = next(line for line in out.splitlines() if line.startswith(org_id))
        assert total in line and trede in line.split()


def test_a_table_too_wide_for_any_column_set_becomes_records() -> None:
    frame = pd.DataFrame({"org_id": ["10000001"], "supplier_id": ["20000002"],
                          "amount_eur": [123456789.5], "total_pct": [12.5]})
    out = rendered(frame, 40, keep=list(frame.columns))
    assert "€ 123.456.789,50" in out and "20000002" in out and "leverancier-id" in out
    assert max(len(line) for line in out.splitlines()) <= 40


@pytest.mark.parametrize("width", [80, 100, 120])
def test_demo_and_credits_at_terminal_widths(width: int) -> None:
    demo = terminal("demo", columns=width)
    assert max(len(line) for line in demo.splitlines()) <= width
    for step in ("1. gecontroleerd", "3. verdeling", "4. het dichtst", "5. uitleg", "6. inkoper",
                 "7. leveranciers", "8. olievlek"):
        assert step in demo, step
    scores = pso_chain.credits(pso_chain.load_example()).sort_values(["total_pct", "org_id"],
                                                                    ascending=[False, True]).head(12)
    trede = Display("nl").column(scores, "trede")
    for org_id, value in zip(scores["org_id"], trede, strict=True):  # trede never vanishes
        line = next(line for line in demo.splitlines() if line.startswith(org_id))
        assert line.rstrip().endswith(value)
    credits = terminal("credits", EXAMPLE, columns=width)
    assert max(len(line) for line in credits.splitlines()) <= width
    assert "trede" in credits and ("PSO 30+" in credits or "niet getoond" in credits)


@pytest.mark.parametrize("width", [100, 120])
def test_uplift_keeps_every_amount_whole(width: int) -> None:
    out = terminal("uplift", EXAMPLE, "--org", "90000006", columns=width)
    plan = pso_chain.uplift(pso_chain.load_example(), "90000006")["uplift"]
    priced = plan[plan["reachable"] & plan["supplier_id"].notna()]
    for value in Display("nl").column(priced, "extra_eur"):
        assert value in out, value
    assert max(len(line) for line in out.splitlines()) <= width


# --- user text is never markup -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def markup_names(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("markup")
    write_tables(folder, [org("A", name="[/b] Bakkerij [bold]", employees=12, fte=10.0, target_fte=2.0),
                          org("B", name="[SW]/[/i]", sw=True, target_fte=30.0, revenue_eur=1_000_000.0)],
                 [buy("A", "B", 150_000.0)])
    return folder


def test_markup_in_names_is_printed_as_is(markup_names: Path) -> None:
    assert "[/b] Bakkerij [bold]" in run("credits", markup_names, env={"COLUMNS": "200"}).output
    assert "[SW]/[/i]" in run("explain", markup_names, "--org", "A", env={"COLUMNS": "200"}).output
    run("validate", markup_names)
    done = run("explain", markup_names, "--org", "[/b]", code=1)
    assert "[/b]" in done.output


def test_the_report_follows_the_chosen_language(tmp_path: Path) -> None:
    run("--lang", "en", "report", EXAMPLE, "--out", tmp_path / "en.html")
    assert "PSO and chain stimulation" in (tmp_path / "en.html").read_text(encoding="utf-8")
    run("report", EXAMPLE, "--out", tmp_path / "nl.html")
    assert "PSO en ketenstimulering" in (tmp_path / "nl.html").read_text(encoding="utf-8")
    run("--lang", "en", "report", EXAMPLE, "--lang", "nl", "--out", tmp_path / "own.html")  # its own wins
    assert "PSO en ketenstimulering" in (tmp_path / "own.html").read_text(encoding="utf-8")
