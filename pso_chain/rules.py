"""The PSO rules as data: load a versioned TOML rules file into a typed, validated object.

No rule number lives in code; the default file ships with the package
(``pso_chain/data/rules/pso-2024.toml``) and ``--rules FILE`` overrides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from pso_chain.errors import RulesError
from pso_chain.settings import TomlTable

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
    aspirant_years: float
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


def default_rules_path() -> Path:
    """Path of the rules file shipped with the package."""
    return Path(str(resources.files("pso_chain.data.rules").joinpath(DEFAULT_RULES_NAME)))


def load_rules(path: str | Path | None = None) -> Rules:
    """Load and validate a rules file (the packaged default when ``path`` is None)."""
    path = Path(path) if path is not None else default_rules_path()
    return parse_rules(TomlTable.read(path, "rules file", RulesError))


def parse_rules(toml: TomlTable) -> Rules:
    """The rules of a read rules file, every value checked (bad values name the key)."""
    sizes = toml.numbers("norms.sizes", minimum=0)
    if (np.diff(sizes) <= 0).any():
        raise toml.fail("norms.sizes", sizes.tolist(), "must be increasing")
    trede = []
    for t in (1, 2, 3):
        col = toml.numbers(f"norms.trede{t}", minimum=0)
        if len(col) != len(sizes):
            raise toml.fail(f"norms.trede{t}", len(col), "must have one value per size")
        trede.append(col)
    if (trede[0] > trede[1]).any() or (trede[1] > trede[2]).any():
        raise toml.fail("norms", None, "norms must not decrease from trede 1 to trede 3")
    all_levels = toml.strings("levels.all")
    eligible = toml.strings("indirect.eligible_levels")
    unknown = [lv for lv in eligible if lv not in all_levels]
    if unknown:
        raise toml.fail("indirect.eligible_levels", unknown, "not in levels.all")
    bounds = toml.numbers("fees.lower_bounds", minimum=0)
    fees = toml.numbers("fees.eur_per_year", minimum=0)
    if len(bounds) != len(fees) or bounds[0] != 0 or (np.diff(bounds) <= 0).any():
        raise toml.fail("fees", None,
                        "lower_bounds must start at 0, increase, and match eur_per_year in length")
    return Rules(
        version=str(toml.get("meta.version")),
        source_file=toml.name,
        norm_sizes=sizes,
        norm_trede=(trede[0], trede[1], trede[2]),
        max_indirect_share=toml.number("indirect.max_indirect_share", 0.0, 0.999999),
        eligible_levels=eligible,
        all_levels=all_levels,
        pso30plus_direct_pct=toml.number("levels.pso30plus_direct_pct", 0.0, 100.0),
        aspirant_years=toml.number("levels.aspirant_years", 0.0, 10.0),
        start_position_weights=toml.table("direct.start_position", "weight"),
        contract_type_weights=toml.table("direct.contract_type", "weight"),
        default_fulltime_hours=toml.number("direct.default_fulltime_hours", 1e-9, 168.0),
        default_months=toml.number("direct.default_months", 0.0, 12.0),
        months_per_year=toml.number("direct.months_per_year", 1.0, 12.0),
        fee_lower_bounds=bounds,
        fee_eur=fees,
    )
