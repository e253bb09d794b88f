"""One error type for bad input, carrying file, row, column, value and reason.

Problems are kept as a DataFrame (columns :data:`PROBLEM_COLUMNS`) so that a national-scale
dataset with a million bad rows is reported without a Python object per row.
"""

from __future__ import annotations

from collections.abc import Callable
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


def coded(code: str, **params: object) -> str:
    """A reason or status as the engine states it: the code (``not_certified``) with its values
    (``certificate_expired: level=2; until=2025-06-30``). Machine outputs keep this; people read
    it in their language through :func:`pso_chain.messages.readable`. A value's ``;`` and ``=``
    become ``,`` and ``-`` (they separate the values).

    >>> coded("certificate_expired", level="2", until="2025-06-30", on="2025-09-01")
    'certificate_expired: level=2; until=2025-06-30; on=2025-09-01'
    """
    if not params:
        return code
    return f"{code}: " + "; ".join(f"{name}={str(value).replace(';', ',').replace('=', '-')}"
                                   for name, value in params.items())


_writers: dict[str, Callable[..., str]] = {}  # pso_chain.messages puts its writers here when imported


def use_writers(line: Callable[..., str], lines: Callable[..., str]) -> None:
    """Write problems with :func:`pso_chain.messages.problem_line` and ``problem_lines`` (the
    reader's language, codes in words): installed by that module, which reads its catalogue
    through modules that raise these errors and so cannot be imported here."""
    _writers.update(line=line, lines=lines)


def format_problem(file: str, row, column, value, reason: str, lang: str = "en") -> str:
    """One problem as ``file, row N, column C (value 'V'): reason`` in ``lang`` (a coded
    reason read in its words)."""
    if "line" in _writers:
        return _writers["line"](file, row, column, value, reason, lang)
    return f"{file}, row {row}, column {column} (value {value!r}): {reason}"  # while importing


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
        self.limit = limit
        super().__init__(self.describe("en"))

    def describe(self, lang: str) -> str:
        """The first problems, one per line, in ``lang`` (and how many more there are)."""
        if "lines" in _writers:
            return _writers["lines"](self.problems, lang, self.limit)
        return "\n".join(format_problem(r.file, r.row, r.column, r.value, r.reason)
                         for r in self.problems.head(self.limit).itertuples(index=False))


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
