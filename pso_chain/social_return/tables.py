"""Read and check the SROI tables: ``contracts`` and ``realisations``.

Every unusable cell is reported with file, row, column, value and reason (one
:class:`PsoInputError` listing them all), as for the canonical tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pso_chain.errors import Problem, PsoInputError
from pso_chain.loaders import RawTable, read_table
from pso_chain.parsing import text, to_bool, to_date, to_number

KINDS = ("hire", "sw_purchase", "pso_purchase", "activity")


@dataclass
class _Typer:
    """Types the columns of one raw table, collecting problems instead of stopping at the first."""

    table: RawTable
    problems: list[Problem]

    @property
    def rows(self) -> np.ndarray:
        return np.arange(len(self.table), dtype=np.int64) + self.table.first_data_row

    def report(self, mask, column: str, values, reason: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        shown = pd.Series(values).astype(str).to_numpy() if values is not None else None
        for i in np.flatnonzero(mask):
            self.problems.append(Problem(self.table.file, int(self.rows[i]), column,
                                         None if shown is None else shown[i], reason))

    def has(self, column: str, required: bool = True) -> bool:
        if column in self.table.columns:
            return True
        if required:
            self.problems.append(Problem(self.table.file, None, column, None, "required column is missing"))
        return False

    def text(self, column: str, required: bool = True, every_row: bool | None = None) -> pd.Series:
        """Stripped text; ``required``: the column must exist; ``every_row``: no cell empty
        (default: as ``required``)."""
        if not self.has(column, required):
            return pd.Series([""] * len(self.table), dtype=object)
        values = text(self.table.column(column).astype(object))
        if required if every_row is None else every_row:
            self.report((values == "").to_numpy(), column, None, f"{column} is empty")
        return values

    def number(self, column: str, needed: np.ndarray, low: float, high: float,
               low_open: bool = False) -> np.ndarray:
        """Numbers where ``needed`` (other rows may be empty); range-checked."""
        if not self.has(column, bool(needed.any())):
            return np.full(len(self.table), np.nan)
        raw = self.table.column(column)
        values, bad, missing = to_number(raw, self.table.decimal_comma)
        self.report(bad, column, raw, f"{column} is not a number")
        self.report(missing & needed, column, None, f"{column} is empty")
        ok = ~bad & ~missing
        below = (values <= low) if low_open else (values < low)
        out_of_range = ok & (below | (values > high))
        bound = f"> {low:g}" if low_open else f">= {low:g}"
        self.report(out_of_range, column, raw, f"{column} must be {bound} and <= {high:g}")
        return values

    def date(self, column: str, needed: np.ndarray) -> pd.Series:
        if not self.has(column, bool(needed.any())):
            return pd.Series(pd.NaT, index=range(len(self.table)), dtype="datetime64[s]")
        raw = self.table.column(column)
        values, bad, missing = to_date(raw)
        self.report(bad, column, raw, f"{column} is not a date (YYYY-MM-DD or DD-MM-YYYY)")
        self.report(missing & needed, column, None, f"{column} is empty")
        return values

    def flag(self, column: str) -> np.ndarray:
        if not self.has(column, False):
            return np.zeros(len(self.table), dtype=bool)
        raw = self.table.column(column)
        values, bad = to_bool(raw, False)
        self.report(bad, column, raw, f"{column} is not true/false (ja/nee)")
        return values

    def known(self, values: pd.Series, column: str, known: Callable[[pd.Series], np.ndarray],
              reason: str, where: np.ndarray | None = None) -> None:
        mask = ~known(values) & (values != "").to_numpy()
        if where is not None:
            mask &= where
        self.report(mask, column, values, reason)


def _raw(table: RawTable | pd.DataFrame | str | Path, name: str) -> RawTable:
    if isinstance(table, RawTable):
        return table
    if isinstance(table, pd.DataFrame):
        frame = table.rename(columns=lambda c: str(c).strip().lower()).reset_index(drop=True)
        return RawTable(name, f"{name} (DataFrame)", frame)
    return read_table(table, id_columns=ID_COLUMNS[name])


ID_COLUMNS = {"contracts": ("contract_id", "buyer_id", "supplier_id"),
              "realisations": ("contract_id", "supplier_id")}


def read_contracts(source: RawTable | pd.DataFrame | str | Path, org_ids: pd.Index) -> pd.DataFrame:
    """``contract_id, buyer_id, supplier_id, value_eur, start, end, sroi_pct, row`` checked:
    unique ids, known organisations, value > 0, end >= start, 0 <= sroi_pct <= 100."""
    table = _raw(source, "contracts")
    t = _Typer(table, [])
    everywhere = np.ones(len(table), dtype=bool)
    contract = t.text("contract_id")
    buyer, supplier = t.text("buyer_id"), t.text("supplier_id")
    value = t.number("value_eur", everywhere, 0.0, 1e13, low_open=True)
    pct = t.number("sroi_pct", everywhere, 0.0, 100.0)
    start, end = t.date("start", everywhere), t.date("end", everywhere)
    if not t.problems or all(p.column not in ("contract_id", None) for p in t.problems):
        dup = contract.duplicated(keep="first").to_numpy() & (contract != "").to_numpy()
        t.report(dup, "contract_id", contract, "duplicate contract_id")

    def in_orgs(s: pd.Series) -> np.ndarray:
        return org_ids.get_indexer(s) >= 0

    t.known(buyer, "buyer_id", in_orgs, "unknown organisation (not in organisations)")
    t.known(supplier, "supplier_id", in_orgs, "unknown organisation (not in organisations)")
    backwards = (end < start).to_numpy()
    t.report(backwards, "end", end.astype(str), "end is before start")
    if t.problems:
        raise PsoInputError(sorted(t.problems, key=_order))
    return pd.DataFrame({
        "contract_id": contract.to_numpy(), "buyer_id": buyer.to_numpy(),
        "supplier_id": supplier.to_numpy(), "value_eur": value, "start": start.to_numpy(),
        "end": end.to_numpy(), "sroi_pct": pct, "row": t.rows,
    })


def read_realisations(source: RawTable | pd.DataFrame | str | Path, contracts: pd.DataFrame,
                      org_ids: pd.Index, start_positions: tuple[str, ...]) -> pd.DataFrame:
    """``contract_id, date, kind, start_position, person_months, hours_per_week, permanent,
    age_50_plus, amount_eur, supplier_id, hours, row`` checked per kind: a hire needs a known
    start position and person-months; a purchase an amount and a known supplier; an activity
    hours. Hours per week default to empty (= full time)."""
    table = _raw(source, "realisations")
    t = _Typer(table, [])
    contract = t.text("contract_id")
    date = t.date("date", np.ones(len(table), dtype=bool))
    kind = t.text("kind").str.lower().str.replace("-", "_", regex=False)
    t.known(kind, "kind", lambda s: s.isin(KINDS).to_numpy(), f"kind must be one of {', '.join(KINDS)}")
    hire = (kind == "hire").to_numpy()
    purchase = kind.isin(["sw_purchase", "pso_purchase"]).to_numpy()
    activity = (kind == "activity").to_numpy()
    position = t.text("start_position", required=bool(hire.any()), every_row=False).str.lower()
    months = t.number("person_months", hire, 0.0, 1200.0, low_open=True)
    weekly = t.number("hours_per_week", np.zeros(len(table), bool), 0.0, 168.0, low_open=True)
    amount = t.number("amount_eur", purchase, 0.0, 1e13, low_open=True)
    hours = t.number("hours", activity, 0.0, 1e7, low_open=True)
    supplier = t.text("supplier_id", required=bool(purchase.any()), every_row=False)
    permanent, older = t.flag("permanent"), t.flag("age_50_plus")
    t.report(hire & (position == "").to_numpy(), "start_position", None, "a hire needs a start_position")
    t.known(position, "start_position", lambda s: s.isin(start_positions).to_numpy(),
            f"unknown start_position (use one of {', '.join(start_positions)})", where=hire)
    t.report(purchase & (supplier == "").to_numpy(), "supplier_id", None, "a purchase needs a supplier_id")
    t.known(supplier, "supplier_id", lambda s: org_ids.get_indexer(s) >= 0,
            "unknown organisation (not in organisations)", where=purchase)
    t.known(contract, "contract_id", lambda s: s.isin(contracts["contract_id"]).to_numpy(),
            "unknown contract_id (not in contracts)")
    if t.problems:
        raise PsoInputError(sorted(t.problems, key=_order))
    return pd.DataFrame({
        "contract_id": contract.to_numpy(), "date": date.to_numpy(), "kind": kind.to_numpy(),
        "start_position": np.where(hire, position, ""), "person_months": np.where(hire, months, 0.0),
        "hours_per_week": np.where(hire, weekly, np.nan), "permanent": permanent & hire,
        "age_50_plus": older & hire, "amount_eur": np.where(purchase, amount, 0.0),
        "supplier_id": np.where(purchase, supplier, ""), "hours": np.where(activity, hours, 0.0),
        "row": t.rows,
    })


def _order(problem: Problem) -> tuple:
    return (problem.file, problem.row or 0, problem.column or "")
