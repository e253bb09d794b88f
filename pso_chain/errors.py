"""One error type for bad input, carrying file, row, column, value and reason.

Problems are kept as a DataFrame (columns :data:`PROBLEM_COLUMNS`) so that a national-scale
dataset with a million bad rows is reported without a Python object per row.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

PROBLEM_COLUMNS = ["severity", "file", "row", "column", "value", "reason"]


@dataclass(frozen=True)
class Problem:
    """One bad cell or row: where it is (file, row as the user sees it, column) and why."""

    file: str
    row: int | None
    column: str | None
    value: object
    reason: str
    severity: str = "error"

    def __str__(self) -> str:
        return format_problem(self.file, self.row, self.column, self.value, self.reason)


def format_problem(file: str, row, column, value, reason: str) -> str:
    """Render one problem as ``file, row N, column C (value 'V'): reason``."""
    parts = [str(file)]
    if row is not None and not pd.isna(row):
        parts.append(f"row {int(row)}")
    if column:
        parts.append(f"column {column}")
    where = ", ".join(parts)
    if value is not None and not (isinstance(value, float) and pd.isna(value)) and value != "":
        where += f" (value {str(value)!r})"
    return f"{where}: {reason}"


class PsoInputError(Exception):
    """Bad input: the run stops because a result would otherwise be wrong.

    ``problems`` is a DataFrame with :data:`PROBLEM_COLUMNS`; the message lists the first few.
    """

    def __init__(self, problems: pd.DataFrame | list[Problem] | Problem, limit: int = 20):
        if isinstance(problems, Problem):
            problems = [problems]
        if isinstance(problems, list):
            problems = problems_frame(problems)
        self.problems = problems
        lines = [
            format_problem(r.file, r.row, r.column, r.value, r.reason)
            for r in problems.head(limit).itertuples(index=False)
        ]
        more = len(problems) - len(lines)
        if more > 0:
            lines.append(f"... and {more} more problem(s); run `pso-chain validate` for all")
        super().__init__("\n".join(lines))


class RulesError(PsoInputError):
    """A malformed rules file."""


def problems_frame(problems: list[Problem] | None = None) -> pd.DataFrame:
    """A problems DataFrame from a list of :class:`Problem` (empty frame when none)."""
    rows = [
        (p.severity, p.file, p.row, p.column, p.value, p.reason) for p in (problems or [])
    ]
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    return frame
