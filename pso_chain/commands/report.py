"""``pso-chain report``: the municipal report as one self-contained HTML file.

Thin wrapper: parse, call :func:`pso_chain.report.build_report`, write the file.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

import pso_chain
from pso_chain.commands.common import (
    DatasetArg,
    MunicipalityOpt,
    RulesOpt,
    YearOpt,
    display,
    fails_on_bad_input,
    open_source,
    status,
    t,
    wrote,
)
from pso_chain.settings import defaults

DEFAULTS = defaults()  # the help states the packaged defaults (data/*.toml), written once there


class Lang(StrEnum):
    nl = "nl"
    en = "en"


def check_html_path(path: Path) -> Path:
    """A usage error (exit 2) before any work when --out is not an ``.html``/``.htm`` file."""
    if path.suffix.lower() not in (".html", ".htm"):
        raise typer.BadParameter(f"{path}: a report is written as .html", param_hint="--out")
    return path


ReportOutOpt = Annotated[Path, typer.Option("--out", "-o", help="Write the report to FILE.html",
                                            metavar="FILE", dir_okay=False, callback=check_html_path)]
LangOpt = Annotated[Lang | None, typer.Option(
    "--lang", show_default=False, help="Language of the report: nl or en (default: pso-chain --lang, nl)")]
TopOpt = Annotated[int, typer.Option("--top", min=1, metavar="N",
                                     help="Rows in the prospect and follower lists")]
SeedsOpt = Annotated[int, typer.Option("--seeds", "-k", min=1, metavar="K",
                                       help="How many organisations to pick for a stimulation subsidy")]
ThresholdOpt = Annotated[float | None, typer.Option(
    "--threshold", "-t", min=0.0, metavar="SHARE", show_default=False,
    help="Share of revenue from code-applying buyers that makes an organisation certify "
         f"(default: {DEFAULTS.olievlek.threshold:g}, from olievlek.toml)")]


@fails_on_bad_input
def report_cmd(dataset: DatasetArg, out: ReportOutOpt, municipality: MunicipalityOpt = None,
               year: YearOpt = None, lang: LangOpt = None, top: TopOpt = DEFAULTS.olievlek.report_top,
               seeds: SeedsOpt = DEFAULTS.olievlek.report_seeds,
               threshold: ThresholdOpt = None, rules: RulesOpt = None) -> None:
    """One self-contained HTML report for a municipality or the whole dataset.

    Trede distribution, spend with counting suppliers, chain-stimulation indicators, the
    olievlek's history and a simulation, who to approach first and which organisations to
    subsidise, and the method with its sources. Charts are embedded: the file opens offline.
    """
    network = open_source(dataset, rules)
    with status(t("busy_report")):
        page = pso_chain.report(network, year, municipality, lang.value if lang else display().lang, top=top,
                                k=seeds, threshold=threshold)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    wrote(t("report_file", size=display().fmt.integer(len(page.encode("utf-8")) / 1024)), out)


def register(app: typer.Typer) -> None:
    app.command("report")(report_cmd)
