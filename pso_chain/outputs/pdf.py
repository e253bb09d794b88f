"""PDF documents for the file (a tender file, an audit file): a title, metadata lines and
sections of paragraphs and tables, written with fpdf2 in Dutch (``lang="nl"``) or English.

Tables are real tables (fpdf2's ``pdf.table()``): column widths are set from their content so
that no heading word, date, number or id is broken (only names and reasons wrap, at spaces), the
heading row repeats on every page, and a table too wide for a portrait page gets landscape pages.
Every page says "pagina 3 van 12". Numbers, money, percentages and dates are formatted by Babel
for ``nl_NL`` or ``en_GB`` (:class:`Formats`); the texts come from the language catalogue's
``[pdf]`` section (:mod:`pso_chain.messages`).

The font is DejaVu Sans from matplotlib's own data (a core dependency), so euro signs and
accented names print on every machine without system fonts.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from pso_chain import messages

if TYPE_CHECKING:
    from fpdf import FPDF
from pso_chain.errors import Problem, PsoInputError

MAX_TABLE_ROWS = 2000


def heading(lang: str, column: str) -> str:
    """The heading of a column: the PDFs' own (``pdf.col_*``), else the one every output uses
    (``columns.*``), else the column's name."""
    for key in (f"pdf.col_{column}", f"columns.{column}"):
        if messages.has(key):
            return messages.text(key, lang)
    return column


def _missing(value: Any) -> bool:
    if value is None or value is pd.NaT or (isinstance(value, str) and not value):
        return True
    return isinstance(value, float) and math.isnan(value)


class Formats:
    """Numbers, money, percentages, dates and yes/no of one language, by the catalogue's
    formatters (:mod:`pso_chain.messages`, Babel); a missing value is an empty string."""

    def __init__(self, lang: str) -> None:
        self.lang = messages.check_language(lang)

    def num(self, value: Any, decimals: int = 4) -> str:
        return "" if _missing(value) else messages.number(value, self.lang, decimals)

    def eur(self, value: Any, decimals: int = 2) -> str:
        return "" if _missing(value) else messages.money(value, self.lang, decimals)

    def pct(self, value: Any, decimals: int = 4) -> str:
        """A value already in percent (4.38 -> ``4,38%``)."""
        return "" if _missing(value) else messages.percent(value, self.lang, decimals)

    def date(self, value: Any) -> str:
        """A date, a timestamp or an ISO date text (``31-12-2025`` in Dutch)."""
        return "" if _missing(value) else messages.date(value, self.lang)

    def yes_no(self, value: Any) -> str:
        return "" if _missing(value) else messages.boolean(value, self.lang)

    def said(self, value: Any) -> str:
        """A code of the engine (a reason, a status, a note) in words."""
        return "" if _missing(value) else str(messages.readable(str(value), self.lang))

    def cell(self, value: Any) -> str:
        """A cell whose kind is not known: booleans as yes/no, numbers as numbers."""
        if isinstance(value, bool):
            return self.yes_no(value)
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return self.num(value)
        return _clean(value)


@dataclass
class Section:
    """One heading with paragraphs and optionally a table.

    ``table`` holds the cells as text and the headings as its column names. ``right`` names the
    columns aligned right (numbers, money); ``wrap`` the columns whose text may wrap at spaces
    (names, reasons). Every other cell stays on one line, as do the words of every heading.
    """

    heading: str
    paragraphs: Sequence[str] = ()
    table: pd.DataFrame | None = None
    right: Sequence[str] = ()
    wrap: Sequence[str] = ()
    lines: Sequence[str] = field(default=())  # paragraphs after the table


def _font_path(bold: bool = False) -> str:
    import matplotlib  # its font data only; loaded when a PDF is written, not at start-up

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name)


def _clean(value: Any) -> str:
    """A value as printable text (control characters dropped)."""
    if _missing(value):
        return ""
    return "".join(ch for ch in str(value) if ch >= " " or ch == "\t")


FONT = "DejaVu"
TABLE_FONT_SIZES = (7.0, 6.5, 6.0, 5.5)
PAD_X, PAD_Y = 1.2, 0.6  # mm inside each table cell
SLACK = 0.6  # mm more than the measured text, so fpdf2 never breaks what fits
MARGIN = 12.0


