"""Parquet tables, read with pyarrow."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pso_chain.loaders.base import RawTable

from pso_chain.errors import Problem, PsoInputError


def read_parquet_table(path: Path, id_columns: tuple[str, ...] = ()) -> RawTable:  # noqa: ARG001
    """Read a Parquet file as an Arrow table; pandas is made only for what validation needs.

    (Strings stay Arrow-backed under pandas 3; dates are read off Arrow as day numbers.)
    """
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise PsoInputError(Problem(str(path), None, None, None, f"not readable Parquet: {exc}")) from None
    table = table.rename_columns([str(c).strip().lower() for c in table.column_names])
    return RawTable(name=path.stem, file=str(path), arrow=table)
