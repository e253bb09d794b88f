"""Assembling the canonical tables and writing them (CSV, Parquet, XLSX)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pso_chain import check
from pso_chain.generate.orgs import _join
from pso_chain.generate.params import FIRST_ORG_NUMBER, LEVEL_LABELS, SW_DELIVERS, TABLE_NAMES, Progress
from pso_chain.parsing import spreadsheet_safe


def _str_series(arr: pa.Array | pa.ChunkedArray) -> pd.Series:
    """A pandas ``str`` Series over an Arrow string array (no Python objects)."""
    return pd.Series(arr, dtype="str")


def _dates(days: np.ndarray, none: int | None = None) -> pd.Series:
    d = np.asarray(days, dtype=np.int64)
    out = d.astype("datetime64[D]")
    if none is not None:
        out = np.where(d == none, np.datetime64("NaT"), out).astype("datetime64[D]")
    return pd.Series(out.astype("datetime64[us]"))


def _assemble(orgs: dict, current: dict, certs: dict, records: dict,
              purchases: dict) -> dict[str, pd.DataFrame]:
    n = len(orgs["employees"])
    ids = pc.cast(pa.array(np.arange(FIRST_ORG_NUMBER, FIRST_ORG_NUMBER + n)), pa.string())
    none = np.iinfo(np.int64).min // 2
    organisations = pd.DataFrame({
        "org_id": _str_series(ids),
        "name": _str_series(orgs["name"]),
        "employees": records["employees"].astype(np.int64),
        "fte": records["fte"],
        "target_fte": records["target"],
        "revenue_eur": orgs["revenue"].astype(float),
        "sw": orgs["sw"],
        "pso_level": pd.Series(LEVEL_LABELS[current["level"]], dtype="str"),
        "pso_valid_from": _dates(current["from"], none),
        "pso_valid_until": _dates(current["until"], none),
        "qualitative_ok": records["qualitative_ok"].astype(bool),
        "sbi": _str_series(orgs["sbi"]),
        "delivers": pd.Series(np.where(orgs["sw"], SW_DELIVERS, ""), dtype="str"),
        "municipality": _str_series(orgs["municipality"]),
        "postcode": _str_series(orgs["postcode"]),
    })
    dates = purchases["date"]
    purchase_frame = pd.DataFrame({
        "buyer_id": _str_series(ids.take(pa.array(purchases["buyer"]))),
        "supplier_id": _str_series(ids.take(pa.array(purchases["supplier"]))),
        "amount_eur": purchases["amount"],
        "year": purchases["year"],
        "date": pd.Series(dates.astype("datetime64[us]")),
    })
    person_org = pa.array(records["person_org"])
    seq = pc.utf8_lpad(pc.cast(pa.array(records["seq"]), pa.string()), 4, "0")
    employees_records = pd.DataFrame({
        "org_id": _str_series(ids.take(person_org)),
        "person_id": _str_series(_join(ids.take(person_org), "-", seq)),
        "start_position": _str_series(records["start"]),
        "contract_type": _str_series(records["contract"]),
        "hours_per_week": records["hours"].astype(float),
        "fulltime_hours": records["fulltime"].astype(float),
        "months": records["months"],
    })
    certifications = pd.DataFrame({
        "org_id": _str_series(ids.take(pa.array(certs["org"]))),
        "level": pd.Series(LEVEL_LABELS[certs["level"]], dtype="str"),
        "valid_from": _dates(certs["from"]),
        "valid_until": _dates(certs["until"]),
    })
    return {
        "organisations": organisations,
        "purchases": purchase_frame,
        "employees_records": employees_records,
        "certifications": certifications,
    }


# ----------------------------------------------------------------------------------- writing


def write_dataset(
    tables: dict[str, pd.DataFrame], out: Path, fmt: str = "csv", progress: Progress = None
) -> list[Path]:
    """Write each table as OUT/<name>.csv (comma, UTF-8, ISO dates, booleans true/false,
    decimal point, empty for missing) or OUT/<name>.parquet (ids as strings, dates as date32,
    missing dates null). Returns the written paths.
    """
    fmt = fmt.lower().lstrip(".")
    check.choice(fmt, ("csv", "parquet"), "format")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda _msg: None)
    written = []
    ordered = [t for t in TABLE_NAMES if t in tables] + [t for t in tables if t not in TABLE_NAMES]
    for name in ordered:
        frame = tables[name]
        path = out / f"{name}.{fmt}"
        say(f"writing {path.name} ({len(frame):,} rows)")
        if fmt == "csv":
            csv_frame = _csv_frame(frame)
            if name != "purchases":  # purchases hold ids and numbers only: no text a formula could be
                csv_frame = spreadsheet_safe(csv_frame)
            csv_frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        else:
            pq.write_table(_arrow_table(frame), path, compression="zstd")
        written.append(path)
    return written


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Bools as true/false, dates as YYYY-MM-DD, missing values as empty strings."""
    cols = {}
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_bool_dtype(s.dtype):
            cols[col] = np.where(s.to_numpy(), "true", "false")
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            iso = pa.array(s.to_numpy()).cast(pa.date32()).cast(pa.string())
            cols[col] = _str_series(pc.fill_null(iso, "")).to_numpy()
        elif pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
            cols[col] = s.fillna("")
        else:
            cols[col] = s
    return pd.DataFrame(cols, index=frame.index)


def _arrow_table(frame: pd.DataFrame) -> pa.Table:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = []
    for field in table.schema:
        if pa.types.is_timestamp(field.type):
            fields.append(pa.field(field.name, pa.date32()))
        elif pa.types.is_large_string(field.type):
            fields.append(pa.field(field.name, pa.string()))
        else:
            fields.append(field)
    return table.cast(pa.schema(fields))
