"""Parquet tables, read with pyarrow."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pso_chain.loaders.base import RawTable

from pso_chain.errors import Problem, PsoInputError


def read_parquet_table(path: Path, id_columns: tuple[str, ...] = ()) -> RawTable:  # noqa: ARG001
    """Read a Parquet file (strings stay Arrow-backed under pandas 3: cheap at 10M rows)."""
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise PsoInputError(Problem(str(path), None, None, None, f"not readable Parquet: {exc}")) from None
    frame = table.to_pandas(date_as_object=False)  # date32 -> datetime64, not Python objects
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return RawTable(name=path.stem, file=str(path), frame=frame)
