"""How people read results: numbers, money, dates, booleans and column labels in Dutch (the
default) or English, in one place for the terminal, the XLSX writer and the report. The words
come from the message catalogue and the formats from Babel (:mod:`pso_chain.messages`).

Machine outputs (CSV, Parquet, JSON, the API) never pass through here: they keep docs/contract.md's
English column names and decimal points. Dutch: ``€ 1.234,56``, ``25,7%``, ``31-12-2025``,
``ja``/``nee``; English: the columns' own names, ``€ 1,234.56``, ``2025-12-31``, ``yes``/``no``.

>>> fmt = Formatter("nl")
>>> fmt.eur(1234.5, 2), fmt.pct(25.71, 1), fmt.date("2025-12-31"), fmt.boolean(True)
('€ 1.234,50', '25,7%', '31-12-2025', 'ja')
>>> Display("nl").cell("gap_pct", 0.0012), Display("en").cell("trede", None)
('0,0012%', 'none')
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pso_chain import messages
from pso_chain.messages import DEFAULT_LANGUAGE, LANGUAGES, check_language

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Display", "Formatter", "check_language", "column_kind",
           "is_missing"]


def is_missing(value) -> bool:
    """None, NA, NaT or a float NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(isinstance(value, float | np.floating) and math.isnan(value))
    except TypeError:
        return False


@dataclass(frozen=True)
class Formatter:
    """Numbers, percentages, money, dates and booleans the way readers of ``lang`` write them
    (Dutch: 1.234.567,8 and 28-03-2025; English: 1,234,567.8 and 2025-03-28)."""

    lang: str = DEFAULT_LANGUAGE
    missing: str = "–"

    def number(self, value, decimals: int = 0, significant: bool = False) -> str:
        """``value`` with ``decimals`` decimals; with ``significant`` a small non-zero value gets
        enough decimals for two significant digits (never ``0.00`` for a real 0.0012)."""
        if is_missing(value):
            return self.missing
        value = float(value)
        if significant and value != 0 and abs(value) < 0.5 * 10 ** -decimals:
            decimals = min(12, 1 - math.floor(math.log10(abs(value))))
        return messages.number(value, self.lang, decimals)

    def integer(self, value) -> str:
        return self.number(value, 0)

    def pct(self, value, decimals: int = 1, significant: bool = False) -> str:
        """A percent number (3.7 means 3.7%)."""
        if is_missing(value):
            return self.missing
        value = float(value)
        if significant and value != 0 and abs(value) < 0.5 * 10 ** -decimals:
            decimals = min(12, 1 - math.floor(math.log10(abs(value))))
        return messages.percent(value, self.lang, decimals)

    def share(self, value, decimals: int = 1, significant: bool = False) -> str:
        """A fraction (0.037 means 3.7%)."""
        return self.missing if is_missing(value) else self.pct(100 * float(value), decimals, significant)

    def eur(self, value, decimals: int = 0) -> str:
        return self.missing if is_missing(value) else messages.money(value, self.lang, decimals)

    def date(self, value) -> str:
        if is_missing(value) or value == "":
            return self.missing
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError):
            return str(value)
        return messages.date(stamp.date(), self.lang)

    def boolean(self, value) -> str:
        if is_missing(value):
            return self.missing
        return messages.boolean(value, self.lang)

    def year(self, value) -> str:
        """A year as written: 2025, never 2.025 or 2025.0."""
        return self.missing if is_missing(value) else str(int(value))

    def text(self, value) -> str:
        return self.missing if is_missing(value) or value == "" else str(value)

    def trede(self, value) -> str:
        """A trede (1, 2, 3) or the one word for none: ``geen`` / ``none``."""
        if is_missing(value) or str(value).strip().lower() in ("", "none", "0", "geen"):
            return messages.text("words.no_trede", self.lang)
        try:
            return str(int(float(value)))
        except ValueError:
            return str(value)

    def code(self, value) -> str:
        """A code of the engine (a reason, a status) in this language's words."""
        return self.text(messages.readable(value, self.lang))

    def by_kind(self, kind: str) -> Callable[[object], str]:
        """The formatter of one column kind: text, int, num1, num2, num3, pct1, pct2, pct3, share,
        eur, eur2, date, bool, year, trede, code."""
        kinds: dict[str, Callable[[object], str]] = {
            "text": self.text, "int": self.integer, "num1": lambda v: self.number(v, 1),
            "num2": lambda v: self.number(v, 2), "num3": lambda v: self.number(v, 3),
            "num": lambda v: self.number(v, 2, significant=True),
            "pct1": lambda v: self.pct(v, 1), "pct2": lambda v: self.pct(v, 2),
            "pct3": lambda v: self.pct(v, 3), "pct": lambda v: self.pct(v, 2, significant=True),
            "share": self.share, "share2": lambda v: self.share(v, 2, significant=True),
            "eur": self.eur, "eur2": lambda v: self.eur(v, 2), "date": self.date,
            "bool": self.boolean, "year": self.year, "trede": self.trede, "code": self.code,
        }
        return kinds[kind]


