"""The validation report: every problem found, errors and warnings, with where and why.

Checks are vectorised: a boolean mask over a table's rows becomes a block of problems (file, row
as the user sees it, column, value, reason) in a :class:`Collector`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pso_chain.errors import PROBLEM_COLUMNS, Problem, PsoInputError, problems_frame
from pso_chain.loaders import RawTable
from pso_chain.parsing import spreadsheet_safe


@dataclass
class ValidationReport:
    """Every problem found, errors and warnings, with where and why."""

    problems: pd.DataFrame = field(default_factory=problems_frame)
    raw: dict[str, RawTable] = field(default_factory=dict)

    @property
    def errors(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "error"]

    @property
    def warnings(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "warning"]

    @property
    def ok(self) -> bool:
        return self.errors.empty

    def raise_for_errors(self) -> None:
        """Stop with a :class:`PsoInputError` listing the errors, if there are any."""
        if not self.ok:
            raise PsoInputError(self.errors.reset_index(drop=True))

    def rejected_rows(self) -> pd.DataFrame:
        """Every row with an error, with its reasons and its original values (as ``col=value``)."""
        errors = self.errors
        if errors.empty:
            return pd.DataFrame(columns=[*PROBLEM_COLUMNS, "record"])
        parts = []
        row = errors["row"].fillna(0).to_numpy(dtype=np.int64)
        in_data = np.zeros(len(errors), dtype=bool)
        for table in self.raw.values():
            of_row = (errors["file"] == table.file).to_numpy() & (row >= table.first_data_row)
            in_data |= of_row
            mine = errors[of_row]
            if mine.empty:
                continue
            positions = mine["row"].to_numpy(dtype=np.int64) - table.first_data_row
            frame = table.frame.iloc[positions]
            records = [
                "; ".join(f"{k}={v}" for k, v in zip(frame.columns, values, strict=True))
                for values in frame.astype(str).itertuples(index=False, name=None)
            ]
            parts.append(mine.assign(record=records))
        # problems of a whole file or of its header (a missing column) have no data record
        whole_file = errors[~in_data].assign(record="")
        return pd.concat([*parts, whole_file], ignore_index=True)

    def write_quarantine(self, path: str | Path) -> int:
        """Write rejected rows with their reasons (CSV); returns how many problem rows."""
        rejected = self.rejected_rows()
        spreadsheet_safe(rejected).to_csv(path, index=False)  # people open it in a spreadsheet
        return len(rejected)



TABLE_ORDER = ("organisations", "purchases", "employees_records", "certifications")


def _table_rank(file: str) -> int:
    """Organisations first: problems in the other tables often follow from it."""
    stem = Path(file).stem
    return TABLE_ORDER.index(stem) if stem in TABLE_ORDER else len(TABLE_ORDER)


class Collector:
    """Collects blocks of problems from boolean masks."""

    def __init__(self) -> None:
        self.blocks: list[pd.DataFrame] = []

    def add(self, table: RawTable, mask, column: str | None, values, reason: str,
            severity: str = "error") -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        idx = np.flatnonzero(mask)
        if callable(values):  # columns converted only when a problem is found in them
            values = values()
        if values is None:
            shown = [""] * len(idx)
        else:
            shown = pd.Series(values).iloc[idx].astype(str).to_numpy()
        self.blocks.append(pd.DataFrame({
            "severity": severity, "file": table.file,
            "row": pd.array(idx + table.first_data_row, dtype="Int64"),
            "column": column, "value": shown, "reason": reason,
        }))

    def add_one(self, problem: Problem) -> None:
        self.blocks.append(problems_frame([problem]))

    def frame(self) -> pd.DataFrame:
        if not self.blocks:
            return problems_frame()
        out = pd.concat(self.blocks, ignore_index=True)
        # causes before consequences: errors first, then whole-file and header problems (no row,
        # or the header row), organisations before the tables that refer to it, then by row
        cause = out["row"].isna() | (pd.to_numeric(out["row"], errors="coerce") <= 1)
        table = out["file"].astype(str).map(_table_rank)
        order = np.lexsort((pd.to_numeric(out["row"], errors="coerce").fillna(-1).to_numpy(),
                            out["file"].astype(str).to_numpy(), table.to_numpy(),
                            ~cause.to_numpy(), out["severity"].map({"error": 0, "warning": 1})
                            .fillna(2).to_numpy()))
        return out.iloc[order].reset_index(drop=True)


    def extend(self, problems: pd.DataFrame) -> None:
        """Add an already-built block of problems."""
        if len(problems):
            self.blocks.append(problems)
