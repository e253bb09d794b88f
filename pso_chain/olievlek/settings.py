"""Defaults of the olievlek and embodied computations (model choices, not PSO rules).

They live in ``pso_chain/data/olievlek.toml`` so that no number is buried in code; every one
can be overridden as a function argument or on the command line.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pso_chain.errors import Problem, PsoInputError

SETTINGS_NAME = "olievlek.toml"


@dataclass(frozen=True)
class OlievlekSettings:
    """Default threshold and fee-model share at risk; embodied solver tolerance and limit."""

    threshold: float
    at_risk: float
    embodied_tolerance: float
    embodied_max_iterations: int


def default_settings_path() -> Path:
    return Path(str(resources.files("pso_chain.data").joinpath(SETTINGS_NAME)))


@lru_cache(maxsize=4)
def load_settings(path: str | None = None) -> OlievlekSettings:
    """Read the settings file (the packaged one when ``path`` is None).

    >>> load_settings().threshold
    0.25
    """
    file = Path(path) if path else default_settings_path()
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
        sim, emb = raw["simulate"], raw["embodied"]
        return OlievlekSettings(
            threshold=float(sim["threshold"]),
            at_risk=float(sim["at_risk"]),
            embodied_tolerance=float(emb["tolerance"]),
            embodied_max_iterations=int(emb["max_iterations"]),
        )
    except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise PsoInputError(Problem(str(file), None, None, None,
                                    f"bad olievlek settings file: {exc}")) from None
