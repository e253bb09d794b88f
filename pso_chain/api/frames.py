"""A network straight from a data scientist's objects: pandas DataFrames or a networkx graph,
validated exactly like a dataset folder (the table checks of :mod:`pso_chain.validate`, the rule
checks of :func:`pso_chain.core.loading.checked_network`), without writing files.

Each frame becomes the :class:`~pso_chain.loaders.RawTable` a Parquet file would (an Arrow table,
column names stripped and lower-cased, id columns as text), so a problem is reported as for a
file, with the frame's name (``<organisations frame>``) and the row number (header = row 1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from pso_chain import check
from pso_chain.core.loading import checked_network
from pso_chain.core.network import PurchaseNetwork, small_pages
from pso_chain.errors import Problem, PsoInputError
from pso_chain.loaders import RawTable
from pso_chain.rules import Rules, load_rules
from pso_chain.validate import validate_tables

ID_COLUMNS = {
    "organisations": ("org_id",),
    "purchases": ("buyer_id", "supplier_id"),
    "employees_records": ("org_id", "person_id"),
    "certifications": ("org_id",),
}
EDGE_AMOUNT = "amount_eur"  # the edge attribute holding a purchase's amount (else ``weight``)


def _as_text(values: pd.Series) -> pd.Series:
    """Ids as text (``10000154`` -> ``"10000154"``), missing kept missing."""
    return values.map(lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))


def raw_table(name: str, frame: Any) -> RawTable:
    """``frame`` (a DataFrame, or anything ``pandas.DataFrame`` takes: a list of dicts, a dict of
    columns) as the raw table ``name``."""
    if not isinstance(frame, pd.DataFrame):
        try:
            frame = pd.DataFrame(frame)
        except (TypeError, ValueError):
            check.fail(name, type(frame).__name__, "give a pandas DataFrame (or rows pandas can read)")
    frame = frame.reset_index(drop=True).copy()
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    for column in ID_COLUMNS.get(name, ()):
        if column in frame.columns:
            frame[column] = _as_text(frame[column])
    for column in frame.columns:  # mixed object columns (e.g. levels 1, 2 and "aspirant") as text
        if frame[column].dtype == object:
            frame[column] = _as_text(frame[column])
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise PsoInputError(Problem(f"<{name} frame>", None, None, None, f"not a table: {exc}")) from None
    return RawTable(name=name, file=f"<{name} frame>", arrow=table)


def from_frames(organisations: Any, purchases: Any, employees_records: Any = None,
                certifications: Any = None, rules: Rules | str | Path | None = None) -> PurchaseNetwork:
    """A network from the canonical tables as pandas DataFrames, checked like a dataset folder.

    Parameters
    ----------
    organisations, purchases : pandas.DataFrame
        The required tables, with the columns of docs/contract.md (``org_id``, ``name``, ...;
        ``buyer_id``, ``supplier_id``, ``amount_eur``, ``year``). Ids may be numbers or text.
    employees_records, certifications : pandas.DataFrame, optional
        The optional tables.
    rules : Rules, str, Path or None
        A rules file or loaded rules; the packaged rules when None.

    Returns
    -------
    PurchaseNetwork

    Raises
    ------
    PsoInputError
        Every problem a folder with these tables would report (naming ``<purchases frame>``,
        row and column), or an argument that is not a table.

    Examples
    --------
    >>> import pandas as pd, pso_chain
    >>> orgs = pd.DataFrame({"org_id": ["A", "B"], "name": ["A", "B"], "employees": [20, 5],
    ...                      "fte": [18.0, 4.0], "target_fte": [0.0, 2.0],
    ...                      "revenue_eur": [2e6, 1e6], "sw": [False, True]})
    >>> buys = pd.DataFrame({"buyer_id": ["A"], "supplier_id": ["B"], "amount_eur": [1e5],
    ...                      "year": [2025]})
    >>> net = pso_chain.from_frames(organisations=orgs, purchases=buys)
    >>> round(float(pso_chain.credits(net).set_index("org_id").at["A", "indirect_fte"]), 3)
    0.2
    """
    if not isinstance(rules, Rules):
        rules = load_rules(rules)
    given = {"organisations": organisations, "purchases": purchases,
             "employees_records": employees_records, "certifications": certifications}
    for name in ("organisations", "purchases"):
        if given[name] is None:
            check.fail(name, None, "a table is required")
    tables = {name: raw_table(name, frame) for name, frame in given.items() if frame is not None}
    with small_pages():
        network = checked_network(validate_tables(tables, rules), rules)
    network.data.report.raise_for_errors()
    return network


def graph_frames(graph: Any, year: int | None = None) -> dict[str, pd.DataFrame]:
    """The organisations and purchases tables of a networkx graph (see :func:`from_networkx`)."""
    if not hasattr(graph, "nodes") or not hasattr(graph, "edges") or not graph.is_directed():
        check.fail("graph", type(graph).__name__, "give a networkx DiGraph (buyer -> supplier)")
    default_year = year if year is not None else graph.graph.get("year")
    orgs = pd.DataFrame([{**attrs, "org_id": node} for node, attrs in graph.nodes(data=True)])
    rows = []
    for buyer, supplier, attrs in graph.edges(data=True):
        row: dict[str, Any] = {"buyer_id": buyer, "supplier_id": supplier,
                               "amount_eur": attrs.get(EDGE_AMOUNT, attrs.get("weight"))}
        when = attrs.get("year", default_year)
        if when is None:
            check.fail("year", None, f"edge {buyer} -> {supplier} has no year: give year= or a "
                       "'year' edge attribute")
        row["year"] = when
        if "date" in attrs:
            row["date"] = attrs["date"]
        rows.append(row)
    buys = pd.DataFrame(rows, columns=None if rows else ["buyer_id", "supplier_id", "amount_eur", "year"])
    return {"organisations": orgs, "purchases": buys}


def from_networkx(graph: Any, year: int | None = None, employees_records: Any = None,
                  certifications: Any = None, rules: Rules | str | Path | None = None) -> PurchaseNetwork:
    """A network from a networkx DiGraph, checked like a dataset folder.

    Nodes are organisations (the node is the ``org_id``; its attributes the ``organisations``
    columns: ``name``, ``employees``, ``fte``, ``target_fte``, ``revenue_eur``, ``sw``,
    ``pso_level``, ...); edges are purchases buyer -> supplier with ``amount_eur`` (or
    ``weight``) and ``year`` (else ``year=``, else the graph's ``year`` attribute, which
    :meth:`PurchaseNetwork.to_networkx` sets). ``to_networkx`` output reads back.

    Raises
    ------
    PsoInputError
        What a folder with these tables would report; an edge without a year.

    Examples
    --------
    >>> import pso_chain
    >>> net = pso_chain.load_example()
    >>> again = pso_chain.from_networkx(net.to_networkx())
    >>> again.n, round(float(again.amount.sum()))
    (300, 414873898)
    """
    tables = graph_frames(graph, year)
    return from_frames(tables["organisations"], tables["purchases"], employees_records,
                       certifications, rules)

