"""Fast paths over Arrow tables: text without copies, KvK ids as integers, date32 as seconds.

At national scale (10M purchase rows) fresh memory is what costs (benchmarks/load.md), so these
helpers read Arrow buffers directly and convert only where a value could change. Each has a plain
equivalent it is tested against (tests/test_load_fast_paths.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pso_chain.loaders import RawTable
from pso_chain.parsing import NO_DAY, text


class Columns:
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


def view(table: RawTable) -> Columns:
    return Columns(table)



def column(frame, name: str, default="") -> pd.Series:
    """Column ``name`` of a frame (or :class:`Columns`), or ``default`` in every row when absent."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([default] * len(frame), index=frame.index, dtype=object)


def date32_seconds(table: RawTable, col: str) -> np.ndarray | None:
    """An Arrow ``date32`` column (Parquet) as ``datetime64[s]`` (NaT when empty); None when the
    column is not ``date32``.

    Day numbers are scaled chunk by chunk straight into the result, without pandas' datetime
    conversions or 10M-row temporaries.
    """
    n = len(table)
    arrow = table.arrow_column(col)
    if arrow is None or not pa.types.is_date32(arrow.type):
        return None
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


def text_column(frame, name: str) -> pd.Series:
    """:func:`text` of a column; Arrow strings with nothing to strip are returned as they are."""
    raw = column(frame, name)
    arrow = arrow_strings(raw)
    if arrow is not None and not arrow.null_count and not _needs_strip(arrow):
        return raw
    return text(raw)


def lower(series: pd.Series) -> pd.Series:
    """Lower case; Arrow strings without upper-case letters are returned as they are."""
    arrow = arrow_strings(series)
    if arrow is not None and not _needs_lower(arrow):
        return series
    return series.str.lower()


def text_arrow(series: pd.Series) -> pa.ChunkedArray:
    """A text column as Arrow strings, stripped, missing as ``""`` (what :func:`text` gives)."""
    arrow = arrow_strings(series)
    if arrow is None:
        return pa.chunked_array([pa.array(text(series).to_numpy(dtype=object), type=pa.string())])
    if arrow.null_count:
        arrow = pc.fill_null(arrow, "")
    return pc.utf8_trim_whitespace(arrow) if _needs_strip(arrow) else arrow


def lower_arrow(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.utf8_lower(arr) if _needs_lower(arr) else arr


def arrow_strings(series) -> pa.ChunkedArray | None:
    """The Arrow strings behind a pandas string column or index, when it has them (no copy)."""
    arr = getattr(series.array, "_pa_array", None)
    if isinstance(arr, pa.ChunkedArray) and (
        pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)
    ):
        return arr
    return None


def byte_lengths(arr: pa.ChunkedArray) -> np.ndarray:
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
    buffer: np.ndarray = np.frombuffer(chunk.buffers()[1], dtype=offset_type)
    offsets = buffer[chunk.offset: chunk.offset + n + 1]
    fits = np.asarray(np.diff(offsets) == width)
    if chunk.null_count:
        fits &= chunk.is_valid().to_numpy(zero_copy_only=False)
    data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8) if chunk.buffers()[2] else np.zeros(0, np.uint8)
    if fits.all():  # regular layout: the bytes are an (n, width) block
        block = data[offsets[0]: offsets[0] + n * width]
        if block.min(initial=48) >= 48 and block.max(initial=48) <= 57:
            return fits
        return np.asarray(((block.reshape(n, width) - np.uint8(48)) <= 9).all(axis=1))
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
        self.width: int | None = None  # the ids' byte width when all are digit strings of one width
        self.arrow_ids = None
        self._int_index: pd.Index | None = None
        self._lookup: np.ndarray | None = None
        if not len(org_ids):
            return
        arrow = arrow_strings(org_ids)
        if arrow is None:
            arrow = pa.chunked_array([pa.array(org_ids.astype(str).to_numpy(dtype=object), type=pa.string())])
        self.arrow_ids = arrow
        lengths = byte_lengths(arrow)
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
            assert self._int_index is not None  # _prepare built one of the two
            return self._int_index.get_indexer(keys)
        offset = keys - self.low
        inside = (offset >= 0) & (offset < len(self._lookup))
        if inside.all():
            return self._lookup[offset]
        out = np.full(len(keys), -1, dtype=np.int32)
        out[inside] = self._lookup[offset[inside]]
        return out

    def _map_digits(self, arrow: pa.ChunkedArray, width: int) -> np.ndarray:
        """Node indices of Arrow string ids, chunk by chunk into one result array.

        Working per chunk keeps every temporary small (reused by the allocator): at 10M rows
        fresh memory, not arithmetic, is what costs.
        """
        self._prepare(len(arrow))
        out = np.empty(len(arrow), dtype=np.int64)
        pos = 0
        for chunk in arrow.chunks:
            n = len(chunk)
            fits = _chunk_digits_of_width(chunk, width)
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
            arrow = arrow_strings(series)
        if arrow is None or self.arrow_ids is None:
            if isinstance(series, pa.ChunkedArray):
                series = series.to_pandas()
            return self.org_ids.get_indexer(text(series)).astype(np.int64)
        if self.width is not None:
            try:
                return self._map_digits(arrow, self.width)
            except pa.ArrowInvalid:  # not expected after the byte check; the general path is exact
                pass
        found = pc.index_in(arrow, value_set=self.arrow_ids)
        return pc.fill_null(found, -1).to_numpy().astype(np.int64)


def index_of(org_ids: pd.Index, series: pd.Series) -> np.ndarray:
    """Node index of each id in ``series`` (-1 where unknown)."""
    return IdMapper(org_ids)(series)

