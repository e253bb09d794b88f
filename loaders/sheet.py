"""Read a spreadsheet as people export it (CSV or XLSX) and recognise its columns by header.

Exports often carry title lines above the header row (Twinfield, SAP); the header row is the
first of the top lines where most known headers are found. Headers are compared after
lower-casing and turning punctuation into spaces ("Bedrag excl. btw" -> "bedrag excl btw"),
against the words in ``profiles/headers.toml`` and the ERP profiles (``profiles/<erp>.toml``).
"""

from __future__ import annotations

import io
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from pso_chain.loaders.csv_loader import ENCODINGS, decode_utf16, sniff_separator
from pso_chain.loaders.csv_loader import decimal_comma as comma_decimals

from pso_chain.errors import Problem, PsoInputError, coded

HEADER_SCAN_ROWS = 15


def header_key(text: object) -> str:
    """A header as compared: lower case, no accents, punctuation as single spaces."""
    plain = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9+]+", " ", plain).strip()


def _profiles_dir() -> Path:
    return Path(str(resources.files("pso_chain.loaders").joinpath("profiles")))


@lru_cache(maxsize=1)
def synonyms() -> dict:
    """``headers.toml``: for each kind of file, the headers of each field."""
    return tomllib.loads((_profiles_dir() / "headers.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Profile:
    """An ERP's export: which column is which field, and how it writes amounts."""

    name: str
    title: str
    amount_sign: float = 1.0
    columns: dict[str, str] = field(default_factory=dict)   # header key -> field
    signature: tuple[str, ...] = ()


def profile_names() -> list[str]:
    """The shipped ERP profiles (``--profile NAME``)."""
    return sorted(p.stem for p in _profiles_dir().glob("*.toml") if p.stem != "headers")


@lru_cache(maxsize=16)
def load_profile(name: str) -> Profile:
    """A shipped profile by name, or a profile TOML file by path."""
    path = Path(name) if name.endswith(".toml") else _profiles_dir() / f"{name.lower()}.toml"
    if not path.is_file() or path.stem == "headers":
        raise PsoInputError(Problem(name, None, None, None,
                                    coded("unknown_profile", profiles=", ".join(profile_names()))))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PsoInputError(Problem(str(path), None, None, None, f"not valid TOML: {exc}")) from None
    meta = raw.get("profile", {})
    return Profile(name=path.stem, title=str(meta.get("name", path.stem)),
                   amount_sign=float(meta.get("amount_sign", 1)),
                   columns={header_key(k): str(v) for k, v in raw.get("columns", {}).items()},
                   signature=tuple(header_key(s) for s in meta.get("signature", [])))


def detect_profile(keys: list[str]) -> Profile | None:
    """The shipped profile whose signature headers are all in the file (most specific first)."""
    found = [load_profile(n) for n in profile_names()]
    fits = [p for p in found if p.signature and set(p.signature) <= set(keys)]
    return max(fits, key=lambda p: len(p.signature)) if fits else None


@dataclass
class Sheet:
    """A table as read: original headers, cells as text or Excel values, and row numbers."""

    file: str
    frame: pd.DataFrame
    decimal_comma: bool
    first_data_row: int  # the row number (as the user sees the file) of frame row 0

    def row_number(self, i: int) -> int:
        return self.first_data_row + i


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        wide = decode_utf16(data)  # Excel's "Unicode-tekst"
    except UnicodeDecodeError as exc:
        raise PsoInputError(Problem(str(path), None, None, None, f"not valid UTF-16 text: {exc}")) from None
    if wide is not None:
        return wide.lstrip("\ufeff")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PsoInputError(Problem(str(path), None, None, None, "not_utf8_or_cp1252"))


def _header_row(rows: list[list[object]], known: set[str]) -> int:
    best, best_hits = 0, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        hits = sum(1 for c in row if header_key(c) in known)
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def read_sheet(path: str | Path, known: set[str]) -> Sheet:
    """Read a CSV or XLSX file whose header row is the first top line with known headers."""
    path = Path(path)
    if not path.is_file():
        raise PsoInputError(Problem(str(path), None, None, None, "file_not_found"))
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        text = _decode(path)
        if not text.strip():
            raise PsoInputError(Problem(str(path), 1, None, None, "file_empty"))
        lines = text.splitlines()
        sep = sniff_separator(max(lines[:HEADER_SCAN_ROWS], key=lambda x: max(x.count(s) for s in ";,\t")))
        top = [ln.split(sep) for ln in lines[:HEADER_SCAN_ROWS]]
        skip = _header_row(top, known)
        try:
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, skiprows=skip,
                                keep_default_na=False, na_filter=False, skip_blank_lines=False)
        except pd.errors.ParserError as exc:
            raise PsoInputError(Problem(str(path), None, None, None, f"not valid CSV: {exc}")) from None
        decimal_comma = comma_decimals(sep, text)
    elif suffix in (".xlsx", ".xlsm"):
        try:
            raw = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for a broken workbook
            raise PsoInputError(Problem(str(path), None, None, None,
                                        f"not a readable .xlsx: {exc}")) from None
        raw = raw.where(raw.notna(), "")
        skip = _header_row(raw.head(HEADER_SCAN_ROWS).values.tolist(), known)
        frame = raw.iloc[skip + 1:].reset_index(drop=True)
        frame.columns = [str(c).strip() for c in raw.iloc[skip]] if len(raw) else []
        decimal_comma = True  # text cells in Dutch workbooks: "1.234,56"
    else:
        raise PsoInputError(Problem(str(path), None, None, None,
                                    "unsupported_sheet_type"))
    frame.columns = [str(c).strip() for c in frame.columns]
    if len(frame) and len(frame.columns):  # empty rows in the middle (row numbers are kept)
        cells = frame.astype(str).to_numpy().astype(str)
        frame = frame.loc[~(np.char.strip(cells) == "").all(axis=1)]
    return Sheet(str(path), frame, decimal_comma, skip + 2)


def recognise(sheet: Sheet, kind: str, profile: Profile | None = None,
              mapping: dict[str, str] | None = None) -> dict[str, str]:
    """Field -> column of the sheet: ``--map`` first, then the profile, then known headers."""
    keys = {header_key(c): c for c in sheet.frame.columns}
    found: dict[str, str] = {}
    for column, fld in (mapping or {}).items():
        key = header_key(column)
        if key not in keys:
            raise PsoInputError(Problem(sheet.file, None, column, None,
                                        coded("map_column_missing", has=", ".join(sheet.frame.columns))))
        found[fld] = keys[key]
    taken = set(found.values())
    if profile is not None:
        for key, fld in profile.columns.items():
            if key in keys and fld not in found and keys[key] not in taken:
                found[fld] = keys[key]
                taken.add(keys[key])
    for fld, words in synonyms().get(kind, {}).items():
        if fld in found or not isinstance(words, list):
            continue
        for word in words:
            column = keys.get(header_key(word))
            if column is not None and column not in taken:
                found[fld] = column
                taken.add(column)
                break
    return found


def known_headers(kind: str) -> set[str]:
    """Every header key the recogniser knows for a kind of file (and the profiles' headers)."""
    out = {header_key(w) for words in synonyms().get(kind, {}).values() if isinstance(words, list)
           for w in words}
    if kind == "ledger":
        for name in profile_names():
            out |= set(load_profile(name).columns)
    return out
