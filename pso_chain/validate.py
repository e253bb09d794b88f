"""Type the raw tables and check them: one place for every input check.

Each check is vectorised: a boolean mask over a table's rows becomes a block of problems
(file, row as the user sees it, column, value, reason). Nothing is dropped in silence: rows that
cannot be used are reported, and any error makes computing commands refuse to run.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pso_chain.certification import build_certificate_index, purchase_eligibility
from pso_chain.errors import PROBLEM_COLUMNS, Problem, PsoInputError, problems_frame
from pso_chain.loaders import RawTable, read_folder
from pso_chain.parsing import NO_DAY, text, to_bool, to_date, to_number, year_bounds
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
        if callable(values):  # columns converted only when a problem is found in them
            values = values()
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


class _Columns:
    """Column access to a raw table without building its whole pandas frame (Arrow tables
    convert one column at a time)."""

    def __init__(self, table: RawTable):
        self.table = table
        self.columns = table.columns

    def __getitem__(self, name: str) -> pd.Series:
        return self.table.column(name)

    def __len__(self) -> int:
        return len(self.table)

    @property
    def index(self) -> pd.Index:
        if self.table.arrow is None:
            return self.table.frame.index
        return pd.RangeIndex(len(self.table))


def _view(table: RawTable) -> _Columns:
    return _Columns(table)


def _columns_present(table: RawTable, required: tuple[str, ...], out: _Collector) -> bool:
    missing = [c for c in required if c not in _view(table).columns]
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
    if col not in _view(table).columns:
        if required:
            return np.full(len(_view(table)), np.nan)  # the missing column is reported once
        return np.full(len(_view(table)), default, dtype=float)
    raw = _column(_view(table), col)
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
    if col not in _view(table).columns:
        return np.full(len(_view(table)), default, dtype=bool)
    raw = _column(_view(table), col)
    values, bad = to_bool(raw, default)
    out.add(table, bad, col, raw, "not a boolean (use true/false, ja/nee, 1/0)")
    return values


def _date_seconds(table: RawTable, col: str, out: _Collector) -> np.ndarray:
    """A date column as ``datetime64[s]`` (NaT when empty).

    Arrow ``date32`` columns (Parquet) hold day numbers: each chunk is scaled straight into the
    result, without pandas' datetime conversions or 10M-row temporaries.
    """
    n = len(table)
    if col not in table.columns:
        return np.full(n, NO_DAY, dtype=np.int64).view("datetime64[s]")
    arrow = table.arrow_column(col)
    if arrow is not None and pa.types.is_date32(arrow.type):
        seconds = np.empty(n, dtype=np.int64)
        pos = 0
        for chunk in arrow.chunks:
            m = len(chunk)
            part = seconds[pos: pos + m]
            data = chunk.buffers()[1]
            if data is None:
                part[:] = NO_DAY
            else:
                days = np.frombuffer(data, dtype=np.int32)[chunk.offset: chunk.offset + m]
                np.multiply(days, np.int64(86_400), out=part)
                if chunk.null_count:
                    part[~chunk.is_valid().to_numpy(zero_copy_only=False)] = NO_DAY  # NaT
            pos += m
        return seconds.view("datetime64[s]")
    raw = _column(_view(table), col)
    values, bad, _ = to_date(raw)
    out.add(table, bad, col, raw, "not a date (use YYYY-MM-DD or DD-MM-YYYY)")
    return values.to_numpy()


def _date(table: RawTable, col: str, out: _Collector) -> pd.Series:
    return pd.Series(_date_seconds(table, col, out), index=_view(table).index)


def _interval(table: RawTable, start: pd.Series, end: pd.Series, cols, out: _Collector) -> None:
    wrong = (start.notna() & end.notna() & (end < start)).to_numpy()
    out.add(table, wrong, cols[1], _column(_view(table), cols[1]), f"{cols[1]} before {cols[0]}")


def _ids(table: RawTable, col: str) -> pd.Series:
    raw = _view(table)[col]
    if isinstance(raw.dtype, pd.CategoricalDtype):
        return raw.astype(str).where(raw.notna(), "").str.strip()
    return _text(_view(table), col)


# Bytes that may begin or end a string that str.strip() would change: ASCII whitespace and
# control characters, and any non-ASCII byte (unicode spaces); a cheap look before stripping.
_MAY_STRIP = np.zeros(256, dtype=bool)
_MAY_STRIP[:33] = True
_MAY_STRIP[127:] = True


def _chunk_layout(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (of this chunk's strings) and data bytes of an Arrow string chunk."""
    offset_type = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    offsets = np.frombuffer(chunk.buffers()[1], dtype=offset_type)
    offsets = offsets[chunk.offset: chunk.offset + len(chunk) + 1]
    data = chunk.buffers()[2]
    return offsets, (np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8))