@functools.cache
def _document_class() -> type:
    """fpdf2's document with the page footer (fpdf2 is imported when a PDF is written, not at
    every command's start-up)."""
    from fpdf import FPDF

    class _Document(FPDF):
        def __init__(self, lang: str, title: str) -> None:
            super().__init__(orientation="P", format="A4")
            self.speaks, self.doc_title = lang, title

        def footer(self) -> None:
            self.set_y(-10)
            self.set_font(FONT, "", 7)
            self.set_text_color(110)
            self.cell(self.epw * 0.7, 5, self.doc_title[:110], align="L")
            self.cell(0, 5, messages.text("pdf.page", self.speaks, page=self.page_no(), pages="{nb}"),
                      align="R")
            self.set_text_color(0)

    return _Document


@dataclass
class _Layout:
    widths: list[float]
    landscape: bool
    size: float


def _measure(pdf: FPDF, frame: pd.DataFrame, wrap: set[str], size: float) -> tuple[list[float], list[float]]:
    """Per column the narrowest width that breaks nothing and the width that wraps nothing."""
    least, want = [], []
    for column in frame.columns:
        pdf.set_font(FONT, "B", size)
        head_full = pdf.get_string_width(str(column))
        head_word = max((pdf.get_string_width(w) for w in str(column).split()), default=0.0)
        pdf.set_font(FONT, "", size)
        cells = {str(v) for v in frame[column]}
        full = max((pdf.get_string_width(v) for v in cells), default=0.0)
        if column in wrap:
            words = {w for v in cells for w in v.split()}
            word = max((pdf.get_string_width(w) for w in words), default=0.0)
        else:
            word = full
        extra = 2 * PAD_X + SLACK
        least.append(max(head_word, word) + extra)
        want.append(max(head_full, full) + extra)
    return least, want


def _fit(least: list[float], want: list[float], wraps: list[bool], room: float) -> list[float] | None:
    """Widths within ``room``: every column as wide as it wants when that fits; else the columns
    that do not wrap as wide as they want (their headings on one line) and the wrapping ones
    sharing the rest; else every column from its narrowest up; None when even that is too wide."""
    if sum(want) <= room:
        return want
    fixed = [lo if wrap else hi for lo, hi, wrap in zip(least, want, wraps, strict=True)]
    if sum(fixed) <= room:
        grow = sum(hi - lo for lo, hi, wrap in zip(least, want, wraps, strict=True) if wrap)
        share = (room - sum(fixed)) / grow if grow else 0.0
        return [lo + share * (hi - lo) if wrap else hi
                for lo, hi, wrap in zip(least, want, wraps, strict=True)]
    if sum(least) <= room:
        share = (room - sum(least)) / (sum(want) - sum(least))
        return [lo + share * (hi - lo) for lo, hi in zip(least, want, strict=True)]
    return None


def _layout(pdf: FPDF, frame: pd.DataFrame, wrap: set[str], landscape_page: bool = False) -> _Layout:
    """Column widths from the content, on a portrait page when the columns that do not wrap keep
    their headings on one line there, else (or when ``landscape_page``) on a landscape page; a
    smaller font as the last resort."""
    portrait, landscape = 210 - 2 * MARGIN, 297 - 2 * MARGIN
    wraps = [column in wrap for column in frame.columns]
    for size in TABLE_FONT_SIZES:
        least, want = _measure(pdf, frame, wrap, size)
        fixed = sum(lo if w else hi for lo, hi, w in zip(least, want, wraps, strict=True))
        if fixed <= portrait and not landscape_page:
            widths = _fit(least, want, wraps, portrait)
            if widths is not None:
                return _Layout(widths, False, size)
        widths = _fit(least, want, wraps, landscape)
        if widths is not None:
            return _Layout(widths, True, size)
    return _Layout([landscape * w / sum(least) for w in least], True, size)  # too wide even so: squeezed


