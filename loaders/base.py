"""The shape every loader returns."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa


class RawTable:
    """A table as read from its file, before typing and checks.

    ``frame`` keeps the file's own values (strings for text formats, typed for Parquet/XLSX);
    ``decimal_comma`` says numbers may use a decimal comma (semicolon-separated CSV);
    row ``i`` of ``frame`` is row ``i + first_data_row`` as the user sees the file.

    A loader may give the Arrow table instead of a frame (Parquet): validation then reads
    columns straight from Arrow, and ``frame`` is converted only when someone asks for it
    (quarantine, bad-row reporting), so the national-scale happy path never builds it.
    """

    def __init__(self, name: str, file: str, frame: pd.DataFrame | None = None,
                 decimal_comma: bool = False, first_data_row: int = 2,
                 arrow: pa.Table | None = None):
        if frame is None and arrow is None:
            raise ValueError("a RawTable needs a frame or an Arrow table")
        self.name = name
        self.file = file
        self._frame = frame
        self.decimal_comma = decimal_comma
        self.first_data_row = first_data_row
        self.arrow = arrow if frame is None else None
        self._series: dict[str, pd.Series] = {}

    @property
    def frame(self) -> pd.DataFrame:
        """The whole table as pandas (converted from Arrow on first use)."""
        if self._frame is None:
            self._frame = self.arrow.to_pandas(date_as_object=False)  # date32 -> datetime64
            self._series.clear()
        return self._frame

    @frame.setter
    def frame(self, value: pd.DataFrame) -> None:
        self._frame = value
        self.arrow = None
        self._series.clear()

    @property
    def columns(self) -> list[str]:
        """Column names (lower case, stripped), without converting anything."""
        if self._frame is None:
            return list(self.arrow.column_names)
        return list(self._frame.columns)

    def __len__(self) -> int:
        return len(self._frame) if self._frame is not None else self.arrow.num_rows

    def column(self, name: str) -> pd.Series:
        """One column as a pandas Series (only that column converted from Arrow)."""
        if self._frame is not None:
            return self._frame[name]
        if name not in self._series:
            self._series[name] = self.arrow.column(name).to_pandas(date_as_object=False)
        return self._series[name]

    def arrow_column(self, name: str) -> pa.ChunkedArray | None:
        """The Arrow column when the table came as Arrow (None otherwise)."""
        if self._frame is None and self.arrow is not None:
            return self.arrow.column(name)
        return None

    def __repr__(self) -> str:
        return f"RawTable(name={self.name!r}, file={self.file!r}, rows={len(self)})"
