"""How people read results: numbers, money, dates, booleans and column labels in Dutch (the
default) or English, in one place for the terminal, the XLSX writer and the report.

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

from pso_chain import check

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


def is_missing(value) -> bool:
    """None, NA, NaT or a float NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(isinstance(value, float | np.floating) and math.isnan(value))
    except TypeError:
        return False


def check_language(lang: str) -> str:
    """``lang`` when it is one of :data:`LANGUAGES`, else bad input naming them."""
    return check.choice(lang, LANGUAGES, "lang")


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
        text = f"{value:,.{decimals}f}"
        if self.lang == "nl":
            text = text.replace(",", "_").replace(".", ",").replace("_", ".")
        return text

    def integer(self, value) -> str:
        return self.number(value, 0)

    def pct(self, value, decimals: int = 1, significant: bool = False) -> str:
        """A percent number (3.7 means 3.7%)."""
        return self.missing if is_missing(value) else f"{self.number(value, decimals, significant)}%"

    def share(self, value, decimals: int = 1, significant: bool = False) -> str:
        """A fraction (0.037 means 3.7%)."""
        return self.missing if is_missing(value) else self.pct(100 * float(value), decimals, significant)

    def eur(self, value, decimals: int = 0) -> str:
        return self.missing if is_missing(value) else f"€ {self.number(value, decimals)}"

    def date(self, value) -> str:
        if is_missing(value) or value == "":
            return self.missing
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError):
            return str(value)
        return stamp.strftime("%d-%m-%Y" if self.lang == "nl" else "%Y-%m-%d")

    def boolean(self, value) -> str:
        if is_missing(value):
            return self.missing
        return ("ja" if value else "nee") if self.lang == "nl" else ("yes" if value else "no")

    def year(self, value) -> str:
        """A year as written: 2025, never 2.025 or 2025.0."""
        return self.missing if is_missing(value) else str(int(value))

    def text(self, value) -> str:
        return self.missing if is_missing(value) or value == "" else str(value)

    def trede(self, value) -> str:
        """A trede (1, 2, 3) or the one word for none: ``geen`` / ``none``."""
        if is_missing(value) or str(value).strip().lower() in ("", "none", "0", "geen"):
            return WORDS["no_trede"][0 if self.lang == "nl" else 1]
        try:
            return str(int(float(value)))
        except ValueError:
            return str(value)

    def by_kind(self, kind: str) -> Callable[[object], str]:
        """The formatter of one column kind: text, int, num1, num2, num3, pct1, pct2, pct3, share,
        eur, eur2, date, bool, year, trede."""
        kinds: dict[str, Callable[[object], str]] = {
            "text": self.text, "int": self.integer, "num1": lambda v: self.number(v, 1),
            "num2": lambda v: self.number(v, 2), "num3": lambda v: self.number(v, 3),
            "num": lambda v: self.number(v, 2, significant=True),
            "pct1": lambda v: self.pct(v, 1), "pct2": lambda v: self.pct(v, 2),
            "pct3": lambda v: self.pct(v, 3), "pct": lambda v: self.pct(v, 2, significant=True),
            "share": self.share, "share2": lambda v: self.share(v, 2, significant=True),
            "eur": self.eur, "eur2": lambda v: self.eur(v, 2), "date": self.date,
            "bool": self.boolean, "year": self.year, "trede": self.trede,
        }
        return kinds[kind]


NUMERIC_KINDS = {"int", "num", "num1", "num2", "num3", "pct", "pct1", "pct2", "pct3", "share", "share2",
                 "eur", "eur2", "year"}

# Words used in sentences and cells (key -> (nl, en)).
WORDS: dict[str, tuple[str, str]] = {
    "no_trede": ("geen", "none"),
    "more_rows": ("... nog {n} rijen; --out BESTAND voor alle", "... {n} more rows; use --out FILE for all"),
    "left_out": ("niet getoond bij deze breedte: {cols} (bredere terminal, of --out BESTAND)",
                 "left out at this width: {cols} (a wider terminal, or --out FILE)"),
    "wrote_rows": ("{n} rijen geschreven naar {path}", "wrote {n} rows to {path}"),
    "wrote": ("{what} geschreven naar {path}", "wrote {what} to {path}"),
}

