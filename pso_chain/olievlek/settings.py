"""Defaults of the olievlek and embodied computations, read from ``data/olievlek.toml``.

The reader and the values live in :mod:`pso_chain.settings` (one TOML reader for every file);
this module keeps the olievlek-side names importable.
"""

from __future__ import annotations

from pso_chain.settings import OLIEVLEK_SETTINGS_NAME as SETTINGS_NAME
from pso_chain.settings import OlievlekSettings, load_settings, packaged

__all__ = ["SETTINGS_NAME", "OlievlekSettings", "default_settings_path", "load_settings"]


def default_settings_path():
    """Path of the settings file shipped with the package."""
    return packaged(SETTINGS_NAME)
