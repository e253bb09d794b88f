"""The PSO rules as data: load a versioned TOML rules file into a typed, validated object.

No rule number lives in code; the default file ships with the package
(``pso_chain/data/rules/pso-2024.toml``) and ``--rules FILE`` overrides it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from pso_chain.errors import Problem, PsoInputError, RulesError

DEFAULT_RULES_NAME = "pso-2024.toml"


@dataclass(frozen=True)
class Rules:
    """Norms, weights, cap, eligible levels, PSO 30+ threshold and fee bands."""

    version: str
    source_file: str
    norm_sizes: np.ndarray
    norm_trede: tuple[np.ndarray, np.ndarray, np.ndarray]
    max_indirect_share: float
    eligible_levels: tuple[str, ...]
    all_levels: tuple[str, ...]
    pso30plus_direct_pct: float
    start_position_weights: dict[str, float]
    contract_type_weights: dict[str, float]
    default_fulltime_hours: float
    default_months: float
    months_per_year: float
    fee_lower_bounds: np.ndarray
    fee_eur: np.ndarray

    @property
    def max_indirect_ratio(self) -> float:
        """Counted indirect_pct may be at most this multiple of direct_pct: s / (1 - s)."""
        s = self.max_indirect_share
        return s / (1 - s)

    def norms(self, employees) -> np.ndarray:
        """Norm percentages for each size, shape (n, 3): trede 1, 2, 3.

        Linear interpolation between published rows; the first row below it, the last at or
        above the last row.

        >>> rules = load_rules()
        >>> rules.norms([10, 105, 1])[:, 0].tolist()
        [6.7, 1.4, 21.4]
        """
        size = np.asarray(employees, dtype=float)
        return np.stack([np.interp(size, self.norm_sizes, t) for t in self.norm_trede], axis=-1)

    def fee(self, employees) -> np.ndarray:
        """Annual fee in euros for each size (bands with the lower bound included).

        >>> load_rules().fee([9, 10, 5000, 5001]).tolist()
        [400.0, 650.0, 5750.0, 7500.0]
        """
        size = np.asarray(employees, dtype=float)
        band = np.searchsorted(self.fee_lower_bounds, size, side="right") - 1
        return self.fee_eur[np.clip(band, 0, len(self.fee_eur) - 1)]

    def fee_band(self, employees: int) -> str:
        """Human-readable band of one size, e.g. ``10-49``."""
        band = int(np.searchsorted(self.fee_lower_bounds, employees, side="right") - 1)
        band = max(band, 0)
        low = int(self.fee_lower_bounds[band])
        if band + 1 < len(self.fee_lower_bounds):
            return f"{low}-{int(self.fee_lower_bounds[band + 1]) - 1}"
        return f"{low}+"


def read_toml(path: Path, what: str, error: type[PsoInputError] = PsoInputError) -> dict:
    """A TOML file as a dict; a missing or malformed file is bad input naming the file."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(Problem(str(path), None, None, None, f"{what} not found")) from None
    except tomllib.TOMLDecodeError as exc:
        raise error(Problem(str(path), None, None, None, f"not valid TOML: {exc}")) from None


def default_rules_path() -> Path:
    """Path of the rules file shipped with the package."""
    return Path(str(resources.files("pso_chain.data.rules").joinpath(DEFAULT_RULES_NAME)))


def load_rules(path: str | Path | None = None) -> Rules:
    """Load and validate a rules file (the packaged default when ``path`` is None)."""
    path = Path(path) if path is not None else default_rules_path()
    name = str(path)
    raw = read_toml(path, "rules file", RulesError)
    return _parse(raw, name)


def _get(raw: dict, dotted: str, name: str):
    node = raw
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            raise RulesError(Problem(name, None, dotted, None, "missing key in rules file"))
        node = node[key]
    return node


