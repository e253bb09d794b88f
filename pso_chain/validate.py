"""Type the raw tables and check them: one place for every input check.

Each check is vectorised: a boolean mask over a table's rows becomes a block of problems
(file, row as the user sees it, column, value, reason). Nothing is dropped in silence: rows that
cannot be used are reported, and any error makes computing commands refuse to run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pso_chain.certification import build_certificate_index, purchase_eligibility
from pso_chain.errors import PROBLEM_COLUMNS, Problem, PsoInputError, problems_frame
from pso_chain.loaders import RawTable, read_folder
from pso_chain.parsing import NO_DAY, text, to_bool, to_date, to_days, to_number, year_bounds
from pso_chain.rules import Rules

# Tolerance (in FTE) under which target_fte and the sum of employees_records agree.
FTE_AGREEMENT_TOLERANCE = 1e-6

ORG_REQUIRED = ("org_id", "name", "employees", "fte")
PURCHASE_REQUIRED = ("buyer_id", "supplier_id", "amount_eur", "year")
RECORD_REQUIRED = ("org_id", "person_id", "start_position", "contract_type", "hours_per_week")
CERT_REQUIRED = ("org_id", "level", "valid_from", "valid_until")


@dataclass
class ValidationReport:
    """Every problem found, errors and warnings, with where and why."""

    problems: pd.DataFrame = field(default_factory=problems_frame)
    raw: dict[str, RawTable] = field(default_factory=dict)

    @property
    def errors(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "error"]

    @property
    def warnings(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "warning"]

    @property
    def ok(self) -> bool:
        return self.errors.empty

    def raise_for_errors(self) -> None:
        """Stop with a :class:`PsoInputError` listing the errors, if there are any."""
        if not self.ok:
            raise PsoInputError(self.errors.reset_index(drop=True))

    def rejected_rows(self) -> pd.DataFrame:
        """Every row with an error, with its reasons and its original values (as ``col=value``)."""
        errors = self.errors
        if errors.empty:
            return pd.DataFrame(columns=[*PROBLEM_COLUMNS, "record"])
        parts = []
        row = errors["row"].fillna(0).to_numpy(dtype=np.int64)
        in_data = np.zeros(len(errors), dtype=bool)
        for table in self.raw.values():
            of_row = (errors["file"] == table.file).to_numpy() & (row >= table.first_data_row)
            in_data |= of_row
            mine = errors[of_row]
            if mine.empty:
                continue
            positions = mine["row"].to_numpy(dtype=np.int64) - table.first_data_row
            frame = table.frame.iloc[positions]
            records = [
                "; ".join(f"{k}={v}" for k, v in zip(frame.columns, values, strict=True))
                for values in frame.astype(str).itertuples(index=False, name=None)
            ]
            parts.append(mine.assign(record=records))
        # problems of a whole file or of its header (a missing column) have no data record
        whole_file = errors[~in_data].assign(record="")
        return pd.concat([*parts, whole_file], ignore_index=True)

    def write_quarantine(self, path: str | Path) -> int:
        """Write rejected rows with their reasons (CSV); returns how many problem rows."""
        rejected = self.rejected_rows()
        rejected.to_csv(path, index=False)
        return len(rejected)


class _Collector:
    """Collects blocks of problems from boolean masks."""

    def __init__(self) -> None:
        self.blocks: list[pd.DataFrame] = []

    def add(self, table: RawTable, mask, column: str | None, values, reason: str,
            severity: str = "error") -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        idx = np.flatnonzero(mask)
        if values is None:
            shown = [""] * len(idx)
        else:
            shown = pd.Series(values).iloc[idx].astype(str).to_numpy()
        self.blocks.append(pd.DataFrame({
            "severity": severity, "file": table.file,
            "row": pd.array(idx + table.first_data_row, dtype="Int64"),
            "column": column, "value": shown, "reason": reason,
        }))

    def add_one(self, problem: Problem) -> None:
        self.blocks.append(problems_frame([problem]))

    def frame(self) -> pd.DataFrame:
        if not self.blocks:
            return problems_frame()
        out = pd.concat(self.blocks, ignore_index=True)
        return out.sort_values(["severity", "file", "row"], kind="stable",
                               key=lambda s: s if s.name != "severity" else s.map(
                                   {"error": 0, "warning": 1})).reset_index(drop=True)


@dataclass
class Dataset:
    """Validated, typed canonical tables with integer node indices.

    ``organisations`` is sorted by ``org_id`` (its position is the node index);
    ``purchases`` carries ``buyer``/``supplier`` node indices; ``employees_records`` and
    ``certifications`` carry ``org``. Every table keeps ``_row``, the row in its file.
    """

    organisations: pd.DataFrame
    purchases: pd.DataFrame
    employees_records: pd.DataFrame | None
    certifications: pd.DataFrame | None
    report: ValidationReport
    files: dict[str, str]
    eligible: np.ndarray | None = None  # per purchase row, computed once by the cross-checks
    certificates: object | None = None  # the CertificateIndex the cross-checks built


def _columns_present(table: RawTable, required: tuple[str, ...], out: _Collector) -> bool:
    missing = [c for c in required if c not in table.frame.columns]
    for col in missing:
        out.add_one(Problem(table.file, 1, col, None, "required column missing from the header"))
    return not missing


def _column(frame: pd.DataFrame, name: str, default="") -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([default] * len(frame), index=frame.index, dtype=object)


def _number(table: RawTable, col: str, out: _Collector, *, required: bool,
            positive: bool = False, nonnegative: bool = False, integer: bool = False,
            default: float = np.nan) -> np.ndarray:
    if col not in table.frame.columns:
        if required:
            return np.full(len(table.frame), np.nan)  # the missing column is reported once
        return np.full(len(table.frame), default, dtype=float)
    raw = _column(table.frame, col)
    values, bad, missing = to_number(raw, table.decimal_comma)
    kind = "an integer" if integer else "a number"
    out.add(table, bad, col, raw, f"not {kind}")
    if required:
        out.add(table, missing, col, raw, "required value is empty")
    else:
        values = np.where(missing, default, values)
    ok = ~bad & ~missing
    if integer:
        out.add(table, ok & (values != np.round(values)), col, raw, "not a whole number")
    if positive:
        out.add(table, ok & (values <= 0), col, raw, "must be > 0")
    if nonnegative:
        out.add(table, ok & (values < 0), col, raw, "must be >= 0")
    return values


def _bool(table: RawTable, col: str, out: _Collector, default: bool) -> np.ndarray:
    if col not in table.frame.columns:
        return np.full(len(table.frame), default, dtype=bool)
    raw = _column(table.frame, col)
    values, bad = to_bool(raw, default)
    out.add(table, bad, col, raw, "not a boolean (use true/false, ja/nee, 1/0)")
    return values


def _date(table: RawTable, col: str, out: _Collector) -> pd.Series:
    if col not in table.frame.columns:
        return pd.Series(pd.NaT, index=table.frame.index, dtype="datetime64[s]")
    raw = _column(table.frame, col)
    values, bad, _ = to_date(raw)
    out.add(table, bad, col, raw, "not a date (use YYYY-MM-DD or DD-MM-YYYY)")
    return values


def _interval(table: RawTable, start: pd.Series, end: pd.Series, cols, out: _Collector) -> None:
    wrong = (start.notna() & end.notna() & (end < start)).to_numpy()
    out.add(table, wrong, cols[1], _column(table.frame, cols[1]), f"{cols[1]} before {cols[0]}")


def _ids(table: RawTable, col: str) -> pd.Series:
    raw = table.frame[col]
    if isinstance(raw.dtype, pd.CategoricalDtype):
        return raw.astype(str).where(raw.notna(), "").str.strip()
    return text(raw)


def _arrow_strings(series: pd.Series) -> pa.ChunkedArray | None:
    """The Arrow strings behind a pandas string column, when it has them (no copy)."""
    arr = getattr(series.array, "_pa_array", None)
    if isinstance(arr, pa.ChunkedArray) and (
        pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)
    ):
        return arr
    return None


def _byte_lengths(arr: pa.ChunkedArray) -> np.ndarray:
    """Byte length of every string, read off the Arrow offsets buffers (no per-value work)."""
    offset_type = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    parts = []
    for chunk in arr.chunks:
        offsets = np.frombuffer(chunk.buffers()[1], dtype=offset_type)
        parts.append(np.diff(offsets[chunk.offset: chunk.offset + len(chunk) + 1]))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=offset_type)


class IdMapper:
    """Maps organisation ids to node indices, fast at national scale.

    KvK numbers (all ids digits of one width) are mapped as integers through a hash index;
    other ids through Arrow's ``index_in`` or pandas' ``get_indexer``.
    """

    def __init__(self, org_ids: pd.Index):
        self.org_ids = org_ids
        self.width = None
        arrow = None
        if len(org_ids):
            arrow = pa.array(org_ids.astype(str).to_numpy(dtype=object), type=pa.string())
        self.arrow_ids = arrow
        if arrow is not None:
            lengths = pc.utf8_length(arrow)
            mm = pc.min_max(lengths).as_py()
            if (mm["min"] == mm["max"] and mm["max"] <= 18 and pc.all(pc.utf8_is_digit(arrow)).as_py()):
                try:
                    self.int_index = pd.Index(pc.cast(arrow, pa.int64()).to_numpy())
                    self.width = mm["max"]
                except pa.ArrowInvalid:
                    self.width = None

    def __call__(self, series: pd.Series) -> np.ndarray:
        """Node index of each id in ``series`` (-1 where unknown)."""
        if isinstance(series.dtype, pd.CategoricalDtype):
            cats = series.cat.categories.astype(str).str.strip()
            lookup = self.org_ids.get_indexer(cats)
            codes = series.cat.codes.to_numpy()
            return np.where(codes >= 0, lookup[np.maximum(codes, 0)], -1).astype(np.int64)
        arrow = _arrow_strings(series)
        if arrow is None or self.arrow_ids is None:
            return self.org_ids.get_indexer(text(series)).astype(np.int64)
        if self.width is not None:
            fits = (_byte_lengths(arrow) == self.width) & pc.fill_null(
                pc.utf8_is_digit(arrow), False).to_numpy(zero_copy_only=False)
            try:
                source = arrow if fits.all() else pc.if_else(pa.array(fits), arrow, "-1")
                keys = pc.cast(source, pa.int64()).to_numpy()
                out = self.int_index.get_indexer(keys).astype(np.int64)
                out[~fits] = -1
                return out
            except pa.ArrowInvalid:  # unicode digits that are not 0-9
                pass
        found = pc.index_in(arrow, value_set=self.arrow_ids)
        return pc.fill_null(found, -1).to_numpy().astype(np.int64)


def index_of(org_ids: pd.Index, series: pd.Series) -> np.ndarray:
    """Node index of each id in ``series`` (-1 where unknown)."""
    return IdMapper(org_ids)(series)


def _organisations(table: RawTable, rules: Rules, out: _Collector) -> pd.DataFrame:
    frame = table.frame
    _columns_present(table, ORG_REQUIRED, out)
    org_id = _ids(table, "org_id") if "org_id" in frame.columns else pd.Series([""] * len(frame))
    out.add(table, (org_id == "").to_numpy(), "org_id", None, "org_id is empty")
    dup = org_id.duplicated(keep="first").to_numpy() & (org_id != "").to_numpy()
    out.add(table, dup, "org_id", org_id, "duplicate org_id (first occurrence is kept as the one)")
    level = text(_column(frame, "pso_level")).str.lower()
    bad_level = ~level.isin(["", *rules.all_levels]).to_numpy()
    out.add(table, bad_level, "pso_level", _column(frame, "pso_level"),
            f"pso_level must be empty or one of {', '.join(rules.all_levels)}")
    valid_from = _date(table, "pso_valid_from", out)
    valid_until = _date(table, "pso_valid_until", out)
    _interval(table, valid_from, valid_until, ("pso_valid_from", "pso_valid_until"), out)
    typed = pd.DataFrame({
        "org_id": org_id,
        "name": text(_column(frame, "name")),
        "employees": _number(table, "employees", out, required=True, integer=True,
                             nonnegative=True),
        "fte": _number(table, "fte", out, required=True, positive=True),
        "target_fte": _number(table, "target_fte", out, required=False, nonnegative=True),
        "revenue_eur": _number(table, "revenue_eur", out, required=False, positive=True),
        "sw": _bool(table, "sw", out, default=False),
        "pso_level": level.where(~bad_level, ""),
        "pso_valid_from": valid_from,
        "pso_valid_until": valid_until,
        "qualitative_ok": _bool(table, "qualitative_ok", out, default=True),
        "sbi": text(_column(frame, "sbi")),
        "municipality": text(_column(frame, "municipality")),
        "postcode": text(_column(frame, "postcode")),
        "applies_code": _bool(table, "applies_code", out, default=True),
        "threshold": _number(table, "threshold", out, required=False, nonnegative=True),
        "_row": np.arange(len(frame), dtype=np.int64) + table.first_data_row,
    })
    typed = typed[~dup]
    if not typed["org_id"].is_monotonic_increasing:
        typed = typed.sort_values("org_id", kind="stable")
    return typed.reset_index(drop=True)


def _purchases(table: RawTable, index_of: IdMapper, out: _Collector) -> pd.DataFrame:
    frame = table.frame
    if not _columns_present(table, PURCHASE_REQUIRED, out):
        return pd.DataFrame(columns=["buyer", "supplier", "amount_eur", "year", "date", "_row"])
    buyer = index_of(frame["buyer_id"])
    supplier = index_of(frame["supplier_id"])
    out.add(table, buyer < 0, "buyer_id", frame["buyer_id"], "unknown organisation (not in organisations)")
    out.add(table, supplier < 0, "supplier_id", frame["supplier_id"],
            "unknown organisation (not in organisations)")
    amount = _number(table, "amount_eur", out, required=True, positive=True)
    date = _date(table, "date", out)
    year_raw = _column(frame, "year")
    year, bad_year, missing_year = to_number(year_raw, table.decimal_comma)
    out.add(table, bad_year | (~missing_year & (year != np.round(year))), "year", year_raw,
            "not a whole year")
    dated = date.notna().to_numpy()
    if missing_year.any():
        year = year.copy()
        year[missing_year & dated] = date[missing_year & dated].dt.year.to_numpy(dtype=float)
    out.add(table, missing_year & ~dated, "year", year_raw, "year is empty and there is no date")
    known = ~np.isnan(year) & (year == np.round(year)) & (np.abs(year) < 10000)
    first, last = year_bounds(np.where(known, year, 2000).astype(np.int64))
    day = to_days(date)
    out.add(table, known & dated & ((day < first) | (day > last)), "date",
            _column(frame, "date"), "date is not in the purchase's year")
    return pd.DataFrame({
        "buyer": buyer.astype(np.int32), "supplier": supplier.astype(np.int32), "amount_eur": amount,
        "year": np.nan_to_num(year, nan=-1).astype(np.int32), "date": date.to_numpy(),
        "_row": np.arange(len(frame), dtype=np.int64) + table.first_data_row,
    }, copy=False)


def _records(table: RawTable, index_of: IdMapper, rules: Rules, out: _Collector) -> pd.DataFrame:
    frame = table.frame
    if not _columns_present(table, RECORD_REQUIRED, out):
        return pd.DataFrame(columns=["org", "person_id", "weighted_fte", "_row"])
    org = index_of(frame["org_id"])
    out.add(table, org < 0, "org_id", frame["org_id"], "unknown organisation (not in organisations)")
    weights = {}
    for col, table_weights in (("start_position", rules.start_position_weights),
                               ("contract_type", rules.contract_type_weights)):
        codes = text(frame[col]).str.lower()
        w = codes.map(table_weights).to_numpy(dtype=float, na_value=np.nan)
        out.add(table, np.isnan(w), col, frame[col],
                f"unknown code (rules file knows: {', '.join(table_weights)})")
        weights[col] = w
    hours = _number(table, "hours_per_week", out, required=True, nonnegative=True)
    fulltime = _number(table, "fulltime_hours", out, required=False, positive=True,
                       default=rules.default_fulltime_hours)
    months = _number(table, "months", out, required=False, nonnegative=True,
                     default=rules.default_months)
    out.add(table, months > rules.months_per_year, "months", _column(frame, "months"),
            f"more than {rules.months_per_year:g} months in a year")
    weighted = (weights["start_position"] * weights["contract_type"] * (hours / fulltime)
                * (months / rules.months_per_year))
    return pd.DataFrame({
        "org": org, "person_id": text(frame["person_id"]).to_numpy(dtype=object),
        "start_position": text(frame["start_position"]).str.lower().to_numpy(dtype=object),
        "contract_type": text(frame["contract_type"]).str.lower().to_numpy(dtype=object),
        "start_position_weight": weights["start_position"],
        "contract_weight": weights["contract_type"],
        "hours_per_week": hours, "fulltime_hours": fulltime, "months": months,
        "weighted_fte": weighted,
        "_row": np.arange(len(frame), dtype=np.int64) + table.first_data_row,
    })


def _certifications(table: RawTable, index_of: IdMapper, rules: Rules, out: _Collector):
    frame = table.frame
    if not _columns_present(table, CERT_REQUIRED, out):
        return pd.DataFrame(columns=["org", "level", "valid_from", "valid_until", "_row"])
    org = index_of(frame["org_id"])
    out.add(table, org < 0, "org_id", frame["org_id"], "unknown organisation (not in organisations)")
    level = text(frame["level"]).str.lower()
    bad = ~level.isin(rules.all_levels).to_numpy()
    out.add(table, bad, "level", frame["level"], f"level must be one of {', '.join(rules.all_levels)}")
    valid_from = _date(table, "valid_from", out)
    valid_until = _date(table, "valid_until", out)
    _interval(table, valid_from, valid_until, ("valid_from", "valid_until"), out)
    return pd.DataFrame({
        "org": org, "level": level.to_numpy(dtype=object),
        "valid_from": valid_from.to_numpy(), "valid_until": valid_until.to_numpy(),
        "_row": np.arange(len(frame), dtype=np.int64) + table.first_data_row,
    })


def certificates_of(data: Dataset, rules: Rules):
    """The certificate index: ``certifications`` when given (the source of truth), else the
    organisations' current ``pso_level`` with its validity."""
    n = len(data.organisations)
    if data.certifications is not None:
        c = data.certifications
        return build_certificate_index(n, c["org"].to_numpy(), c["level"], c["valid_from"],
                                       c["valid_until"], rules.all_levels, rules.eligible_levels)
    o = data.organisations
    return build_certificate_index(n, np.arange(n), o["pso_level"], o["pso_valid_from"],
                                   o["pso_valid_until"], rules.all_levels, rules.eligible_levels)


