"""Olievlek verbs for the fitted model and its uncertainty: ``pso-chain olievlek calibrate`` and
``pso-chain olievlek uncertainty``.

Thin wrappers: parse, call one library function, render (terminal tables, ``--out`` file).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

import pso_chain
from pso_chain.api import outputs as api_outputs
from pso_chain.commands import olievlek
from pso_chain.commands.common import (
    DatasetArg,
    OutOpt,
    RulesOpt,
    YearOpt,
    fails_on_bad_input,
    note,
    open_source,
    say,
    status,
    tr,
)
from pso_chain.outputs.files import emit, render_table

FITTED = "fitted"


class Model(StrEnum):
    threshold = "threshold"
    fee = "fee"


ModelOpt = Annotated[Model, typer.Option(
    "--model", help="threshold: fit the pressure threshold; fee: fit the fee model's at-risk share")]
FittedOpt = Annotated[bool, typer.Option(
    "--fitted", help="Use the threshold (fee model: the at-risk share) fitted by "
                     "'olievlek calibrate' to the certification history; the output says so")]
LagOpt = Annotated[int, typer.Option(
    "--lag", min=0, max=1, help="Pressure from the year's own purchases (0, as simulate) or last year's (1)")]


def _share(value: float) -> str:
    return "open" if value != value else f"{value:.4g}"  # NaN: the interval is open there


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
    with status("fitting ..."):
        fit = pso_chain.calibrate(network, model.value, first_year=first_year, last_year=last_year,
                                  lag=lag)
    say(f"{fit.name} {fit.value:.4g} (95% CI {_share(fit.ci_low)} - {_share(fit.ci_high)}); "
        f"log-likelihood {fit.log_likelihood:.2f} (constant hazard {fit.log_likelihood_null:.2f}); "
        f"Brier {fit.brier:.5f} (constant hazard {fit.brier_null:.5f})")
    for text in fit.notes:
        note(text)
    render_table(fit.parameters, title=tr("geschatte parameters", "fitted parameters"))
    render_table(fit.years, title=tr("voorspelde en waargenomen certificeringen per jaar",
                                     "predicted and observed first certifications per year"))
    render_table(fit.by_pressure, title=tr("per drukklasse", "by pressure class"))
    if out:
        emit(fit.table(), out)


@fails_on_bad_input
def uncertainty_cmd(dataset: DatasetArg, year: YearOpt = None,
                    threshold: olievlek.ThresholdOpt = None, fitted: FittedOpt = False,
                    model: olievlek.ModelOpt = olievlek.Model.threshold,
                    at_risk: olievlek.AtRiskOpt = None,
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
    chosen = FITTED if fitted else None
    with status(f"{runs:,} runs ..."):
        result = pso_chain.simulate_runs(
            network, year, threshold=chosen if model is olievlek.Model.threshold and fitted else threshold,
            model=model.value, at_risk=chosen if model is olievlek.Model.fee and fitted else at_risk,
            spread=spread, runs=runs, seed=seed, seed_orgs=seeds, rounds=rounds)
    for text in result.notes:
        note(text)
    say(f"{result.runs:,} runs, log-threshold spread {result.spread:g}, seed {result.seed}: "
        f"adopters {int(result.rounds['p5'].iat[-1]):,} - {int(result.rounds['p95'].iat[-1]):,} "
        f"(5th-95th percentile), median {result.rounds['p50'].iat[-1]:g}")
    render_table(result.rounds, title=tr("gecertificeerd na elke ronde (cumulatief)",
                                         "certified after each round (cumulative)"), max_rows=60)
    render_table(result.municipalities, title=tr("per gemeente", "per municipality"), max_rows=60)
    if result.gains is not None:
        render_table(result.gains, title=tr("winst van de zaaiorganisaties",
                                            "gain of the seed organisations"))
    if out:
        emit(result.rounds, out)


def register(app_root: typer.Typer) -> None:
    del app_root  # the commands join the olievlek group
    olievlek.app.command("calibrate")(calibrate_cmd)
    olievlek.app.command("uncertainty")(uncertainty_cmd)
