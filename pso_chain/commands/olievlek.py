"""Olievlek verbs (``pso-chain olievlek exposure|history|simulate|seeds|stats``) and ``embodied``.

Thin wrappers: parse, call one library function, render (terminal table, ``--out`` file,
``--plot`` PNG, ``--graph`` GEXF/GraphML).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.panel import Panel

import pso_chain
from pso_chain import messages
from pso_chain.api import outputs as api_outputs
from pso_chain.commands import olievlek_models as models
from pso_chain.commands.columns import EXPOSURE_SHOWN
from pso_chain.commands.common import (
    DatasetArg,
    MunicipalityOpt,
    OutOpt,
    RulesOpt,
    YearOpt,
    console,
    display,
    emit,
    fails_on_bad_input,
    note,
    open_source,
    render_table,
    say,
    status,
    t,
    write_table,
    wrote,
)
from pso_chain.outputs.files import plain
from pso_chain.outputs.report.charts import plot_exposure, plot_history, plot_simulation
from pso_chain.settings import defaults

DEFAULTS = defaults()  # the help states the packaged defaults (data/*.toml), written once there

app = typer.Typer(name="olievlek", no_args_is_help=True, add_completion=False,
                  help="How PSO certification spreads through purchasing chains (the oil slick).")


class Model(StrEnum):
    threshold = "threshold"
    fee = "fee"


class Objective(StrEnum):
    organisations = "count"  # not named `count`: that would shadow str.count
    fte = "fte"


PlotOpt = Annotated[Path | None, typer.Option("--plot", help="Also draw a picture to FILE.png",
                                              metavar="FILE", show_default=False, dir_okay=False)]
GraphOpt = Annotated[Path | None, typer.Option(
    "--graph", help="Export the propagation forest to FILE.gexf or FILE.graphml (Gephi)", dir_okay=False,
    metavar="FILE", show_default=False)]
ThresholdOpt = Annotated[float | None, typer.Option(
    "--threshold", "-t", min=0.0, metavar="SHARE", show_default=False,
    help="Share of revenue from code-applying buyers that makes an organisation certify "
         f"(default: {DEFAULTS.olievlek.threshold:g}, from olievlek.toml; an organisation's own threshold "
         "column wins)")]
ModelOpt = Annotated[Model, typer.Option(
    "--model", help="threshold: pressure >= threshold; fee: pressure x revenue x at-risk >= fee")]
AtRiskOpt = Annotated[float | None, typer.Option(
    "--at-risk", "-a", min=0.0, metavar="SHARE", show_default=False,
    help="Fee model: share of sales to code-applying buyers lost without a certificate "
         f"(default: {DEFAULTS.olievlek.at_risk:g}, from olievlek.toml)")]




@fails_on_bad_input
def exposure_cmd(dataset: DatasetArg, year: YearOpt = None, municipality: MunicipalityOpt = None,
                 threshold: ThresholdOpt = None, rules: RulesOpt = None, out: OutOpt = None,
                 plot: PlotOpt = None) -> None:
    """Prospect list: who sells to code-applying buyers, and how many tiers away.

    For every organisation without a valid certificate on 1 January: its revenue share from
    code-applying buyers and its distance in tiers (supplier hops) from the nearest one;
    nearest and most exposed first.
    """
    network = open_source(dataset, rules)
    with status(t("busy_exposure")):
        frame = pso_chain.exposure(network, year, municipality=municipality, threshold=threshold)
    where = t("in_municipality", m=municipality) if municipality else ""
    year = network.resolve_year(year)
    render_table(api_outputs.exposure_tiers(frame), title=t("exposure_title", year=year, where=where))
    if out:
        emit(frame, out)
    else:
        emit(frame[EXPOSURE_SHOWN], None, title=t("exposure_list"),
             max_rows=25, keep=["org_id", "code_share", "distance"])
    if plot:
        wrote(t("plot"), plot_exposure(frame, plot, title=t("exposure_plot", year=year, where=where)))


@fails_on_bad_input
def history_cmd(dataset: DatasetArg, year: Annotated[int | None, typer.Option(
                    "--year", "-y",
                    help="Only certifications first started up to this year (default: all)")] = None,
                top: Annotated[int, typer.Option("--top", min=1, metavar="N", help="Largest cascades to list")
                               ] = DEFAULTS.olievlek.history_top,
                rules: RulesOpt = None, out: OutOpt = None, plot: PlotOpt = None,
                graph: GraphOpt = None,
                baseline: Annotated[bool, typer.Option(
                    "--baseline", help="Also the yearly certification rate of organisations selling to "
                                       "code-applying buyers against the others of their size class "
                                       "(Wilson intervals; an association, not a cause)")] = False) -> None:
    """The propagation that happened, from the certifications table.

    Parent, generation and root of each certification, the largest cascades and the share
    of certifications that followed a certified buyer.
    """
    network = open_source(dataset, rules)
    with status(t("busy_history")):
        frame = pso_chain.history(network, year)
    if getattr(network, "certifications", False) is None:
        note(t("no_certifications"))
    fig = api_outputs.history_summary(frame)
    fmt = display().fmt
    console.print(Panel.fit(plain(t(
        "history_summary", certified=fmt.integer(fig["certified_organisations"]),
        roots=fmt.integer(fig["roots"]),
        followed=fmt.integer(fig["followed_certified_buyer"]), share=fmt.share(fig["followed_share"], 1),
        generation=fig["max_generation"], largest=fmt.integer(fig["largest_cascade"]),
        cascades=fmt.integer(fig["cascades_with_followers"]))), title=t("history_title")))
    render_table(pso_chain.cascades(network, year, top=top), title=t("history_cascades", top=top))
    if baseline:
        models.show_baseline(network)
    if out:
        emit(frame, out)
    else:
        emit(api_outputs.history_followers(frame), None, max_rows=25,
             title=t("history_followers"))
    if plot:
        wrote(t("plot"), plot_history(frame, plot))
    if graph:
        wrote(t("forest"), api_outputs.write_propagation_forest(network, frame, graph, "history"))


@fails_on_bad_input
def simulate_cmd(dataset: DatasetArg, year: YearOpt = None, threshold: ThresholdOpt = None,
                 model: ModelOpt = Model.threshold, at_risk: AtRiskOpt = None,
                 fitted: models.FittedOpt = False,
                 rounds: Annotated[int | None, typer.Option(
                     "--rounds", "-r", min=0,
                     help="Stop after this many rounds (default: at the fixed point)")] = None,
                 seed_orgs: Annotated[Path | None, typer.Option(
                     "--seed-orgs", exists=True, dir_okay=False,
                     help="Organisations assumed certified from round 0 (table with org_id, or one per line)",
                 )] = None,
                 rules: RulesOpt = None, out: OutOpt = None,
                 summary: Annotated[Path | None, typer.Option(
                     "--summary",
                     help="Write the per-round summary to FILE (.csv/.parquet/.xlsx/.json)")] = None,
                 plot: PlotOpt = None, graph: GraphOpt = None) -> None:
    """The forward threshold cascade: who certifies in which round, triggered by whom.

    Also a per-round summary: newly certified, cumulative, target-group FTE of the newly
    certified and the share of spend with counting suppliers.
    """
    network = open_source(dataset, rules)
    seeds = api_outputs.read_seed_orgs(seed_orgs) if seed_orgs else None
    shown = None if fitted else threshold
    chosen, share = models.with_fitted(fitted, model.value, threshold, at_risk)
    with status(t("busy_simulate")) as spinner:
        sim = pso_chain.simulate(network, year, threshold=chosen, model=model.value, at_risk=share,
                                 rounds=rounds, seed_orgs=seeds,
                                 progress=lambda msg: spinner.update(plain(t("busy_simulate_at", at=msg))))
        frame = sim.certified_frame()
        per_round = sim.rounds_frame()
    for text in sim.notes:
        note(text)
    fmt = display().fmt
    how = (t("model_fee", at_risk=fmt.share(sim.rule.at_risk, 0)) if model is Model.fee
           else t("model_threshold") + (f" {fmt.share(shown, 0)}" if shown is not None else ""))
    render_table(per_round, title=t("simulate_title", year=sim.year, how=how, n=fmt.integer(len(frame))),
                 max_rows=60)
    if summary:
        wrote(t("per_round"), write_table(per_round, summary))
    if out:
        emit(frame, out)
    else:
        emit(frame.sort_values(["round", "org_id"]), None,
             title=t("simulate_list"), max_rows=25)
    if plot:
        wrote(t("plot"), plot_simulation(per_round, plot, title=t("simulate_plot", year=sim.year)))
    if graph:
        wrote(t("forest"), api_outputs.write_propagation_forest(network, frame, graph, "simulation"))


@fails_on_bad_input
def seeds_cmd(dataset: DatasetArg,
              k: Annotated[int | None, typer.Option(
                  "--k", "-k", min=1, help="How many seeds to pick")] = None,
              year: YearOpt = None, municipality: MunicipalityOpt = None,
              objective: Annotated[Objective, typer.Option(
                  "--objective", help="count: organisations certified; fte: their target-group FTE")
              ] = Objective.organisations,
              threshold: ThresholdOpt = None, model: ModelOpt = Model.threshold,
              at_risk: AtRiskOpt = None, rules: RulesOpt = None, out: OutOpt = None,
              budget: Annotated[float | None, typer.Option(
                  "--budget", min=0.0, metavar="EUR", show_default=False,
                  help="Instead of --k: a subsidy budget; each pick costs its annual PSO fee "
                       "(or --costs), chosen by CELF's cost-effective variant")] = None,
              costs: Annotated[Path | None, typer.Option(
                  "--costs", exists=True, dir_okay=False,
                  help="With --budget: a table with org_id and cost_eur (default: the fee)")] = None,
              fitted: models.FittedOpt = False) -> None:
    """The K organisations (or those within --budget) whose certification makes simulate
    certify the most others.

    Greedy selection with lazy evaluation (CELF), each pick with its marginal gain;
    --municipality limits the candidates (as for a municipal stimulation subsidy).
    """
    if (k is None) == (budget is None):
        raise typer.BadParameter("give --k or --budget (one of them)", param_hint="--k / --budget")
    network = open_source(dataset, rules)
    chosen, share = models.with_fitted(fitted, model.value, threshold, at_risk)
    if budget is not None:
        models.show_budget_seeds(network, budget, year, municipality, objective.value, costs,
                                 chosen, model.value, share, out)
        return
    with status(t("busy_seeds")) as spinner:
        result = pso_chain.seeds(network, k or 0, year, municipality=municipality, objective=objective.value,
                                 threshold=chosen, model=model.value, at_risk=share,
                                 progress=lambda msg: spinner.update(plain(t("busy_seeds_at", at=msg))))
    fmt = display().fmt
    say(t("seeds_work", candidates=fmt.integer(result.candidates), live=fmt.integer(result.live_candidates),
          evaluations=fmt.integer(result.evaluations)), err=True)
    for text in result.notes:
        note(text)
    where = t("in_municipality", m=municipality) if municipality else ""
    emit(result.frame, out,
         title=t("seeds_title", k=k, where=where, objective=t(f"objective_{objective.value}")))


@fails_on_bad_input
def stats_cmd(dataset: DatasetArg, year: YearOpt = None, rules: RulesOpt = None,
              out: OutOpt = None) -> None:
    """Chain-stimulation indicators.

    Share of spend to counting suppliers for certified versus other buyers, spend-weighted
    assortativity of certification, and the figures of history.
    """
    with status(t("busy_stats")):
        found = pso_chain.stats(open_source(dataset, rules), year)
    render_table(found["spend"], title=t("stats_spend"))
    indicators = found["indicators"]
    if out is None or out.suffix.lower() == ".xlsx":  # for people: the indicators in words
        indicators = _indicators_in_words(indicators, numbers_as_text=out is None)
    emit(indicators, out, title=t("stats_title"), max_rows=60)


def _indicators_in_words(frame: pd.DataFrame, numbers_as_text: bool) -> pd.DataFrame:
    """The indicators with their label and meaning in the chosen language (the machine names and
    English meanings stay in CSV, Parquet and JSON); on the terminal each value as it is written
    (the column holds counts, shares and a year)."""
    lang = display().lang
    fmt = display().fmt
    words = frame.copy()
    if numbers_as_text:
        pairs = zip(frame["indicator"], frame["value"], strict=True)
        words["value"] = [fmt.year(v) if n == "year" else fmt.integer(v) if isinstance(v, int)
                          else fmt.number(v, 4) for n, v in pairs]
    names = frame["indicator"].astype(str)
    words["indicator"] = [messages.maybe(f"report.ind_{n}", lang, n) for n in names]
    if "meaning" in words:
        words["meaning"] = [messages.maybe(f"indicators.{n}", lang, m)
                            for n, m in zip(names, frame["meaning"], strict=True)]
    return words


@fails_on_bad_input
def embodied_cmd(dataset: DatasetArg, year: YearOpt = None, rules: RulesOpt = None,
                 out: OutOpt = None,
                 compare: Annotated[bool, typer.Option(
                     "--compare", help="Write the comparison with the PSO's one-tier indirect_fte "
                                       "instead of the contract columns")] = False,
                 drop_self: Annotated[bool, typer.Option(
                     "--drop-self", help="Leave self-purchases out of the system")] = False) -> None:
    """Target-group FTE embodied in purchases through all tiers (a Leontief system).

    Beside the PSO's one-tier indirect FTE (--compare), this shows what the official rule
    leaves out. Fails naming the organisations that buy for more than their revenue when the
    system does not converge.
    """
    with status(t("busy_embodied")):
        network = open_source(dataset, rules)
        frame = pso_chain.embodied(network, year, drop_self=drop_self)
    if out:
        emit(frame if compare else frame[["org_id", "embodied_fte", "embodied_fte_certified"]], out)
    else:
        top = frame.sort_values(["embodied_fte", "org_id"], ascending=[False, True])
        emit(top, None, title=t("embodied_title", year=network.resolve_year(year)), max_rows=25)


def register(app_root: typer.Typer) -> None:
    app.command("exposure")(exposure_cmd)
    app.command("history")(history_cmd)
    app.command("simulate")(simulate_cmd)
    app.command("seeds")(seeds_cmd)
    app.command("stats")(stats_cmd)
    models.add_commands(app)
    app_root.add_typer(app, name="olievlek")
    app_root.command("embodied")(embodied_cmd)
