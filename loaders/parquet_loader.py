"""Parquet tables, read with pyarrow; id columns dictionary-encoded for speed."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pso_chain.loaders.base import RawTable

from pso_chain.errors import Problem, PsoInputError


def read_parquet_table(path: Path, id_columns: tuple[str, ...] = ()) -> RawTable:
    """Read a Parquet file; string id columns come back as pandas categoricals."""
    try:
        schema = pq.read_schema(path)
        dictionary = [c for c in id_columns if c in schema.names and pa.types.is_string(
            schema.field(c).type) or (c in schema.names and pa.types.is_large_string(
                schema.field(c).type))]
        table = pq.read_table(path, read_dictionary=dictionary or None)
    except (pa.ArrowInvalid, OSError) as exc:
        raise PsoInputError(Problem(str(path), None, None, None, f"not readable Parquet: {exc}")) from None
    frame = table.to_pandas()
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return RawTable(name=path.stem, file=str(path), frame=frame)
