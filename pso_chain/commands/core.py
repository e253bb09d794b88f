"""Core verbs: validate, credits, explain, demo, generate (parse, one library call, render)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import pso_chain
from pso_chain.api import outputs as api_outputs
from pso_chain.commands.columns import CREDITS_KEEP, CREDITS_SHOWN
from pso_chain.commands.common import (
    DatasetArg,
    OrgOpt,
    OutOpt,
    RulesOpt,
    YearOpt,
    _check_out,
    check_file_path,
    display,
    emit,
    error,
    fails_on_bad_input,
    open_source,
    render_table,
    say,
    status,
    t,
    wrote,
)
from pso_chain.commands.render import render_explanation, render_tour
from pso_chain.errors import format_problem
from pso_chain.outputs.files import write_csv, write_json


@fails_on_bad_input
def validate_cmd(
    dataset: DatasetArg,
    rules: RulesOpt = None,
    quarantine: Annotated[Path | None, typer.Option(
        "--quarantine", metavar="FILE", show_default=False, callback=check_file_path,
        help="Write every rejected row with its reasons to this CSV")] = None,
    out: OutOpt = None,
) -> None:
    """Check a dataset: every problem with file, row, column, value and reason."""
    with status(t("busy_validate", dataset=dataset)):
        checked = pso_chain.validate_dataset(dataset, rules)
    report = checked.report
    render_table(checked.files, title=t("validate_title", dataset=dataset, rules=checked.rules_version))
    if out:
        emit(report.problems, out)
    elif len(report.problems):
        render_table(report.problems, title=t("problems"), max_rows=60,
                     keep=["file", "row", "column"])
    if quarantine:
        rejected = report.rejected_rows()
        write_csv(rejected, quarantine)  # people open it: formula-safe
        count = len(rejected)
        say(t("quarantine", n=display().fmt.integer(count), path=quarantine))
    if not report.ok:
        first = report.errors.iloc[0]
        error(t("errors_first", n=display().fmt.integer(len(report.errors)),
                first=format_problem(first.file, first.row, first.column, first.value, first.reason,
                                     display().lang)))
        raise typer.Exit(1)
    say((t("ok"), "green"), t("no_errors", n=display().fmt.integer(len(report.warnings))))


@fails_on_bad_input
def credits_cmd(dataset: DatasetArg, year: YearOpt = None, rules: RulesOpt = None,
                out: OutOpt = None,
                below_level: Annotated[bool, typer.Option(
                    "--below-level", help="Only certificate holders whose score is below their "
                    "certified level (31 December): at risk at the next audit")] = False) -> None:
    """PSO score of every organisation: direct, indirect (capped), total, norms, trede."""
    scores = pso_chain.credits(open_source(dataset, rules), year, below_level=below_level)
    if below_level:
        emit(scores, out, title=t("below_level", n=display().fmt.integer(len(scores))))
        return
    if out:
        emit(scores, out)
    else:
        shown = scores["year"].iat[0] if len(scores) else ""  # the year scored (not the option)
        table = scores[CREDITS_SHOWN].copy()
        unknown = scores["total_pct"].isna().to_numpy()  # no figures: no score (issue 19)
        if unknown.any():  # read as such on the terminal, not as "no trede"
            table["trede"] = table["trede"].astype(object)
            table.loc[unknown, "trede"] = t("figures_unknown")
        emit(table, None, keep=CREDITS_KEEP, title=t("credits_title", year=shown))


def _check_explain_out(path: Path | None) -> Path | None:
    """As every --out, and .pdf for the audit file."""
    if path is not None and path.suffix.lower() == ".pdf":
        return path
    return _check_out(path)


ExplainOutOpt = Annotated[Path | None, typer.Option(
    "--out", "-o", callback=_check_explain_out, metavar="FILE", show_default=False,
    help="Write to FILE (.csv, .parquet, .xlsx or .json; .pdf: the audit file with the rows behind "
         "every number, the rules' sources and the input files' hashes)")]


@fails_on_bad_input
def explain_cmd(dataset: DatasetArg, org: OrgOpt, year: YearOpt = None, rules: RulesOpt = None,
                out: ExplainOutOpt = None) -> None:
    """One organisation's score with every number traced to its records and purchases."""
    if out and out.suffix.lower() == ".pdf":
        wrote(t("audit_file", org=org), pso_chain.audit_file(open_source(dataset, rules), org, out, year,
                                                                  lang=display().lang))
        return
    ex = pso_chain.explain(open_source(dataset, rules), org, year)
    if out:
        if out.suffix.lower() == ".json":
            write_json(ex, out)
        else:
            emit(api_outputs.explanation_purchases(ex), out)
        wrote(t("explanation_of", org=org), out)
    else:
        render_explanation(ex)


@fails_on_bad_input
def demo_cmd(rules: RulesOpt = None) -> None:
    """The whole story on the bundled example, in seconds.

    Validate, score, the trede distribution, who is closest to the next trede, that one
    explained, what lifts it (uplift, suppliers) and how certification spreads (olievlek).
    """
    folder = pso_chain.example_path()
    network = open_source(str(folder), rules)
    with status(t("busy_demo")):
        tour = pso_chain.tour(network)
    render_tour(tour, str(folder))


@fails_on_bad_input
def generate_cmd(
    out: Annotated[Path, typer.Argument(metavar="FOLDER", show_default=False,
                                        help="Folder to write the dataset to")],
    orgs: Annotated[int, typer.Option("--orgs", min=2, help="Number of organisations")] = 1000,
    purchases: Annotated[int, typer.Option("--purchases", min=1, help="Number of purchase rows")] = 10000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same data)")] = 0,
    year: Annotated[int, typer.Option("--year", help="Reference year")] = 2025,
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
) -> None:
    """A synthetic, realistic purchase network of any size (deterministic per seed)."""
    if fmt not in ("csv", "parquet"):
        raise typer.BadParameter("use csv or parquet", param_hint="--format")
    with status(f"generating {orgs:,} organisations and {purchases:,} purchases ..."):
        paths = api_outputs.generate(out, orgs, purchases, seed=seed, year=year, fmt=fmt)
    for p in paths:
        say(t("wrote_file", path=p))


def register(app: typer.Typer) -> None:
    app.command("validate")(validate_cmd)
    app.command("credits")(credits_cmd)
    app.command("explain")(explain_cmd)
    app.command("demo")(demo_cmd)
    app.command("generate")(generate_cmd)