def _paragraphs(pdf: FPDF, lines: Sequence[str]) -> None:
    pdf.set_font(FONT, "", 9)
    for paragraph in lines:
        pdf.multi_cell(0, 4.6, _clean(paragraph), new_x="LMARGIN", new_y="NEXT", align="L")


def _table(pdf: FPDF, section: Section, frame: pd.DataFrame, layout: _Layout, lang: str) -> None:
    from fpdf.fonts import FontFace

    assert section.table is not None
    right = set(section.right)
    align = tuple("RIGHT" if c in right else "LEFT" for c in frame.columns)
    pdf.set_font(FONT, "", layout.size)
    with pdf.table(col_widths=layout.widths, width=sum(layout.widths), align="LEFT", text_align=align,
                   line_height=layout.size * 0.47, padding=(PAD_Y, PAD_X), v_align="TOP",
                   headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
                   repeat_headings=1) as table:
        table.row([_clean(c) for c in frame.columns])
        for values in frame.itertuples(index=False, name=None):
            table.row(list(values))
    if len(section.table) > MAX_TABLE_ROWS:
        left = messages.number(len(section.table) - MAX_TABLE_ROWS, lang)
        _paragraphs(pdf, [messages.text("pdf.more_rows", lang, n=left)])


def write_pdf(path: str | Path, title: str, meta: Sequence[str], sections: Sequence[Section],
              lang: str = "nl") -> Path:
    """Write the document to ``path`` (A4; landscape pages for wide tables); returns the path.

    Raises :class:`PsoInputError` when the file cannot be written.
    """
    from fpdf.enums import PageOrientation

    pdf = _document_class()(messages.check_language(lang), _clean(title))
    pdf.add_font(FONT, "", _font_path())
    pdf.add_font(FONT, "B", _font_path(bold=True))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_title(_clean(title))
    pdf.set_lang("nl-NL" if lang == "nl" else "en-GB")
    pdf.set_creator("pso-chain")
    tables = [section.table.head(MAX_TABLE_ROWS).astype(str)
              if section.table is not None and len(section.table.columns) else None for section in sections]
    layouts = [None if frame is None else _layout(pdf, frame, set(section.wrap))
               for section, frame in zip(sections, tables, strict=True)]
    wide = [layout is not None and layout.landscape for layout in layouts]
    pdf.add_page(orientation="L" if wide[:1] == [True] else "P")  # a wide first table: no empty page
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(0, 8, _clean(title), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font(FONT, "", 8.5)
    for line in meta:
        pdf.multi_cell(0, 4.5, _clean(line), new_x="LMARGIN", new_y="NEXT", align="L")
    for section, frame, layout, landscape in zip(sections, tables, layouts, wide, strict=True):
        if landscape and pdf.cur_orientation is not PageOrientation.LANDSCAPE:
            pdf.add_page(orientation="L")  # a wide table on landscape pages, and what follows it
        else:
            pdf.ln(3)
            if frame is not None and not landscape and pdf.cur_orientation is PageOrientation.LANDSCAPE:
                layout = _layout(pdf, frame, set(section.wrap), landscape_page=True)
        pdf.set_font(FONT, "B", 11.5)
        pdf.multi_cell(0, 6.5, _clean(section.heading), new_x="LMARGIN", new_y="NEXT", align="L")
        _paragraphs(pdf, section.paragraphs)
        if frame is not None and layout is not None:
            pdf.ln(1.5)
            _table(pdf, section, frame, layout, lang)
        _paragraphs(pdf, section.lines)
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        pdf.output(str(path))
    except OSError as exc:
        raise PsoInputError(Problem(str(path), None, None, None,
                                    f"cannot write the PDF: {exc.strerror or exc}")) from None
    return path


def table_of(frame: pd.DataFrame, lang: str, formats: Mapping[str, Callable[[Any], str]]) -> pd.DataFrame:
    """``frame`` with each column formatted (``formats`` by column; else :meth:`Formats.cell`)
    and headed in ``lang``."""
    plain = Formats(lang)
    out = pd.DataFrame({heading(lang, column): [formats.get(column, plain.cell)(v) for v in frame[column]]
                        for column in frame.columns}, dtype=object)
    return out
