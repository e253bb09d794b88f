"""Source adapters: each outside format becomes a :class:`RawTable` of the canonical layout.

A dataset is a folder holding ``organisations``, ``purchases`` and optionally
``employees_records`` and ``certifications``, each as ``.csv``, ``.parquet`` or ``.xlsx``.
Loaders only read; typing and checking happen in :mod:`pso_chain.validate`.
"""

from __future__ import annotations

from pathlib import Path

from pso_chain.loaders.base import RawTable
from pso_chain.loaders.csv_loader import read_csv_table
from pso_chain.loaders.parquet_loader import read_parquet_table
from pso_chain.loaders.xlsx_loader import read_xlsx_table

from pso_chain.errors import Problem, PsoInputError, coded

TABLES = ("organisations", "purchases", "employees_records", "certifications")
REQUIRED_TABLES = ("organisations", "purchases")
READERS = {".csv": read_csv_table, ".parquet": read_parquet_table, ".xlsx": read_xlsx_table}

__all__ = ["RawTable", "TABLES", "read_table", "find_table", "read_folder"]


def read_table(path: str | Path, id_columns: tuple[str, ...] = ()) -> RawTable:
    """Read one table file, choosing the loader by its extension."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise PsoInputError(
            Problem(str(path), None, None, None, "unsupported_table_type")
        )
    return reader(path, id_columns=id_columns)


def find_table(folder: Path, name: str) -> Path | None:
    """The file holding table ``name`` in ``folder``; an error when several formats compete."""
    found = [folder / f"{name}{ext}" for ext in READERS if (folder / f"{name}{ext}").is_file()]
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise PsoInputError(
            Problem(str(folder), None, None, None, coded("table_twice", table=name, files=names))
        )
    return found[0] if found else None


ID_COLUMNS = {
    "organisations": ("org_id",),
    "purchases": ("buyer_id", "supplier_id"),
    "employees_records": ("org_id",),
    "certifications": ("org_id",),
}


def read_folder(folder: str | Path) -> dict[str, RawTable]:
    """Read every canonical table present in a dataset folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PsoInputError(Problem(str(folder), None, None, None, "folder_not_found"))
    tables: dict[str, RawTable] = {}
    for name in TABLES:
        path = find_table(folder, name)
        if path is None:
            if name in REQUIRED_TABLES:
                raise PsoInputError(
                    Problem(str(folder / f"{name}.csv"), None, None, None,
                            coded("table_missing", table=name))
                )
            continue
        tables[name] = read_table(path, id_columns=ID_COLUMNS[name])
    return tables
