"""Every CSV the project writes is formula-safe, and reads back as it was (issue 20, acceptance 4).

A person opens CSV in a spreadsheet, where a cell starting with = + - @ runs as a formula; the
writers put a ``'`` before such text and the CSV reader takes it off again.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

import pso_chain
from pso_chain.core.loading import load_network
from pso_chain.generate.write import write_dataset
from pso_chain.parsing import spreadsheet_safe, without_formula_guard

HOSTILE = ["=cmd|' /C calc'!A0", "@SUM(A1:A9)", "+31 6 1234", "-1+1", "=HYPERLINK(\"x\")",
           "'t Hoekje", "-Min B.V."]
RISKY = ("=", "+", "-", "@", "\t", "\r")


def _cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def _risky(cell: str) -> bool:
    """A cell a spreadsheet would run: starts with a formula sign and is not a plain number."""
    try:
        float(cell.replace(",", "."))
        return False
    except ValueError:
        return cell.startswith(RISKY)


@given(st.lists(st.text(min_size=0, max_size=12), min_size=1, max_size=20))
def test_the_guard_reads_back_as_written(texts):
    frame = pd.DataFrame({"name": texts})
    safe = spreadsheet_safe(frame)["name"]
    assert not any(_risky(v) for v in safe)
    assert without_formula_guard(safe).tolist() == texts or any(t.startswith("'") for t in texts)


def test_a_dataset_with_hostile_names_is_written_safe_and_reads_back(tmp_path):
    example = pso_chain.example_path()
    tables = {name: pd.read_csv(example / f"{name}.csv", dtype=str, keep_default_na=False)
              for name in ("organisations", "purchases", "employees_records", "certifications")}
    orgs = tables["organisations"]
    orgs.loc[: len(HOSTILE) - 1, "name"] = HOSTILE
    orgs.loc[: len(HOSTILE) - 1, "municipality"] = "=1+1"
    folder = tmp_path / "data"
    write_dataset(tables, folder, fmt="csv")
    for path in folder.glob("*.csv"):
        assert not [c for c in _cells(path) if _risky(c)], path.name
    network = load_network(folder)
    names = network.organisations["name"].tolist()
    assert names[: len(HOSTILE)] == HOSTILE
    assert (network.organisations["municipality"].iloc[: len(HOSTILE)] == "=1+1").all()
    assert pso_chain.credits(network).equals(pso_chain.credits(load_network(example)).assign(
        name=names))


def test_credits_out_csv_and_quarantine_are_safe(tmp_path):
    from typer.testing import CliRunner

    from pso_chain.cli import app

    folder = tmp_path / "data"
    shutil.copytree(pso_chain.example_path(), folder)
    orgs = pd.read_csv(folder / "organisations.csv", dtype=str, keep_default_na=False)
    orgs.loc[0, "name"] = "=cmd|' /C calc'!A0"
    orgs.loc[1, "fte"] = "=0"  # bad input: quarantined with its row
    orgs.to_csv(folder / "organisations.csv", index=False)
    out, quarantine = tmp_path / "credits.csv", tmp_path / "rejected.csv"
    runner = CliRunner()
    runner.invoke(app, ["validate", str(folder), "--quarantine", str(quarantine)])
    assert quarantine.exists() and not [c for c in _cells(quarantine) if _risky(c)]
    orgs.loc[1, "fte"] = "1"
    orgs.to_csv(folder / "organisations.csv", index=False)
    result = runner.invoke(app, ["credits", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not [c for c in _cells(out) if _risky(c)]
    assert "'=cmd|' /C calc'!A0" in _cells(out)
