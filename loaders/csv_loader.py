"""CSV as Dutch users produce it: comma, semicolon or tab, UTF-8 (BOM or not), cp1252 or UTF-16
(Excel's "Unicode text"), with or without Excel's ``sep=;`` first line."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
from pso_chain.loaders.base import RawTable

from pso_chain.errors import Problem, PsoInputError, coded
from pso_chain.parsing import without_formula_guard

ENCODINGS = ("utf-8-sig", "cp1252")
HEAD_BYTES = 65_536
SEP_LINE = re.compile(r"^\ufeff?sep=(.)\s*$", re.IGNORECASE)
FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


DECIMAL_COMMA_CELL = re.compile(r"(?:^|\t)\s*-?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+\s*(?=\t|$)", re.M)


# text columns of the canonical tables (numbers and dates are never guarded: they are not text)
GUARDED_TEXT_COLUMNS = frozenset({"org_id", "name", "municipality", "postcode", "sbi", "delivers",
                                  "person_id", "buyer_id", "supplier_id", "source", "invoice_id"})


def decimal_comma(sep: str, text: str) -> bool:
    """Numbers with a decimal comma: semicolon files, and tab-separated text (Excel's
    "Unicode-tekst") where a cell is written ``1420,5`` or ``1.234,56``."""
    return sep == ";" or (sep == "\t" and DECIMAL_COMMA_CELL.search(text) is not None)


def decode_utf16(data: bytes) -> str | None:
    """Text of a UTF-16 file (with a byte-order mark, or without one when every other byte of
    the start is zero); None when it is not UTF-16."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    head = data[:512]
    if len(head) >= 4 and head[1::2].count(0) > 0.9 * len(head[1::2]):
        return data.decode("utf-16-le")
    if len(head) >= 4 and head[0::2].count(0) > 0.9 * len(head[0::2]):
        return data.decode("utf-16-be")
    return None


def sniff_separator(header: str) -> str:
    """The separator of a CSV header line: the most frequent of ``;``, ``,`` and tab."""
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _fail(path: Path, row: int | None, reason: str, column: str | None = None, value=None):
    raise PsoInputError(Problem(str(path), row, column, value, reason))


def _utf8_mix(path: Path) -> None:
    """A file that is UTF-8 except for some rows (pasted from a cp1252 program) would turn into
    mojibake either way: name the first such row."""
    lines = path.read_bytes().split(b"\n")
    bad, utf8_text = None, False
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_text = True
        except UnicodeDecodeError:
            bad = i + 1 if bad is None else bad
        if bad is not None and utf8_text:
            text = lines[bad - 1].decode("cp1252", errors="replace").strip()[:60]
            _fail(path, bad, "row_not_utf8", value=text)


def _parse(source, path: Path, sep: str, encoding: str | None, skip: int) -> pd.DataFrame:
    try:
        return pd.read_csv(source, sep=sep, header=None, skiprows=skip, dtype=str, encoding=encoding,
                           keep_default_na=False, na_filter=False, skipinitialspace=False,
                           skip_blank_lines=False)
    except pd.errors.ParserError as exc:
        found = FIELDS.search(str(exc))
        if found:
            expected, line, saw = (int(g) for g in found.groups())
            _fail(path, line + skip, coded("field_count", saw=saw, expected=expected))
        _fail(path, None, f"not valid CSV: {exc}")
    except pd.errors.EmptyDataError:
        _fail(path, 1, "file_empty")


def read_csv_table(path: Path, id_columns: tuple[str, ...] = ()) -> RawTable:
    """Read a CSV file as strings; id columns as categoricals (cheap at national scale).

    The header is row 1 as the user sees the file (row 2 after a ``sep=`` line); a column named
    twice (also differing only in case) is bad input, since either one could be the one meant.
    """
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not head.strip():
        _fail(path, 1, "file_empty")
    source: object = path
    encodings: tuple[str | None, ...] = ENCODINGS
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with BOM (Excel "Unicode text")
        try:
            text = path.read_bytes().decode("utf-16")
        except UnicodeDecodeError as exc:
            _fail(path, None, f"not valid UTF-16 text: {exc}")
        source, encodings, shown = io.StringIO(text), (None,), text[:HEAD_BYTES]
    elif b"\x00" in head:
        _fail(path, None, "binary_file")
    else:
        shown = head.decode("utf-8-sig", errors="replace")  # only to find the separator
    first = shown.split("\n", 1)[0].rstrip("\r")
    marker = SEP_LINE.match(first)
    if marker:  # Excel's separator hint: the header follows on the next line
        sep, skip = marker.group(1), 1
    else:
        sep, skip = sniff_separator(first), 0
    frame = None
    for encoding in encodings:
        try:
            frame = _parse(source, path, sep, encoding, skip)
            break
        except UnicodeDecodeError:
            if encoding == "utf-8-sig":
                _utf8_mix(path)
    if frame is None:
        _fail(path, None, "not_utf8_or_cp1252")
    header = [str(c).strip().lower() for c in frame.iloc[0]] if len(frame) else []
    frame = frame.iloc[1:].reset_index(drop=True)
    frame.columns = header
    _check_header(path, header, skip + 1)
    frame = drop_trailing_empty_rows(frame)
    for col in id_columns:
        if col in frame.columns:
            frame[col] = frame[col].str.strip().astype("category")
    for col in frame.columns:  # the project writes text cells formula-safe: read them as they were
        if col in id_columns or col in GUARDED_TEXT_COLUMNS:
            frame[col] = without_formula_guard(frame[col])
    return RawTable(name=path.stem, file=str(path), frame=frame, decimal_comma=decimal_comma(sep, shown),
                    first_data_row=skip + 2)


def _check_header(path: Path, header: list[str], row: int) -> None:
    """Empty or repeated column names are bad input (the header row named)."""
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in seen:
            _fail(path, row, coded("duplicate_column", first=seen[name] + 1, second=i + 1, name=name),
                  column=name)
        seen[name] = i


def drop_trailing_empty_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Without the empty rows at the end of a file (blank lines, ``;;;`` from spreadsheets).

    Blank lines inside the file are kept as empty rows, so that every later row keeps the row
    number the user sees (and the empty row itself is reported, not dropped in silence).
    """
    end = len(frame)
    while end > 0 and all(str(v) == "" for v in frame.iloc[end - 1]):  # only the trailing rows
        end -= 1
    return frame.iloc[:end] if end < len(frame) else frame
