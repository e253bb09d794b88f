"""Neo4j as a source: the canonical tables read back out of the graph, whole or in part.

``read_tables(uri)`` returns the same :class:`~pso_chain.loaders.RawTable` objects a dataset
folder gives, so :func:`load_network` validates and indexes them like files.
``read_part`` reads only a part — chosen organisations, chosen purchases, their
certificates and persons — from which ``verbs.part_network`` builds a small network through
the same validation, so a verb about one organisation runs the engine's own function on
kilobytes instead of the whole database. Rows keep their file row numbers either way, so
messages and ``explain`` name the rows the folder names. Every statement is a file in
``queries/source/``; columns come back as whole lists (one record per chunk), not a record
per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pso_chain.config import Settings
from pso_chain.core.loading import checked_network
from pso_chain.core.network import PurchaseNetwork, small_pages
from pso_chain.errors import Problem, PsoInputError
from pso_chain.loaders import RawTable
from pso_chain.neo4jdb.connect import Connection, connect
from pso_chain.neo4jdb.model import DATASET_KEY
from pso_chain.neo4jdb.queries import load_query, parameters
from pso_chain.rules import Rules
from pso_chain.validate import Dataset, validate_tables

CHUNK_ROWS = 250_000
DATE_COLUMNS = ("pso_valid_from", "pso_valid_until", "date", "valid_from", "valid_until")
STRING_COLUMNS = ("org_id", "name", "pso_level", "sbi", "delivers", "municipality", "postcode",
                  "buyer_id", "supplier_id", "level", "person_id", "start_position", "contract_type")


def read(conn: Connection, name: str, rules: Rules | None = None, **given) -> list[dict]:
    """Run ``queries/source/NAME.cypher`` in a read transaction; its records as dicts (these
    queries return columns of values, never nodes: read without the driver's conversion)."""
    query = load_query(f"source/{name}")
    params = parameters(query, rules, given) if rules is not None else given
    return conn.read_values(query.text, **params)


def _frame(columns: dict[str, list]) -> pd.DataFrame:
    """Typed columns: ISO dates to datetime64 (NaT where empty), the rest as given; rows in file
    order (the queries collect the lists in any order, all columns in the same one: sorting
    here is cheaper than ``ORDER BY`` in Cypher)."""
    out = {}
    for name, values in columns.items():
        if name in DATE_COLUMNS:
            out[name] = pd.to_datetime(pd.Series(values, dtype="str"), format="%Y-%m-%d",
                                       errors="coerce").astype("datetime64[s]")
        elif name in STRING_COLUMNS:
            out[name] = pd.Series(values, dtype="str")
        else:
            out[name] = pd.Series(values)
    frame = pd.DataFrame(out)
    if "row" in frame.columns and len(frame):
        rows = frame["row"].to_numpy(dtype=np.int64)
        if (np.diff(rows) < 0).any():
            frame = frame.iloc[np.argsort(rows, kind="stable")].reset_index(drop=True)
    return frame


@dataclass(frozen=True)
class Meta:
    """What the database holds: the tables loaded, their first rows, the purchase years."""

    tables: tuple[str, ...]
    first_rows: dict[str, int]
    years: tuple[int, ...] | None  # None: not recorded (a graph written by other means)


def meta(conn: Connection) -> Meta:
    """What the last load recorded; a clear error when there is no (complete) dataset."""
    found = read(conn, "meta", key=DATASET_KEY)[0]
    recorded = found["meta"]
    if recorded is not None:
        if not recorded.get("complete", False):
            raise conn.target.fail("the last load into this database did not finish: "
                                   "run `pso-chain neo4j load` again")
        loaded = tuple(recorded["tables"])
        years = recorded.get("years")
        return Meta(loaded, dict(zip(loaded, recorded["first_rows"], strict=True)),
                    None if years is None else tuple(int(y) for y in years))
    if not found["any_organisation"]:
        raise conn.target.fail("no pso-chain dataset in this database "
                               "(load one with `pso-chain neo4j load DATASET --uri URI`)")
    # A graph in the model written by other means: infer the tables that are there.
    tables = ["organisations", "purchases"]
    if found["any_certification"]:
        tables.append("certifications")
    if found["any_record"]:
        tables.append("employees_records")
    return Meta(tuple(tables), dict.fromkeys(tables, 2), None)


def purchase_years(conn: Connection, known: Meta | None = None) -> list[int]:
    """The purchase years in the database, sorted (recorded at load time, else scanned)."""
    known = known or meta(conn)
    if known.years is not None:
        return sorted(known.years)
    return sorted(int(y) for y in read(conn, "years")[0]["years"])


def _chunked(conn: Connection, query: str, low, high) -> pd.DataFrame:
    """Stream one keyed table in row ranges of ``CHUNK_ROWS``, in file order."""
    if low is None:  # an empty table: the query still returns its (empty) columns
        return _frame(read(conn, query, low=0, high=0)[0])
    parts = [_frame(read(conn, query, low=lo, high=lo + CHUNK_ROWS)[0])
             for lo in range(int(low), int(high) + 1, CHUNK_ROWS)]
    return pd.concat(parts, ignore_index=True)


def _in_file_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by their file ``row`` (chunks read by buyer interleave the purchases)."""
    rows = frame["row"].to_numpy(dtype=np.int64) if len(frame) else np.zeros(0, dtype=np.int64)
    if (np.diff(rows) < 0).any():
        return frame.iloc[np.argsort(rows, kind="stable")].reset_index(drop=True)
    return frame


def read_tables(uri: str, settings: Settings | None = None) -> dict[str, RawTable]:
    """The canonical tables held in the Neo4j database at ``uri``, as raw tables to validate.

    Raises :class:`PsoInputError` (one line, the URI without password) when the server cannot
    be reached, the credentials are wrong, the database does not exist or holds no dataset.
    """
    with connect(uri, settings) as conn:
        known = meta(conn)
        spans = read(conn, "row_ranges")[0]
        frames = {
            "organisations": _chunked(conn, "organisations", spans["org_low"], spans["org_high"]),
            "purchases": _in_file_order(_chunked(conn, "purchases", spans["org_low"], spans["org_high"])),
        }
        if "certifications" in known.tables:
            frames["certifications"] = _frame(read(conn, "certifications", org_ids=None)[0])
        if "employees_records" in known.tables:
            frames["employees_records"] = _frame(read(conn, "employees_records", org_ids=None)[0])
        where = conn.target.uri
    tables = {}
    for name, frame in frames.items():
        rows = frame["row"].to_numpy(dtype=np.int64)
        first = int(rows[0]) if len(rows) else int(known.first_rows.get(name, 2))
        if len(rows) and not np.array_equal(rows, np.arange(first, first + len(rows))):
            raise PsoInputError(Problem(f"{where} ({name})", None, "row", None,
                                        "row numbers are not consecutive: the dataset in the "
                                        "database is incomplete; load it again with --replace"))
        tables[name] = RawTable(name=name, file=f"{where} ({name})",
                                frame=frame.drop(columns=["row"]), first_data_row=first)
    return tables


# --- a part of the database -------------------------------------------------------------------
PURCHASE_COLUMNS = ("buyer_id", "supplier_id", "amount_eur", "year", "date", "row")


def read_part(conn: Connection, rules: Rules, known: Meta, purchases: tuple[str, dict] | None,
              org_ids=(), all_organisations: bool = False, records: bool = True
              ) -> dict[str, pd.DataFrame]:
    """Frames (with their file ``row``) of a part of the database: the purchases that query
    ``purchases`` (name, parameters) selects (None: no purchases); the organisations
    ``org_ids``, those purchases' buyers and suppliers (or every organisation); their
    certificates and, with ``records``, their persons."""
    if purchases is None:
        bought = _frame({name: [] for name in PURCHASE_COLUMNS})
    else:
        name, params = purchases
        bought = _frame(read(conn, name, rules, **params)[0])
    if all_organisations:
        spans = read(conn, "row_ranges")[0]
        orgs = _chunked(conn, "organisations", spans["org_low"], spans["org_high"])
        ids = None
    else:
        ids = sorted({*map(str, org_ids), *bought["buyer_id"], *bought["supplier_id"]})
        orgs = _frame(read(conn, "organisations_named", org_ids=ids)[0])
    frames = {"organisations": orgs, "purchases": bought}
    named: dict[str, Any] = {"org_ids": ids}  # None: every organisation
    suffix = "" if ids is None else "_named"  # index seeks by org_id for a part
    if "certifications" in known.tables:
        frames["certifications"] = _frame(read(conn, f"certifications{suffix}",
                                               **named)[0])
    if records and "employees_records" in known.tables:
        frames["employees_records"] = _frame(read(conn, f"employees_records{suffix}",
                                                  **named)[0])
    return frames


def read_dataset(uri: str, rules: Rules, settings: Settings | None = None) -> Dataset:
    """Every table of the database, through the same table and rule checks as a folder; every
    problem in ``report`` (no exception for bad rows)."""
    return checked_network(validate_tables(read_tables(uri, settings), rules), rules).data


def load_network(uri: str, rules: Rules, settings: Settings | None = None) -> PurchaseNetwork:
    """The whole database as an in-memory network, validated like a folder."""
    with small_pages():
        network = checked_network(validate_tables(read_tables(uri, settings), rules), rules)
    network.data.report.raise_for_errors()
    return network
