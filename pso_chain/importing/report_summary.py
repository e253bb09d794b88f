"""What the match report says in a few lines: the share of the spend accepted, in review and
unmatched, and the large unmatched suppliers a person should look at first."""

from __future__ import annotations

import pandas as pd

from pso_chain.errors import coded

STATUSES = ("accepted", "review", "unmatched")


def spend_summary(report: pd.DataFrame) -> dict[str, float]:
    """The share of the spend (0-1) per status; a negative net amount counts as 0."""
    amounts = report["amount_eur"].astype(float).clip(lower=0)
    total = float(amounts.sum())
    return {s: (float(amounts[report["status"].eq(s)].sum()) / total if total > 0 else 0.0)
            for s in STATUSES}


def summary_lines(report: pd.DataFrame, spend_share: float) -> list[str]:
    """Notes (codes read in the reader's language): the spend shares, then the count of
    unmatched suppliers among the largest (those making up ``spend_share`` of the spend),
    listed with their candidates."""
    shares = spend_summary(report)
    total = float(report["amount_eur"].astype(float).clip(lower=0).sum())
    counts = report["status"].value_counts()
    per_status: dict[str, object] = {}
    for status in STATUSES:
        per_status[f"{status}_pct"] = f"{100 * shares[status]:.1f}"
        per_status[f"{status}_n"] = int(counts.get(status, 0))
    lines = [coded("match_shares", total_eur=f"{total:.0f}", **per_status)]
    if "spend_share" in report.columns:
        before = report["spend_share"] - report["amount_eur"].astype(float).clip(lower=0) / max(total, 1e-9)
        large = report[report["status"].eq("unmatched") & (before < spend_share)]
        if len(large):
            lines.append(coded("unmatched_large", n=len(large), share_pct=f"{100 * spend_share:.1f}"))
    return lines
