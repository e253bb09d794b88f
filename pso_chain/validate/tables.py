"""Per-table typing and checks: each raw table becomes a typed frame, each bad value a problem.

Nothing is dropped in silence: rows that cannot be used are reported (file, row, column, value,
reason), and any error makes computing commands refuse to run.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pso_chain.errors import Problem, coded
from pso_chain.loaders import RawTable
from pso_chain.parsing import NO_DAY, text, to_bool, to_date, to_number, year_bounds
from pso_chain.rules import Rules
from pso_chain.sectors import parse_delivers
from pso_chain.validate.arrow import (
    IdMapper,
    _needs_strip,
    arrow_strings,
    byte_lengths,
    column,
    date32_seconds,
    digit_keys,
    lower,
    lower_arrow,
    text_arrow,
    text_column,
    view,
)
from pso_chain.validate.report import Collector

ORG_REQUIRED = ("org_id", "name", "employees", "fte")
PURCHASE_REQUIRED = ("buyer_id", "supplier_id", "amount_eur", "year")
RECORD_REQUIRED = ("org_id", "person_id", "start_position", "contract_type", "hours_per_week")
CERT_REQUIRED = ("org_id", "level", "valid_from", "valid_until")

# Plausibility limits of input values (not PSO rules): beyond them a value is a typing or export
# error, and would overflow or divide into infinities further on.
MAX_MAGNITUDE = 1e15  # no euro amount, FTE or headcount is larger
MIN_MAGNITUDE = 1e-9  # a non-zero value smaller than this is a unit or export error
YEARS = (1900, 2200)  # purchase years outside are bad input


def _columns_present(table: RawTable, required: tuple[str, ...], out: Collector) -> bool:
    missing = [c for c in required if c not in view(table).columns]
    for col in missing:
        out.add_one(Problem(table.file, 1, col, None, "required_column_missing"))
    return not missing



def _number(table: RawTable, col: str, out: Collector, *, required: bool,
            positive: bool = False, nonnegative: bool = False, integer: bool = False,
            default: float = np.nan) -> np.ndarray:
    if col not in view(table).columns:
        if required:
            return np.full(len(view(table)), np.nan)  # the missing column is reported once
        return np.full(len(view(table)), default, dtype=float)
    raw = column(view(table), col)
    values, bad, missing = to_number(raw, table.decimal_comma)
    out.add(table, bad, col, raw, "not_an_integer" if integer else "not_a_number")
    if required:
        out.add(table, missing, col, raw, "value_empty")
    else:
        values = np.where(missing, default, values)
    ok = ~bad & ~missing
    size = np.abs(values)
    wild = ok & ((size > MAX_MAGNITUDE) | ((size < MIN_MAGNITUDE) & (values != 0)))
    if wild.any():
        out.add(table, wild, col, raw, coded("out_of_range", low=f"{MIN_MAGNITUDE:g}",
                                                             high=f"{MAX_MAGNITUDE:g}"))
        ok &= ~wild
    if integer:
        out.add(table, ok & (values != np.round(values)), col, raw, "not_whole_number")
    if positive:
        out.add(table, ok & (values <= 0), col, raw, "must_be_positive")
    if nonnegative:
        out.add(table, ok & (values < 0), col, raw, "must_be_non_negative")
    return values


def _unknown_figure(table: RawTable, col: str, known: np.ndarray, out: Collector, placeholder: float,
                    **checks) -> np.ndarray:
    """A required figure, which may be empty where ``figures_known`` is false (then
    ``placeholder`` keeps the arrays numeric; no score is shown for such an organisation)."""
    if known.all():
        return _number(table, col, out, required=True, **checks)
    values = _number(table, col, out, required=False, **checks)
    if col in view(table).columns:
        out.add(table, known & np.isnan(values), col, column(view(table), col), "value_empty")
    return np.where(~known & np.isnan(values), placeholder, values)


def _bool(table: RawTable, col: str, out: Collector, default: bool) -> np.ndarray:
    if col not in view(table).columns:
        return np.full(len(view(table)), default, dtype=bool)
    raw = column(view(table), col)
    values, bad = to_bool(raw, default)
    out.add(table, bad, col, raw, "not_a_boolean")
    return values


def _date_seconds(table: RawTable, col: str, out: Collector) -> np.ndarray:
    """A date column as ``datetime64[s]`` (NaT when empty); bad dates reported."""
    if col not in table.columns:
        return np.full(len(table), NO_DAY, dtype=np.int64).view("datetime64[s]")
    fast = date32_seconds(table, col)
    if fast is not None:
        return fast
    raw = column(view(table), col)
    values, bad, _ = to_date(raw)
    out.add(table, bad, col, raw, "not_a_date")
    return values.to_numpy()


def _date(table: RawTable, col: str, out: Collector) -> pd.Series:
    return pd.Series(_date_seconds(table, col, out), index=view(table).index)


def _interval(table: RawTable, start: pd.Series, end: pd.Series, cols, out: Collector) -> None:
    wrong = (start.notna() & end.notna() & (end < start)).to_numpy()
    out.add(table, wrong, cols[1], column(view(table), cols[1]),
            coded("end_before_start", end=cols[1], start=cols[0]))


def _ids(table: RawTable, col: str) -> pd.Series:
    raw = view(table)[col]
    if isinstance(raw.dtype, pd.CategoricalDtype):
        return raw.astype(str).where(raw.notna(), "").str.strip()
    return text_column(view(table), col)



def _delivers(table: RawTable, out: Collector) -> pd.Series:
    """The optional ``delivers`` column (SBI codes of what is sold), normalised to ``a;b``."""
    frame = view(table)
    if "delivers" not in frame.columns:
        return pd.Series([""] * len(frame), dtype=object)
    codes, bad = parse_delivers(text_column(frame, "delivers"))
    out.add(table, bad, "delivers", column(frame, "delivers"),
            "not_sbi_list")
    return codes.where(~bad, "")


def organisations(table: RawTable, rules: Rules, out: Collector) -> pd.DataFrame:
    frame = view(table)
    _columns_present(table, ORG_REQUIRED, out)
    org_id = _ids(table, "org_id") if "org_id" in frame.columns else pd.Series([""] * len(frame))
    out.add(table, (org_id == "").to_numpy(), "org_id", None, "org_id_empty")
    in_order, dup = _id_order(org_id)
    out.add(table, dup, "org_id", org_id, "duplicate_org_id")
    level = lower(text_column(frame, "pso_level"))
    bad_level = ~level.isin(["", *rules.all_levels]).to_numpy()
    out.add(table, bad_level, "pso_level", column(frame, "pso_level"),
            coded("pso_level_unknown", levels=", ".join(rules.all_levels)))
    valid_from = _date(table, "pso_valid_from", out)
    valid_until = _date(table, "pso_valid_until", out)
    _interval(table, valid_from, valid_until, ("pso_valid_from", "pso_valid_until"), out)
    # figures_known false (an imported supplier whose figures nobody gave): employees and fte
    # may be empty; such an organisation gets no score and no trede (core.scoring)
    known = _bool(table, "figures_known", out, default=True)
    typed = pd.DataFrame({
        "org_id": org_id,
        "name": text_column(frame, "name"),
        "employees": _unknown_figure(table, "employees", known, out, 0.0, integer=True,
                                     nonnegative=True),
        "fte": _unknown_figure(table, "fte", known, out, 1.0, positive=True),
        "target_fte": _number(table, "target_fte", out, required=False, nonnegative=True),
        "revenue_eur": _number(table, "revenue_eur", out, required=False, positive=True),
        "sw": _bool(table, "sw", out, default=False),
        "pso_level": level.where(~bad_level, "") if bad_level.any() else level,
        "pso_valid_from": valid_from,
        "pso_valid_until": valid_until,
        "qualitative_ok": _bool(table, "qualitative_ok", out, default=True),
        "sbi": text_column(frame, "sbi"),
        "delivers": _delivers(table, out),
        "municipality": text_column(frame, "municipality"),
        "postcode": text_column(frame, "postcode"),
        "applies_code": _bool(table, "applies_code", out, default=True),
        "threshold": _number(table, "threshold", out, required=False, nonnegative=True),
        "figures_known": known,
        "_row": np.arange(len(frame), dtype=np.int64) + table.first_data_row,
    })
    if in_order:  # the usual case (unique ids in file order): no copies of the table
        return typed
    if dup.any():
        typed = typed[~dup]
    if not typed["org_id"].is_monotonic_increasing:
        typed = typed.sort_values("org_id", kind="stable")
    return typed.reset_index(drop=True)


def _id_order(org_id: pd.Series) -> tuple[bool, np.ndarray]:
    """Whether the ids are unique and sorted already, and which rows repeat an earlier id.

    KvK-like ids (ASCII digits of one width) are compared as integers, whose order is the
    text order; other ids go through pandas.
    """
    n = len(org_id)
    arrow = arrow_strings(org_id)
    if arrow is not None and n:
        lengths = byte_lengths(arrow)
        width = int(lengths[0])
        if 0 < width <= 18 and (lengths == width).all():
            keys, fits = digit_keys(arrow, width)
            if fits.all():
                if (keys[1:] > keys[:-1]).all():
                    return True, np.zeros(n, dtype=bool)
                order = np.argsort(keys, kind="stable")
                ordered = keys[order]
                dup = np.zeros(n, dtype=bool)
                dup[order[1:][ordered[1:] == ordered[:-1]]] = True
                return False, dup
    dup = org_id.duplicated(keep="first").to_numpy() & (org_id != "").to_numpy()
    in_order = not dup.any() and org_id.is_monotonic_increasing
    return bool(in_order), dup


def _id_source(table: RawTable, col: str):
    """An id column for :class:`IdMapper`: Arrow strings when the table has them, else pandas."""
    arrow = table.arrow_column(col)
    if arrow is not None and (pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type)):
        # ids padded with spaces are the same ids, in Parquet as in CSV
        return pc.utf8_trim_whitespace(arrow) if _needs_strip(arrow) else arrow
    return view(table)[col]


def purchases(table: RawTable, index_of: IdMapper, out: Collector) -> pd.DataFrame:
    """Typed purchases: node indices, amounts, whole years, dates (NaT undated), file rows."""
    frame = view(table)
    if not _columns_present(table, PURCHASE_REQUIRED, out):
        return pd.DataFrame(columns=["buyer", "supplier", "amount_eur", "year", "date", "_row"])
    buyer_raw, supplier_raw = _id_source(table, "buyer_id"), _id_source(table, "supplier_id")
    with ThreadPoolExecutor(max_workers=2) as pool:  # Arrow casts and numpy gathers free the GIL
        supplier_job = pool.submit(index_of, supplier_raw)
        buyer = index_of(buyer_raw)
        supplier = supplier_job.result()
    out.add(table, buyer < 0, "buyer_id", lambda: frame["buyer_id"],
            "unknown_organisation")
    out.add(table, supplier < 0, "supplier_id", lambda: frame["supplier_id"],
            "unknown_organisation")
    amount = _number(table, "amount_eur", out, required=True, positive=True)
    date = _date_seconds(table, "date", out)
    seconds = date.view(np.int64)
    dated = seconds != NO_DAY
    year_raw = column(frame, "year")
    if isinstance(year_raw.dtype, np.dtype) and year_raw.dtype.kind in "iu":  # whole, never empty
        year = year_raw.to_numpy().astype(np.int64, copy=False)  # Parquet int64: no copy
        known = np.abs(year) < 10000 if len(year) and (
            year.min() <= -10000 or year.max() >= 10000) else None  # None: all known
        year_raw_ok = np.ones(len(year), dtype=bool)
    else:
        year_f, bad_year, missing_year = to_number(year_raw, table.decimal_comma)
        whole = year_f == np.round(year_f)
        out.add(table, bad_year | (~missing_year & ~whole), "year", year_raw, "not_whole_year")
        if missing_year.any():
            year_f = year_f.copy()
            fill = missing_year & dated
            year_f[fill] = date[fill].astype("datetime64[Y]").astype(np.int64) + 1970
            whole = whole | fill  # the date's year: never dropped (issue 19)
        out.add(table, missing_year & ~dated, "year", year_raw, "year_and_date_empty")
        known = ~np.isnan(year_f) & whole & (np.abs(year_f) < 10000)
        year_raw_ok = ~np.isnan(year_f) & whole & (np.abs(year_f) < 1e15)
        year = np.where(year_raw_ok, np.nan_to_num(year_f, nan=-1), -1).astype(np.int64)
    if known is None:
        implausible = (year < YEARS[0]) | (year > YEARS[1])
    else:  # whole years, out of the plausible range (the others are reported above)
        parsed = year_raw_ok & (year != -1)
        implausible = parsed & ((year < YEARS[0]) | (year > YEARS[1]))
    if implausible.any():
        out.add(table, implausible, "year", year_raw, coded("implausible_year", low=YEARS[0], high=YEARS[1]))
        year = np.where(implausible, -1, year)
        known = ~implausible if known is None else known & ~implausible
    if known is None and len(year) and year.min() == year.max():  # one year: two numbers
        start, end = (int(b[0]) * 86_400 for b in year_bounds(year[:1]))  # seconds of the one year
        outside = dated & ((seconds < start) | (seconds >= end + 86_400))
    else:
        first, last = year_bounds(year if known is None else np.where(known, year, 2000))
        in_year = (first * 86_400 <= seconds) & (seconds < (last + 1) * 86_400)
        outside = dated & ~in_year if known is None else known & dated & ~in_year
    out.add(table, outside, "date", lambda: column(frame, "date"), "date_outside_year")
    return pd.DataFrame({
        "buyer": buyer, "supplier": supplier, "amount_eur": amount, "year": year, "date": date,
        "_row": np.arange(table.first_data_row, len(frame) + table.first_data_row, dtype=np.int64),
    }, copy=False)


def _code_weights(codes: pa.ChunkedArray, weights: dict[str, float]) -> np.ndarray:
    """The weight of each (lower-case) code; NaN where the rules file does not know it."""
    position = pc.index_in(codes, value_set=pa.array(list(weights), type=pa.string()))
    table = np.append(np.asarray(list(weights.values()), dtype=float), np.nan)
    return table[pc.fill_null(position, len(weights)).to_numpy()]


def records(table: RawTable, index_of: IdMapper, rules: Rules, out: Collector) -> pd.DataFrame:
    frame = view(table)
    if not _columns_present(table, RECORD_REQUIRED, out):
        return pd.DataFrame(columns=["org", "person_id", "weighted_fte", "_row"])
    org = index_of(frame["org_id"])
    out.add(table, org < 0, "org_id", lambda: frame["org_id"], "unknown_organisation")
    weights, codes = {}, {}
    for col, table_weights in (("start_position", rules.start_position_weights),
                               ("contract_type", rules.contract_type_weights)):
        codes[col] = lower_arrow(text_arrow(frame[col]))
        w = _code_weights(codes[col], table_weights)
        out.add(table, np.isnan(w), col, lambda col=col: frame[col],
                coded("unknown_weight_code", codes=", ".join(table_weights)))
        weights[col] = w
    hours = _number(table, "hours_per_week", out, required=True, nonnegative=True)
    fulltime = _number(table, "fulltime_hours", out, required=False, positive=True,
                       default=rules.default_fulltime_hours)
    months = _number(table, "months", out, required=False, nonnegative=True,
                     default=rules.default_months)
    out.add(table, months > rules.months_per_year, "months", lambda: column(frame, "months"),
            coded("too_many_months", months=f"{rules.months_per_year:g}"))
    weighted = (weights["start_position"] * weights["contract_type"] * (hours / fulltime)
                * (months / rules.months_per_year))
    return pd.DataFrame({
        "org": org, "person_id": text_arrow(frame["person_id"]).to_pandas(),
        "start_position": codes["start_position"].to_pandas(),
        "contract_type": codes["contract_type"].to_pandas(),
        "start_position_weight": weights["start_position"],
        "contract_weight": weights["contract_type"],
        "hours_per_week": hours, "fulltime_hours": fulltime, "months": months,
        "weighted_fte": weighted,
        "_row": np.arange(len(frame), dtype=np.int64) + table.first_data_row,
    })


def certifications(table: RawTable, index_of: IdMapper, rules: Rules, out: Collector):
    frame = view(table)
    if not _columns_present(table, CERT_REQUIRED, out):
        return pd.DataFrame(columns=["org", "level", "valid_from", "valid_until", "_row"])
    org = index_of(frame["org_id"])
    out.add(table, org < 0, "org_id", frame["org_id"], "unknown_organisation")
    level = text(frame["level"]).str.lower()
    bad = ~level.isin(rules.all_levels).to_numpy()
    out.add(table, bad, "level", frame["level"], coded("level_unknown", levels=", ".join(rules.all_levels)))
    valid_from = _date(table, "valid_from", out)
    valid_until = _date(table, "valid_until", out)
    _interval(table, valid_from, valid_until, ("valid_from", "valid_until"), out)
    return pd.DataFrame({
        "org": org, "level": level.to_numpy(dtype=object),
        "valid_from": valid_from.to_numpy(), "valid_until": valid_until.to_numpy(),
        "_row": np.arange(len(frame), dtype=np.int64) + table.first_data_row,
    })

