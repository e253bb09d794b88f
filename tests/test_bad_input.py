"""One test per bad-input class, each through the command line.

Every class must give exit code 1 from ``credits`` (and ``validate``, and ``explain``) with a
message naming the file, the row as the user sees it (header is row 1, first data row is row 2),
the column and the reason. ``validate --quarantine`` writes every rejected row with its reason;
warnings are shown but not fatal; usage errors exit 2.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pso_chain.cli import app
from tests.datasets import buy, org, write_tables

RECORD_COLUMNS = ["org_id", "person_id", "start_position", "contract_type", "hours_per_week",
                  "fulltime_hours", "months"]
CERT_COLUMNS = ["org_id", "level", "valid_from", "valid_until"]


def base_tables() -> dict[str, list]:
    """A small valid dataset: A buys from SW-bedrijf B and certified C; D buys from C.

    organisations rows: A=2, B=3, C=4, D=5; purchases rows 2..4; records rows 2..3;
    certifications row 2.
    """
    return {
        "organisations": [
            org("A", fte=10.0, target_fte=""),
            org("B", sw=True, target_fte=8.0, revenue_eur=900_000.0),
            org("C", target_fte=2.0, revenue_eur=1_500_000.0, pso_level="1",
                pso_valid_from="2024-01-01", pso_valid_until="2026-06-30"),
            org("D", target_fte=0.5),
        ],
        "purchases": [buy("A", "B", 10_000.0), buy("A", "C", 20_000.0, date="2025-03-01"),
                      buy("D", "C", 5_000.0)],
        "employees_records": [["A", "p1", "pw", "regular", 40, 40, 12],
                              ["A", "p2", "bbl1", "flex", 20, 40, 6]],
        "certifications": [["C", "1", "2024-01-01", "2026-06-30"]],
    }


def write(folder: Path, tables: dict[str, list]) -> Path:
    return write_tables(
        folder, tables["organisations"], tables["purchases"],
        employees_records=pd.DataFrame(tables["employees_records"], columns=RECORD_COLUMNS),
        certifications=pd.DataFrame(tables["certifications"], columns=CERT_COLUMNS),
    )


def run(*args, lang: str = "en") -> object:
    """The CLI in ``lang``: English here, where the messages are compared with the engine's
    English reasons; the Dutch default is checked by ``test_bad_input_in_dutch``."""
    return CliRunner().invoke(app, ["--lang", lang, *(str(a) for a in args)])


def where(file: str, row: int, column: str, lang: str = "en") -> str:
    """How a message names a cell: ``<folder>/organisations.csv, row 3, column fte`` (English),
    ``..., rij 3, kolom fte`` (Dutch)."""
    if lang == "nl":
        return f"{file}, rij {row}, kolom {column}"
    return f"{file}, row {row}, column {column}"


# --- every bad-input class: (mutation, file, row, column, reason) -------------------------------
def _set(table: str, index: int, **changes) -> Callable[[dict], None]:
    def mutate(tables: dict) -> None:
        tables[table][index].update(changes)
    return mutate


def _append(table: str, row) -> Callable[[dict], None]:
    def mutate(tables: dict) -> None:
        tables[table].append(row)
    return mutate


def _cell(table: str, index: int, position: int, value) -> Callable[[dict], None]:
    def mutate(tables: dict) -> None:
        tables[table][index][position] = value
    return mutate


CASES = [
    pytest.param(_append("organisations", org("B", sw=True, revenue_eur=1.0)),
                 "organisations.csv", 6, "org_id", "duplicate org_id", id="duplicate-org_id"),
    pytest.param(_append("purchases", buy("X", "B", 100.0)),
                 "purchases.csv", 5, "buyer_id", "unknown organisation", id="unknown-buyer"),
    pytest.param(_append("purchases", buy("A", "Y", 100.0)),
                 "purchases.csv", 5, "supplier_id", "unknown organisation", id="unknown-supplier"),
    pytest.param(_set("organisations", 3, fte=0),
                 "organisations.csv", 5, "fte", "must be > 0", id="fte-zero"),
    pytest.param(_set("organisations", 1, fte=-3.5),
                 "organisations.csv", 3, "fte", "must be > 0", id="fte-negative"),
    pytest.param(_set("purchases", 1, amount_eur=0),
                 "purchases.csv", 3, "amount_eur", "must be > 0", id="amount-zero"),
    pytest.param(_set("purchases", 2, amount_eur=-250.0),
                 "purchases.csv", 4, "amount_eur", "must be > 0", id="amount-negative"),
    pytest.param(_set("organisations", 1, revenue_eur=""),
                 "organisations.csv", 3, "revenue_eur", "eligible supplier", id="revenue-missing-sw"),
    pytest.param(_set("organisations", 2, revenue_eur=""),
                 "organisations.csv", 4, "revenue_eur", "eligible supplier",
                 id="revenue-missing-certified"),
    pytest.param(_cell("employees_records", 1, 2, "bijstand"),
                 "employees_records.csv", 3, "start_position", "unknown code", id="unknown-start-position"),
    pytest.param(_cell("employees_records", 0, 3, "zzp"),
                 "employees_records.csv", 2, "contract_type", "unknown code", id="unknown-contract-type"),
    pytest.param(_set("purchases", 1, date="2025-02-30"),
                 "purchases.csv", 3, "date", "not a date", id="bad-purchase-date"),
    pytest.param(_set("organisations", 2, pso_valid_from="begin 2024"),
                 "organisations.csv", 4, "pso_valid_from", "not a date", id="bad-org-date"),
    pytest.param(_cell("certifications", 0, 3, "30/30/2026"),
                 "certifications.csv", 2, "valid_until", "not a date", id="bad-certificate-date"),
    pytest.param(_set("organisations", 0, fte="tien"),
                 "organisations.csv", 2, "fte", "not a number", id="bad-number-fte"),
    pytest.param(_set("purchases", 0, amount_eur="12k"),
                 "purchases.csv", 2, "amount_eur", "not a number", id="bad-number-amount"),
    pytest.param(_set("organisations", 1, revenue_eur="veel"),
                 "organisations.csv", 3, "revenue_eur", "not a number", id="bad-number-revenue"),
    pytest.param(_set("organisations", 3, employees="12.5"),
                 "organisations.csv", 5, "employees", "whole number", id="bad-number-employees"),
    pytest.param(_cell("employees_records", 0, 4, "veertig"),
                 "employees_records.csv", 2, "hours_per_week", "not a number", id="bad-number-hours"),
    pytest.param(_set("organisations", 2, pso_level="4"),
                 "organisations.csv", 4, "pso_level", "pso_level must be", id="pso-level-outside"),
    pytest.param(_cell("certifications", 0, 1, "gold"),
                 "certifications.csv", 2, "level", "level must be", id="certificate-level-outside"),
    pytest.param(_set("organisations", 2, pso_valid_from="2025-01-01", pso_valid_until="2024-12-31"),
                 "organisations.csv", 4, "pso_valid_until", "before", id="org-valid-until-before-from"),
    pytest.param(_cell("certifications", 0, 2, "2027-01-01"),
                 "certifications.csv", 2, "valid_until", "before", id="cert-valid-until-before-from"),
    pytest.param(_append("employees_records", ["Q", "p9", "pw", "regular", 40, 40, 12]),
                 "employees_records.csv", 4, "org_id", "unknown organisation", id="records-unknown-org"),
    pytest.param(_set("organisations", 3, target_fte=""),
                 "organisations.csv", 5, "target_fte", "empty", id="target-fte-missing"),
]


@pytest.mark.parametrize(("mutate", "file", "row", "column", "reason"), CASES)
def test_bad_input_class_exits_1_naming_file_row_column(tmp_path: Path, mutate, file: str, row: int,
                                                        column: str, reason: str) -> None:
    tables = base_tables()
    mutate(tables)
    folder = write(tmp_path, tables)
    for command in (["credits", folder], ["validate", folder], ["explain", folder, "--org", "A"]):
        result = run(*command)
        assert result.exit_code == 1, (command[0], result.output)
        message = result.stderr
        assert where(f"{folder}/{file}", row, column) in message, (command[0], message)
        assert reason in message, (command[0], message)


FORMAT_CASES = [c for c in CASES if c.id in {
    "duplicate-org_id", "unknown-buyer", "unknown-supplier", "fte-zero", "amount-negative",
    "revenue-missing-sw", "unknown-contract-type", "bad-purchase-date", "bad-number-amount",
    "pso-level-outside", "cert-valid-until-before-from", "records-unknown-org"}]


@pytest.mark.parametrize(("mutate", "file", "row", "column", "reason"), CASES)
def test_bad_input_in_dutch(tmp_path: Path, mutate, file: str, row: int, column: str,
                            reason: str) -> None:
    """The default language: the same problem named as ``rij N, kolom C`` with the reason in
    Dutch (the English reason nowhere in the message)."""
    tables = base_tables()
    mutate(tables)
    folder = write(tmp_path, tables)
    result = run("validate", folder, lang="nl")
    assert result.exit_code == 1, result.output
    message = result.output + result.stderr
    assert where(f"{folder}/{file}", row, column, "nl") in message, message
    assert reason not in message, message


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
@pytest.mark.parametrize(("mutate", "file", "row", "column", "reason"), FORMAT_CASES)
def test_bad_input_in_parquet_and_xlsx(tmp_path: Path, fmt: str, mutate, file: str, row: int,
                                       column: str, reason: str) -> None:
    """The same problems in Parquet and Excel files: the same rows (header is row 1)."""
    tables = base_tables()
    mutate(tables)
    folder = write_tables(
        tmp_path, pd.DataFrame(tables["organisations"]).astype({"org_id": str}),
        pd.DataFrame(tables["purchases"]),
        employees_records=pd.DataFrame(tables["employees_records"], columns=RECORD_COLUMNS),
        certifications=pd.DataFrame(tables["certifications"], columns=CERT_COLUMNS), fmt=fmt)
    result = run("credits", folder)
    assert result.exit_code == 1, result.output
    name = file.replace(".csv", f".{fmt}")
    assert where(f"{folder}/{name}", row, column) in result.stderr, result.stderr
    assert reason in result.stderr


def test_valid_base_dataset_passes(tmp_path: Path) -> None:
    """The base of every case above is itself valid (so each case tests exactly one problem)."""
    folder = write(tmp_path, base_tables())
    assert run("validate", folder).exit_code == 0
    result = run("credits", folder)
    assert result.exit_code == 0 and "warning" not in result.stderr


def test_missing_required_column(tmp_path: Path) -> None:
    tables = base_tables()
    for row in tables["purchases"]:
        del row["amount_eur"]
    folder = write(tmp_path, tables)
    for command in ("credits", "validate"):
        result = run(command, folder)
        assert result.exit_code == 1
        assert where(f"{folder}/purchases.csv", 1, "amount_eur") in result.stderr
        assert "required column missing" in result.stderr


def test_missing_required_column_of_organisations(tmp_path: Path) -> None:
    tables = base_tables()
    for row in tables["organisations"]:
        del row["fte"]
    folder = write(tmp_path, tables)
    result = run("credits", folder)
    assert result.exit_code == 1
    assert where(f"{folder}/organisations.csv", 1, "fte") in result.stderr


@pytest.mark.parametrize("table", ["organisations", "purchases"])
def test_missing_required_table(tmp_path: Path, table: str) -> None:
    folder = write(tmp_path, base_tables())
    (folder / f"{table}.csv").unlink()
    for command in ("credits", "validate"):
        result = run(command, folder)
        assert result.exit_code == 1
        assert f"{folder}/{table}.csv" in result.stderr
        assert f"required table {table} not found" in result.stderr


def test_missing_dataset_folder(tmp_path: Path) -> None:
    result = run("credits", tmp_path / "nowhere")
    assert result.exit_code == 1 and "dataset folder not found" in result.stderr


def test_optional_tables_may_be_absent(tmp_path: Path) -> None:
    tables = base_tables()
    tables["organisations"][0]["target_fte"] = 1.2
    folder = write_tables(tmp_path, tables["organisations"], tables["purchases"])
    assert run("credits", folder).exit_code == 0


def test_message_carries_the_value(tmp_path: Path) -> None:
    tables = base_tables()
    tables["organisations"][0]["fte"] = "tien"
    folder = write(tmp_path, tables)
    assert "(value 'tien')" in run("credits", folder).stderr


def test_every_problem_is_listed_not_only_the_first(tmp_path: Path) -> None:
    tables = base_tables()
    tables["purchases"][0]["amount_eur"] = -1
    tables["purchases"].append(buy("A", "Z", 5.0))
    tables["organisations"][3]["fte"] = 0
    folder = write(tmp_path, tables)
    err = run("credits", folder).stderr
    assert where(f"{folder}/purchases.csv", 2, "amount_eur") in err
    assert where(f"{folder}/purchases.csv", 5, "supplier_id") in err
    assert where(f"{folder}/organisations.csv", 5, "fte") in err


# --- quarantine -----------------------------------------------------------------------------------
def test_validate_quarantine_writes_every_rejected_row_with_its_reason(tmp_path: Path) -> None:
    tables = base_tables()
    tables["organisations"].append(org("A", fte=5.0))                       # org row 6: duplicate
    tables["organisations"][3]["fte"] = 0                                   # org row 5: fte
    tables["purchases"][1]["amount_eur"] = "-20"                            # purchases row 3
    tables["purchases"].append(buy("A", "NOPE", 1.0, date="31-12-2025"))    # purchases row 5
    tables["employees_records"][1][3] = "zzp"                               # records row 3
    tables["certifications"][0][2] = "2026-07-01"                           # cert row 2: until < from
    folder = write(tmp_path / "data", tables)
    quarantine = tmp_path / "rejected.csv"
    result = run("validate", folder, "--quarantine", quarantine)
    assert result.exit_code == 1
    with quarantine.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    got = {(Path(r["file"]).name, int(r["row"]), r["column"]): r for r in rows}
    expected = {
        ("organisations.csv", 6, "org_id"): ("duplicate_org_id", "org_id=A"),  # codes: a CSV file
        ("organisations.csv", 5, "fte"): ("must_be_positive", "org_id=D"),
        ("purchases.csv", 3, "amount_eur"): ("must_be_positive", "amount_eur=-20"),
        ("purchases.csv", 5, "supplier_id"): ("unknown_organisation", "supplier_id=NOPE"),
        ("employees_records.csv", 3, "contract_type"): ("unknown_weight_code", "person_id=p2"),
        ("certifications.csv", 2, "valid_until"): ("end_before_start", "valid_from=2026-07-01"),
    }
    assert set(got) == set(expected)
    for key, (reason, record) in expected.items():
        assert reason in got[key]["reason"], key
        assert record in got[key]["record"], key
        assert got[key]["severity"] == "error"


def test_quarantine_header_problem_has_no_data_record(tmp_path: Path) -> None:
    """A missing column is a problem of the header (row 1), not of any data row."""
    tables = base_tables()
    for row in tables["purchases"]:
        del row["year"]
        row["date"] = "2025-05-05"
    folder = write(tmp_path / "data", tables)
    quarantine = tmp_path / "q.csv"
    assert run("validate", folder, "--quarantine", quarantine).exit_code == 1
    rows = pd.read_csv(quarantine, keep_default_na=False)
    header = rows[rows["row"] == 1]
    assert header["column"].tolist() == ["year"]
    assert header["record"].tolist() == [""]


def test_quarantine_is_empty_for_a_valid_dataset(tmp_path: Path) -> None:
    folder = write(tmp_path / "data", base_tables())
    quarantine = tmp_path / "q.csv"
    assert run("validate", folder, "--quarantine", quarantine).exit_code == 0
    assert pd.read_csv(quarantine).empty


# --- warnings are shown, not fatal ------------------------------------------------------------------
def test_target_fte_disagreeing_with_records_is_a_warning(tmp_path: Path) -> None:
    tables = base_tables()
    tables["organisations"][0]["target_fte"] = 7.0  # records give 1.0 + 0.5*0.9*0.5*0.5 = 1.1125
    folder = write(tmp_path, tables)
    result = run("validate", folder, lang="nl")
    assert result.exit_code == 0, result.output
    assert "waarschuwing" in result.output and "target_fte" in result.output
    credits = run("credits", folder, "--out", tmp_path / "c.csv", lang="nl")
    assert credits.exit_code == 0
    assert "waarschuwing" in credits.stderr  # Dutch by default
    assert where(f"{folder}/organisations.csv", 2, "target_fte", "nl") in credits.stderr
    assert "wijkt af van de som van employees_records" in credits.stderr
    scores = pd.read_csv(tmp_path / "c.csv").set_index("org_id")
    assert scores.at["A", "target_fte"] == pytest.approx(1.1125)  # the records win


def test_missing_revenue_of_a_non_eligible_supplier_is_only_a_warning(tmp_path: Path) -> None:
    tables = base_tables()
    tables["organisations"][3]["revenue_eur"] = ""
    tables["purchases"].append(buy("A", "D", 1_000.0))
    folder = write(tmp_path, tables)
    result = run("credits", folder, lang="nl")
    assert result.exit_code == 0
    assert "waarschuwing" in result.stderr and "revenue_eur is leeg" in result.stderr


# --- usage errors exit 2 ------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ["credits"],
    ["credits", "{folder}", "--year", "vorig jaar"],
    ["credits", "{folder}", "--no-such-option"],
    ["explain", "{folder}"],
    ["credits", "{folder}", "--rules", "{folder}/missing.toml"],
    ["no-such-command"],
])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    folder = write(tmp_path, base_tables())
    result = run(*[a.format(folder=folder) for a in args])
    assert result.exit_code == 2, result.output
