"""Vectorised parsing of raw columns into typed arrays, with masks of what could not be read.

Every function returns the parsed values plus a ``bad`` mask (present but unreadable) and a
``missing`` mask (empty), so that the caller can report each bad cell instead of dropping it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TRUE_WORDS = {"true", "waar", "ja", "j", "yes", "y", "1", "1.0", "t", "x"}
FALSE_WORDS = {"false", "onwaar", "nee", "n", "no", "0", "0.0", "f", ""}
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y")
NO_DAY = np.iinfo(np.int64).min
# A number with dots as thousands separators and an optional decimal comma: 1.234.567,89
THOUSANDS_DOTS = r"[-+]?\d{1,3}(?:\.\d{3})+(?:,\d*)?"


def text(series: pd.Series) -> pd.Series:
    """Strings, stripped, missing as ``""``."""
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        return series.fillna("").str.strip()
    out = series.astype(object).where(series.notna(), "")
    return out.astype(str).str.strip()


def to_number(series: pd.Series, decimal_comma: bool = False):
    """Floats from a column; returns ``(values, bad, missing)``.

    In a semicolon file numbers are read with decimal commas and dots as thousands separators,
    as Dutch spreadsheets write ``1.234,5`` and whole euros ``24.169``. There a dot that is not a
    thousands separator (``1.5`` beside ``1,5`` or ``24.169``) makes the value bad rather than
    silently 15; only a column with no comma and no thousands group keeps dots as decimal points.
    """
    if pd.api.types.is_bool_dtype(series.dtype):
        values = series.to_numpy(dtype=float)
        return values, np.zeros(len(values), bool), np.zeros(len(values), bool)
    if isinstance(series.dtype, np.dtype) and series.dtype.kind == "f":  # no copy of 10M floats
        values = series.to_numpy().astype(float, copy=False)
        return values, np.isinf(values), np.isnan(values)
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        missing = np.isnan(values)
        bad = ~missing & ~np.isfinite(values)
        return values, bad, missing
    raw = text(series)
    missing = (raw == "").to_numpy()
    cleaned = raw.str.replace("€", "", regex=False).str.replace(" ", "", regex=False)
    misplaced_dot = np.zeros(len(cleaned), dtype=bool)
    if decimal_comma:  # a dot is a thousands separator here (24.169 is 24,169 euros)
        dotted = cleaned.str.contains(".", regex=False).to_numpy(dtype=bool)
        if dotted.any():  # few rows: Dutch exports rarely write thousands separators
            grouped = np.zeros(len(cleaned), dtype=bool)
            grouped[dotted] = cleaned[dotted].str.fullmatch(THOUSANDS_DOTS).to_numpy(dtype=bool)
            # dots are decimal points only where nothing in the column reads as Dutch
            if grouped.any() or cleaned.str.contains(",", regex=False).any():
                misplaced_dot = dotted & ~grouped
                cleaned = cleaned.str.replace(".", "", regex=False)
        cleaned = cleaned.str.replace(",", ".", regex=False)
    values = np.array(
        pd.to_numeric(cleaned.where(~missing, None), errors="coerce"), dtype=float
    )
    bad = ~missing & (~np.isfinite(values) | misplaced_dot)
    values[bad] = np.nan
    return values, bad, missing


def to_bool(series: pd.Series, default: bool):
    """Booleans from true/false/ja/nee/1/0 (any case); empty is ``default``.

    Returns ``(values, bad)``.
    """
    if pd.api.types.is_bool_dtype(series.dtype) and not series.isna().any():
        return series.to_numpy(dtype=bool), np.zeros(len(series), bool)
    words = text(series).str.lower()
    is_true = words.isin(TRUE_WORDS).to_numpy()
    is_false = words.isin(FALSE_WORDS).to_numpy()
    empty = (words == "").to_numpy()
    values = np.where(empty, default, is_true)
    bad = ~is_true & ~is_false
    return values.astype(bool), bad


def to_date(series: pd.Series):
    """Dates (``datetime64[s]``, NaT when empty) from ISO or Dutch day-first text.

    Returns ``(values, bad, missing)``.
    """
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = pd.to_datetime(series).dt.tz_localize(None) if getattr(
            series.dt, "tz", None) else pd.to_datetime(series)
        missing = values.isna().to_numpy()
        return values.astype("datetime64[s]"), np.zeros(len(series), bool), missing
    if series.dtype == object:  # Excel date cells and Parquet dates, possibly mixed with text
        series = series.map(lambda v: v.isoformat()[:10] if hasattr(v, "isoformat") else v)
    raw = text(series)
    missing = (raw == "").to_numpy()
    values = pd.Series(pd.NaT, index=series.index, dtype="datetime64[s]")
    todo = ~missing
    for fmt in DATE_FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(raw[todo], format=fmt, errors="coerce")
        ok = parsed.notna().to_numpy()
        idx = np.flatnonzero(todo)[ok]
        values.iloc[idx] = parsed[ok].to_numpy().astype("datetime64[s]")
        todo[idx] = False
    return values, todo, missing


def to_days(values: pd.Series | np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 as int64; NaT becomes :data:`NO_DAY`."""
    arr = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    if not np.issubdtype(arr.dtype, np.datetime64):
        arr = np.asarray(values, dtype="datetime64[D]")
    unit, count = np.datetime_data(arr.dtype)
    one_day = np.timedelta64(1, "D").astype(f"timedelta64[{count}{unit}]")  # in the array's unit
    per_day = int(one_day.astype(np.int64)) if unit != "D" else 1
    raw = arr.view(np.int64)
    days = raw // per_day if per_day != 1 else raw.copy()
    days[np.isnat(arr)] = NO_DAY
    return days