# Dutch headers of the columns people read; English shows the column's own (contract) name.
COLUMN_LABELS: dict[str, str] = {
    "org_id": "org-id", "name": "naam", "year": "jaar", "employees": "werknemers", "fte": "fte",
    "target_fte": "doelgroep-fte", "direct_pct": "direct", "indirect_fte": "indirect fte",
    "indirect_pct": "indirect", "indirect_counted_pct": "indirect geteld", "total_pct": "totaal",
    "norm_trede1": "norm trede 1", "norm_trede2": "norm trede 2", "norm_trede3": "norm trede 3",
    "trede": "trede", "cap_applied": "plafond", "pso30plus": "PSO 30+",
    "organisations": "organisaties", "share_pct": "aandeel", "next_trede": "volgende trede",
    "gap_pct": "tekort", "supplier_id": "leverancier-id", "supplier_name": "leverancier",
    "buyer_id": "inkoper-id", "buyer_name": "inkoper", "date": "datum", "amount_eur": "bedrag",
    "counted": "telt", "reason": "reden", "target_trede": "doeltrede", "norm_pct": "norm",
    "reachable": "haalbaar", "needed_indirect_fte": "nodig indirect fte",
    "extra_indirect_fte": "extra indirect fte", "yield_fte_per_meur": "fte/mln €",
    "extra_eur": "extra inkoop", "share_of_revenue_pct": "deel van omzet", "room_eur": "ruimte",
    "total_pct_after": "totaal na", "scenario": "scenario", "moved_eur": "verschoven",
    "spend_at_from_eur": "inkoop bij van", "spend_at_to_eur": "inkoop bij naar",
    "level": "niveau", "sw": "SW-bedrijf", "valid_from": "geldig vanaf", "valid_until": "geldig tot",
    "sbi": "SBI", "municipality": "gemeente", "gain_pct": "winst", "trede_after": "trede na",
    "not_counted_eur": "telt niet", "alternative_id": "alternatief-id",
    "alternative_name": "alternatief", "alternative_level": "niveau alternatief",
    "proximity": "nabijheid", "spend_eur": "inkoop", "spend_share_pct": "aandeel inkoop",
    "status": "status", "days_left": "dagen over", "assessment": "beoordeling", "rank": "rang",
    "price": "prijs", "certificate_status": "certificaat", "discount_pct": "korting",
    "fictitious_price": "fictieve prijs", "code_buyers": "code-inkopers", "code_share": "code-aandeel",
    "distance": "afstand", "meets_threshold": "boven drempel", "round": "ronde",
    "trigger_id": "aanleiding-id", "pressure": "druk", "certified_on": "gecertificeerd op",
    "parent_id": "ouder-id", "generation": "generatie", "root_id": "wortel-id",
    "embodied_fte": "belichaamde fte", "embodied_fte_certified": "belichaamde fte gecertificeerd",
    "table": "tabel", "file": "bestand", "rows": "rijen", "errors": "fouten", "warnings": "waarschuwingen",
    "row": "rij", "column": "kolom", "value": "waarde", "severity": "ernst", "what": "wat",
    "tier": "schakel", "prospects": "kandidaten", "revenue_eur": "omzet", "current_trede": "huidige trede",
    "direct_fte": "direct fte", "indicator": "indicator", "group": "groep", "buyers": "inkopers",
    "counting_eur": "tellende inkoop", "counting_share": "aandeel tellend", "certified": "gecertificeerd",
    "newly_certified": "nieuw gecertificeerd", "cumulative": "cumulatief",
    "target_fte_gain": "doelgroep-fte winst", "median_code_share": "mediaan code-aandeel",
    "mean_code_share": "gemiddeld code-aandeel", "cumulative_certified": "totaal nieuw",
    "certified_total": "gecertificeerd totaal", "code_applying": "code-toepassers",
    "target_fte_new": "doelgroep-fte nieuw",
    "counting_spend_share": "aandeel tellende inkoop", "large_share": "groot deel",
    "baseline_eur": "inkoop nu", "not_counting_eur": "telt niet", "gain": "winst", "pick": "keuze",
    "note": "opmerking", "size": "omvang", "generations": "generaties",
    "first_certified": "eerste certificering", "last_certified": "laatste certificering",
    # social return, tenders, reviews, planning
    "contract_id": "contract", "value_eur": "contractwaarde", "sroi_pct": "SROI", "start": "begin",
    "end": "einde", "obligation_eur": "verplichting", "certificate_level": "certificaatniveau",
    "certificate_eur": "via certificaat", "hire_eur": "via plaatsingen", "sw_purchase_eur": "via SW-inkoop",
    "pso_purchase_eur": "via PSO-inkoop", "activity_eur": "via activiteiten", "fulfilled_eur": "ingevuld",
    "remaining_eur": "resterend", "fulfilled_pct": "ingevuld deel", "elapsed_pct": "verstreken",
    "due": "uiterlijk", "contracts": "contracten", "at_risk_contracts": "contracten met risico",
    "at_risk": "risico", "certificate_source": "bron certificaat", "certificate_number": "certificaatnummer",
    "copy_check": "controle kopie", "price_points": "punten prijs", "pso_points": "punten PSO",
    "quality_points": "punten kwaliteit", "total_points": "totaal punten", "how": "toelichting",
    "level_history": "niveauhistorie", "letter": "brief", "postcode": "postcode",
    "aspirant_since": "aspirant sinds", "deadline": "uiterlijk", "reaches_trede1": "haalt trede 1",
    "valid_until_plan": "geldig tot",
}

TREDE_COLUMNS = {"trede", "current_trede", "target_trede", "trede_after", "next_trede"}
DATE_COLUMNS = {"date", "valid_from", "valid_until", "certified_on", "pso_valid_from", "pso_valid_until"}
EUR_COLUMNS = {"price", "fictitious_price", "fee"}
TEXT_NUMBERS = {"year", "row", "rank", "round", "generation", "distance", "days_left"}


def column_kind(name: str, dtype=None) -> str:
    """How a column is read, from its contract name (and dtype where the name says nothing)."""
    name = str(name)
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
        """The column's Dutch label, or in English its own name."""
        return COLUMN_LABELS.get(str(column), str(column)) if self.lang == "nl" else str(column)

    def word(self, key: str, **values) -> str:
        """A sentence of :data:`WORDS` in this language, ``{placeholders}`` filled."""
        nl, en = WORDS[key]
        return (nl if self.lang == "nl" else en).format(**values)

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
