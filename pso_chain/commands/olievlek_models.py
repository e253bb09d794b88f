"""Olievlek verbs for the fitted model and its uncertainty — ``pso-chain olievlek calibrate`` and
``pso-chain olievlek uncertainty`` — and the parts of ``seeds --budget``, ``--fitted`` and
``history --baseline`` (:mod:`pso_chain.commands.olievlek` adds them to its group).

Thin wrappers: parse, call one library function, render (terminal tables, ``--out`` file).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

import pso_chain
from pso_chain.api import outputs as api_outputs
from pso_chain.commands.common import (
    DatasetArg,
    OutOpt,
    RulesOpt,
    YearOpt,
    display,
    fails_on_bad_input,
    note,
    open_source,
    say,
    status,
    t,
)
from pso_chain.outputs.files import emit, plain, render_table, terminal_console
from pso_chain.settings import defaults

DEFAULTS = defaults()
FITTED = "fitted"


class Model(StrEnum):
    threshold = "threshold"
    fee = "fee"


ModelOpt = Annotated[Model, typer.Option(
    "--model", help="threshold: fit the pressure threshold; fee: fit the fee model's at-risk share")]
RunModelOpt = Annotated[Model, typer.Option(
    "--model", help="threshold: pressure >= threshold; fee: pressure x revenue x at-risk >= fee")]
ThresholdOpt = Annotated[float | None, typer.Option(
    "--threshold", "-t", min=0.0, metavar="SHARE", show_default=False,
    help="Median share of revenue from code-applying buyers that makes an organisation certify "
         f"(default: {DEFAULTS.olievlek.threshold:g}, from olievlek.toml)")]
AtRiskOpt = Annotated[float | None, typer.Option(
    "--at-risk", "-a", min=0.0, metavar="SHARE", show_default=False,
    help="Fee model: share of sales to code-applying buyers lost without a certificate "
         f"(default: {DEFAULTS.olievlek.at_risk:g}, from olievlek.toml)")]
FittedOpt = Annotated[bool, typer.Option(
    "--fitted", help="Use the threshold (fee model: the at-risk share) fitted by "
                     "'olievlek calibrate' to the certification history; the output says so")]
LagOpt = Annotated[int, typer.Option(
    "--lag", min=0, max=1, help="Pressure from the year's own purchases (0, as simulate) or last year's (1)")]


def show(text: str) -> None:
    """A result sentence, wrapped at the terminal's width as the tables are (read at call time)."""
    terminal_console().print(plain(text), highlight=False)


def _bound(value: float) -> str:
    """An interval bound (NaN: the interval is open there)."""
    return t("interval_open") if value != value else display().fmt.number(value, 4, significant=True)


@fails_on_bad_input
def calibrate_cmd(dataset: DatasetArg, model: ModelOpt = Model.threshold,
                  first_year: Annotated[int | None, typer.Option(
                      "--first-year", help="First year whose first certifications are used")] = None,
                  last_year: Annotated[int | None, typer.Option(
                      "--last-year", help="Last year used (default: the latest purchase year)")] = None,
                  lag: LagOpt = 0, rules: RulesOpt = None, out: OutOpt = None) -> None:
    """Fit the threshold (or the fee model's at-risk share) to the certification history.

    Maximum likelihood over organisation-years: an organisation not yet certified certifies in
    a year with a probability that rises smoothly with its pressure around the threshold. Shows
    the estimate with its 95% interval, the log-likelihood and Brier score beside a
    constant-hazard model, and predicted against observed adopters per year.
    """
    network = open_source(dataset, rules)
    with status(t("busy_calibrate")):
        fit = pso_chain.calibrate(network, model.value, first_year=first_year, last_year=last_year,
                                  lag=lag)
    fmt = display().fmt
    show(t("calibrate_result", name=fit.name, value=_bound(fit.value), low=_bound(fit.ci_low),
          high=_bound(fit.ci_high), ll=fmt.number(fit.log_likelihood, 2),
          ll0=fmt.number(fit.log_likelihood_null, 2), brier=fmt.number(fit.brier, 5),
          brier0=fmt.number(fit.brier_null, 5)))
    for text in fit.notes:
        note(text)
    shown = fit.parameters.copy()
    for col in ("estimate", "ci_low", "ci_high"):
        shown[col] = [_bound(v) for v in shown[col]]
    render_table(shown, title=t("calibrate_parameters"))
    render_table(fit.years, title=t("calibrate_years"))
    render_table(fit.by_pressure, title=t("calibrate_bins"))
    if out:
        emit(fit.table(), out)


