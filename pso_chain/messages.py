"""Every text a person reads, in one catalogue per language, and numbers, money, percentages
and dates written the way readers of that language write them (Babel, ``nl_NL`` and ``en_GB``).

The catalogue is package data: ``pso_chain/data/messages/<lang>.toml``, one table per part of
the program (``[columns]``, ``[report]``, ``[web]``, ``[reasons]``, ...), every key in every
language (``tests/test_messages.py`` checks it). A key is written ``"section.name"``; texts with
``{placeholders}`` are filled from the keyword arguments, numbers arriving already formatted.
``lang`` is always passed: Dutch (``nl``) is the default of every front-end, English is ``en``.
How to add a text or a language: docs/i18n.md.

>>> text("columns.employees", "nl"), text("words.wrote_rows", "en", n=3, path="x.csv")
('werknemers', 'wrote 3 rows to x.csv')
>>> number(1234567.891, "nl", 2), number(1234567.891, "en", 2), percent(25.704, "nl", 1)
('1.234.567,89', '1,234,567.89', '25,7%')
>>> money(1234.5, "nl", 2), money(1234.5, "en", 2), date("2025-12-31", "nl"), boolean(True, "nl")
('€ 1.234,50', '€ 1,234.50', '31-12-2025', 'ja')
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

import pandas as pd
from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, parse_pattern

from pso_chain import check, errors
from pso_chain.errors import coded  # noqa: F401 (the engine writes codes with it; read here)
from pso_chain.settings import packaged, read_toml

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def check_language(lang: str) -> str:
    """``lang`` when it is one of :data:`LANGUAGES`, else bad input naming them."""
    return check.choice(lang, LANGUAGES, "lang")


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every text of ``lang`` by its key ``"section.name"``."""
    data = read_toml(packaged(f"{check_language(lang)}.toml", "pso_chain.data.messages"),
                     f"message catalogue {lang}")
    return {f"{section}.{name}": str(value) for section, table in data.items()
            for name, value in table.items()}


def has(key: str) -> bool:
    """Whether the catalogue holds ``key``."""
    return key in catalogue(DEFAULT_LANGUAGE)


def text(key: str, lang: str, **values: Any) -> str:
    """The text ``key`` in ``lang``, ``{placeholders}`` filled from ``values``."""
    try:
        template = catalogue(lang)[key]
    except KeyError:
        raise KeyError(f"no text {key!r} in the message catalogue") from None
    return template.format(**values) if values else template


def maybe(key: str, lang: str, default: str, **values: Any) -> str:
    """The text ``key`` when the catalogue has it, else ``default`` (a code the catalogue does
    not know yet is shown as it is, never an error)."""
    return text(key, lang, **values) if has(key) else default


@cache
def locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[check_language(lang)])


@lru_cache(maxsize=256)
def _pattern(decimals: int, suffix: str = "") -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals > 0 else "") + suffix)


def _decimal(value: float, decimals: int) -> Decimal:
    # rounded as Python rounds the float (never 2.675 -> 2.68 through its decimal spelling)
    return Decimal(f"{value:.{decimals}f}")


def number(value: float, lang: str, decimals: int = 0) -> str:
    """``value`` with ``decimals`` decimals and the language's separators."""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    return _pattern(decimals).apply(_decimal(value, decimals), locale(lang))


def percent(value: float, lang: str, decimals: int = 1) -> str:
    """A percent number (3.7 means 3,7%): the locale's separators and percent sign."""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    # the pattern's % multiplies by 100: hand it the fraction, rounded as the percent is shown
    amount = _decimal(value, decimals) / 100
    return _pattern(decimals, "%").apply(amount, locale(lang))


def money(value: float, lang: str, decimals: int = 2) -> str:
    """Euros: ``€ 1.234,56`` (nl), ``€ 1,234.56`` (en)."""
    return "€ " + number(value, lang, decimals)


def date(value: Any, lang: str) -> str:
    """A date: ``31-12-2025`` (nl) or ``2025-12-31`` (en); a text that is no date is kept."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    return format_date(day, text("formats.date", lang), locale=locale(lang))


# --- codes: what the engine says, stable in machine outputs, read in a language when shown ---------
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
VERBATIM = {"name", "row"}  # shown as written: a firm called "12345", row 12345 (not "12.345")


def _value(name: str, value: str, lang: str) -> str:
    """One value of a code, written for readers of ``lang``: dates, percentages, euros and
    numbers in the language's format, a value that is itself a code in its words."""
    if name in VERBATIM:
        return value
    if ISO_DAY.fullmatch(value):
        return date(value, lang)
    if NUMBER.fullmatch(value):
        decimals = len(value.partition(".")[2])
        if name.endswith("_pct"):
            return percent(float(value), lang, decimals)
        if name.endswith("_eur"):
            return money(float(value), lang, decimals)
        return number(float(value), lang, decimals) if decimals or abs(float(value)) >= 10_000 else value
    return text(f"codes.{value}", lang) if has(f"codes.{value}") else value


def readable(value: Any, lang: str) -> Any:
    """A code of the engine (:func:`coded`) in the words of ``lang``; anything else (a name, a
    number, a text the catalogue does not know) comes back as it is.

    >>> readable(coded("certificate_expired", level="2", until="2025-06-30", on="2025-09-01"), "nl")
    'certificaat van de leverancier (niveau 2) verlopen op 30-06-2025, niet geldig op 01-09-2025'
    """
    if not isinstance(value, str) or not value:
        return value
    if " | " in value:  # several codes: each read, joined as a sentence
        return "; ".join(str(readable(part, lang)) for part in value.split(" | "))
    code, _, rest = value.partition(": ")
    key = f"codes.{code}"
    if not has(key):
        return value
    params: dict[str, str] = {}
    for part in rest.split("; ") if rest else ():
        name, sep, raw = part.partition("=")
        if not sep:
            return value
        params[name] = _value(name, raw, lang)
    try:
        return text(key, lang, **params)
    except (KeyError, IndexError):
        return value


def boolean(value: Any, lang: str) -> str:
    """``ja``/``nee`` (nl), ``yes``/``no`` (en)."""
    return text("words.yes" if value else "words.no", lang)


# --- problems: where bad input is and why, in the reader's language ---------------------------
def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) \
        and value is not pd.NA and value != ""


def problem_line(file: str, row: Any, column: Any, value: Any, reason: str, lang: str) -> str:
    """``file, rij 5, kolom date (waarde 'x'): geen datum ...`` (nl) or ``file, row 5, column
    date (value 'x'): not a date ...`` (en): the place in the reader's words, a coded reason
    read in them too (a free-text reason as it is)."""
    parts = [str(file)]
    if _given(row):
        parts.append(text("problems.row", lang, row=int(row)))
    if _given(column):
        parts.append(text("problems.column", lang, column=column))
    where = ", ".join(parts)
    if _given(value):
        where += " " + text("problems.value", lang, value=repr(str(value)))
    return f"{where}: {readable(reason, lang)}"


def problem_lines(problems: pd.DataFrame, lang: str, limit: int = 20) -> str:
    """The first ``limit`` problems of a problems frame, one per line, and how many more."""
    lines = [problem_line(r.file, r.row, r.column, r.value, r.reason, lang)
             for r in problems.head(limit).itertuples(index=False)]
    if len(problems) > len(lines):
        lines.append(text("problems.more", lang, n=len(problems) - len(lines)))
    return "\n".join(lines)


errors.use_writers(problem_line, problem_lines)
