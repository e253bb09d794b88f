"""Writers: a readable table on the terminal, or a file chosen by its extension.

``.csv``, ``.parquet`` and ``.json`` are machine formats: the contract's English column names
(docs/contract.md), decimal points, every digit. CSV is also opened by people in a spreadsheet, so a text cell
starting with ``= + - @`` gets a leading ``'`` there (:func:`write_csv`); JSON and Parquet stay
exact. The terminal and ``.xlsx`` are for people and speak the chosen
language (:mod:`pso_chain.outputs.display`, Dutch by default): labels, ``€ 1.234,56``, ``31-12-2025``,
``ja``/``nee``. The workbook has real number formats, a frozen header, an autofilter, sized
columns, user text written as text, and a sheet stating the command, rules version and date.

Every text printed to the terminal goes through rich as plain :class:`~rich.text.Text`, never
as markup: a name like ``[/b]`` is printed as it is.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pso_chain.config import terminal_width_set
from pso_chain.errors import Problem, PsoInputError
from pso_chain.outputs.display import DEFAULT_LANGUAGE, Display, check_language, column_kind, is_missing
from pso_chain.parsing import spreadsheet_safe  # noqa: F401 (the writers' guard, re-exported)

FORMATS = (".csv", ".parquet", ".xlsx", ".json")

# What the front-end runs under: the language of people's outputs and what the workbook's
# "about" sheet states (set once by the CLI's entry point).
_SETTINGS: dict[str, str] = {"lang": DEFAULT_LANGUAGE, "command": "", "rules": "", "tool": "pso-chain"}


def set_language(lang: str) -> None:
    """Language of terminal tables and workbooks (``nl`` or ``en``)."""
    _SETTINGS["lang"] = check_language(lang)


def language() -> str:
    return _SETTINGS["lang"]


def set_context(command: str | None = None, rules: str | None = None, tool: str | None = None) -> None:
    """The command line, rules version and tool version a workbook states on its "about" sheet."""
    if tool is not None:
        _SETTINGS["tool"] = tool
    if command is not None:
        _SETTINGS["command"] = command
    if rules is not None:
        _SETTINGS["rules"] = rules


def terminal_console(stderr: bool = False) -> Console:
    """The console for results: the terminal's width, or a wide page when piped to a file
    (rich's 80-column default would crop tables)."""
    stream = sys.stderr if stderr else sys.stdout
    chosen = stream.isatty() or terminal_width_set()  # rich reads COLUMNS itself
    return Console(width=None if chosen else 160, stderr=stderr)


def plain(text: object, style: str | None = None) -> Text:
    """User text as rich text that is never read as markup, without control sequences
    (:func:`printable`)."""
    return Text(printable(text), style=style or "")


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise PsoInputError(Problem(str(path), None, None, None,
                                    f"unknown output format (use {', '.join(FORMATS)})"))
    return suffix


def write_table(frame: pd.DataFrame, path: str | Path, sheet: str = "pso-chain",
                lang: str | None = None) -> Path:
    """Write ``frame`` to ``path``; the format follows the extension (``lang``: the workbook's
    language; machine formats have none)."""
    path = Path(path)
    suffix = _check_suffix(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        write_csv(frame, path)
    elif suffix == ".parquet":
        frame.to_parquet(path, index=False)
    elif suffix == ".json":
        lines = (json_text(r) for r in records_of(frame))
        path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    else:
        write_xlsx({sheet: frame}, path, lang=lang)
    return path


def csv_text(frame: pd.DataFrame, header: bool = True) -> str:
    """``frame`` as CSV text, formula-safe (:func:`spreadsheet_safe`): every CSV the project
    writes goes through here or :func:`write_csv`, since people open CSV in a spreadsheet."""
    return spreadsheet_safe(frame).to_csv(index=False, header=header, lineterminator="\n")


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as a formula-safe CSV file (UTF-8, see :func:`csv_text`)."""
    path = Path(path)
    spreadsheet_safe(frame).to_csv(path, index=False, encoding="utf-8")
    return path


_CONTROLS = {c: None for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]}


def printable(text: object) -> str:
    """``text`` without control characters (ESC and the other C0 and C1 controls; tab and line
    breaks stay): data printed to a terminal can never move the cursor, retitle the window or
    colour the screen (``ESC]0;``, ``ESC[31m``)."""
    return str(text).translate(_CONTROLS)


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


# --- XLSX ---------------------------------------------------------------------------------------------
EXCEL_FORMATS = {
    "eur2": '"€" #,##0.00', "eur": '"€" #,##0', "pct": "0.00%", "pct1": "0.0%", "pct2": "0.00%",
    "pct3": "0.000%", "share": "0.0%", "share2": "0.00%", "int": "#,##0", "year": "0",
    "num": "#,##0.0000", "num1": "#,##0.0", "num2": "#,##0.00", "num3": "#,##0.000",
}
FORMULA_START = ("=", "+", "-", "@")


def _excel_value(value, kind: str, display: Display):
    """A cell value: numbers as numbers (percent numbers as fractions for Excel's % format),
    dates as dates, booleans and "no trede" as words, text as text."""
    if is_missing(value):
        return display.fmt.trede(None) if kind == "trede" else None
    if kind == "trede":
        word = display.fmt.trede(value)
        return int(word) if word.isdigit() else word
    if kind == "bool" or isinstance(value, bool | np.bool_):
        return display.fmt.boolean(value) if display.lang == "nl" else bool(value)
    if kind == "date":
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError):
            return str(value)
        return stamp.tz_localize(None).to_pydatetime() if stamp.tzinfo else stamp.to_pydatetime()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, int | float | np.floating):
        number = float(value)
        if not np.isfinite(number):
            return str(number)
        return number / 100 if kind.startswith("pct") else number
    return display.fmt.code(value) if kind == "code" else str(value)


def write_xlsx(sheets: dict[str, pd.DataFrame], path: str | Path, labels: bool = True,
               lang: str | None = None) -> Path:
    """An Excel workbook people open directly: one sheet per frame with the language's labels
    and real number formats (euro, percent, date), bold frozen header, autofilter and sized
    columns, plus an "about" sheet with the command, rules version and date.

    User text is written as text: a cell starting with ``=``, ``+``, ``-`` or ``@`` is never
    a formula, and control characters Excel cannot hold are replaced by U+FFFD. ``labels=False``
    keeps the column names as they are, for a workbook the program reads back (a match report).
    """
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path)
    display = Display(lang or language())
    nl = display.lang == "nl"
    book = Workbook()
    book.remove(book.active)
    date_format = "dd-mm-yyyy" if nl else "yyyy-mm-dd"
    fill = PatternFill("solid", fgColor="1F4E78")
    for name, frame in sheets.items():
        ws = book.create_sheet(_sheet_name(display.sheet(name) if labels else name, book.sheetnames))
        columns = list(frame.columns)
        kinds = [column_kind(c, frame[c].dtype) for c in columns]
        ws.append([display.header(c) if labels else str(c) for c in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        widths = [len(str(ws.cell(row=1, column=i + 1).value)) for i in range(len(columns))]
        for r, row in enumerate(frame.itertuples(index=False, name=None), start=2):
            for c, (value, kind) in enumerate(zip(row, kinds, strict=True), start=1):
                out = _excel_value(value, kind, display)
                cell = ws.cell(row=r, column=c)
                if isinstance(out, str):
                    out = ILLEGAL_CHARACTERS_RE.sub("\ufffd", out)
                    cell.value = out
                    cell.data_type = "s"  # never a formula, whatever it starts with
                    if out.startswith(FORMULA_START):
                        cell.quotePrefix = True
                else:
                    cell.value = out
                    if kind == "date":  # empty cells too: a value typed in later reads the same
                        cell.number_format = date_format
                    elif kind in EXCEL_FORMATS:
                        cell.number_format = EXCEL_FORMATS[kind]
                if r <= 201:
                    widths[c - 1] = max(widths[c - 1], len(display.cell(columns[c - 1], value,
                                                                        frame[columns[c - 1]].dtype)))
        ws.freeze_panes = "A2"
        if columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(frame) + 1, 1)}"
        for idx, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(idx)].width = min(max(10, width + 2), 50)
    _about_sheet(book, display)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _sheet_name(name: str, taken: Sequence[str]) -> str:
    safe = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "sheet"
    candidate, n = safe, 2
    while candidate in taken:
        candidate, n = f"{safe[:28]}-{n}", n + 1
    return candidate


def _about_sheet(book, display: Display) -> None:
    from openpyxl.styles import Font

    ws = book.create_sheet(_sheet_name(display.word("about.sheet"), book.sheetnames))
    rows = [("tool", _SETTINGS["tool"]), ("command", _SETTINGS["command"] or "pso-chain"),
            ("rules", _SETTINGS["rules"] or "-"), ("date", dt.date.today()),
            ("lang", display.lang)]
    for key, value in rows:
        ws.append([display.word(f"about.{key}"), value])
        cell = ws.cell(row=ws.max_row, column=2)
        cell.data_type = "s" if isinstance(value, str) else cell.data_type
        if isinstance(value, dt.date):
            cell.number_format = "dd-mm-yyyy" if display.lang == "nl" else "yyyy-mm-dd"
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = min(100, max(20, len(_SETTINGS["command"]) + 2))


# --- the terminal ---------------------------------------------------------------------------------------
GAP = 2  # columns are separated by two spaces (box SIMPLE_HEAD, no outer padding)


def _widths(frame: pd.DataFrame, cells: dict[str, list[str]], display: Display
            ) -> tuple[list[int], list[int], list[bool]]:
    """Per column: the narrowest width that splits no value (numbers, ids, dates, treden and
    booleans whole; text wrapped at spaces; headers wrapped between words), the natural width,
    and whether the column's values must stay whole."""
    least, natural, whole = [], [], []
    for col in frame.columns:
        values = cells[col]
        header = display.header(col)
        longest_word = max([len(w) for w in header.split()] or [0])
        widest = max([0] + [len(v) for v in values])
        keep = display.is_numeric(col, frame[col].dtype) or str(col).endswith("_id") or column_kind(
            col, frame[col].dtype) in ("trede", "bool", "date")
        if keep:
            least.append(max(widest, longest_word))
            natural.append(max(widest, len(header)))
        else:
            words = max([len(w) for v in values for w in v.split()] or [0])
            least.append(max(longest_word, min(widest, max(words, 12), 24)))
            natural.append(max(len(header), min(widest, 40), least[-1]))
        whole.append(keep)
    return least, natural, whole


def _fit(least: list[int], natural: list[int], room: int) -> list[int] | None:
    """Column widths within ``room`` (None when even the narrowest do not fit): the natural
    widths, the widest column with slack given up first."""
    if sum(least) + GAP * (len(least) - 1) > room:
        return None
    widths = list(natural)
    excess = sum(widths) + GAP * (len(widths) - 1) - room
    while excess > 0:
        i = max(range(len(widths)), key=lambda j: (widths[j] - least[j], widths[j]))
        step = min(excess, widths[i] - least[i])
        widths[i] -= step
        excess -= step
    return widths


def _table(frame: pd.DataFrame, cells: dict[str, list[str]], display: Display, title: str | None,
           widths: list[int], whole: list[bool]) -> Table:
    table = Table(title=plain(title) if title else None, box=box.SIMPLE_HEAD, header_style="bold cyan",
                  pad_edge=False, collapse_padding=True, show_edge=False)
    for col, width, keep in zip(frame.columns, widths, whole, strict=True):
        numeric = display.is_numeric(col, frame[col].dtype)
        table.add_column(Text(display.header(col), no_wrap=False), width=width,
                         justify="right" if numeric else "left", overflow="fold" if not keep else "crop")
    for i in range(len(frame)):
        table.add_row(*(Text(cells[c][i], no_wrap=k) for c, k in zip(frame.columns, whole, strict=True)))
    return table


def _records(frame: pd.DataFrame, cells: dict[str, list[str]], display: Display, title: str | None
             ) -> Table:
    """One block per row, label: value: the view for a terminal too narrow for any table."""
    grid = Table(title=plain(title) if title else None, box=box.SIMPLE, show_header=False,
                 pad_edge=False)
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column(overflow="fold")
    whole = _widths(frame, cells, display)[2]
    for i in range(len(frame)):
        for col, keep in zip(frame.columns, whole, strict=True):
            grid.add_row(plain(display.header(col)), Text(cells[col][i], no_wrap=keep))
        if i < len(frame) - 1:
            grid.add_row("", "")
    return grid


def render_table(frame: pd.DataFrame, title: str | None = None, console: Console | None = None,
                 max_rows: int = 40, keep: Sequence[str] = (), total: int | None = None,
                 lang: str | None = None) -> None:
    """Print a readable table (the first ``max_rows`` rows, with a count of the rest; ``total``:
    the rows of the whole table when ``frame`` holds only its head).

    No value is ever cut or split: where the terminal is too narrow the rightmost columns not
    in ``keep`` (the first column is always kept) are left out with a note saying which; where
    even the kept ones do not fit, each row is printed as a record (label: value).
    """
    console = console or terminal_console()
    display = Display(lang or language())
    shown = frame.head(max_rows).reset_index(drop=True)
    cells = {c: [printable(v) for v in display.column(shown, c)] for c in shown.columns}
    least, natural, whole = _widths(shown, cells, display)
    columns = list(range(len(shown.columns)))
    essential = {i for i, c in enumerate(shown.columns) if c in set(keep)} | {0}
    left_out: list[str] = []
    widths = _fit(least, natural, console.width)
    while widths is None:
        droppable = [i for i in columns if i not in essential]
        if not droppable:
            break
        left_out.insert(0, str(shown.columns[droppable[-1]]))
        columns.remove(droppable[-1])
        widths = _fit([least[i] for i in columns], [natural[i] for i in columns], console.width)
    if widths is None:
        left_out = []
        table = _records(shown, cells, display, title)
    else:
        table = _table(shown.iloc[:, columns], cells, display, title, widths, [whole[i] for i in columns])
    console.print(table)
    if left_out:
        console.print(plain(display.word("left_out", cols=", ".join(display.header(c) for c in left_out)),
                            style="dim"))
    total = len(frame) if total is None else total
    if total > max_rows:
        console.print(plain(display.word("more_rows", n=display.fmt.integer(total - max_rows)),
                            style="dim"))


def wrote(what: str, path: str | Path, console: Console | None = None, lang: str | None = None) -> None:
    """Say that ``what`` was written to ``path``."""
    console = console or terminal_console()
    console.print(plain(Display(lang or language()).word("wrote", what=what, path=path), style="green"))


def emit(frame: pd.DataFrame, out: str | Path | None, title: str | None = None,
         console: Console | None = None, max_rows: int = 40, keep: Sequence[str] = (),
         lang: str | None = None) -> None:
    """Write to ``out`` when given, else render on the terminal (``lang``: the language of the
    terminal and the workbook; without it the front-end's, :func:`language`)."""
    console = console or terminal_console()
    if out:
        path = write_table(frame, out, lang=lang)
        display = Display(lang or language())
        console.print(plain(display.word("wrote_rows", n=display.fmt.integer(len(frame)), path=path),
                            style="green"))
    else:
        render_table(frame, title=title, console=console, max_rows=max_rows, keep=keep, lang=lang)
