"""Writers: a readable table on the terminal, or a file chosen by its extension.

``.csv`` is the machine format (comma, UTF-8, decimal point); ``.xlsx`` is for Excel users
(bold frozen header, autofilter, number formats, sized columns); ``.parquet`` and ``.json``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from pso_chain.errors import Problem, PsoInputError

FORMATS = (".csv", ".parquet", ".xlsx", ".json")


def terminal_console() -> Console:
    """The console for results: the terminal's width, or a wide page when piped to a file
    (rich's 80-column default would crop tables)."""
    chosen = sys.stdout.isatty() or "COLUMNS" in os.environ  # rich reads COLUMNS itself
    return Console(width=None if chosen else 160)


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise PsoInputError(Problem(str(path), None, None, None,
                                    f"unknown output format (use {', '.join(FORMATS)})"))
    return suffix


def write_table(frame: pd.DataFrame, path: str | Path, sheet: str = "pso-chain") -> Path:
    """Write ``frame`` to ``path``; the format follows the extension."""
    path = Path(path)
    suffix = _check_suffix(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        frame.to_csv(path, index=False, encoding="utf-8")
    elif suffix == ".parquet":
        frame.to_parquet(path, index=False)
    elif suffix == ".json":
        lines = (json_text(r) for r in records_of(frame))
        path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    else:
        write_xlsx({sheet: frame}, path)
    return path


def write_json(obj, path: str | Path) -> Path:
    """Write a nested result (e.g. ``explain``) as JSON (numpy and dates converted)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json_text(obj, indent=2), encoding="utf-8")
    return path


def json_text(obj, indent: int | None = None) -> str:
    """JSON of a result (numpy numbers, dates and missing values converted): the one
    serialisation the CLI's ``--out x.json`` files and the web API share.

    With ``indent``, long lists (an explanation's 50,000 purchases) get one compact item per
    line: Python's indenting encoder is pure Python (seconds there), the compact one is C.
    """
    if indent is None:
        return json.dumps(obj, default=_jsonable, ensure_ascii=False)
    return _indented(obj, " " * indent, "")


_LONG_LIST = 50


def _indented(obj, step: str, pad: str) -> str:
    inner = pad + step
    if isinstance(obj, dict) and obj:
        items = (f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_indented(v, step, inner)}"
                 for k, v in obj.items())
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list | tuple) and obj:
        if len(obj) > _LONG_LIST:
            items = (inner + json.dumps(v, default=_jsonable, ensure_ascii=False) for v in obj)
        else:
            items = (inner + _indented(v, step, inner) for v in obj)
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(obj, default=_jsonable, ensure_ascii=False)


def records_of(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with missing values as None; floats keep every digit in JSON (pandas'
    ``to_json`` rounds to 10 decimals, and the contract says files are unrounded)."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


def _jsonable(value):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, pd.Timestamp | np.datetime64):
        return str(pd.Timestamp(value).date())
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def write_xlsx(sheets: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """An Excel workbook a purchasing officer can open directly: one formatted sheet each."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe = name[:31]
            clean = frame.copy()
            for col in clean.columns:
                if isinstance(clean[col].dtype, pd.DatetimeTZDtype):
                    clean[col] = clean[col].dt.tz_localize(None)
            clean.to_excel(writer, sheet_name=safe, index=False)
            ws = writer.sheets[safe]
            ws.freeze_panes = "A2"
            ws.auto_filter.ref = ws.dimensions
            fill = PatternFill("solid", fgColor="1F4E78")
            for cell in ws[1]:
                cell.font = Font(bold=True, color="FFFFFF")
                cell.fill = fill
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            for idx, col in enumerate(clean.columns, start=1):
                letter = get_column_letter(idx)
                fmt = _excel_format(col, clean[col])
                if fmt:
                    for cell in ws[letter][1:]:
                        cell.number_format = fmt
                width = max([len(str(col))] + [len(str(v)) for v in clean[col].head(200)])
                ws.column_dimensions[letter].width = min(max(10, width + 2), 50)
    return path


def _excel_format(name: str, series: pd.Series) -> str | None:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return "yyyy-mm-dd"
    if pd.api.types.is_bool_dtype(series.dtype) or not pd.api.types.is_numeric_dtype(series.dtype):
        return None
    if name.endswith("_eur") or name in ("price", "fee", "fictitious_price"):
        return "#,##0.00"
    if name.endswith("_pct") or name.startswith("norm_"):
        return "0.00"
    if pd.api.types.is_integer_dtype(series.dtype) or name == "year":
        return "0"
    return "0.0000"


def _cell(value, col: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating):
        if col.endswith("_eur") or col in ("price", "fictitious_price"):
            return f"{value:,.0f}"
        return f"{value:.2f}" if col.endswith("_pct") or col.startswith("norm_") else f"{value:.4g}"
    if isinstance(value, pd.Timestamp):
        return str(value.date())
    return str(value)


def render_table(frame: pd.DataFrame, title: str | None = None, console: Console | None = None,
                 max_rows: int = 40) -> None:
    """Print a readable table (the first ``max_rows`` rows, with a count of the rest)."""
    console = console or terminal_console()
    table = Table(title=title, show_lines=False, header_style="bold cyan")
    shown = frame.head(max_rows)
    for col in frame.columns:
        dtype = frame[col].dtype
        widest = max([0] + [len(_cell(v, str(col))) for v in shown[col]])
        numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        name = str(col)
        if numeric or name.endswith("_id") or pd.api.types.is_bool_dtype(dtype):
            # ids and numbers stay on one line: a wrapped number is misread
            table.add_column(name, justify="right" if numeric else "left", no_wrap=True,
                             min_width=widest, overflow="fold")
        elif name in ("name", "supplier_name", "buyer_name") or name.endswith("_name"):
            table.add_column(name, max_width=28, no_wrap=True, overflow="ellipsis")
        else:
            table.add_column(name, overflow="fold")
    for row in shown.itertuples(index=False, name=None):
        table.add_row(*(_cell(v, c) for v, c in zip(row, frame.columns, strict=True)))
    console.print(table)
    if len(frame) > max_rows:
        console.print(f"[dim]... {len(frame) - max_rows} more rows; use --out FILE for all[/dim]")


def emit(frame: pd.DataFrame, out: str | Path | None, title: str | None = None,
         console: Console | None = None, max_rows: int = 40) -> None:
    """Write to ``out`` when given, else render on the terminal."""
    console = console or terminal_console()
    if out:
        path = write_table(frame, out)
        console.print(f"wrote {len(frame):,} rows to {path}", style="green")
    else:
        render_table(frame, title=title, console=console, max_rows=max_rows)
