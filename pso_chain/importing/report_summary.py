"""What the match report says in a few lines: the share of the spend accepted, in review and
unmatched, and the large unmatched suppliers a person should look at first."""

from __future__ import annotations

import pandas as pd

STATUSES = ("accepted", "review", "unmatched")
DUTCH_STATUS = {"accepted": "geaccepteerd", "review": "ter beoordeling", "unmatched": "niet gevonden"}


def spend_summary(report: pd.DataFrame) -> dict[str, float]:
    """The share of the spend (0-1) per status; a negative net amount counts as 0."""
    amounts = report["amount_eur"].astype(float).clip(lower=0)
    total = float(amounts.sum())
    return {s: (float(amounts[report["status"].eq(s)].sum()) / total if total > 0 else 0.0)
            for s in STATUSES}


def _eur(value: float) -> str:
    return "€ " + f"{value:,.0f}".replace(",", ".")


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%".replace(".", ",")


def summary_lines(report: pd.DataFrame, spend_share: float) -> list[str]:
    """Dutch lines for the notes: the spend shares, then the count of unmatched suppliers among
    the largest (those making up ``spend_share`` of the spend), listed with their candidates."""
    shares = spend_summary(report)
    total = float(report["amount_eur"].astype(float).clip(lower=0).sum())
    counts = report["status"].value_counts()
    parts = [f"{_pct(shares[s])} {DUTCH_STATUS[s]} ({int(counts.get(s, 0))} leveranciers)" for s in STATUSES]
    lines = [f"matchrapport: van {_eur(total)} inkoop is " + ", ".join(parts)]
    if "spend_share" in report.columns:
        before = report["spend_share"] - report["amount_eur"].astype(float).clip(lower=0) / max(total, 1e-9)
        large = report[report["status"].eq("unmatched") & (before < spend_share)]
        if len(large):
            lines.append(f"matchrapport: {len(large)} niet gevonden leverancier(s) binnen "
                         f"{_pct(spend_share)} "
                         "van de inkoop, met hun beste kandidaten in de kolom alternatives")
    return lines
