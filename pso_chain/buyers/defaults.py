"""The buyer verbs' defaults (not PSO rules), read from ``data/buyers-defaults.toml``.

The reader and the values live in :mod:`pso_chain.settings` (one TOML reader for every file);
this module keeps the buyer-side names importable.
"""

from __future__ import annotations

from pso_chain.settings import BUYER_DEFAULTS_NAME as DEFAULTS_NAME
from pso_chain.settings import SW_KEY, BuyerDefaults, load_buyer_defaults, packaged

__all__ = ["DEFAULTS_NAME", "SW_KEY", "BuyerDefaults", "default_defaults_path", "load_buyer_defaults"]


def default_defaults_path():
    """Path of the defaults file shipped with the package."""
    return packaged(DEFAULTS_NAME)
