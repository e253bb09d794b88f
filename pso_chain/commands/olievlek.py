"""Olievlek verbs (``pso-chain olievlek exposure|history|simulate|seeds|stats``) and ``embodied``.

Thin wrappers: parse, call one library function, render (terminal table, ``--out`` file,
``--plot`` PNG, ``--graph`` GEXF/GraphML).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.panel import Panel

from pso_chain.commands.common import (
    DatasetArg,
    OutOpt,
    RulesOpt,
    YearOpt,
    console,
    err_console,
    fails_on_bad_input,
    open_network,
)
from pso_chain.network import is_database_uri
from pso_chain.output import emit, render_table, write_table
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
                                              dir_okay=False)]
GraphOpt = Annotated[Path | None, typer.Option(
    "--graph", help="Export the propagation forest to FILE.gexf or FILE.graphml (Gephi)", dir_okay=False)]
MunicipalityOpt = Annotated[str | None, typer.Option("--municipality", "-m",
                                                     help="Only organisations in this municipality")]
ThresholdOpt = Annotated[float | None, typer.Option(
    "--threshold", "-t", min=0.0,
    help="Share of revenue from code-applying buyers that makes an organisation certify "
         f"(default {DEFAULTS.olievlek.threshold:g} from olievlek.toml; an organisation's own threshold "
         "column wins)")]
ModelOpt = Annotated[Model, typer.Option(
    "--model", help="threshold: pressure >= threshold; fee: pressure x revenue x at-risk >= fee")]
AtRiskOpt = Annotated[float | None, typer.Option(
    "--at-risk", "-a", min=0.0,
    help="Fee model: share of sales to code-applying buyers lost without a certificate "
         f"(default {DEFAULTS.olievlek.at_risk:g} from olievlek.toml)")]


def _status(message: str):
    return err_console.status(message, spinner="dots")


def _wrote(kind: str, path: Path) -> None:
    console.print(f"wrote {kind} to {path}", style="green")


@fails_on_bad_input
def exposure_cmd(dataset: DatasetArg, year: YearOpt = None, municipality: MunicipalityOpt = None,
                 threshold: ThresholdOpt = None, rules: RulesOpt = None, out: OutOpt = None,
                 plot: PlotOpt = None) -> None:
    """Prospect list: who sells to code-applying buyers, and how many tiers away.

    For every organisation without a valid certificate on 1 January: its revenue share from
    code-applying buyers and its distance in tiers (supplier hops) from the nearest one;
    nearest and most exposed first.
    """
    from pso_chain.olievlek.exposure import exposure, exposure_summary

    if is_database_uri(dataset):  # computed in Cypher
        from pso_chain.neo4jdb.queries import exposure_cypher, resolve_year_cypher
        from pso_chain.rules import load_rules

        year = resolve_year_cypher(dataset, year, load_rules(rules))
        with _status("computing exposure in Neo4j ..."):
            frame = exposure_cypher(dataset, year, municipality, threshold, load_rules(rules))
    else:
        network = open_network(dataset, rules)
        year = network.resolve_year(year)
        with _status("computing exposure ..."):
            frame = exposure(network, year, municipality, threshold)
    where = f" in {municipality}" if municipality else ""
    render_table(exposure_summary(frame), title=f"exposure {year}{where}: prospects per tier")
    if out:
        emit(frame, out)
    else:
        emit(frame[["org_id", "name", "municipality", "employees", "code_buyers", "code_share",
                    "distance", "meets_threshold"]], None,
             title="prospect list (--out FILE for every row and column)", max_rows=25)
    if plot:
        from pso_chain.reporting.charts import plot_exposure

        _wrote("plot", plot_exposure(frame, plot, title=f"olievlek exposure {year}{where}"))


@fails_on_bad_input
def history_cmd(dataset: DatasetArg, year: Annotated[int | None, typer.Option(
                    "--year", "-y",
                    help="Only certifications first started up to this year (default: all)")] = None,
                top: Annotated[int, typer.Option("--top", min=1, help="Largest cascades to list")
                               ] = DEFAULTS.olievlek.history_top,
                rules: RulesOpt = None, out: OutOpt = None, plot: PlotOpt = None,
                graph: GraphOpt = None) -> None:
    """The propagation that happened, from the certifications table.

    Parent, generation and root of each certification, the largest cascades and the share
    of certifications that followed a certified buyer.
    """
    from pso_chain.olievlek.history import history, history_figures, largest_cascades

    network = open_network(dataset, rules)
    with _status("tracing certifications ..."):
        frame = history(network, year)
    if network.certifications is None:
        err_console.print("[yellow]note:[/yellow] no certifications table: only the organisations' "
                          "current certificates are known", highlight=False)
    fig = history_figures(frame)
    console.print(Panel.fit(
        f"certified organisations {fig['certified_organisations']:,}; roots {fig['roots']:,}; "
        f"followed a certified buyer {fig['followed_certified_buyer']:,} "
        f"({100 * fig['followed_share']:.1f}%)\n"
        f"deepest generation {fig['max_generation']}; largest cascade {fig['largest_cascade']:,}; "
        f"cascades with followers {fig['cascades_with_followers']:,}", title="olievlek history"))
    render_table(largest_cascades(network, frame, top), title=f"the {top} largest cascades")
    if out:
        emit(frame, out)
    else:
        followed = frame[frame["parent_id"].notna()].sort_values(["generation", "certified_on", "org_id"],
                                                                 ascending=[False, True, True])
        emit(followed, None, title="certifications that followed a certified buyer "
                                   "(--out FILE for every certification)", max_rows=25)
    if plot:
        from pso_chain.reporting.charts import plot_history

        _wrote("plot", plot_history(frame, plot))
    if graph:
        from pso_chain.olievlek.export import history_forest, write_graph

        _wrote("propagation forest", write_graph(history_forest(network, frame), graph))


@fails_on_bad_input
def simulate_cmd(dataset: DatasetArg, year: YearOpt = None, threshold: ThresholdOpt = None,
                 model: ModelOpt = Model.threshold, at_risk: AtRiskOpt = None,
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
    from pso_chain.olievlek.simulate import read_seed_orgs, simulate

    network = open_network(dataset, rules)
    seeds = read_seed_orgs(seed_orgs) if seed_orgs else None
    with _status("simulating ...") as status:
        sim = simulate(network, year, threshold, model.value, at_risk, rounds, seeds,
                             progress=lambda msg: status.update(f"simulating: {msg}"))
        frame = sim.certified_frame()
        per_round = sim.rounds_frame()
    for note in sim.notes:
        err_console.print(f"[yellow]note:[/yellow] {note}", highlight=False, soft_wrap=True)
    how = (f"fee model, at risk {sim.rule.at_risk:g}" if model is Model.fee
           else "threshold model" + (f" {threshold:g}" if threshold is not None else ""))
    render_table(per_round, title=f"olievlek simulation {sim.year} ({how}, "
                                  f"{len(frame):,} organisations certified)", max_rows=60)
    if summary:
        _wrote("per-round summary", write_table(per_round, summary))
    if out:
        emit(frame, out)
    else:
        emit(frame.sort_values(["round", "org_id"]), None,
             title="certified in the run (--out FILE for all)", max_rows=25)
    if plot:
        from pso_chain.reporting.charts import plot_simulation

        _wrote("plot", plot_simulation(per_round, plot, title=f"olievlek simulation {sim.year}"))
    if graph:
        from pso_chain.olievlek.export import simulation_forest, write_graph

        _wrote("propagation forest", write_graph(simulation_forest(network, frame), graph))


@fails_on_bad_input
def seeds_cmd(dataset: DatasetArg,
              k: Annotated[int, typer.Option("--k", "-k", min=1, help="How many seeds to pick")],
              year: YearOpt = None, municipality: MunicipalityOpt = None,
              objective: Annotated[Objective, typer.Option(
                  "--objective", help="count: organisations certified; fte: their target-group FTE")
              ] = Objective.organisations,
              threshold: ThresholdOpt = None, model: ModelOpt = Model.threshold,
              at_risk: AtRiskOpt = None, rules: RulesOpt = None, out: OutOpt = None) -> None:
    """The K organisations whose certification makes simulate certify the most others.

    Greedy selection with lazy evaluation (CELF), each pick with its marginal gain;
    --municipality limits the candidates (as for a municipal stimulation subsidy).
    """
    from pso_chain.olievlek.seeds import select_seeds

    network = open_network(dataset, rules)
    with _status("choosing seeds ...") as status:
        result = select_seeds(network, k, year, municipality, objective.value, threshold,
                                    model.value, at_risk,
                                    progress=lambda msg: status.update(f"choosing seeds: {msg}"))
    err_console.print(f"{result.candidates:,} candidates, {result.live_candidates:,} of them tip a "
                      f"supplier over; {result.evaluations:,} marginal-gain evaluations", highlight=False)
    for note in result.notes:
        err_console.print(f"[yellow]note:[/yellow] {note}", highlight=False)
    where = f" in {municipality}" if municipality else ""
    emit(result.frame, out, title=f"{k} seeds{where} (objective: {objective.value})")


@fails_on_bad_input
def stats_cmd(dataset: DatasetArg, year: YearOpt = None, rules: RulesOpt = None,
              out: OutOpt = None) -> None:
    """Chain-stimulation indicators.

    Share of spend to counting suppliers for certified versus other buyers, spend-weighted
    assortativity of certification, and the figures of history.
    """
    from pso_chain.olievlek.stats import chain_stats, spend_by_buyer_group

    network = open_network(dataset, rules)
    with _status("computing indicators ..."):
        spend = spend_by_buyer_group(network, year)
        frame = chain_stats(network, year)
    render_table(spend, title="spend going to counting suppliers")
    emit(frame, out, title="olievlek indicators", max_rows=60)


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
    from pso_chain.embodied_fte import embodied_comparison

    network = open_network(dataset, rules)
    with _status("solving the embodied-employment system ..."):
        frame = embodied_comparison(network, year, drop_self)
    if out:
        emit(frame if compare else frame[["org_id", "embodied_fte", "embodied_fte_certified"]], out)
    else:
        top = frame.sort_values(["embodied_fte", "org_id"], ascending=[False, True])
        emit(top, None, title=f"embodied target-group FTE {network.resolve_year(year)} "
                              "(largest first; --out FILE for all)", max_rows=25)


def register(app_root: typer.Typer) -> None:
    app.command("exposure")(exposure_cmd)
    app.command("history")(history_cmd)
    app.command("simulate")(simulate_cmd)
    app.command("seeds")(seeds_cmd)
    app.command("stats")(stats_cmd)
    app_root.add_typer(app, name="olievlek")
    app_root.command("embodied")(embodied_cmd)