def _needs_strip(arr: pa.ChunkedArray) -> bool:
    """Whether any string may start or end with whitespace (read off the first/last bytes)."""
    for chunk in arr.chunks:
        if len(chunk) == 0:
            continue
        offsets, data = _chunk_layout(chunk)
        nonempty = offsets[1:] > offsets[:-1]
        first, last = data[offsets[:-1][nonempty]], data[offsets[1:][nonempty] - 1]
        if _MAY_STRIP[first].any() or _MAY_STRIP[last].any():
            return True
    return False


def _needs_lower(arr: pa.ChunkedArray) -> bool:
    """Whether any string has an upper-case ASCII letter or a non-ASCII byte."""
    for chunk in arr.chunks:
        if len(chunk) == 0:
            continue
        offsets, data = _chunk_layout(chunk)
        used = data[offsets[0]: offsets[-1]]
        if len(used) and (used.max() >= 128 or ((used - np.uint8(65)) < 26).any()):
            return True
    return False


def _text(frame, name: str) -> pd.Series:
    """:func:`text` of a column; Arrow strings with nothing to strip are returned as they are."""
    raw = _column(frame, name)
    arrow = _arrow_strings(raw)
    if arrow is not None and not arrow.null_count and not _needs_strip(arrow):
        return raw
    return text(raw)


def _lower(series: pd.Series) -> pd.Series:
    """Lower case; Arrow strings without upper-case letters are returned as they are."""
    arrow = _arrow_strings(series)
    if arrow is not None and not _needs_lower(arrow):
        return series
    return series.str.lower()


def _text_arrow(series: pd.Series) -> pa.ChunkedArray:
    """A text column as Arrow strings, stripped, missing as ``""`` (what :func:`text` gives)."""
    arrow = _arrow_strings(series)
    if arrow is None:
        return pa.chunked_array([pa.array(text(series).to_numpy(dtype=object), type=pa.string())])
    if arrow.null_count:
        arrow = pc.fill_null(arrow, "")
    return pc.utf8_trim_whitespace(arrow) if _needs_strip(arrow) else arrow


def _lower_arrow(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.utf8_lower(arr) if _needs_lower(arr) else arr


def _arrow_strings(series) -> pa.ChunkedArray | None:
    """The Arrow strings behind a pandas string column or index, when it has them (no copy)."""
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


def _chunk_digits_of_width(chunk: pa.Array, width: int) -> np.ndarray:
    """Per string of one Arrow chunk: exactly ``width`` bytes, all ASCII digits 0-9, not null.

    Read off the offsets and data buffers; the usual all-fit case costs a min/max over the bytes.
    """
    n = len(chunk)
    if n == 0:
        return np.zeros(0, dtype=bool)
    offset_type = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    offsets = np.frombuffer(chunk.buffers()[1], dtype=offset_type)[chunk.offset: chunk.offset + n + 1]
    fits = np.diff(offsets) == width
    if chunk.null_count:
        fits &= chunk.is_valid().to_numpy(zero_copy_only=False)
    data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8) if chunk.buffers()[2] else np.zeros(0, np.uint8)
    if fits.all():  # regular layout: the bytes are an (n, width) block
        block = data[offsets[0]: offsets[0] + n * width]
        if block.min(initial=48) >= 48 and block.max(initial=48) <= 57:
            return fits
        return ((block.reshape(n, width) - np.uint8(48)) <= 9).all(axis=1)
    rows = np.flatnonzero(fits)  # few rows in bad input: check each fitting string's bytes
    pos = offsets[rows][:, None] + np.arange(width)
    fits[rows] = ((data[pos] - np.uint8(48)) <= 9).all(axis=1)
    return fits


