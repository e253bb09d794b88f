"""The tender file as a PDF: how each bid's ranking came about, for the procurement record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from pso_chain import __version__
from pso_chain.outputs.pdf import Section, write_pdf

SHOWN = {
    "discount": ["rank", "supplier_id", "name", "price", "level", "certificate_status", "discount_pct",
                 "fictitious_price"],
    "points": ["rank", "supplier_id", "name", "price", "level", "certificate_status", "price_points",
               "pso_points", "quality_points", "total_points"],
}


def _money(value) -> str:
    return "" if pd.isna(value) else f"€ {value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def write_tender_pdf(ranking: pd.DataFrame, path: str | Path, on: dt.date, method: str,
                     weights: str, rules_version: str) -> Path:
    """Write the ranking with its explanation per bid (``how``, ``copy_check``) to a PDF."""
    table = ranking[SHOWN[method]].copy()
    for column in ("price", "fictitious_price"):
        if column in table:
            table[column] = table[column].map(_money)
    for column in ("price_points", "pso_points", "quality_points", "total_points"):
        if column in table:
            table[column] = table[column].map(lambda v: f"{v:.2f}")
    explained = [f"{r.rank}. {r.supplier_id} {r.name}: {r.how}. Certificate: {r.copy_check}."
                 for r in ranking.itertuples(index=False)]
    how = ("fictitious discount on the offered price per PSO level valid on the tender date"
           if method == "discount" else "award points for price, PSO level and quality (BPKV/EMVI)")
    meta = [f"Tender date: {on.isoformat()}", f"Method: {how}", f"Weights: {weights}",
            f"PSO rules {rules_version}; pso-chain {__version__}; made {dt.date.today().isoformat()}"]
    sections = [Section("Ranking", table=table),
                Section("How each ranking came about", paragraphs=explained)]
    return write_pdf(path, "Tender: PSO in the award", meta, sections, landscape=True)
