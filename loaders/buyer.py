"""The buyer's own row (one row of the organisations table) as a Dutch user writes it: ``;`` or
tab, decimal commas, UTF-16, title lines above the header, CSV or XLSX. Every value is parsed
here, so the import never writes a value it did not read; a bad cell names the user's file, row
and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pso_chain.loaders import read_table
from pso_chain.loaders.sheet import header_key, read_sheet

from pso_chain.errors import Problem, PsoInputError
from pso_chain.parsing import text, to_bool, to_number

NUMBERS = ("employees", "fte", "target_fte", "revenue_eur", "threshold")
BOOLEANS = {"sw": False, "qualitative_ok": True, "applies_code": True}
TEXTS = ("org_id", "name", "pso_level", "pso_valid_from", "pso_valid_until", "sbi", "delivers",
         "municipality", "postcode")
KNOWN = {header_key(c) for c in (*NUMBERS, *BOOLEANS, *TEXTS)}


def read_buyer_file(path: str | Path) -> pd.DataFrame:
    """The one-row organisations table of the buyer, typed (numbers as floats, NaN when empty;
    booleans; texts stripped)."""
    sheet = read_sheet(path, KNOWN)
    frame = sheet.frame
    frame.columns = [header_key(c).replace(" ", "_") for c in frame.columns]
    if "org_id" not in frame.columns or len(frame) != 1:
        raise PsoInputError(Problem(sheet.file, None, "org_id", None,
                                    "buyer_one_row"))
    row = sheet.row_number(int(frame.index[0]))
    out: dict[str, object] = {}
    problems = []
    for col in frame.columns:
        if col in NUMBERS:
            values, bad, missing = to_number(frame[col], sheet.decimal_comma)
            if bad[0]:
                problems.append(Problem(sheet.file, row, col, frame[col].iat[0], "not_a_number"))
            value = float(values[0]) if not (bad[0] or missing[0]) else np.nan
            out[col] = int(value) if col == "employees" and float(value).is_integer() else value
        elif col in BOOLEANS:
            flags, bad = to_bool(frame[col], BOOLEANS[col])
            if bad[0]:
                problems.append(Problem(sheet.file, row, col, frame[col].iat[0],
                                        "not_a_boolean"))
            out[col] = bool(flags[0])
        else:
            out[col] = text(frame[col]).iat[0]
    if not out["org_id"]:
        problems.append(Problem(sheet.file, row, "org_id", "", "buyer_needs_org_id"))
    if problems:
        raise PsoInputError(problems)
    return pd.DataFrame([out])


RECORD_NUMBERS = ("hours_per_week", "fulltime_hours", "months")


def read_buyer_records(path: str | Path) -> pd.DataFrame:
    """The buyer's employees_records with their numbers parsed (decimal commas in ``;`` and
    tab files), so the dataset holds what was read, not the text."""
    raw = read_table(path, id_columns=("org_id",))
    frame = raw.frame.copy()
    problems = []
    for col in RECORD_NUMBERS:
        if col not in frame.columns:
            continue
        values, bad, missing = to_number(frame[col], raw.decimal_comma)
        for i in np.flatnonzero(bad):
            problems.append(Problem(raw.file, raw.first_data_row + int(i), col, frame[col].iat[i],
                                    "not_a_number"))
        frame[col] = np.where(missing, np.nan, values)
    if problems:
        raise PsoInputError(problems)
    return frame