def digit_keys(arr: pa.ChunkedArray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Integer value of each string that is exactly ``width`` ASCII digits, and which ones are.

    Strings that are not (other length, signs, spaces, hex, null) get key -1 and ``fits`` False:
    so a match on the integer is a match on the text.
    """
    fits = np.concatenate([_chunk_digits_of_width(c, width) for c in arr.chunks]) if arr.num_chunks \
        else np.zeros(0, dtype=bool)
    source = arr if fits.all() else pc.if_else(pa.array(fits), arr, "-1")
    keys = pc.cast(source, pa.int64()).to_numpy()
    return keys, fits


# A direct lookup array (one int32 per integer in the ids' span) replaces hashing when the span
# is at most this many entries and not much larger than what is looked up with it.
MAX_LOOKUP_SPAN = 2**27
LOOKUP_SPAN_PER_KEY = 16


class IdMapper:
    """Maps organisation ids to node indices, fast at national scale.

    KvK numbers (all ids ASCII digits of one width) are mapped as integers: through a direct
    lookup array when their span is modest, else a hash index; other ids through Arrow's
    ``index_in`` or pandas' ``get_indexer``. ``org_ids`` must be unique.
    """

    def __init__(self, org_ids: pd.Index):
        self.org_ids = org_ids
        self.width = None
        self.arrow_ids = None
        self._int_index: pd.Index | None = None
        self._lookup: np.ndarray | None = None
        if not len(org_ids):
            return
        arrow = _arrow_strings(org_ids)
        if arrow is None:
            arrow = pa.chunked_array([pa.array(org_ids.astype(str).to_numpy(dtype=object), type=pa.string())])
        self.arrow_ids = arrow
        lengths = _byte_lengths(arrow)
        width = int(lengths[0])
        if 0 < width <= 18 and (lengths == width).all():
            keys, fits = digit_keys(arrow, width)
            if fits.all():
                self.width = width
                self.keys = keys
                self.low, self.high = int(keys.min()), int(keys.max())

    def _prepare(self, total: int) -> None:
        """Build the direct lookup array (or the hash index) once, for ``total`` ids to map."""
        span = self.high - self.low + 1
        if self._lookup is None and span <= MAX_LOOKUP_SPAN and span <= LOOKUP_SPAN_PER_KEY * (
                total + len(self.keys)):
            lookup = np.full(span, -1, dtype=np.int32)
            lookup[self.keys - self.low] = np.arange(len(self.keys), dtype=np.int32)
            self._lookup = lookup
        if self._lookup is None and self._int_index is None:
            self._int_index = pd.Index(self.keys)

    def _int_lookup(self, keys: np.ndarray) -> np.ndarray:
        """Node index of each integer key (-1 where unknown or ``key == -1``)."""
        if self._lookup is None:
            return self._int_index.get_indexer(keys)
        offset = keys - self.low
        inside = (offset >= 0) & (offset < len(self._lookup))
        if inside.all():
            return self._lookup[offset]
        out = np.full(len(keys), -1, dtype=np.int32)
        out[inside] = self._lookup[offset[inside]]
        return out

    def _map_digits(self, arrow: pa.ChunkedArray) -> np.ndarray:
        """Node indices of Arrow string ids, chunk by chunk into one result array.

        Working per chunk keeps every temporary small (reused by the allocator): at 10M rows
        fresh memory, not arithmetic, is what costs.
        """
        self._prepare(len(arrow))
        out = np.empty(len(arrow), dtype=np.int64)
        pos = 0
        for chunk in arrow.chunks:
            n = len(chunk)
            fits = _chunk_digits_of_width(chunk, self.width)
            source = chunk if fits.all() else pc.if_else(pa.array(fits), chunk, "-1")
            part = out[pos: pos + n]
            part[:] = self._int_lookup(pc.cast(source, pa.int64()).to_numpy())
            part[~fits] = -1
            pos += n
        return out

    def __call__(self, series: pd.Series | pa.ChunkedArray) -> np.ndarray:
        """Node index of each id in ``series`` (-1 where unknown)."""
        if isinstance(series, pa.ChunkedArray):  # Arrow strings (see _id_source)
            arrow = series
        elif isinstance(series.dtype, pd.CategoricalDtype):
            cats = series.cat.categories.astype(str).str.strip()
            lookup = self.org_ids.get_indexer(cats)
            codes = series.cat.codes.to_numpy()
            return np.where(codes >= 0, lookup[np.maximum(codes, 0)], -1).astype(np.int64)
        else:
            arrow = _arrow_strings(series)
        if arrow is None or self.arrow_ids is None:
            if isinstance(series, pa.ChunkedArray):
                series = series.to_pandas()
            return self.org_ids.get_indexer(text(series)).astype(np.int64)
        if self.width is not None:
            try:
                return self._map_digits(arrow)
            except pa.ArrowInvalid:  # not expected after the byte check; the general path is exact
                pass
        found = pc.index_in(arrow, value_set=self.arrow_ids)
        return pc.fill_null(found, -1).to_numpy().astype(np.int64)


def index_of(org_ids: pd.Index, series: pd.Series) -> np.ndarray:
    """Node index of each id in ``series`` (-1 where unknown)."""
    return IdMapper(org_ids)(series)


def _organisations(table: RawTable, rules: Rules, out: _Collector) -> pd.DataFrame:
    frame = _view(table)
    _columns_present(table, ORG_REQUIRED, out)
    org_id = _ids(table, "org_id") if "org_id" in frame.columns else pd.Series([""] * len(frame))
    out.add(table, (org_id == "").to_numpy(), "org_id", None, "org_id is empty")
    in_order, dup = _id_order(org_id)
    out.add(table, dup, "org_id", org_id, "duplicate org_id (first occurrence is kept as the one)")
    level = _lower(_text(frame, "pso_level"))
    bad_level = ~level.isin(["", *rules.all_levels]).to_numpy()
    out.add(table, bad_level, "pso_level", _column(frame, "pso_level"),
            f"pso_level must be empty or one of {', '.join(rules.all_levels)}")
    valid_from = _date(table, "pso_valid_from", out)
    valid_until = _date(table, "pso_valid_until", out)
    _interval(table, valid_from, valid_until, ("pso_valid_from", "pso_valid_until"), out)
    typed = pd.DataFrame({
        "org_id": org_id,
        "name": _text(frame, "name"),
        "employees": _number(table, "employees", out, required=True, integer=True,
                             nonnegative=True),
        "fte": _number(table, "fte", out, required=True, positive=True),
        "target_fte": _number(table, "target_fte", out, required=False, nonnegative=True),
        "revenue_eur": _number(table, "revenue_eur", out, required=False, positive=True),
        "sw": _bool(table, "sw", out, default=False),
        "pso_level": level.where(~bad_level, "") if bad_level.any() else level,
        "pso_valid_from": valid_from,
        "pso_valid_until": valid_until,
        "qualitative_ok": _bool(table, "qualitative_ok", out, default=True),
        "sbi": _text(frame, "sbi"),
        "municipality": _text(frame, "municipality"),
        "postcode": _text(frame, "postcode"),
        "applies_code": _bool(table, "applies_code", out, default=True),
        "threshold": _number(table, "threshold", out, required=False, nonnegative=True),
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
    arrow = _arrow_strings(org_id)
    if arrow is not None and n:
        lengths = _byte_lengths(arrow)
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
        return arrow
    return _view(table)[col]


def _purchases(table: RawTable, index_of: IdMapper, out: _Collector) -> pd.DataFrame:
    """Typed purchases: node indices, amounts, whole years, dates (NaT undated), file rows."""
    frame = _view(table)
    if not _columns_present(table, PURCHASE_REQUIRED, out):
        return pd.DataFrame(columns=["buyer", "supplier", "amount_eur", "year", "date", "_row"])
    buyer_raw, supplier_raw = _id_source(table, "buyer_id"), _id_source(table, "supplier_id")
    with ThreadPoolExecutor(max_workers=2) as pool:  # Arrow casts and numpy gathers free the GIL
        supplier_job = pool.submit(index_of, supplier_raw)
        buyer = index_of(buyer_raw)
        supplier = supplier_job.result()
    out.add(table, buyer < 0, "buyer_id", lambda: frame["buyer_id"],
            "unknown organisation (not in organisations)")
    out.add(table, supplier < 0, "supplier_id", lambda: frame["supplier_id"],
            "unknown organisation (not in organisations)")
    amount = _number(table, "amount_eur", out, required=True, positive=True)
    date = _date_seconds(table, "date", out)
    seconds = date.view(np.int64)
    dated = seconds != NO_DAY
    year_raw = _column(frame, "year")
    if isinstance(year_raw.dtype, np.dtype) and year_raw.dtype.kind in "iu":  # whole, never empty
        year = year_raw.to_numpy().astype(np.int64, copy=False)  # Parquet int64: no copy
        known = np.abs(year) < 10000 if len(year) and (
            year.min() <= -10000 or year.max() >= 10000) else None  # None: all known
    else:
        year_f, bad_year, missing_year = to_number(year_raw, table.decimal_comma)
        whole = year_f == np.round(year_f)
        out.add(table, bad_year | (~missing_year & ~whole), "year", year_raw, "not a whole year")
        if missing_year.any():
            year_f = year_f.copy()
            fill = missing_year & dated
            year_f[fill] = date[fill].astype("datetime64[Y]").astype(np.int64) + 1970
        out.add(table, missing_year & ~dated, "year", year_raw, "year is empty and there is no date")
        known = ~np.isnan(year_f) & whole & (np.abs(year_f) < 10000)
        year = np.nan_to_num(year_f, nan=-1).astype(np.int64)
    if known is None and len(year) and year.min() == year.max():  # one year: two numbers
        first, last = (int(b[0]) * 86_400 for b in year_bounds(year[:1]))
        outside = dated & ((seconds < first) | (seconds >= last + 86_400))
    else:
        first, last = year_bounds(year if known is None else np.where(known, year, 2000))
        in_year = (first * 86_400 <= seconds) & (seconds < (last + 1) * 86_400)
        outside = dated & ~in_year if known is None else known & dated & ~in_year
    out.add(table, outside, "date", lambda: _column(frame, "date"), "date is not in the purchase's year")
    return pd.DataFrame({
        "buyer": buyer, "supplier": supplier, "amount_eur": amount, "year": year, "date": date,
        "_row": np.arange(table.first_data_row, len(frame) + table.first_data_row, dtype=np.int64),
    }, copy=False)


def _code_weights(codes: pa.ChunkedArray, weights: dict[str, float]) -> np.ndarray:
    """The weight of each (lower-case) code; NaN where the rules file does not know it."""
    position = pc.index_in(codes, value_set=pa.array(list(weights), type=pa.string()))
    table = np.append(np.asarray(list(weights.values()), dtype=float), np.nan)
    return table[pc.fill_null(position, len(weights)).to_numpy()]


def _records(table: RawTable, index_of: IdMapper, rules: Rules, out: _Collector) -> pd.DataFrame:
    frame = _view(table)
    if not _columns_present(table, RECORD_REQUIRED, out):
        return pd.DataFrame(columns=["org", "person_id", "weighted_fte", "_row"])
    org = index_of(frame["org_id"])
    out.add(table, org < 0, "org_id", lambda: frame["org_id"], "unknown organisation (not in organisations)")
    weights, codes = {}, {}
    for col, table_weights in (("start_position", rules.start_position_weights),
                               ("contract_type", rules.contract_type_weights)):
        codes[col] = _lower_arrow(_text_arrow(frame[col]))
        w = _code_weights(codes[col], table_weights)
        out.add(table, np.isnan(w), col, lambda col=col: frame[col],
                f"unknown code (rules file knows: {', '.join(table_weights)})")
        weights[col] = w
    hours = _number(table, "hours_per_week", out, required=True, nonnegative=True)
    fulltime = _number(table, "fulltime_hours", out, required=False, positive=True,
                       default=rules.default_fulltime_hours)
    months = _number(table, "months", out, required=False, nonnegative=True,
                     default=rules.default_months)
    out.add(table, months > rules.months_per_year, "months", lambda: _column(frame, "months"),
            f"more than {rules.months_per_year:g} months in a year")
    weighted = (weights["start_position"] * weights["contract_type"] * (hours / fulltime)
                * (months / rules.months_per_year))
    return pd.DataFrame({
        "org": org, "person_id": _text_arrow(frame["person_id"]).to_pandas(),
        "start_position": codes["start_position"].to_pandas(),
        "contract_type": codes["contract_type"].to_pandas(),
        "start_position_weight": weights["start_position"],
        "contract_weight": weights["contract_type"],
        "hours_per_week": hours, "fulltime_hours": fulltime, "months": months,
        "weighted_fte": weighted,
        "_row": np.arange(len(frame), dtype=np.int64) + table.first_data_row,
    })


def _certifications(table: RawTable, index_of: IdMapper, rules: Rules, out: _Collector):
    frame = _view(table)
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
    n_raw = len(_view(org_table))

    def at_rows(mask_nodes: np.ndarray) -> np.ndarray:
        mask = np.zeros(n_raw, dtype=bool)
        mask[org_rows[mask_nodes]] = True
        return mask

    target, has_records = direct_target_fte(data)
    column = orgs["target_fte"].to_numpy(dtype=float)
    raw_target = _column(_view(org_table), "target_fte")
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
    buyer, supplier = p["buyer"].to_numpy(), p["supplier"].to_numpy()
    year = p["year"].to_numpy()
    usable = (buyer >= 0) & (supplier >= 0) & (year > 0)
    if not usable.any():
        return
    certs = certificates_of(data, rules)
    data.certificates = certs
    days = p["date"].to_numpy()  # converted to day numbers only on the rows that need them
    if usable.all():  # the usual case: no copies of 10M-row columns
        eligible = purchase_eligibility(buyer, supplier, year, days, orgs["sw"].to_numpy(), certs)
        data.eligible = eligible
        suppliers = supplier
    else:
        suppliers = supplier[usable]
        eligible = purchase_eligibility(buyer[usable], suppliers, year[usable], days[usable],
                                        orgs["sw"].to_numpy(), certs)
    revenue_missing = np.isnan(orgs["revenue_eur"].to_numpy(dtype=float))
    sellers = np.zeros(len(orgs), dtype=bool)
    sellers[suppliers] = True
    eligible_sellers = np.zeros(len(orgs), dtype=bool)
    eligible_sellers[suppliers[eligible]] = True
    raw_rev = _column(_view(org_table), "revenue_eur")
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
