"""One reader for the TOML files the package ships, and the defaults they hold.

Three files, one reader (:class:`TomlTable`), one way of reporting a bad value (file, the dotted
key as the column, the value, the reason):

- ``data/rules/pso-2024.toml``: the PSO rules (:func:`pso_chain.rules.load_rules`);
- ``data/buyers-defaults.toml``: the buyer verbs' defaults (:func:`load_buyer_defaults`);
- ``data/olievlek.toml``: the olievlek, embodied and report defaults (:func:`load_settings`).

Every default number of a verb is written once, in these files. Functions take ``None`` for
"the default" and read it here; the CLI help reads the same values through :func:`defaults`.

>>> from pso_chain.settings import defaults
>>> d = defaults()
>>> d.buyers.uplift_top, d.olievlek.threshold, d.olievlek.report_seeds
(5, 0.25, 5)
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from pso_chain.errors import Problem, PsoInputError

BUYER_DEFAULTS_NAME = "buyers-defaults.toml"
OLIEVLEK_SETTINGS_NAME = "olievlek.toml"
SW_KEY = "sw"  # the tender discount of an SW-bedrijf without a (higher) certificate


def packaged(name: str, package: str = "pso_chain.data") -> Path:
    """Path of a file shipped with the package."""
    return Path(str(resources.files(package).joinpath(name)))


def read_toml(path: str | Path, what: str, error: type[PsoInputError] = PsoInputError) -> dict[str, Any]:
    """A TOML file as a dict; a missing or malformed file is bad input naming the file.

    TOML is UTF-8, but a file edited in an old Windows editor comes back as cp1252 (or with a
    BOM): those are read as what they are.
    """
    try:
        data = Path(path).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise error(Problem(str(path), None, None, None, f"{what} not found")) from None
    except PermissionError:
        raise error(Problem(str(path), None, None, None, f"{what} cannot be read (permission)")) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise error(Problem(str(path), None, None, None, f"{what} is not UTF-8 text")) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(Problem(str(path), None, None, None, f"not valid TOML: {exc}")) from None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class TomlTable:
    """A parsed TOML file with checked getters; a bad value raises ``error`` naming the file,
    the dotted key (as the column) and the value."""

    def __init__(self, raw: dict[str, Any], name: str, what: str,
                 error: type[PsoInputError] = PsoInputError):
        self.raw, self.name, self.what, self.error = raw, name, what, error

    @classmethod
    def read(cls, path: str | Path, what: str, error: type[PsoInputError] = PsoInputError) -> TomlTable:
        """Read ``path`` (bad input when missing or not TOML)."""
        return cls(read_toml(path, what, error), str(path), what, error)

    def fail(self, key: str, value: object, reason: str) -> PsoInputError:
        """The error for a bad value at ``key`` (to raise)."""
        return self.error(Problem(self.name, None, key, value, reason))

    def get(self, key: str) -> Any:
        """The value at dotted ``key``; bad input when it is missing."""
        node: Any = self.raw
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise self.fail(key, None, f"missing key in {self.what}")
            node = node[part]
        return node

    def number(self, key: str, low: float, high: float) -> float:
        """A number in ``[low, high]``."""
        value = self.get(key)
        if not _is_number(value) or not low <= value <= high:
            raise self.fail(key, value, f"expected a number in [{low:g}, {high:g}]")
        return float(value)

    def integer(self, key: str, low: int, high: int) -> int:
        """A whole number in ``[low, high]``."""
        value = self.get(key)
        if not _is_number(value) or not float(value).is_integer() or not low <= value <= high:
            raise self.fail(key, value, f"expected a whole number in [{low}, {high}]")
        return int(value)

    def numbers(self, key: str, minimum: float | None = None) -> np.ndarray:
        """A non-empty list of numbers, each >= ``minimum`` when given."""
        value = self.get(key)
        if not isinstance(value, list) or not value or not all(_is_number(v) for v in value):
            raise self.fail(key, value, "expected a non-empty list of numbers")
        arr = np.asarray(value, dtype=float)
        if minimum is not None and (arr < minimum).any():
            raise self.fail(key, value, f"values must be >= {minimum:g}")
        return arr

    def strings(self, key: str) -> tuple[str, ...]:
        """A list of non-empty strings."""
        value = self.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, value, "expected a list of strings")
        return tuple(value)

    def table(self, key: str, what: str, low: float = 0.0, high: float = math.inf, *,
              below_high: bool = False, allow_empty: bool = False) -> dict[str, float]:
        """A table of ``name = number`` with each number in ``[low, high]`` (``[low, high)`` with
        ``below_high``); non-empty unless ``allow_empty``."""
        value = self.get(key)
        if not isinstance(value, dict) or not (value or allow_empty):
            raise self.fail(key, value, f"expected a table of name = {what}")
        if high == math.inf:
            bound = f">= {low:g}"
        else:
            bound = f"in [{low:g}, {high:g}{')' if below_high else ']'}"
        out = {}
        for name, number in value.items():
            ok = _is_number(number) and low <= number and (number < high if below_high else number <= high)
            if not ok:
                raise self.fail(f"{key}.{name}", number, f"{what} must be a number {bound}")
            out[str(name)] = float(number)
        return out


# --- buyer verbs ----------------------------------------------------------------------------
@dataclass(frozen=True)
class AwardTable:
    """A price-quality award's points (``tender.award``): the maximum for price and the points
    per certificate level valid on the tender date (``none``, the levels, ``sw``)."""

    price_points: float
    pso_points: dict[str, float]


@dataclass(frozen=True)
class BuyerDefaults:
    """Defaults of uplift, suppliers, substitutes, compliance and tender (``buyers-defaults.toml``)."""

    uplift_top: int
    large_share_pct: float
    gain_per_eur: float
    sbi_digits: int
    substitutes_top: int
    expiring_days: int
    discount_pct: dict[str, float]
    award: AwardTable
    source_file: str


def parse_buyer_defaults(toml: TomlTable) -> BuyerDefaults:
    """The buyer defaults of a read file, each value checked."""
    return BuyerDefaults(
        uplift_top=toml.integer("uplift.top", 1, 10**6),
        large_share_pct=toml.number("uplift.large_share_pct", 0.0, 100.0),
        gain_per_eur=toml.number("suppliers.gain_per_eur", 1e-9, 1e15),
        sbi_digits=toml.integer("substitutes.sbi_digits", 1, 10),
        substitutes_top=toml.integer("substitutes.top", 1, 10**6),
        expiring_days=toml.integer("compliance.expiring_days", 0, 10**5),
        discount_pct=toml.table("tender.discount_pct", "discount", 0.0, 100.0, below_high=True,
                                allow_empty=True),
        award=AwardTable(toml.number("tender.award.price_points", 0.0, 1e6),
                         toml.table("tender.award.pso_points", "points", 0.0, 1e6)),
        source_file=toml.name,
    )


@lru_cache(maxsize=8)
def _buyer_defaults(path: str) -> BuyerDefaults:
    return parse_buyer_defaults(TomlTable.read(path, "defaults file"))


def load_buyer_defaults(path: str | Path | None = None) -> BuyerDefaults:
    """Read and check the buyer defaults (the packaged file when ``path`` is None)."""
    return _buyer_defaults(str(path if path is not None else packaged(BUYER_DEFAULTS_NAME)))


# --- olievlek, embodied, report -------------------------------------------------------------
@dataclass(frozen=True)
class OlievlekSettings:
    """Defaults of the olievlek verbs, the embodied solver and the report (``olievlek.toml``)."""

    threshold: float
    at_risk: float
    history_top: int
    embodied_tolerance: float
    embodied_max_iterations: int
    report_top: int
    report_seeds: int
    report_cascades: int
    report_closest: int
    source_file: str


def parse_settings(toml: TomlTable) -> OlievlekSettings:
    """The olievlek settings of a read file, each value checked."""
    return OlievlekSettings(
        threshold=toml.number("simulate.threshold", 0.0, 1e6),
        at_risk=toml.number("simulate.at_risk", 0.0, 1.0),
        history_top=toml.integer("history.top", 1, 10**6),
        embodied_tolerance=toml.number("embodied.tolerance", 0.0, 1.0),
        embodied_max_iterations=toml.integer("embodied.max_iterations", 1, 10**9),
        report_top=toml.integer("report.top", 1, 10**6),
        report_seeds=toml.integer("report.seeds", 1, 10**6),
        report_cascades=toml.integer("report.cascades", 1, 10**6),
        report_closest=toml.integer("report.closest", 1, 10**6),
        source_file=toml.name,
    )


@lru_cache(maxsize=8)
def _settings(path: str) -> OlievlekSettings:
    return parse_settings(TomlTable.read(path, "olievlek settings file"))


def load_settings(path: str | Path | None = None) -> OlievlekSettings:
    """Read and check the olievlek settings (the packaged file when ``path`` is None).

    >>> load_settings().threshold
    0.25
    """
    return _settings(str(path if path is not None else packaged(OLIEVLEK_SETTINGS_NAME)))


# --- all of them ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Defaults:
    """Every default of the verbs, as loaded from the packaged TOML files."""

    buyers: BuyerDefaults
    olievlek: OlievlekSettings


def defaults(buyers: str | Path | None = None, olievlek: str | Path | None = None) -> Defaults:
    """The verbs' defaults (the packaged files unless other files are given); what the CLI help
    and the API functions read for an argument left at None."""
    return Defaults(load_buyer_defaults(buyers), load_settings(olievlek))
