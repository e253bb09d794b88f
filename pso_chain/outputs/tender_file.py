"""The tender file as a PDF: how each bid's ranking came about, for the procurement record.

Dutch by default (``lang="en"`` for English): the ranking as a table, then per bid how its
position came about and what the check of its certificate copy found (the engine's codes, read
through :func:`pso_chain.messages.readable`). Texts come from the language catalogue's ``[pdf]``
section, numbers and dates through its formatters.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pandas as pd

from pso_chain import __version__, messages
from pso_chain.outputs.pdf import Formats, Section, heading, table_of, write_pdf

SHOWN = {
    "discount": ["rank", "supplier_id", "name", "price", "level", "certificate_status", "discount_pct",
                 "fictitious_price"],
    "points": ["rank", "supplier_id", "name", "price", "level", "certificate_status", "price_points",
               "pso_points", "quality_points", "total_points"],
}
RIGHT = ("rank", "price", "discount_pct", "fictitious_price", "price_points", "pso_points",
         "quality_points", "total_points")
WRAP = ("name", "how", "copy_check")

WEIGHT = re.compile(r"(?P<key>\S+) (?P<value>-?[\d.]+)(?P<pct>%?)")


def _level(value: Any, lang: str) -> str:
    level = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    if not level or level == "none":
        return messages.text("pdf.none", lang)
    return messages.text("pdf.trede", lang, trede=level) if level[0].isdigit() else level


def weights_in(weights: str, fmt: Formats) -> str:
    """The weights line (``aspirant 1%, 1 2%, sw 5%`` or ``price 60, none 0, 1 10``) for readers
    of ``fmt.lang``; a line of another shape as it is."""
    parts = []
    for part in weights.split(", "):
        found = WEIGHT.fullmatch(part.strip())
        if not found:
            return weights
        key, value = found["key"], float(found["value"])
        name = {"price": messages.text("pdf.tender_price", fmt.lang), "sw": "SW-bedrijf"}.get(
            key, _level(key, fmt.lang))
        parts.append(f"{name} {fmt.num(value, 0 if value.is_integer() else 2)}{found['pct']}")
    return ", ".join(parts)


def write_tender_pdf(ranking: pd.DataFrame, path: str | Path, on: dt.date, method: str,
                     weights: str, rules_version: str, lang: str = "nl",
                     made_on: dt.date | None = None) -> Path:
    """Write the ranking with its explanation per bid (how it was ranked, the check of its
    certificate copy) to a PDF in ``lang``."""
    fmt = Formats(lang)

    def two(value: Any) -> str:
        return fmt.num(value, 2)

    table = table_of(ranking[SHOWN[method]], lang, {
        "rank": str, "supplier_id": str, "name": str, "price": fmt.eur, "fictitious_price": fmt.eur,
        "level": lambda v: _level(v, lang), "certificate_status": fmt.said,
        "discount_pct": lambda v: fmt.pct(v, 0 if float(v).is_integer() else 2),
        "price_points": two, "pso_points": two, "quality_points": two, "total_points": two})
    explained = pd.DataFrame({
        heading(lang, "rank"): ranking["rank"].astype(str).to_numpy(),
        heading(lang, "supplier_id"): ranking["supplier_id"].astype(str).to_numpy(),
        heading(lang, "how"): [fmt.said(v) for v in ranking["how"]],
        heading(lang, "copy_check"): [fmt.said(v) for v in ranking["copy_check"]],
    })
    how = messages.text("pdf.tender_method_discount" if method == "discount" else "pdf.tender_method_points",
                        lang)
    meta = [messages.text("pdf.tender_date", lang, date=fmt.date(on)),
            messages.text("pdf.tender_method", lang, method=how),
            messages.text("pdf.tender_weights", lang, weights=weights_in(weights, fmt)),
            messages.text("pdf.tender_made", lang, rules=rules_version, version=__version__,
                          date=fmt.date(made_on or dt.date.today()))]
    right = [heading(lang, c) for c in RIGHT]
    wrap = [heading(lang, c) for c in WRAP]
    sections = [Section(messages.text("pdf.tender_ranking", lang), table=table, right=right, wrap=wrap),
                Section(messages.text("pdf.tender_how", lang), table=explained, right=right, wrap=wrap)]
    return write_pdf(path, messages.text("pdf.tender_title", lang), meta, sections, lang=lang)
