"""The validated dataset: typed canonical tables with integer node indices and the report."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pso_chain.validate.report import ValidationReport


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
