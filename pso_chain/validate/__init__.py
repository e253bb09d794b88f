"""Type the raw tables and check them: the validation report and the typed :class:`Dataset`.

- :mod:`~pso_chain.validate.report`: the report type (problems with file, row, column, reason);
- :mod:`~pso_chain.validate.dataset`: the typed tables with integer node indices;
- :mod:`~pso_chain.validate.arrow`: the fast paths over Arrow tables (national scale);
- :mod:`~pso_chain.validate.tables`: per-table typing and checks, ids resolved across tables.

Checks that need the scoring rules themselves (is a purchase eligible, does ``target_fte``
agree with the employee records) are the network's: :func:`pso_chain.core.loading.read_dataset`
runs both and is what the ``validate`` command reports.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pso_chain.errors import PsoInputError
from pso_chain.loaders import RawTable, read_folder
from pso_chain.parsing import NO_DAY
from pso_chain.rules import Rules
from pso_chain.validate.arrow import IdMapper, index_of
from pso_chain.validate.dataset import Dataset
from pso_chain.validate.report import Collector, ValidationReport
from pso_chain.validate.tables import certifications, organisations, purchases, records


def validate_tables(tables: dict[str, RawTable], rules: Rules) -> Dataset:
    """Type and check raw tables; the report lists every problem found."""
    out = Collector()
    orgs = organisations(tables["organisations"], rules, out)
    if "org_id" not in tables["organisations"].columns:  # every other table would follow from it
        raise PsoInputError(out.frame())
    mapper = IdMapper(pd.Index(orgs["org_id"]))
    bought = purchases(tables["purchases"], mapper, out)
    people = (records(tables["employees_records"], mapper, rules, out)
              if "employees_records" in tables else None)
    certs = (certifications(tables["certifications"], mapper, rules, out)
             if "certifications" in tables else None)
    report = ValidationReport(problems=out.frame(), raw=tables)
    return Dataset(orgs, bought, people, certs, report, {name: t.file for name, t in tables.items()})


def validate_folder(folder: str | Path, rules: Rules) -> Dataset:
    """Read and validate a dataset folder (no exception for bad rows: see ``report``)."""
    return validate_tables(read_folder(folder), rules)


__all__ = ["Dataset", "ValidationReport", "validate_tables", "validate_folder", "index_of", "NO_DAY"]
