"""The whole story on one network in a few seconds (what ``pso-chain demo`` shows): validation,
credits, the trede distribution, who is closest to the next trede, that organisation explained
and what purchasing would lift it (the buyer's step: uplift and suppliers), and how far
certification could spread (the olievlek's step: prospects per tier and a simulation).

Every selection is made here, once; a front-end only renders a :class:`Tour`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pso_chain.api.base import engine
from pso_chain.api.buyers import suppliers, uplift
from pso_chain.api.olievlek import exposure, simulate
from pso_chain.core.explanation import explain
from pso_chain.core.scoring import closest_to_next_trede, credits, trede_distribution
from pso_chain.olievlek.exposure import exposure_summary

TOP_ROWS = 12
CLOSEST_ROWS = 10
SUPPLIER_ROWS = 8
PROSPECT_ROWS = 8


@dataclass(frozen=True)
class Tour:
    """The demo's results, in the order they are told."""

    organisations: int
    purchase_rows: int
    errors: int
    warnings: int
    year: int
    rules_version: str
    top: pd.DataFrame            # highest total_pct (credits columns)
    distribution: pd.DataFrame   # trede, organisations, share_pct
    closest: pd.DataFrame        # closest to their next trede
    pick: str | None             # the organisation followed through the story
    explained: dict[str, Any] | None
    uplift: dict[str, pd.DataFrame] | None
    suppliers_on: dt.date
    suppliers: pd.DataFrame      # the highest-yield suppliers that count on ``suppliers_on``
    supplier_count: int
    exposure: pd.DataFrame       # prospects per tier
    prospects: pd.DataFrame      # the most exposed prospects
    simulation: pd.DataFrame     # per-round summary of the threshold cascade


def build_tour(network) -> Tour:
    """Run the story on ``network`` (a folder network, or a database source read whole)."""
    net = engine(network)  # the story reads the whole network (a database is read whole)
    report = getattr(getattr(net, "data", None), "report", None)
    scores = credits(net, net.resolve_year(None))
    year = int(scores["year"].iat[0]) if len(scores) else net.resolve_year(None)
    top = scores.sort_values(["total_pct", "org_id"], ascending=[False, True]).head(TOP_ROWS)
    qualitative = getattr(net, "qualitative_ok", None)
    closest = closest_to_next_trede(scores, top=CLOSEST_ROWS, qualitative_ok=qualitative)
    pick = str(closest["org_id"].iat[0]) if len(closest) else None
    on = dt.date(year, 12, 31)
    found = suppliers(net, on)
    prospects = exposure(net, year)
    sim = simulate(net, year)
    return Tour(
        organisations=int(net.n), purchase_rows=len(net.purchases),
        errors=len(report.errors) if report is not None else 0,
        warnings=len(report.warnings) if report is not None else 0,
        year=year, rules_version=str(net.rules.version),
        top=top[["org_id", "name", "employees", "direct_pct", "indirect_counted_pct", "total_pct",
                 "trede"]],
        distribution=trede_distribution(scores), closest=closest, pick=pick,
        explained=explain(net, pick, year) if pick else None,
        uplift=uplift(net, pick, year) if pick else None,
        suppliers_on=on, suppliers=found.head(SUPPLIER_ROWS), supplier_count=len(found),
        exposure=exposure_summary(prospects),
        prospects=prospects.head(PROSPECT_ROWS)[["org_id", "name", "municipality", "code_share",
                                                 "distance", "meets_threshold"]],
        simulation=sim.rounds_frame(),
    )
