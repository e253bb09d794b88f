"""HTML building blocks of the report: escaping, Dutch/English number formats, tables, embedded
PNG figures and the page shell with inline CSS.

Everything a report needs to be viewed is inside the one document (images as ``data:`` URIs,
styles inline), so it opens offline and can be mailed or archived as a single file.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from pso_chain.outputs.display import NUMERIC_KINDS, Formatter

CSS = """
:root { --ink: #1f2933; --muted: #5f6b7a; --line: #d9dee5; --accent: #0b6e4f; --soft: #f3f6f4; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
       background: #ffffff; line-height: 1.45; font-size: 15px; }
header { background: var(--accent); color: #ffffff; padding: 28px 40px 22px; }
header h1 { margin: 0 0 6px; font-size: 28px; }
header p { margin: 2px 0; opacity: 0.92; }
nav { padding: 12px 40px; border-bottom: 1px solid var(--line); background: var(--soft); }
nav a { color: var(--accent); margin-right: 18px; text-decoration: none; font-weight: 600; }
main { padding: 8px 40px 40px; max-width: 1200px; }
section { padding: 18px 0 8px; border-bottom: 1px solid var(--line); }
h2 { color: var(--accent); font-size: 22px; margin: 10px 0 8px; }
h3 { font-size: 17px; margin: 18px 0 6px; }
p.lead { color: var(--muted); margin-top: 0; max-width: 900px; }
p.note { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 13.5px; }
caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; vertical-align: top; }
th { background: var(--soft); text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.highlight td { background: #fff4d6; font-weight: 600; }
figure { margin: 10px 0 16px; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 13px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 10px 0; }
.card { border: 1px solid var(--line); border-left: 4px solid var(--accent); padding: 10px 14px;
        min-width: 190px; background: #ffffff; }
.card .value { font-size: 22px; font-weight: 700; }
.card .label { color: var(--muted); font-size: 13px; }
dl.method dt { font-weight: 600; margin-top: 8px; }
dl.method dd { margin-left: 18px; }
footer { padding: 16px 40px 30px; color: var(--muted); font-size: 12.5px; }
@media print { nav { display: none; } section { page-break-inside: avoid; } header { background: none;
  color: var(--ink); } }
"""


def esc(value) -> str:
    """HTML-escaped text of any value."""
    return html.escape("" if value is None else str(value), quote=True)




@dataclass(frozen=True)
class Column:
    """One table column: the frame's column, its header text and how to format it."""

    name: str
    header: str
    kind: str = "text"


def table_html(frame: pd.DataFrame, columns: Sequence[Column], fmt: Formatter, caption: str | None = None,
               highlight: Sequence[bool] | None = None, empty: str = "") -> str:
    """A plain HTML table of ``frame``'s ``columns`` (numbers right-aligned); ``highlight`` marks
    rows to emphasise; ``empty`` is shown instead of a table without rows."""
    if frame.empty:
        return f'<p class="note">{esc(empty)}</p>' if empty else ""
    head = "".join(
        f'<th class="num">{esc(c.header)}</th>' if c.kind in NUMERIC_KINDS else f"<th>{esc(c.header)}</th>"
        for c in columns)
    body = []
    marks = list(highlight) if highlight is not None else [False] * len(frame)
    formatters = [fmt.by_kind(c.kind) for c in columns]
    values = [frame[c.name].tolist() for c in columns]
    for i, mark in enumerate(marks):
        cells = "".join(
            f'<td class="num">{esc(f(vals[i]))}</td>' if c.kind in NUMERIC_KINDS
            else f"<td>{esc(f(vals[i]))}</td>"
            for c, f, vals in zip(columns, formatters, values, strict=True))
        body.append(f'<tr class="highlight">{cells}</tr>' if mark else f"<tr>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def figure_png(fig, dpi: int = 100) -> bytes:
    """A matplotlib figure as PNG bytes (Agg canvas, no pyplot state; no timestamp inside)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def data_uri(png: bytes) -> str:
    """A ``data:image/png;base64,...`` URI of PNG bytes."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def figure_html(fig, alt: str, caption: str | None = None) -> str:
    """A ``<figure>`` with the figure embedded as a base64 PNG data URI."""
    uri = data_uri(figure_png(fig))
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f'<figure><img src="{uri}" alt="{esc(alt)}">{cap}</figure>'


def cards_html(items: Sequence[tuple[str, str]]) -> str:
    """Key figures as cards: (label, value) pairs."""
    cards = "".join(f'<div class="card"><div class="value">{esc(value)}</div>'
                    f'<div class="label">{esc(label)}</div></div>' for label, value in items)
    return f'<div class="cards">{cards}</div>'


def section_html(section_id: str, title: str, body: str, lead: str | None = None) -> str:
    """One ``<section id=...>`` with its heading, an optional lead paragraph and its body."""
    intro = f'<p class="lead">{esc(lead)}</p>' if lead else ""
    return f'<section id="{esc(section_id)}"><h2>{esc(title)}</h2>{intro}{body}</section>'


def page_html(lang: str, title: str, header_lines: Sequence[str], nav: Sequence[tuple[str, str]],
              sections: Sequence[str], footer: str) -> str:
    """The whole document: one file, styles inline, links only to its own sections."""
    lines = "".join(f"<p>{esc(line)}</p>" for line in header_lines)
    links = "".join(f'<a href="#{esc(anchor)}">{esc(text)}</a>' for anchor, text in nav)
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{esc(title)}</h1>{lines}</header>\n<nav>{links}</nav>\n<main>\n"
        + "\n".join(sections)
        + f"\n</main>\n<footer>{esc(footer)}</footer>\n</body>\n</html>\n"
    )
