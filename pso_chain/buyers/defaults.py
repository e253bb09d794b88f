"""The buyer commands' own defaults (not PSO rules): a small TOML shipped with the package.

``pso_chain/data/buyers-defaults.toml`` holds the purchasing-practice numbers the buyer verbs
use when the command line does not say otherwise: how many suppliers to price, the euro amount
behind ``suppliers --for``, the SBI prefix length of a sector, the 90-day expiry warning and the
tender discounts per certificate level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pso_chain.errors import Problem, PsoInputError
from pso_chain.rules import read_toml

DEFAULTS_NAME = "buyers-defaults.toml"
SW_KEY = "sw"


@dataclass(frozen=True)
class BuyerDefaults:
    """Defaults of uplift, suppliers, substitutes, compliance and tender."""

    uplift_top: int = 5
    gain_per_eur: float = 100_000.0
    sbi_digits: int = 2
    substitutes_top: int = 3
    expiring_days: int = 90
    discount_pct: dict[str, float] = field(default_factory=dict)
    source_file: str = ""


def default_defaults_path() -> Path:
    """Path of the defaults file shipped with the package."""
    return Path(str(resources.files("pso_chain.data").joinpath(DEFAULTS_NAME)))


def _value(raw: dict, dotted: str, name: str, kind: type, low: float, high: float):
    node = raw
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            raise PsoInputError(Problem(name, None, dotted, None, "missing key in defaults file"))
        node = node[key]
    ok = isinstance(node, int | float) and not isinstance(node, bool)
    if kind is int:
        ok = ok and float(node).is_integer()
    if not ok or not low <= node <= high:
        raise PsoInputError(Problem(name, None, dotted, node, f"expected a number in [{low}, {high}]"))
    return kind(node)


def parse_discounts(table: dict, name: str, column: str = "tender.discount_pct") -> dict[str, float]:
    """``{level: percent}`` checked: each percent a number in [0, 100)."""
    out = {}
    for level, pct in table.items():
        if not isinstance(pct, int | float) or isinstance(pct, bool) or not 0 <= pct < 100:
            raise PsoInputError(Problem(name, None, f"{column}.{level}", pct,
                                        "discount must be a percentage in [0, 100)"))
        out[str(level)] = float(pct)
    return out


def load_buyer_defaults(path: str | Path | None = None) -> BuyerDefaults:
    """Read and check the buyer defaults (the packaged file when ``path`` is None)."""
    path = Path(path) if path is not None else default_defaults_path()
    name = str(path)
    raw = read_toml(path, "defaults file")
    discounts = raw.get("tender", {}).get("discount_pct")
    if not isinstance(discounts, dict):
        raise PsoInputError(Problem(name, None, "tender.discount_pct", None,
                                    "expected a table of level = percent"))
    return BuyerDefaults(
        uplift_top=_value(raw, "uplift.top", name, int, 1, 10**6),
        gain_per_eur=_value(raw, "suppliers.gain_per_eur", name, float, 1e-9, 1e15),
        sbi_digits=_value(raw, "substitutes.sbi_digits", name, int, 1, 10),
        substitutes_top=_value(raw, "substitutes.top", name, int, 1, 10**6),
        expiring_days=_value(raw, "compliance.expiring_days", name, int, 0, 10**5),
        discount_pct=parse_discounts(discounts, name),
        source_file=name,
    )
