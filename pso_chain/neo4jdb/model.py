"""The graph model: labels, relationship types, keys, schema, and the rows written per batch.

    (:Organisation[:SWBedrijf] {org_id, name, employees, fte, target_fte, revenue_eur, sw,
                                pso_level, pso_valid_from, pso_valid_until, qualitative_ok,
                                sbi, delivers, municipality, postcode, applies_code,
                                threshold, row})
    (:Organisation)-[:HAS_CERTIFICATE]->(:Certificate {key, level, valid_from, valid_until,
                                                       source, row})
    (:Organisation)-[:EMPLOYS]->(:EmployeeRecord {row, person_id, start_position,
                                                  contract_type, hours_per_week,
                                                  fulltime_hours, months})
    (:Organisation)-[:BUYS_FROM {row, year, amount_eur, date}]->(:Organisation)
    (:PsoDataset {key: "dataset", ...})   what was loaded: tables, files, first rows, counts

Every node and relationship carries a key (``org_id``, ``Certificate.key``,
``EmployeeRecord.row``, ``BUYS_FROM.row`` = the row in its file) under a uniqueness
constraint, so loading MERGEs on it: loading twice changes nothing. Values are the validated,
typed values (dates as Neo4j dates, missing numbers as absent properties), so the tables
streamed back validate to the same dataset. Labels and types are constants here; data only
ever travels as query parameters: one list per column, walked with
an index over the lists (``queries/load/``) (no per-row maps built in Python).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pso_chain.validate import Dataset

ORGANISATION = "Organisation"
SW_LABEL = "SWBedrijf"
CERTIFICATE = "Certificate"
EMPLOYEE_RECORD = "EmployeeRecord"
DATASET = "PsoDataset"
BUYS_FROM = "BUYS_FROM"
HAS_CERTIFICATE = "HAS_CERTIFICATE"
EMPLOYS = "EMPLOYS"
DATASET_KEY = "dataset"

# Certificates come from the certifications table when the dataset has one (the source of
# truth), else from each organisation's current pso_level with its validity.
FROM_CERTIFICATIONS = "certifications"
FROM_ORGANISATIONS = "organisations"

ORG_PROPERTIES = ("name", "employees", "fte", "target_fte", "revenue_eur", "sw", "pso_level",
                  "pso_valid_from", "pso_valid_until", "qualitative_ok", "sbi", "delivers",
                  "municipality", "postcode", "applies_code", "threshold", "row")
RECORD_PROPERTIES = ("person_id", "start_position", "contract_type", "hours_per_week",
                     "fulltime_hours", "months")


def _dates(series) -> list:
    """ISO date strings (None where missing); the queries turn them into Neo4j ``date`` values."""
    values = np.asarray(pd.Series(series).astype("datetime64[s]").to_numpy(), dtype="datetime64[D]")
    out = np.datetime_as_string(values, unit="D").astype(object)
    out[np.isnat(values)] = None
    return out.tolist()


def _numbers(values) -> list:
    """Python floats, None where missing (absent properties in the graph)."""
    arr = np.asarray(values, dtype=float)
    out = arr.astype(object)
    out[np.isnan(arr)] = None
    return out.tolist()


def organisation_rows(data: Dataset) -> dict[str, list]:
    """Columns of the organisations: ``org_id`` and its properties, in node order."""
    o = data.organisations
    return {
        "org_id": o["org_id"].astype(str).tolist(),
        "name": o["name"].astype(str).tolist(),
        "employees": o["employees"].astype(np.int64).tolist(),
        "fte": _numbers(o["fte"]),
        "target_fte": _numbers(o["target_fte"]),
        "revenue_eur": _numbers(o["revenue_eur"]),
        "sw": o["sw"].astype(bool).tolist(),
        "pso_level": o["pso_level"].astype(str).tolist(),
        "pso_valid_from": _dates(o["pso_valid_from"]),
        "pso_valid_until": _dates(o["pso_valid_until"]),
        "qualitative_ok": o["qualitative_ok"].astype(bool).tolist(),
        "sbi": o["sbi"].astype(str).tolist(),
        "delivers": (o["delivers"].astype(str).tolist() if "delivers" in o.columns
                     else [""] * len(o)),
        "municipality": o["municipality"].astype(str).tolist(),
        "postcode": o["postcode"].astype(str).tolist(),
        "applies_code": o["applies_code"].astype(bool).tolist(),
        "threshold": _numbers(o["threshold"]),
        "row": o["_row"].astype(np.int64).tolist(),
    }


def certificate_rows(data: Dataset) -> dict[str, list]:
    """Columns of the certificates: the node index (``org``) it belongs to and a stable key."""
    if data.certifications is not None:
        c = data.certifications
        org = c["org"].to_numpy(dtype=np.int64)
        source, level = FROM_CERTIFICATIONS, c["level"]
        valid_from, valid_until, rows = c["valid_from"], c["valid_until"], c["_row"]
    else:
        o = data.organisations
        has = (o["pso_level"].astype(str) != "").to_numpy()
        org = np.flatnonzero(has)
        o = o[has]
        source, level = FROM_ORGANISATIONS, o["pso_level"]
        valid_from, valid_until, rows = o["pso_valid_from"], o["pso_valid_until"], o["_row"]
    rows = pd.Series(rows, dtype=np.int64)
    return {
        "key": (source + ":" + rows.astype(str)).tolist(),
        "org": np.asarray(org, dtype=np.int64),
        "level": pd.Series(level).astype(str).tolist(),
        "valid_from": _dates(valid_from),
        "valid_until": _dates(valid_until),
        "source": [source] * len(rows),
        "row": rows.tolist(),
    }


def record_rows(data: Dataset) -> dict[str, list | np.ndarray]:
    """Columns of the employees_records (target-group persons), keyed by file row, with the
    node index (``org``) of their organisation."""
    r = data.employees_records
    if r is None or r.empty:
        return {"row": [], "org": np.zeros(0, dtype=np.int64),
                **{name: [] for name in RECORD_PROPERTIES}}
    return {
        "row": r["_row"].astype(np.int64).tolist(),
        "org": r["org"].to_numpy(dtype=np.int64),
        "person_id": r["person_id"].astype(str).tolist(),
        "start_position": r["start_position"].astype(str).tolist(),
        "contract_type": r["contract_type"].astype(str).tolist(),
        "hours_per_week": _numbers(r["hours_per_week"]),
        "fulltime_hours": _numbers(r["fulltime_hours"]),
        "months": _numbers(r["months"]),
    }


def purchase_rows(data: Dataset, start: int, stop: int) -> dict[str, list]:
    """Columns of purchase rows ``start:stop`` (file order): row key, buyer and supplier node
    indices, year, amount, date."""
    p = data.purchases.iloc[start:stop]
    return {
        "row": p["_row"].astype(np.int64).tolist(),
        "buyer": p["buyer"].to_numpy(dtype=np.int64),
        "supplier": p["supplier"].to_numpy(dtype=np.int64),
        "year": p["year"].astype(np.int64).tolist(),
        "amount_eur": p["amount_eur"].astype(float).tolist(),
        "date": _dates(p["date"]),
    }


def dataset_meta(data: Dataset, folder: str) -> dict:
    """What the :PsoDataset node records: the tables loaded, their files, first rows, the
    purchase years (the verbs' default year without a scan of every purchase), counts."""
    tables = list(data.files)
    return {
        "key": DATASET_KEY,
        "source": str(folder),
        "tables": tables,
        "files": [data.files[t] for t in tables],
        "first_rows": [int(data.report.raw[t].first_data_row) for t in tables],
        "years": [int(y) for y in np.unique(data.purchases["year"].to_numpy(dtype=np.int64))],
        **expected_counts(data),
    }


def expected_counts(data: Dataset) -> dict[str, int]:
    """How many of each node label and relationship type the dataset makes."""
    n_certs = (len(data.certifications) if data.certifications is not None
               else int((data.organisations["pso_level"].astype(str) != "").sum()))
    n_records = 0 if data.employees_records is None else len(data.employees_records)
    return {
        "organisations": len(data.organisations),
        "sw_organisations": int(data.organisations["sw"].sum()),
        "certificates": n_certs,
        "employee_records": n_records,
        "purchases": len(data.purchases),
    }


# Link counts must equal the node counts they attach.
LINKS_OF = {"certificate_links": "certificates", "employment_links": "employee_records"}
