"""The municipal report and every chart: one self-contained HTML page, and the pictures the
report, the CLI's ``--plot`` files and the notebooks share.

- :mod:`~pso_chain.outputs.report.build`: what the report holds (:func:`collect_report`) and the page
  (:func:`render_report`, :func:`build_report`);
- :mod:`~pso_chain.outputs.report.charts`: every chart, drawn on a matplotlib ``Axes``;
- :mod:`~pso_chain.outputs.report.page`: HTML pieces, number and date formats, escaping;
- :mod:`~pso_chain.outputs.report.labels`: every text, Dutch and English.
"""

from __future__ import annotations

from pso_chain.outputs.report.build import (
    SECTION_IDS,
    ReportData,
    build_report,
    collect_report,
    largest_groups,
    render_report,
)

__all__ = ["SECTION_IDS", "ReportData", "build_report", "collect_report",
           "largest_groups", "render_report"]