@fails_on_bad_input
def uncertainty_cmd(dataset: DatasetArg, year: YearOpt = None,
                    threshold: ThresholdOpt = None, fitted: FittedOpt = False,
                    model: RunModelOpt = Model.threshold, at_risk: AtRiskOpt = None,
                    spread: Annotated[float, typer.Option(
                        "--spread", min=0.0, help="Standard deviation of the log threshold across "
                                                  "organisations (0: every run is simulate)")] = 0.25,
                    runs: Annotated[int, typer.Option("--runs", min=1, help="Number of runs")] = 200,
                    seed: Annotated[int, typer.Option("--random-seed", min=0,
                                                      help="Seed of the random draws")] = 0,
                    seed_orgs: Annotated[Path | None, typer.Option(
                        "--seed-orgs", exists=True, dir_okay=False,
                        help="Organisations assumed certified from round 0 (table with org_id, or "
                             "one per line); their gain is banded too")] = None,
                    rounds: Annotated[int | None, typer.Option(
                        "--rounds", "-r", min=0, help="Stop after this many rounds")] = None,
                    rules: RulesOpt = None, out: OutOpt = None) -> None:
    """The cascade with uncertain thresholds: percentile bands over many runs.

    Each organisation's threshold is drawn per run from a lognormal around the given (or
    fitted) one; 5/50/95 percentiles of the adopters per round, per municipality and, with
    --seed-orgs, of the seeds' gain. --out writes the per-round band.
    """
    network = open_source(dataset, rules)
    seeds = api_outputs.read_seed_orgs(seed_orgs) if seed_orgs else None
    chosen, share = with_fitted(fitted, model.value, threshold, at_risk)
    fmt = display().fmt
    with status(t("busy_runs", runs=fmt.integer(runs))):
        result = pso_chain.simulate_runs(
            network, year, threshold=chosen, model=model.value, at_risk=share,
            spread=spread, runs=runs, seed=seed, seed_orgs=seeds, rounds=rounds)
    for text in result.notes:
        note(text)
    last = result.rounds.iloc[-1]
    show(t("uncertainty_result", runs=fmt.integer(result.runs),
          spread=fmt.number(result.spread, 3, significant=True), seed=result.seed,
          low=fmt.number(last["p5"], 1), high=fmt.number(last["p95"], 1),
          median=fmt.number(last["p50"], 1)))
    render_table(result.rounds, title=t("uncertainty_rounds"), max_rows=60)
    render_table(result.municipalities, title=t("uncertainty_municipalities"), max_rows=60)
    if result.gains is not None:
        render_table(result.gains, title=t("uncertainty_gains"))
    if out:
        emit(result.rounds, out)


def with_fitted(fitted: bool, model: str, threshold: float | None, at_risk: float | None
                ) -> tuple[float | str | None, float | str | None]:
    """``--fitted``: the model's parameter becomes ``"fitted"`` (the library fits it and says so)."""
    if not fitted:
        return threshold, at_risk
    return (threshold, FITTED) if model == "fee" else (FITTED, at_risk)


def show_budget_seeds(network, budget: float, year: int | None, municipality: str | None,
                      objective: str, costs: Path | None, threshold, model: str, at_risk,
                      out: Path | None) -> None:
    """``seeds --budget``: the picks whose costs fit the budget (CELF, cost-effective variant)."""
    with status(t("busy_seeds")):
        result = pso_chain.budget_seeds(network, budget, year, municipality=municipality,
                                        objective=objective, costs=costs, threshold=threshold,
                                        model=model, at_risk=at_risk)
    fmt = display().fmt
    variant = t("variant_gain") if result.variant == "gain" else t("variant_gain_per_euro")
    say(t("seeds_budget_work", candidates=fmt.integer(result.candidates), spent=fmt.eur(result.spent),
          budget=fmt.eur(budget), variant=variant, other=fmt.number(result.other_value, 2, significant=True),
          evaluations=fmt.integer(result.evaluations)), err=True)
    for text in result.notes:
        note(text)
    where = t("in_municipality", m=municipality) if municipality else ""
    emit(result.frame, out, title=t("seeds_budget_title", budget=fmt.eur(budget), where=where,
                                    objective=t(f"objective_{objective}")))


def show_baseline(network) -> None:
    """``history --baseline``: certification rates of organisations selling to code-applying
    buyers against the others, per size class, and that it is an association, not a cause."""
    frame = pso_chain.history_baseline(network)
    row = frame[frame["size_class"] == "all"].iloc[0]
    fmt = display().fmt

    def share(value: float) -> str:
        return "-" if value != value else fmt.share(value, 2)

    def band(value: float, low: float, high: float) -> str:
        return "-" if value != value else f"{share(value)} ({share(low)} - {share(high)})"

    def rate(prefix: str) -> list[str]:
        return [band(r, lo, hi) for r, lo, hi in
                zip(frame[f"{prefix}_rate"], frame[f"{prefix}_low"], frame[f"{prefix}_high"], strict=True)]

    shown = pd.DataFrame({
        t("col_size_class"): frame["size_class"].replace({"all": t("all_sizes")}),
        t("col_exposed"): [f"{fmt.integer(k)} / {fmt.integer(n)}" for k, n in
                           zip(frame["exposed_certified"], frame["exposed_years"], strict=True)],
        t("col_exposed_rate"): rate("exposed"),
        t("col_other"): [f"{fmt.integer(k)} / {fmt.integer(n)}" for k, n in
                         zip(frame["other_certified"], frame["other_years"], strict=True)],
        t("col_other_rate"): rate("other"),
        t("col_difference"): [band(d, lo, hi) for d, lo, hi in
                              zip(frame["difference"], frame["difference_low"], frame["difference_high"],
                                  strict=True)],
    })
    render_table(shown, title=t("history_baseline_title"), max_rows=20)
    show(t("history_baseline_text", exposed=share(row["exposed_rate"]),
          exposed_years=fmt.integer(row["exposed_years"]), exposed_low=share(row["exposed_low"]),
          exposed_high=share(row["exposed_high"]), other=share(row["other_rate"]),
          other_years=fmt.integer(row["other_years"]), other_low=share(row["other_low"]),
          other_high=share(row["other_high"]), difference=share(row["difference"]),
          difference_low=share(row["difference_low"]), difference_high=share(row["difference_high"])))


def add_commands(group: typer.Typer) -> None:
    """Join ``calibrate`` and ``uncertainty`` to the olievlek group."""
    group.command("calibrate")(calibrate_cmd)
    group.command("uncertainty")(uncertainty_cmd)
