"""Neo4j as a source: stream the canonical tables out of the graph model.

``read_tables(uri)`` returns the same :class:`~pso_chain.loaders.RawTable` objects a dataset
folder gives, so ``load_network("bolt://...")`` validates and indexes them like files, and every
verb works on a database. Rows come back in their file order with their file row numbers, so
messages and ``explain`` name the same rows as on the folder. Columns are fetched in chunks of
rows as whole lists (one record per chunk), not one record per row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pso_chain.errors import Problem, PsoInputError
from pso_chain.loaders import RawTable
from pso_chain.neo4jdb.connect import Connection, connect
from pso_chain.neo4jdb.model import DATASET_KEY, FROM_CERTIFICATIONS

CHUNK_ROWS = 250_000

META = "MATCH (d:PsoDataset {key: $key}) RETURN properties(d) AS meta"
ANY_ORGANISATION = "MATCH (o:Organisation) RETURN count(o) > 0 AS any"
ROW_RANGE = {
    "organisations": "MATCH (o:Organisation) RETURN min(o.row) AS low, max(o.row) AS high",
    "purchases": "MATCH ()-[p:BUYS_FROM]->() RETURN min(p.row) AS low, max(p.row) AS high",
}

# Missing numbers come back as NaN (0.0 / 0.0), missing dates as "", so columns stay aligned
# (collect() would skip nulls).
_ORG_COLUMNS = """
RETURN collect(o.org_id) AS org_id, collect(o.name) AS name, collect(o.employees) AS employees,
       collect(o.fte) AS fte, collect(coalesce(o.target_fte, 0.0 / 0.0)) AS target_fte,
       collect(coalesce(o.revenue_eur, 0.0 / 0.0)) AS revenue_eur, collect(o.sw) AS sw,
       collect(o.pso_level) AS pso_level,
       collect(coalesce(toString(o.pso_valid_from), '')) AS pso_valid_from,
       collect(coalesce(toString(o.pso_valid_until), '')) AS pso_valid_until,
       collect(o.qualitative_ok) AS qualitative_ok, collect(o.sbi) AS sbi,
       collect(coalesce(o.delivers, '')) AS delivers,
       collect(o.municipality) AS municipality, collect(o.postcode) AS postcode,
       collect(o.applies_code) AS applies_code,
       collect(coalesce(o.threshold, 0.0 / 0.0)) AS threshold, collect(o.row) AS row
"""
ORGANISATIONS = """
MATCH (o:Organisation) WHERE o.row >= $low AND o.row < $high
WITH o ORDER BY o.row
""" + _ORG_COLUMNS
ORGANISATIONS_NAMED = """
UNWIND $org_ids AS key MATCH (o:Organisation {org_id: key})
WITH DISTINCT o ORDER BY o.row
""" + _ORG_COLUMNS

_PURCHASE_COLUMNS = """
RETURN collect(b.org_id) AS buyer_id, collect(s.org_id) AS supplier_id,
       collect(p.amount_eur) AS amount_eur, collect(p.year) AS year,
       collect(coalesce(toString(p.date), '')) AS date, collect(p.row) AS row
"""
PURCHASES = """
MATCH (b:Organisation)-[p:BUYS_FROM]->(s:Organisation) WHERE p.row >= $low AND p.row < $high
WITH b, p, s ORDER BY p.row
""" + _PURCHASE_COLUMNS
PURCHASES_OF = """
MATCH (b:Organisation {org_id: $buyer})-[p:BUYS_FROM]->(s:Organisation) WHERE p.year = $year
WITH b, p, s ORDER BY p.row
""" + _PURCHASE_COLUMNS

CERTIFICATIONS = """
MATCH (o:Organisation)-[:HAS_CERTIFICATE]->(c:Certificate {source: $source})
WHERE $org_ids IS NULL OR o.org_id IN $org_ids
WITH o, c ORDER BY c.row
RETURN collect(o.org_id) AS org_id, collect(c.level) AS level,
       collect(coalesce(toString(c.valid_from), '')) AS valid_from,
       collect(coalesce(toString(c.valid_until), '')) AS valid_until, collect(c.row) AS row
"""

EMPLOYEES_RECORDS = """
MATCH (o:Organisation)-[:EMPLOYS]->(e:EmployeeRecord)
WHERE $org_ids IS NULL OR o.org_id IN $org_ids
WITH o, e ORDER BY e.row
RETURN collect(o.org_id) AS org_id, collect(e.person_id) AS person_id,
       collect(e.start_position) AS start_position, collect(e.contract_type) AS contract_type,
       collect(e.hours_per_week) AS hours_per_week, collect(e.fulltime_hours) AS fulltime_hours,
       collect(e.months) AS months, collect(e.row) AS row
