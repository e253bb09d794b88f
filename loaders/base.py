"""The shape every loader returns."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass
class RawTable:
    """A table as read from its file, before typing and checks.

    ``frame`` keeps the file's own values (strings for text formats, typed for Parquet/XLSX);
    ``decimal_comma`` says numbers may use a decimal comma (semicolon-separated CSV);
    row ``i`` of ``frame`` is row ``i + first_data_row`` as the user sees the file.
    """

    name: str
    file: str
    frame: pd.DataFrame
    decimal_comma: bool = False
    first_data_row: int = 2
