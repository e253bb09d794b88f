"""Purchase-ledger exports (crediteurenadministratie) from AFAS, Exact Online, Twinfield, SAP
or a plain spreadsheet, CSV or XLSX, one row per invoice or per supplier -> invoice lines.

Columns are recognised by their Dutch or English headers (``profiles/headers.toml``); a shipped
ERP profile (``profiles/<erp>.toml``) is chosen with ``profile=`` or found by its signature
headers; ``mapping`` ("Kolom" -> field) names anything else. Amounts excluding VAT come from an
excl. column, or incl. minus a VAT-amount column, or incl. / (1 + vat_pct/100) when only
VAT-inclusive amounts exist (then ``vat_pct`` is required). Credit notes (negative amounts or a
credit document type) stay negative: they net against the same supplier later.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pso_chain.loaders.invoices import lines_frame
from pso_chain.loaders.names import kvk_numbers
from pso_chain.loaders.sheet import (
    Profile,
    detect_profile,
    header_key,
    known_headers,
    load_profile,
    read_sheet,
    recognise,
    synonyms,
)

from pso_chain.errors import Problem, PsoInputError, coded
from pso_chain.parsing import text, to_date, to_number

FIELDS = ("supplier_name", "supplier_code", "supplier_kvk", "date", "year", "amount_excl",
          "amount_incl", "vat_amount", "postcode", "place", "invoice_id", "currency",
          "document_type", "description")


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """``--map "Kolom=field"`` options as a dict (column -> field); a usage error names the bad one."""
    out: dict[str, str] = {}
    for item in items or []:
        column, sep, fld = item.rpartition("=")
        fld = fld.strip().lower()
        if not sep or not column.strip() or fld not in FIELDS:
            raise PsoInputError(Problem("--map", None, None, item,
                                        coded("map_usage", fields=", ".join(FIELDS))))
        out[column.strip()] = fld
    return out


def _amount(sheet, cols: dict[str, str], vat_pct: float | None, problems: list[Problem]
            ) -> tuple[np.ndarray, tuple[str, dict[str, str]]]:
    """Amounts excluding VAT (NaN where unreadable, reported) and how they were found (the
    note's code and its values)."""
    frame = sheet.frame

    def number(fld: str) -> np.ndarray:
        values, bad, missing = to_number(frame[cols[fld]], sheet.decimal_comma)
        for i in np.flatnonzero(bad | missing):
            problems.append(Problem(sheet.file, sheet.row_number(int(frame.index[i])), cols[fld],
                                    frame[cols[fld]].iat[i], "amount_unreadable"))
        return values

    if "amount_excl" in cols:
        return number("amount_excl"), ("ledger_rows_excl", {"column": repr(cols["amount_excl"])})
    if "amount_incl" in cols and "vat_amount" in cols:
        return number("amount_incl") - number("vat_amount"), (
            "ledger_rows_minus_vat", {"incl": repr(cols["amount_incl"]), "vat": repr(cols["vat_amount"])})
    if "amount_incl" in cols:
        if vat_pct is None:
            problems.append(Problem(sheet.file, None, cols["amount_incl"], None, "vat_needed"))
            return np.full(len(frame), np.nan), ("", {})
        return number("amount_incl") / (1 + vat_pct / 100.0), (
            "ledger_rows_vat_pct", {"incl": repr(cols["amount_incl"]), "factor": f"{1 + vat_pct / 100:g}",
                                    "pct": f"{vat_pct:g}"})
    problems.append(Problem(sheet.file, None, None, None, "no_amount_column"))
    return np.full(len(frame), np.nan), ("", {})


def read_ledger(path: str | Path, *, profile: str | None = None, mapping: dict[str, str] | None = None,
                vat_pct: float | None = None, year: int | None = None, currency: str = "EUR"
                ) -> tuple[pd.DataFrame, list[str]]:
    """Invoice lines of one ledger export and notes on how it was read.

    Raises :class:`PsoInputError` naming file, row, column and reason for every bad cell.
    """
    sheet = read_sheet(path, known_headers("ledger"))
    keys = [header_key(c) for c in sheet.frame.columns]
    chosen: Profile | None = load_profile(profile) if profile else detect_profile(keys)
    cols = recognise(sheet, "ledger", chosen, mapping)
    notes = [coded("ledger_profile" if profile else "ledger_profile_recognised", file=sheet.file,
                   profile=chosen.title)] if chosen else []
    problems: list[Problem] = []
    frame = sheet.frame
    n = len(frame)
    if "supplier_name" not in cols and "supplier_kvk" not in cols:
        problems.append(Problem(sheet.file, None, None, None, "no_supplier_column"))
    amount, how = _amount(sheet, cols, vat_pct, problems)
    rows = [sheet.row_number(int(i)) for i in frame.index]
    if problems and n == 0:
        raise PsoInputError(problems)
    sign = chosen.amount_sign if chosen else 1.0
    amount = amount * sign
    if "document_type" in cols:
        credit_words = {header_key(w) for w in synonyms()["ledger_options"]["credit_types"]}
        is_credit = text(frame[cols["document_type"]]).map(header_key).isin(credit_words).to_numpy()
        amount = np.where(is_credit, -np.abs(amount), amount)
    names = text(frame[cols["supplier_name"]]) if "supplier_name" in cols else pd.Series([""] * n)
    kvk = np.full(n, "", dtype=object)
    if "supplier_kvk" in cols:
        kvk, bad_kvk = kvk_numbers(frame[cols["supplier_kvk"]], branch_suffix=True)
        for i in np.flatnonzero(bad_kvk):
            notes.append(coded("ledger_bad_kvk", file=sheet.file, row=rows[i],
                               value=repr(frame[cols["supplier_kvk"]].iat[i])))
    for i in np.flatnonzero((names == "").to_numpy() & (kvk == "")):
        problems.append(Problem(sheet.file, rows[i], cols.get("supplier_name"), None,
                                "no_supplier_in_row"))
    if "currency" in cols:
        cur = text(frame[cols["currency"]]).str.upper()
        for i in np.flatnonzero(((cur != "") & (cur != currency.upper())).to_numpy()):
            problems.append(Problem(sheet.file, rows[i], cols["currency"], cur.iat[i],
                                    coded("not_in_currency", currency=currency)))
    dates = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[s]")
    if "date" in cols:
        dates, bad_date, _ = to_date(frame[cols["date"]])
        for i in np.flatnonzero(bad_date):
            problems.append(Problem(sheet.file, rows[i], cols["date"], frame[cols["date"]].iat[i],
                                    "not_a_date"))
    years = dates.dt.year.to_numpy(dtype=float, na_value=np.nan)
    if "year" in cols:
        col_year, bad_year, missing_year = to_number(frame[cols["year"]])
        for i in np.flatnonzero(bad_year):
            problems.append(Problem(sheet.file, rows[i], cols["year"], frame[cols["year"]].iat[i],
                                    "not_whole_year"))
        years = np.where(np.isnan(years), col_year, years)
    if year is not None:
        years = np.where(np.isnan(years), year, years)
    for i in np.flatnonzero(np.isnan(years) & ~np.isnan(amount)):
        problems.append(Problem(sheet.file, rows[i], cols.get("date"), None,
                                "no_date_or_year"))
    if problems:
        raise PsoInputError(problems)
    notes.append(coded(how[0], file=sheet.file, n=n, **how[1]))

    def col(fld: str) -> list:
        return text(frame[cols[fld]]).tolist() if fld in cols else [""] * n

    invoice = col("invoice_id")
    return lines_frame({
        "supplier_name": names.tolist(), "supplier_kvk": list(kvk), "supplier_legal_id": [""] * n,
        "postcode": col("postcode"), "place": col("place"), "date": dates.tolist(),
        "year": years.astype(np.int64).tolist(), "amount_eur": amount.tolist(),
        "invoice_id": [v or f"row {r}" for v, r in zip(invoice, rows, strict=True)],
        "credit_ref": [""] * n, "source": [Path(sheet.file).name] * n, "row": rows,
    }), notes
