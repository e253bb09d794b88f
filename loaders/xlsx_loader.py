"""Excel workbooks (.xlsx): the first sheet, header in row 1."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pso_chain.loaders.base import RawTable

from pso_chain.errors import Problem, PsoInputError


def read_xlsx_table(path: Path, id_columns: tuple[str, ...] = ()) -> RawTable:
    """Read the first sheet; cells keep Excel's types, empty cells become empty strings."""
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise PsoInputError(Problem(str(path), None, None, None, f"not a readable .xlsx: {exc}")) from None
    frame = frame.where(frame.notna(), "")
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    for col in id_columns:
        if col in frame.columns:
            frame[col] = frame[col].map(_id_text)
    return RawTable(name=path.stem, file=str(path), frame=frame)


def _id_text(value: object) -> str:
    """Excel stores KvK numbers as numbers: 12345678.0 -> '12345678'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