NUMERIC_KINDS = {"int", "num", "num1", "num2", "num3", "pct", "pct1", "pct2", "pct3", "share", "share2",
                 "eur", "eur2", "year"}

# Columns whose values are the engine's codes (``not_certified``, ``on_track``, ``certificate_expired:
# level=2; ...``): people read them in their language (:func:`pso_chain.messages.readable`).
CODE_COLUMNS = {"reason", "status", "assessment", "certificate_status", "certificate_source", "note",
                "how", "copy_check", "letter", "kind", "counts", "trede_reason", "scenario", "pick",
                "meaning", "severity", "table", "what", "group", "certificate", "indicator",
                "proximity", "level_history", "tier"}
TREDE_COLUMNS = {"trede", "current_trede", "target_trede", "trede_after", "next_trede"}
DATE_COLUMNS = {"date", "valid_from", "valid_until", "certified_on", "pso_valid_from", "pso_valid_until"}
EUR_COLUMNS = {"price", "fictitious_price", "fee"}
TEXT_NUMBERS = {"year", "row", "rank", "round", "generation", "distance", "days_left"}


def column_kind(name: str, dtype=None) -> str:
    """How a column is read, from its contract name (and dtype where the name says nothing)."""
    name = str(name)
    if name in CODE_COLUMNS:
        return "code"
    if name in TREDE_COLUMNS:
        return "trede"
    if name in DATE_COLUMNS or (dtype is not None and pd.api.types.is_datetime64_any_dtype(dtype)):
        return "date"
    if dtype is not None and pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if name.endswith("_id") or name in ("sbi", "postcode"):
        return "text"
    if name in TEXT_NUMBERS:
        return "year"  # a plain integer: row 1834, not 1.834
    if name.endswith("_eur") or name in EUR_COLUMNS:
        return "eur2"
    if name.endswith("_pct") or name.startswith("norm_trede"):
        return "pct"
    if name.endswith("_share") or name in ("pressure", "share", "threshold"):
        return "share2"
    if dtype is not None and pd.api.types.is_integer_dtype(dtype):
        return "int"
    if dtype is not None and pd.api.types.is_float_dtype(dtype):
        return "num"
    if dtype is not None and pd.api.types.is_object_dtype(dtype) and name in ("counted", "reachable"):
        return "bool"
    return "text"


@dataclass(frozen=True)
class Display:
    """Headers and cells of a table for readers of ``lang``."""

    lang: str = DEFAULT_LANGUAGE

    @property
    def fmt(self) -> Formatter:
        return Formatter(self.lang, missing="")

    def header(self, column: str) -> str:
        """The column's label in the catalogue (English: the column's own name), else its name."""
        return messages.maybe(f"columns.{column}", self.lang, str(column))

    def sheet(self, name: str) -> str:
        """A workbook sheet's name in this language (its own name when the catalogue has none)."""
        return messages.maybe(f"sheets.{name}", self.lang, str(name))

    def word(self, key: str, **values) -> str:
        """The catalogue's text ``key`` (``section.name``; a bare name is one of ``words``) in
        this language, ``{placeholders}`` filled."""
        return messages.text(key if "." in key else f"words.{key}", self.lang, **values)

    def formatter(self, column: str, dtype=None) -> Callable[[object], str]:
        kind = column_kind(column, dtype)
        fmt = self.fmt
        if kind == "bool":
            return lambda v: fmt.boolean(v) if isinstance(v, bool | np.bool_) else fmt.text(v)
        convert = fmt.integer if kind == "int" else fmt.by_kind(kind)
        if kind in NUMERIC_KINDS:  # a number column may hold a word ("elsewhere", "unreachable")
            return lambda v: convert(v) if _is_number(v) or is_missing(v) else fmt.text(v)
        return convert

    def cell(self, column: str, value, dtype=None) -> str:
        """One value of ``column`` as its readers write it."""
        if dtype is None and isinstance(value, bool | np.bool_):
            return self.fmt.boolean(value)
        if dtype is None and _is_number(value):
            dtype = np.asarray(value).dtype
        return self.formatter(column, dtype)(value)

    def is_numeric(self, column: str, dtype=None) -> bool:
        """Right-aligned: numbers, money, percentages, years."""
        return column_kind(column, dtype) in NUMERIC_KINDS

    def column(self, frame: pd.DataFrame, column: str) -> list[str]:
        """Every value of one column of ``frame``, formatted."""
        convert = self.formatter(column, frame[column].dtype)
        return [convert(v) for v in frame[column].tolist()]


def _is_number(value) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
