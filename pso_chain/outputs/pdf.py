"""Plain PDF documents for the file (a tender file, an audit file): a title, metadata lines and
sections of paragraphs and tables, written with fpdf2.

The font is DejaVu Sans from matplotlib's own data (a core dependency), so euro signs and
accented names print on every machine without system fonts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pso_chain.errors import Problem, PsoInputError

MAX_TABLE_ROWS = 2000


@dataclass
class Section:
    """One heading with paragraphs and optionally a table (all values shown as text)."""

    heading: str
    paragraphs: Sequence[str] = ()
    table: pd.DataFrame | None = None
    column_widths: Sequence[float] | None = field(default=None)


def _font_path(bold: bool = False) -> str:
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name)


def _cell(value) -> str:
    """A table cell as printable text (control characters dropped)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value)
    return "".join(ch for ch in text if ch >= " " or ch == "\t")


def write_pdf(path: str | Path, title: str, meta: Sequence[str], sections: Sequence[Section],
              landscape: bool = False) -> Path:
    """Write the document to ``path`` (A4); returns the path.

    Raises :class:`PsoInputError` when the file cannot be written.
    """
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="L" if landscape else "P", format="A4")
    pdf.add_font("DejaVu", "", _font_path())
    pdf.add_font("DejaVu", "B", _font_path(bold=True))
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_title(_cell(title))
    pdf.set_creator("pso-chain")
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 8, _cell(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8.5)
    for line in meta:
        pdf.multi_cell(0, 4.5, _cell(line), new_x="LMARGIN", new_y="NEXT")
    for section in sections:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 11.5)
        pdf.multi_cell(0, 6.5, _cell(section.heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9)
        for paragraph in section.paragraphs:
            pdf.multi_cell(0, 4.8, _cell(paragraph), new_x="LMARGIN", new_y="NEXT")
        if section.table is not None and len(section.table.columns):
            frame = section.table.head(MAX_TABLE_ROWS)
            pdf.set_font("DejaVu", "", 7)
            with pdf.table(col_widths=section.column_widths, text_align="LEFT", line_height=3.6,
                           headings_style=FontFace(emphasis="BOLD")) as table:
                table.row([_cell(c) for c in frame.columns])
                for values in frame.itertuples(index=False, name=None):
                    table.row([_cell(v) for v in values])
            if len(section.table) > MAX_TABLE_ROWS:
                pdf.multi_cell(0, 4.8, f"... {len(section.table) - MAX_TABLE_ROWS:,} more rows "
                                       "(see the XLSX)", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", 9)
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        pdf.output(str(path))
    except OSError as exc:
        raise PsoInputError(Problem(str(path), None, None, None,
                                    f"cannot write the PDF: {exc.strerror or exc}")) from None
    return path
