"""What a front-end shows or writes beside a verb's result: tables derived from a result for
display, files written from one (graphs, the tender file, a synthetic dataset), a seed list read
from a file, and numpy's page setting for a whole command.

Each is a thin bridge to the module that owns the work, so the CLI and the web app reach them
through the API layer and never import the engine.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from pso_chain.api.base import Network, engine
from pso_chain.core.explanation import purchases_frame
from pso_chain.core.network import small_pages
from pso_chain.generate import generate_dataset, write_dataset
from pso_chain.loaders import find_table as find
from pso_chain.olievlek.export import history_forest, simulation_forest, write_graph
from pso_chain.olievlek.exposure import exposure_summary
from pso_chain.olievlek.history import history_figures
from pso_chain.olievlek.simulate import read_seed_orgs as read
from pso_chain.outputs.tender_file import write_tender_pdf

__all__ = ["explanation_purchases", "exposure_tiers", "find_table", "generate", "history_followers",
           "history_summary", "read_seed_orgs", "small_pages", "write_propagation_forest",
           "write_tender_file"]


def explanation_purchases(explained: dict[str, Any]) -> pd.DataFrame:
    """The purchases of an :func:`pso_chain.explain` result as a table (one row each).

    Examples
    --------
    >>> import pso_chain
    >>> ex = pso_chain.explain(pso_chain.load_example(), "90000002")
    >>> list(explanation_purchases(ex).columns)[:4]
    ['row', 'supplier_id', 'supplier_name', 'date']
    """
    return purchases_frame(explained)


def exposure_tiers(frame: pd.DataFrame) -> pd.DataFrame:
    """Prospects of :func:`pso_chain.exposure` per distance tier: organisations, median and mean
    code share, how many meet the threshold.

    Examples
    --------
    >>> import pso_chain
    >>> tiers = exposure_tiers(pso_chain.exposure(pso_chain.load_example()))
    >>> list(tiers.columns)
    ['tier', 'organisations', 'median_code_share', 'mean_code_share', 'meets_threshold']
    """
    return exposure_summary(frame)


def history_summary(frame: pd.DataFrame) -> dict[str, float]:
    """The figures of a :func:`pso_chain.history` frame: certified organisations, roots, how
    many followed a certified buyer, deepest generation, largest cascade."""
    return history_figures(frame)


def history_followers(frame: pd.DataFrame) -> pd.DataFrame:
    """The certifications of a :func:`pso_chain.history` frame that followed a certified buyer,
    deepest generation first."""
    followed = frame[frame["parent_id"].notna()]
    return followed.sort_values(["generation", "certified_on", "org_id"], ascending=[False, True, True])


def find_table(folder: str | Path, name: str) -> Path | None:
    """The file of table ``name`` in a dataset folder (``.csv``, ``.xlsx`` or ``.parquet``), or None."""
    return find(Path(folder), name)


def read_seed_orgs(path: str | Path) -> list[str]:
    """org_ids from a file: a table with an ``org_id`` column, or one org_id per line."""
    return read(path)


def write_propagation_forest(network: Network, frame: pd.DataFrame, path: str | Path, kind: str
                             ) -> Path:
    """The propagation forest of a ``history`` or ``simulation`` frame as GEXF or GraphML (Gephi)."""
    forest = history_forest if kind == "history" else simulation_forest
    return write_graph(forest(engine(network), frame), path)


def write_tender_file(ranking: pd.DataFrame, path: str | Path, on: dt.date, method: str, weights: str,
                      rules_version: str, lang: str = "nl") -> Path:
    """A :func:`pso_chain.tender` ranking with how each bid was ranked, as a PDF in ``lang``."""
    return write_tender_pdf(ranking, path, on, method, weights, rules_version, lang)


def generate(out: str | Path, orgs: int, purchases: int, *, seed: int = 0, year: int = 2025,
             fmt: str = "csv") -> list[Path]:
    """A synthetic purchase network written to the folder ``out`` (deterministic per seed).

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in generate(tempfile.mkdtemp(), 20, 50)][:2]
    ['organisations.csv', 'purchases.csv']
    """
    return write_dataset(generate_dataset(orgs, purchases, seed=seed, year=year), Path(out), fmt)