def year_bounds(years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last day (as day numbers) of each year (a lookup over the distinct years)."""
    years = np.asarray(years, dtype=np.int64)
    if len(years) == 0:
        return years.copy(), years.copy()
    low, high = int(years.min()), int(years.max())
    if low == high:  # the usual case: one reference year
        first = np.datetime64(f"{low:04d}-01-01", "D").astype(np.int64) if low > 0 else None
        if first is not None:
            last = np.datetime64(f"{low + 1:04d}-01-01", "D").astype(np.int64) - 1
            shape = years.shape  # read-only views: no 10M-element arrays for one number
            return np.broadcast_to(first, shape), np.broadcast_to(last, shape)
    span = np.arange(low, high + 2, dtype=np.int64)
    starts = (span - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    offset = years - low
    return starts[offset], starts[offset + 1] - 1


def day_of(date) -> int:
    """Day number of one date-like value."""
    return int(np.datetime64(pd.Timestamp(date).date(), "D").astype(np.int64))


DATABASE_SCHEMES = ("bolt://", "neo4j://", "bolt+s://", "neo4j+s://", "bolt+ssc://", "neo4j+ssc://")


def is_database_uri(source: str | Path) -> bool:
    """A Neo4j URI (``bolt://``, ``neo4j://`` and their ``+s``/``+ssc`` variants), not a folder."""
    return str(source).startswith(DATABASE_SCHEMES)


# --- text cells a spreadsheet could run as a formula -----------------------------------------
# Every CSV the project writes is one a person may open in a spreadsheet, where a cell starting
# with = + - @ (or a tab or carriage return) runs as a formula. Such a text cell is written with
# a leading ' (what spreadsheets show as the text itself); the CSV reader takes it off again, so
# a dataset written by the project reads back as it was. A signed number ("-5", "+1,5") is a
# number, not a formula, and stays as it is.
FORMULA_PATTERN = r"^[=+\-@\t\r]"
SIGNED_NUMBER_PATTERN = r"^[+-]\d+(?:[.,]\d+)?$"
GUARDED_PATTERN = r"^'[=+\-@\t\r]"


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a leading ``'`` on every text cell a spreadsheet would run as a formula;
    the frame itself when there is none (no copy). Vectorised per text column.

    >>> names = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "-5", "'t Hoekje", "Bos"]})
    >>> spreadsheet_safe(names)["name"].tolist()
    ["'=cmd|' /C calc'!A0", '-5', "'t Hoekje", 'Bos']
    """
    out = frame
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = pd.Series(values.cat.categories.astype(str))
        elif not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
            continue
        text = values.astype("string")
        risky = text.str.contains(FORMULA_PATTERN, na=False) & ~text.str.fullmatch(
            SIGNED_NUMBER_PATTERN, na=False)
        if not risky.any():
            continue
        if out is frame:
            out = frame.copy()
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            out[column] = frame[column].cat.rename_categories(
                ("'" + text).where(risky, text).tolist())
        else:
            guarded = frame[column].astype(object).copy()
            guarded[risky.to_numpy()] = "'" + text[risky.to_numpy()].astype(object)
            out[column] = guarded
    return out


def without_formula_guard(values: pd.Series) -> pd.Series:
    """The inverse of :func:`spreadsheet_safe` for one column read from a CSV: a leading ``'``
    before = + - @ taken off (a name like "'t Hoekje" keeps its apostrophe)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = pd.Series(values.cat.categories.astype(str))
        guarded = categories.str.contains(GUARDED_PATTERN, na=False)
        if not guarded.any():
            return values
        return values.cat.rename_categories(categories.where(~guarded, categories.str[1:]).tolist())
    quoted = pc.starts_with(pa.array(values.astype(object).where(values.notna(), None),
                                     type=pa.string()), "'")
    if not pc.any(quoted).as_py():  # the common case, in C: no cell starts with a quote
        return values
    text = values.astype("string")
    guarded = text.str.contains(GUARDED_PATTERN, na=False)
    if not guarded.any():
        return values
    out = values.copy()
    out[guarded.to_numpy()] = text[guarded.to_numpy()].str[1:].astype(object)
    return out