"""

DATE_COLUMNS = ("pso_valid_from", "pso_valid_until", "date", "valid_from", "valid_until")
STRING_COLUMNS = ("org_id", "name", "pso_level", "sbi", "delivers", "municipality", "postcode",
                  "buyer_id", "supplier_id", "level", "person_id", "start_position", "contract_type")


def _frame(columns: dict[str, list]) -> pd.DataFrame:
    """Typed columns: ISO dates to datetime64 (NaT where empty), the rest as given."""
    out = {}
    for name, values in columns.items():
        if name in DATE_COLUMNS:
            out[name] = pd.to_datetime(pd.Series(values, dtype="str"), format="%Y-%m-%d",
                                       errors="coerce").astype("datetime64[s]")
        elif name in STRING_COLUMNS:
            out[name] = pd.Series(values, dtype="str")
        else:
            out[name] = pd.Series(values)
    return pd.DataFrame(out)


def _chunked(conn: Connection, table: str, query: str) -> pd.DataFrame:
    """Stream one keyed table in row ranges of ``CHUNK_ROWS``, in file order."""
    bounds = conn.read(ROW_RANGE[table])[0]
    if bounds["low"] is None:  # an empty table: the query still returns its (empty) columns
        return _frame(conn.read(query, low=0, high=0)[0])
    parts = [_frame(conn.read(query, low=low, high=low + CHUNK_ROWS)[0])
             for low in range(int(bounds["low"]), int(bounds["high"]) + 1, CHUNK_ROWS)]
    return pd.concat(parts, ignore_index=True)


def _whole(conn: Connection, query: str, **params) -> pd.DataFrame:
    return _frame(conn.read(query, **params)[0])


def _meta(conn: Connection) -> dict:
    """What the last load recorded; a clear error when there is no (complete) dataset."""
    found = conn.read(META, key=DATASET_KEY)
    if found:
        meta = found[0]["meta"]
        if not meta.get("complete", False):
            raise conn.target.fail("the last load into this database did not finish: "
                                   "run `pso-chain neo4j load` again")
        return meta
    if not conn.read(ANY_ORGANISATION)[0]["any"]:
        raise conn.target.fail("no pso-chain dataset in this database "
                               "(load one with `pso-chain neo4j load DATASET --uri URI`)")
    # A graph in the model written by other means: infer the tables that are there.
    tables = ["organisations", "purchases"]
    if conn.read("MATCH (c:Certificate {source: $s}) RETURN count(c) > 0 AS any",
                 s=FROM_CERTIFICATIONS)[0]["any"]:
        tables.append("certifications")
    if conn.read("MATCH (e:EmployeeRecord) RETURN count(e) > 0 AS any")[0]["any"]:
        tables.append("employees_records")
    return {"tables": tables, "first_rows": [2] * len(tables)}


def _drop_row(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["row"])


def read_tables(uri: str) -> dict[str, RawTable]:
    """The canonical tables held in the Neo4j database at ``uri``, as raw tables to validate.

    Raises :class:`PsoInputError` (one line, the URI without password) when the server cannot
    be reached, the credentials are wrong, the database does not exist or holds no dataset.
    """
    with connect(uri) as conn:
        meta = _meta(conn)
        first_rows = dict(zip(meta["tables"], meta["first_rows"], strict=True))
        frames = {
            "organisations": _chunked(conn, "organisations", ORGANISATIONS),
            "purchases": _chunked(conn, "purchases", PURCHASES),
        }
        if "certifications" in first_rows:
            frames["certifications"] = _whole(conn, CERTIFICATIONS, source=FROM_CERTIFICATIONS,
                                              org_ids=None)
        if "employees_records" in first_rows:
            frames["employees_records"] = _whole(conn, EMPLOYEES_RECORDS, org_ids=None)
        where = conn.target.uri
    tables = {}
    for name, frame in frames.items():
        rows = frame["row"].to_numpy(dtype=np.int64)
        first = int(rows[0]) if len(rows) else int(first_rows.get(name, 2))
        if len(rows) and not np.array_equal(rows, np.arange(first, first + len(rows))):
            raise PsoInputError(Problem(f"{where} ({name})", None, "row", None,
                                        "row numbers are not consecutive: the dataset in the "
                                        "database is incomplete; load it again with --replace"))
        tables[name] = RawTable(name=name, file=f"{where} ({name})", frame=_drop_row(frame),
                                first_data_row=first)
    return tables


def read_neighbourhood(conn: Connection, buyer: str, year: int, org_ids) -> dict[str, RawTable]:
    """The tables of a part of the network: the organisations ``org_ids`` plus ``buyer`` and
    every supplier it bought from in ``year``, the buyer's purchases of that year (file order),
    and the certificates and persons of those organisations.

    Enough for any computation about one buyer (its score, what a new purchase there would
    earn), so a verb about one organisation streams kilobytes instead of the whole network.
    Row numbers are not the files' (the rows are a selection).
    """
    meta = _meta(conn)
    purchases = _whole(conn, PURCHASES_OF, buyer=str(buyer), year=int(year))
    ids = sorted({str(buyer), *map(str, org_ids), *purchases["supplier_id"].astype(str)})
    frames = {"organisations": _whole(conn, ORGANISATIONS_NAMED, org_ids=ids),
              "purchases": purchases}
    if "certifications" in meta["tables"]:
        frames["certifications"] = _whole(conn, CERTIFICATIONS, source=FROM_CERTIFICATIONS,
                                          org_ids=ids)
    if "employees_records" in meta["tables"]:
        frames["employees_records"] = _whole(conn, EMPLOYEES_RECORDS, org_ids=ids)
    where = conn.target.uri
    return {name: RawTable(name=name, file=f"{where} ({name})", frame=_drop_row(frame))
            for name, frame in frames.items()}
