"""The shape every purchase source (ledger export, UBL e-invoices) produces: invoice lines.

One row per invoice or credit note (or per supplier where a ledger has one row per supplier),
amounts excluding VAT in euros, credit notes negative, with where each row came from.
"""

from __future__ import annotations

import pandas as pd

LINE_COLUMNS = ["supplier_name", "supplier_kvk", "supplier_legal_id", "postcode", "place", "date",
                "year", "amount_eur", "invoice_id", "credit_ref", "source", "row"]


def empty_lines() -> pd.DataFrame:
    """An invoice-lines frame without rows."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in LINE_COLUMNS})
    frame["date"] = pd.Series(dtype="datetime64[s]")
    frame["year"] = pd.Series(dtype="int64")
    frame["amount_eur"] = pd.Series(dtype=float)
    return frame


def lines_frame(rows: dict[str, list]) -> pd.DataFrame:
    """Invoice lines from columns (lists of equal length), typed."""
    frame = pd.DataFrame({c: rows.get(c, [""] * len(rows["amount_eur"])) for c in LINE_COLUMNS})
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce").astype("datetime64[s]")
    frame["year"] = frame["year"].astype("int64")
    frame["amount_eur"] = frame["amount_eur"].astype(float)
    for col in ("supplier_name", "supplier_kvk", "supplier_legal_id", "postcode", "place",
                "invoice_id", "credit_ref", "source"):
        frame[col] = frame[col].fillna("").astype(str)
    return frame
