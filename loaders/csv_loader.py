"""CSV as Dutch users produce it: comma or semicolon, UTF-8 (BOM or not) or cp1252."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pso_chain.loaders.base import RawTable

from pso_chain.errors import Problem, PsoInputError

ENCODINGS = ("utf-8-sig", "cp1252")


def sniff_separator(header: str) -> str:
    """The separator of a CSV header line: the most frequent of ``;``, ``,`` and tab."""
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _header_line(path: Path) -> tuple[str, str]:
    raw = path.open("rb").readline()
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise PsoInputError(Problem(str(path), 1, None, None, "header is neither UTF-8 nor cp1252"))


def read_csv_table(path: Path, id_columns: tuple[str, ...] = ()) -> RawTable:
    """Read a CSV file as strings; id columns as categoricals (cheap at national scale)."""
    header, _ = _header_line(path)
    sep = sniff_separator(header)
    last_error: Exception | None = None
    for encoding in ENCODINGS:
        try:
            frame = pd.read_csv(
                path, sep=sep, dtype=str, encoding=encoding, keep_default_na=False,
                na_filter=False, skipinitialspace=False, skip_blank_lines=False,
            )
            break
        except UnicodeDecodeError as exc:
            last_error = exc
        except pd.errors.ParserError as exc:
            raise PsoInputError(Problem(str(path), None, None, None, f"not valid CSV: {exc}")) from None
        except pd.errors.EmptyDataError:
            raise PsoInputError(Problem(str(path), 1, None, None, "file is empty")) from None
    else:
        raise PsoInputError(
            Problem(str(path), None, None, None, f"neither UTF-8 nor cp1252 text: {last_error}")
        )
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    frame = drop_trailing_empty_rows(frame)
    for col in id_columns:
        if col in frame.columns:
            frame[col] = frame[col].str.strip().astype("category")
    return RawTable(name=path.stem, file=str(path), frame=frame, decimal_comma=sep == ";")


def drop_trailing_empty_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Without the empty rows at the end of a file (blank lines, ``;;;`` from spreadsheets).

    Blank lines inside the file are kept as empty rows, so that every later row keeps the row
    number the user sees (and the empty row itself is reported, not dropped in silence).
    """
    end = len(frame)
    while end > 0 and all(str(v) == "" for v in frame.iloc[end - 1]):  # only the trailing rows
        end -= 1
    return frame.iloc[:end] if end < len(frame) else frame