def direct_target_fte(data: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Each organisation's weighted target-group FTE and whether it came from its records.

    Employee records win over the ``target_fte`` column where an organisation has any.
    """
    orgs = data.organisations
    n = len(orgs)
    column = orgs["target_fte"].to_numpy(dtype=float)
    records = data.employees_records
    if records is None or records.empty:
        return column, np.zeros(n, dtype=bool)
    known = records[records["org"] >= 0]
    from_records = np.bincount(known["org"], weights=known["weighted_fte"], minlength=n)
    has_records = np.bincount(known["org"], minlength=n) > 0
    return np.where(has_records, from_records, column), has_records


def _cross_checks(data: Dataset, rules: Rules, tables: dict[str, RawTable], out: _Collector) -> None:
    orgs = data.organisations
    org_table = tables["organisations"]
    org_rows = orgs["_row"].to_numpy() - org_table.first_data_row
    n_raw = len(org_table.frame)

    def at_rows(mask_nodes: np.ndarray) -> np.ndarray:
        mask = np.zeros(n_raw, dtype=bool)
        mask[org_rows[mask_nodes]] = True
        return mask

    target, has_records = direct_target_fte(data)
    column = orgs["target_fte"].to_numpy(dtype=float)
    raw_target = _column(org_table.frame, "target_fte")
    # only where nothing gives it: records with a bad code are reported on their own rows
    out.add(org_table, at_rows(np.isnan(column) & ~has_records), "target_fte", raw_target,
            "target_fte is empty and the organisation has no employees_records")
    disagree = has_records & ~np.isnan(column) & (np.abs(column - target) > FTE_AGREEMENT_TOLERANCE)
    if disagree.any():
        out.add(org_table, at_rows(disagree), "target_fte", raw_target,
                "target_fte disagrees with the sum of employees_records, which wins "
                f"(records give {', '.join(f'{v:.4g}' for v in target[disagree][:1])}...)",
                severity="warning")
    p = data.purchases
    usable = ((p["buyer"] >= 0) & (p["supplier"] >= 0) & (p["year"] > 0)).to_numpy()
    if not usable.any():
        return
    pu = p[usable]
    certs = certificates_of(data, rules)
    data.certificates = certs
    eligible = purchase_eligibility(
        pu["buyer"].to_numpy(), pu["supplier"].to_numpy(), pu["year"].to_numpy(),
        to_days(pu["date"]), orgs["sw"].to_numpy(), certs,
    )
    if usable.all():
        data.eligible = eligible
    revenue_missing = np.isnan(orgs["revenue_eur"].to_numpy(dtype=float))
    sellers = np.zeros(len(orgs), dtype=bool)
    sellers[pu["supplier"].to_numpy()] = True
    eligible_sellers = np.zeros(len(orgs), dtype=bool)
    eligible_sellers[pu["supplier"].to_numpy()[eligible]] = True
    raw_rev = _column(org_table.frame, "revenue_eur")
    out.add(org_table, at_rows(revenue_missing & eligible_sellers), "revenue_eur", raw_rev,
            "revenue_eur is empty for an eligible supplier that is bought from")
    out.add(org_table, at_rows(revenue_missing & sellers & ~eligible_sellers), "revenue_eur",
            raw_rev, "revenue_eur is empty for an organisation that sells to others "
            "(needed by olievlek and embodied)", severity="warning")


def validate_tables(tables: dict[str, RawTable], rules: Rules) -> Dataset:
    """Type and check raw tables; the report lists every problem found."""
    out = _Collector()
    orgs = _organisations(tables["organisations"], rules, out)
    mapper = IdMapper(pd.Index(orgs["org_id"]))
    purchases = _purchases(tables["purchases"], mapper, out)
    records = (_records(tables["employees_records"], mapper, rules, out)
               if "employees_records" in tables else None)
    certs = (_certifications(tables["certifications"], mapper, rules, out)
             if "certifications" in tables else None)
    data = Dataset(orgs, purchases, records, certs, ValidationReport(raw=tables),
                   {name: t.file for name, t in tables.items()})
    _cross_checks(data, rules, tables, out)
    data.report.problems = out.frame()
    return data


def validate_folder(folder: str | Path, rules: Rules) -> Dataset:
    """Read and validate a dataset folder (no exception for bad rows: see ``report``)."""
    return validate_tables(read_folder(folder), rules)


__all__ = [
    "Dataset", "ValidationReport", "validate_tables", "validate_folder", "certificates_of",
    "direct_target_fte", "index_of", "NO_DAY",
]