def _numbers(raw: dict, dotted: str, name: str, *, minimum: float | None = None) -> np.ndarray:
    value = _get(raw, dotted, name)
    if not isinstance(value, list) or not value or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value
    ):
        raise RulesError(Problem(name, None, dotted, value, "expected a non-empty list of numbers"))
    arr = np.asarray(value, dtype=float)
    if minimum is not None and (arr < minimum).any():
        raise RulesError(Problem(name, None, dotted, value, f"values must be >= {minimum}"))
    return arr


def _number(raw: dict, dotted: str, name: str, low: float, high: float) -> float:
    value = _get(raw, dotted, name)
    if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
        raise RulesError(Problem(name, None, dotted, value, f"expected a number in [{low}, {high}]"))
    return float(value)


def _weights(raw: dict, dotted: str, name: str) -> dict[str, float]:
    table = _get(raw, dotted, name)
    if not isinstance(table, dict) or not table:
        raise RulesError(Problem(name, None, dotted, table, "expected a table of code = weight"))
    out = {}
    for code, weight in table.items():
        if not isinstance(weight, int | float) or isinstance(weight, bool) or weight < 0:
            raise RulesError(
                Problem(name, None, f"{dotted}.{code}", weight, "weight must be a number >= 0")
            )
        out[str(code)] = float(weight)
    return out


def _strings(raw: dict, dotted: str, name: str) -> tuple[str, ...]:
    value = _get(raw, dotted, name)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RulesError(Problem(name, None, dotted, value, "expected a list of strings"))
    return tuple(value)


def _parse(raw: dict, name: str) -> Rules:
    sizes = _numbers(raw, "norms.sizes", name, minimum=0)
    if (np.diff(sizes) <= 0).any():
        raise RulesError(Problem(name, None, "norms.sizes", sizes.tolist(), "must be increasing"))
    trede = []
    for t in (1, 2, 3):
        col = _numbers(raw, f"norms.trede{t}", name, minimum=0)
        if len(col) != len(sizes):
            raise RulesError(
                Problem(name, None, f"norms.trede{t}", len(col), "must have one value per size")
            )
        trede.append(col)
    if (trede[0] > trede[1]).any() or (trede[1] > trede[2]).any():
        raise RulesError(
            Problem(name, None, "norms", None, "norms must not decrease from trede 1 to trede 3")
        )
    all_levels = _strings(raw, "levels.all", name)
    eligible = _strings(raw, "indirect.eligible_levels", name)
    unknown = [lv for lv in eligible if lv not in all_levels]
    if unknown:
        raise RulesError(
            Problem(name, None, "indirect.eligible_levels", unknown, "not in levels.all")
        )
    bounds = _numbers(raw, "fees.lower_bounds", name, minimum=0)
    fees = _numbers(raw, "fees.eur_per_year", name, minimum=0)
    if len(bounds) != len(fees) or bounds[0] != 0 or (np.diff(bounds) <= 0).any():
        raise RulesError(
            Problem(
                name, None, "fees", None,
                "lower_bounds must start at 0, increase, and match eur_per_year in length",
            )
        )
    version = _get(raw, "meta.version", name)
    return Rules(
        version=str(version),
        source_file=name,
        norm_sizes=sizes,
        norm_trede=(trede[0], trede[1], trede[2]),
        max_indirect_share=_number(raw, "indirect.max_indirect_share", name, 0.0, 0.999999),
        eligible_levels=eligible,
        all_levels=all_levels,
        pso30plus_direct_pct=_number(raw, "levels.pso30plus_direct_pct", name, 0.0, 100.0),
        start_position_weights=_weights(raw, "direct.start_position", name),
        contract_type_weights=_weights(raw, "direct.contract_type", name),
        default_fulltime_hours=_number(raw, "direct.default_fulltime_hours", name, 1e-9, 168.0),
        default_months=_number(raw, "direct.default_months", name, 0.0, 12.0),
        months_per_year=_number(raw, "direct.months_per_year", name, 1.0, 12.0),
        fee_lower_bounds=bounds,
        fee_eur=fees,
    )
