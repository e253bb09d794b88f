"""The municipal report: one self-contained HTML document a municipality or buyer can open,
mail and archive.

:func:`collect_report` computes every table from a :class:`PurchaseNetwork` (scores, spend with
counting suppliers, chain-stimulation indicators, the olievlek's history, a simulation, the
prospects and the seeds a subsidy would go to); :func:`render_report` turns them into HTML with
Dutch or English labels; :func:`build_report` does both. Nothing reads the clock: the same
data, year and options give the same document byte for byte.

Every olievlek figure comes from one computation, so two sections never disagree: one baseline
simulation, one seeded simulation (the seeds certified from round 0) and one prospect list,
all with the same threshold and the same definition of who can adopt
(:func:`pso_chain.olievlek.base.can_adopt`). The seeds' total gain shown in the summary and in
the spread is the seeded run minus the baseline; the per-pick gains of the seeds table add up
to it (``tests/test_olievlek_agreement.py``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pso_chain import __version__, check
from pso_chain.core.network import PurchaseNetwork
from pso_chain.core.scoring import below_certified_level, closest_to_next_trede, credits, trede_distribution
from pso_chain.core.spend import counting_spend
from pso_chain.olievlek import (
    chain_stats,
    exposure,
    exposure_summary,
    history,
    history_figures,
    largest_cascades,
    select_seeds,
    simulate,
    spend_by_buyer_group,
)
from pso_chain.olievlek.settings import load_settings
from pso_chain.outputs.report.bands import Bands, report_bands, seed_band_html, simulation_band_html
from pso_chain.outputs.report.charts import (
    draw_buyer_groups,
    draw_cascade,
    draw_counting_share,
    draw_exposure,
    draw_history,
    draw_rounds,
    draw_seed_gains,
    draw_tredes,
    new_figure,
)
from pso_chain.outputs.report.labels import Labels
from pso_chain.outputs.report.page import (
    Column,
    cards_html,
    esc,
    figure_html,
    page_html,
    section_html,
    table_html,
)
from pso_chain.sectors import section_name

SECTION_IDS = ("summary", "tredes", "spend", "chain", "history", "simulation", "prospects", "method")
MAX_GROUPS = 20  # municipalities shown in the spend breakdown (by spend; the report's own always)
# How each chain_stats indicator is formatted (counts, "int", where not listed).
INDICATOR_KINDS = {
    "year": "year", "counting_share_certified_buyers": "share", "counting_share_other_buyers": "share",
    "counting_share_all_buyers": "share", "counting_share_ratio": "num2", "assortativity_pearson": "num3",
    "assortativity_newman": "num3", "followed_certified_buyer_share": "share",
}


@dataclass
class ReportData:
    """Every table the report shows, computed once (see :func:`collect_report`)."""

    year: int
    municipality: str | None
    network: PurchaseNetwork
    scope: np.ndarray  # organisations the report is about (the municipality, or all)
    scores: pd.DataFrame
    tredes_scope: pd.DataFrame
    tredes_all: pd.DataFrame
    closest: pd.DataFrame
    below_level: pd.DataFrame  # certificate holders whose score is below their level
    spend_scope: pd.DataFrame
    spend_all: pd.DataFrame
    spend_by_municipality: pd.DataFrame
    spend_by_sector: pd.DataFrame
    chain: pd.DataFrame
    buyer_groups: pd.DataFrame
    history: pd.DataFrame
    history_figures: dict
    cascades: pd.DataFrame
    rounds: pd.DataFrame
    simulation_notes: list[str]
    prospects: pd.DataFrame
    prospect_tiers: pd.DataFrame
    seeds: pd.DataFrame
    seeded_rounds: pd.DataFrame
    seed_gain: int  # organisations the seeded run certifies beyond the baseline run
    seed_fte: float  # the target-group FTE already employed at those organisations
    seed_notes: list[str]
    threshold: float
    top: int
    k: int
    objective: str
    dataset_files: dict[str, str] = field(default_factory=dict)
    bands: Bands | None = None  # the simulation and the seeds' gain over runs (outputs.report.bands)


def canonical_municipality(network: PurchaseNetwork, municipality: str | None) -> str | None:
    """The municipality as the data spells it (matching ignores case and spaces); bad input
    naming the known ones when there is none."""
    if municipality is None:
        return None
    mask = check.municipality_mask(network, municipality)
    names = network.organisations["municipality"].astype(str).str.strip().to_numpy()[mask]
    return str(pd.Series(names).mode().sort_values().iloc[0])


def collect_report(network: PurchaseNetwork, year: int | None = None, municipality: str | None = None,
                   *, top: int | None = None, k: int | None = None, threshold: float | None = None,
                   objective: str = "count", notes: Sequence[str] = ()) -> ReportData:
    """Compute the report's tables for ``year`` (default: the latest in purchases), about one
    municipality or the whole dataset. ``top``, ``k`` and ``threshold`` default to
    ``olievlek.toml``."""
    settings = load_settings()
    top = settings.report_top if top is None else check.positive_int(top, "top")
    k = settings.report_seeds if k is None else check.positive_int(k, "k")
    year = check.year(network, year)
    name = canonical_municipality(network, municipality)
    scope = check.municipality_mask(network, name)
    threshold = settings.threshold if threshold is None else check.threshold(threshold)

    scores = credits(network, year)
    in_scope = scores[scope].reset_index(drop=True)
    hist = history(network, year)
    simulation = simulate(network, year, threshold=threshold)
    rounds = simulation.rounds_frame()
    round_of = simulation.round_of
    rounds["in_scope"] = [int(((round_of == r) & scope).sum()) if r > 0 else 0 for r in rounds["round"]]
    selection = select_seeds(network, k, year, municipality=name, objective=objective,
                                   threshold=threshold)
    seeds = selection.frame
    seeded = simulate(network, year, threshold=threshold, seed_orgs=seeds["org_id"].tolist()) \
        if len(seeds) else simulation
    gained = (seeded.round_of >= 1) & ~(simulation.round_of >= 1)
    prospects = exposure(network, year, municipality=name, threshold=threshold)
    return ReportData(
        year=year, municipality=name, network=network, scope=scope, scores=scores,
        tredes_scope=trede_distribution(in_scope), tredes_all=trede_distribution(scores),
        closest=closest_to_next_trede(in_scope, top=settings.report_closest),
        below_level=_below_level(network, year, scores, scope),
        spend_scope=counting_spend(network, year, municipality=name),
        spend_all=counting_spend(network, year),
        spend_by_municipality=counting_spend(network, year, by="municipality"),
        spend_by_sector=counting_spend(network, year, by="sector", municipality=name),
        chain=chain_stats(network, year), buyer_groups=spend_by_buyer_group(network, year),
        history=hist, history_figures=history_figures(hist),
        cascades=largest_cascades(network, hist, top=settings.report_cascades),
        rounds=rounds, simulation_notes=[*simulation.notes, *notes],
        prospects=prospects, prospect_tiers=exposure_summary(prospects),
        seeds=seeds, seeded_rounds=seeded.rounds_frame(), seed_gain=int(gained.sum()),
        seed_fte=float(network.target_fte[gained].sum()), seed_notes=list(selection.notes),
        threshold=threshold, top=top, k=k, objective=objective,
        dataset_files={t: Path(str(f)).name for t, f in network.data.files.items()},
        bands=report_bands(network, year, threshold, seeds["org_id"].tolist()),
    )


def build_report(network: PurchaseNetwork, year: int | None = None, municipality: str | None = None,
                 lang: str = "nl", *, top: int | None = None, k: int | None = None,
                 threshold: float | None = None, notes: Sequence[str] = ()) -> str:
    """The report as one self-contained HTML document (inline CSS, PNG charts as data URIs);
    ``notes`` join the simulation's (e.g. that the threshold was fitted).

    >>> import pso_chain
    >>> page = build_report(pso_chain.load_example(), 2025, lang="en")
    >>> page.startswith("<!DOCTYPE html>"), '<section id="prospects">' in page
    (True, True)
    """
    return render_report(collect_report(network, year, municipality, top=top, k=k, threshold=threshold,
                                        notes=notes), lang)


# --- rendering ---------------------------------------------------------------------------------
def render_report(data: ReportData, lang: str = "nl") -> str:
    """The HTML document of computed report data in ``lang`` (``nl`` or ``en``)."""
    lab = Labels(lang)
    where = lab("subtitle_municipality", m=data.municipality) if data.municipality else lab("subtitle_all")
    title = f"{lab('title')} — {where} — {data.year}"
    header = [lab("header_line", year=data.year, rules=data.network.rules.version),
              lab("header_scope", n=lab.fmt.integer(int(data.scope.sum())),
                  total=lab.fmt.integer(data.network.n))]
    sections = [
        _summary(data, lab), _tredes(data, lab), _spend(data, lab), _chain(data, lab),
        _history(data, lab), _simulation(data, lab), _prospects(data, lab), _method(data, lab),
    ]
    nav = [(sid, lab(f"section_{sid}")) for sid in SECTION_IDS]
    footer = lab("footer", version=__version__, rules=data.network.rules.version, year=data.year)
    return page_html(lang, title, header, nav, sections, footer)


def _figure(draw, alt: str, caption: str | None = None, width: float = 8.0, height: float = 3.6) -> str:
    fig, ax = new_figure(width, height)
    draw(ax)
    return figure_html(fig, alt, caption)


def _summary(data: ReportData, lab: Labels) -> str:
    f = lab.fmt
    scope = data.scope
    start = data.network.certified_at_start(data.year)
    with_trede = int(data.scores["trede"][scope].notna().sum())
    spend = data.spend_scope.iloc[0]
    cards = [
        (lab("card_organisations"), f.integer(int(scope.sum()))),
        (lab("card_with_trede", year=data.year), f.integer(with_trede)),
        (lab("card_certified", year=data.year), f.integer(int((start & scope).sum()))),
        (lab("card_sw"), f.integer(int((data.network.sw & scope).sum()))),
        (lab("card_spend", year=data.year), f.eur(spend["spend_eur"])),
        (lab("card_counting_share"), f.share(spend["counting_share"])),
        (lab("card_prospects"), f.integer(int(data.prospects["meets_threshold"].sum()))),
        (lab("card_seed_gain", k=len(data.seeds)), f.integer(data.seed_gain)),
    ]
    return section_html("summary", lab("section_summary"), cards_html(cards), lab("lead_summary"))


def _tredes(data: ReportData, lab: Labels) -> str:
    scope_name = data.municipality
    cols = [Column("trede_label", lab("trede")), Column("organisations", lab("organisations"), "int"),
            Column("share_pct", lab("share_pct"), "pct1")]
    frame = data.tredes_scope.assign(trede_label=[lab.trede(t) for t in data.tredes_scope["trede"]])
    body = table_html(frame, cols, lab.fmt, caption=scope_name or lab("all_organisations"))
    if scope_name:
        overall = data.tredes_all.assign(trede_label=[lab.trede(t) for t in data.tredes_all["trede"]])
        body += table_html(overall, cols, lab.fmt, caption=lab("all_organisations"))
    body += _figure(lambda ax: draw_tredes(ax, data.tredes_scope, lab,
                                           data.tredes_all if scope_name else None, scope_name),
                    lab("chart_tredes"))
    in_scope = data.scores[data.scope]
    extra = lab("tredes_extra", pso30=lab.fmt.integer(int(in_scope["pso30plus"].sum())),
                cap=lab.fmt.integer(int(in_scope["cap_applied"].sum())))
    body += f"<p>{esc(extra)}</p>"
    body += f"<h3>{esc(lab('closest_title'))}</h3>"
    closest = data.closest.assign(trede_label=[lab.trede(t) for t in data.closest["trede"].astype("string")
                                               .fillna("none")])
    body += table_html(closest, [
        Column("org_id", "org_id"), Column("name", lab("name")), Column("employees", lab("employees"), "int"),
        Column("total_pct", lab("total_pct"), "pct2"), Column("trede_label", lab("trede")),
        Column("next_trede", lab("next_trede"), "int"), Column("gap_pct", lab("gap_pct"), "pct2"),
    ], lab.fmt, empty=lab("none_found"))
    body += f'<h3 id="below-level">{esc(lab("below_title"))}</h3>'
    below = data.below_level.assign(trede_label=[lab.trede(t) for t in data.below_level["trede"]
                                                 .astype("string").fillna("none")])
    body += table_html(below, [
        Column("org_id", "org_id"), Column("name", lab("name")),
        Column("certified_level", lab("certified_level")), Column("trede_label", lab("trede")),
        Column("total_pct", lab("total_pct"), "pct2"), Column("norm_pct", lab("norm_pct"), "pct2"),
    ], lab.fmt, empty=lab("none_found"))
    return section_html("tredes", lab("section_tredes"), body, lab("lead_tredes", year=data.year))


def _below_level(network: PurchaseNetwork, year: int, scores: pd.DataFrame, scope: np.ndarray
                 ) -> pd.DataFrame:
    """Certificate holders in scope whose score is below their certified level."""
    below = below_certified_level(network, year, scores=scores)
    return below[below["org_id"].isin(scores["org_id"][scope])].reset_index(drop=True)


def _spend_columns(lab: Labels, group_header: str) -> list[Column]:
    return [Column("group_label", group_header), Column("buyers", lab("buyers"), "int"),
            Column("spend_eur", lab("spend_eur"), "eur"),
            Column("counting_spend_eur", lab("counting_spend_eur"), "eur"),
            Column("sw_spend_eur", lab("sw_spend_eur"), "eur"),
            Column("certified_spend_eur", lab("certified_spend_eur"), "eur"),
            Column("counting_share", lab("counting_share"), "share")]


def largest_groups(frame: pd.DataFrame, n: int, keep: str | None = None) -> pd.DataFrame:
    """The ``n`` groups of a :func:`counting_spend` frame with the most spend (and ``keep``
    besides), in the frame's order."""
    if len(frame) <= n:
        return frame
    chosen = frame.sort_values(["spend_eur", "group"], ascending=[False, True]).head(n).index
    chosen = chosen.union(frame.index[frame["group"] == keep]) if keep else chosen
    return frame.loc[frame.index.isin(chosen)]


def _spend(data: ReportData, lab: Labels) -> str:
    overall = [data.spend_scope.assign(group_label=data.municipality or lab("all_organisations"))]
    if data.municipality:
        overall.append(data.spend_all.assign(group_label=lab("all_organisations")))
    body = table_html(pd.concat(overall, ignore_index=True), _spend_columns(lab, lab("buyers_in")), lab.fmt)
    by_muni = largest_groups(data.spend_by_municipality, MAX_GROUPS, keep=data.municipality)
    by_muni = by_muni.assign(group_label=[g or lab("unknown") for g in by_muni["group"]])
    marks = [bool(data.municipality) and g == data.municipality for g in by_muni["group"]]
    body += f"<h3>{esc(lab('spend_by_municipality'))}</h3>"
    if len(by_muni) < len(data.spend_by_municipality):
        shown = lab("largest_groups", n=len(by_muni), total=lab.fmt.integer(len(data.spend_by_municipality)))
        body += f'<p class="note">{esc(shown)}</p>'
    body += table_html(by_muni, _spend_columns(lab, lab("municipality")), lab.fmt, highlight=marks)
    body += _figure(lambda ax: draw_counting_share(ax, by_muni, lab, label_of=lambda g: g or lab("unknown"),
                                                   highlight=data.municipality),
                    lab("spend_by_municipality"), height=max(2.6, 0.42 * len(by_muni) + 1.2))
    by_sector = data.spend_by_sector.assign(
        group_label=[f"{g} {section_name(g, lab.lang)}" for g in data.spend_by_sector["group"]])
    body += f"<h3>{esc(lab('spend_by_sector', scope=data.municipality or lab('all_organisations')))}</h3>"
    body += table_html(by_sector, _spend_columns(lab, lab("sector")), lab.fmt, empty=lab("none_found"))
    return section_html("spend", lab("section_spend"), body, lab("lead_spend", year=data.year))


def _chain(data: ReportData, lab: Labels) -> str:
    f = lab.fmt
    rows = data.chain
    values = [f.by_kind(INDICATOR_KINDS.get(name, "int"))(v)
              for name, v in zip(rows["indicator"], rows["value"], strict=True)]
    names = [lab.indicator(n, m) for n, m in zip(rows["indicator"], rows["meaning"], strict=True)]
    frame = pd.DataFrame({"indicator": names, "value": values})
    body = table_html(frame, [Column("indicator", lab("indicator")), Column("value", lab("value"))], f)
    body += _figure(lambda ax: draw_buyer_groups(ax, data.buyer_groups, lab), lab("chart_buyer_groups"),
                    width=7.0, height=3.4)
    return section_html("chain", lab("section_chain"), body, lab("lead_chain", year=data.year))


def _history(data: ReportData, lab: Labels) -> str:
    f = lab.fmt
    fig = data.history_figures
    cards = cards_html([
        (lab("card_ever_certified", year=data.year), f.integer(fig["certified_organisations"])),
        (lab("card_roots"), f.integer(fig["roots"])),
        (lab("card_followed"), f.share(fig["followed_share"])),
        (lab("card_max_generation"), f.integer(fig["max_generation"])),
        (lab("card_largest_cascade"), f.integer(fig["largest_cascade"])),
    ])
    body = cards + _figure(lambda ax: draw_history(ax, data.history, lab), lab("chart_history"))
    names = data.network.organisations.set_index("org_id")["name"]
    biggest = data.cascades[data.cascades["size"] > 1]
    if len(biggest):
        root = biggest["root_id"].iloc[0]
        depth = int(data.history.loc[data.history["root_id"] == root, "generation"].max())
        body += _figure(lambda ax: draw_cascade(ax, data.history, root, lab, names),
                        lab("chart_cascade", name=names.get(root, root)), height=1.2 + 1.1 * (depth + 1))
    body += f"<h3>{esc(lab('largest_cascades'))}</h3>"
    body += table_html(data.cascades, [
        Column("root_id", lab("root_id")), Column("name", lab("name")),
        Column("size", lab("cascade_size"), "int"),
        Column("generations", lab("generations"), "int"),
        Column("first_certified", lab("first_certified"), "date"),
        Column("last_certified", lab("last_certified"), "date"),
    ], f, empty=lab("none_found"))
    followers = data.history[data.history["generation"] > 0].sort_values(["generation", "org_id"])
    followers = followers.assign(name=names.reindex(followers["org_id"]).to_numpy(),
                                 parent_name=names.reindex(followers["parent_id"]).to_numpy())
    body += f"<h3>{esc(lab('followers_title'))}</h3>"
    body += table_html(followers.head(data.top), [
        Column("org_id", "org_id"), Column("name", lab("name")),
        Column("certified_on", lab("certified_on"), "date"),
        Column("generation", lab("generation"), "int"), Column("parent_id", lab("parent_id")),
        Column("parent_name", lab("parent_name")), Column("root_id", lab("root_id")),
    ], f, empty=lab("none_found"))
    return section_html("history", lab("section_history"), body, lab("lead_history"))


def _simulation(data: ReportData, lab: Labels) -> str:
    f = lab.fmt
    cols = [Column("round", lab("round"), "int"), Column("newly_certified", lab("newly_certified"), "int"),
            Column("cumulative_certified", lab("cumulative_certified"), "int"),
            Column("code_applying", lab("code_applying"), "int"),
            Column("target_fte_at_new_certified", lab("target_fte_at_new_certified"), "num1"),
            Column("counting_spend_share", lab("counting_spend_share"), "share")]
    if data.municipality:
        cols.insert(2, Column("in_scope", lab("in_municipality", m=data.municipality), "int"))
    body = table_html(data.rounds, cols, f)
    body += _figure(lambda ax: draw_rounds(ax, data.rounds, lab), lab("chart_rounds"))
    body += "".join(f'<p class="note">{esc(note)}</p>' for note in data.simulation_notes)
    final = int(data.rounds["cumulative_certified"].iloc[-1])
    result = lab("simulation_result", n=f.integer(final), rounds=f.integer(len(data.rounds) - 1))
    body += f"<p>{esc(result)}</p>"
    body += simulation_band_html(data.bands, data.municipality, lab) if data.bands else ""
    return section_html("simulation", lab("section_simulation"),
                        body, lab("lead_simulation", threshold=f.share(data.threshold, 0), year=data.year))


def _prospects(data: ReportData, lab: Labels) -> str:
    f = lab.fmt
    top = data.prospects.head(data.top)
    top = top.assign(sector=[f"{s}" for s in top["sbi"]])
    body = table_html(top, [
        Column("org_id", "org_id"), Column("name", lab("name")), Column("municipality", lab("municipality")),
        Column("sector", "SBI"), Column("employees", lab("employees"), "int"),
        Column("code_buyers", lab("code_buyers"), "int"), Column("code_share", lab("code_share"), "share"),
        Column("distance", lab("distance"), "int"),
        Column("meets_threshold", lab("meets_threshold_short"), "bool"),
    ], f, empty=lab("none_found"))
    tiers = data.prospect_tiers.assign(tier_label=[lab("unreachable") if t == "unreachable" else t
                                                   for t in data.prospect_tiers["tier"]])
    body += f"<h3>{esc(lab('prospects_by_tier'))}</h3>"
    body += table_html(tiers, [
        Column("tier_label", lab("distance")), Column("organisations", lab("organisations"), "int"),
        Column("median_code_share", lab("median_code_share"), "share"),
        Column("meets_threshold", lab("meets_threshold"), "int"),
    ], f, empty=lab("none_found"))
    body += _figure(lambda ax: draw_exposure(ax, data.prospects, lab), lab("chart_exposure"), width=7.0)
    body += f"<h3>{esc(lab('seeds_title', k=data.k))}</h3>"
    body += f'<p>{esc(lab("seeds_lead", k=data.k, scope=data.municipality or lab("all_organisations")))}</p>'
    body += table_html(data.seeds, [
        Column("rank", "#", "int"), Column("org_id", "org_id"), Column("name", lab("name")),
        Column("municipality", lab("municipality")), Column("employees", lab("employees"), "int"),
        Column("fee_eur", lab("fee_eur"), "eur"), Column("certified_gain", lab("marginal_gain"), "int"),
        Column("target_fte_at_certified_gain", lab("target_fte_at_certified_gain"), "num1"),
    ], f, empty=lab("no_seeds"))
    body += "".join(f'<p class="note">{esc(note)}</p>' for note in data.seed_notes)
    if len(data.seeds):
        body += _figure(lambda ax: draw_seed_gains(ax, data.seeds, lab), lab("chart_seeds"), width=7.0)
        base = int(data.rounds["cumulative_certified"].iloc[-1])
        seeded = int(data.seeded_rounds["cumulative_certified"].iloc[-1])
        body += _figure(lambda ax: draw_rounds(ax, data.rounds, lab, compare=data.seeded_rounds,
                                               compare_label=lab("with_seeds", k=len(data.seeds))),
                        lab("chart_rounds"), lab("spread_caption", k=len(data.seeds)))
        spread = lab("spread", k=len(data.seeds), base=f.integer(base), seeded=f.integer(seeded),
                     extra=f.integer(data.seed_gain), fee=f.eur(data.seeds["fee_eur"].sum()),
                     fte=f.number(data.seed_fte, 1))
        body += f"<p>{esc(spread)}</p>" + (seed_band_html(data.bands, lab) if data.bands else "")
    return section_html("prospects", lab("section_prospects"), body,
                        lab("lead_prospects", threshold=f.share(data.threshold, 0)))


def rules_sources(path: str) -> list[tuple[str, str]]:
    """The ``source`` of every table of a rules file (``[(table, source)]``), read from the file
    itself so the report cites what the scores were computed with."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return []
    out = []
    for table, content in raw.items():
        if isinstance(content, dict) and isinstance(content.get("source"), str):
            out.append((table, " ".join(content["source"].split())))
    return out


def _method(data: ReportData, lab: Labels) -> str:
    f = lab.fmt
    rules = data.network.rules
    s = rules.max_indirect_share
    last = len(rules.norm_sizes) - 1
    sizes = [f.integer(v) + ("+" if i == last else "") for i, v in enumerate(rules.norm_sizes)]
    norms = pd.DataFrame([[lab.trede(str(t + 1)), *rules.norm_trede[t]] for t in range(3)],
                         columns=["trede", *[f"s{i}" for i in range(len(sizes))]])
    fees = pd.DataFrame({"low": rules.fee_lower_bounds, "fee": rules.fee_eur})
    fees["band"] = [rules.fee_band(int(low)) for low in fees["low"]]
    items = [
        (lab("m_rules"), lab("m_rules_text", name=Path(rules.source_file).name, version=rules.version)),
        (lab("m_scores"), lab("m_scores_text")),
        (lab("m_eligible"), lab("m_eligible_text", levels=", ".join(rules.eligible_levels))),
        (lab("m_cap"), lab("m_cap_text", share=f.share(s, 0), direct=f.share(1 - s, 0),
                                      ratio=f.number(rules.max_indirect_ratio, 1))),
        (lab("m_pso30"), lab("m_pso30_text", pct=f.pct(rules.pso30plus_direct_pct, 0))),
        (lab("m_spend"), lab("m_spend_text")),
        (lab("m_code_applying"), lab("m_code_applying_text", year=data.year)),
        (lab("m_history"), lab("m_history_text")),
        (lab("m_simulation"), lab("m_simulation_text", threshold=f.share(data.threshold, 0))),
        (lab("m_exposure"), lab("m_exposure_text")),
        (lab("m_seeds"), lab("m_seeds_text", k=data.k, objective=lab(f"objective_{data.objective}"))),
        (lab("m_data"), lab("m_data_text", files=", ".join(data.dataset_files.values()),
                            orgs=f.integer(data.network.n), rows=f.integer(len(data.network.purchases)),
                            years=", ".join(str(int(y)) for y in data.network.years))),
    ]
    body = '<dl class="method">' + "".join(f"<dt>{esc(t)}</dt><dd>{esc(d)}</dd>" for t, d in items) + "</dl>"
    body += table_html(norms, [Column("trede", lab("employees")),
                               *[Column(f"s{i}", size, "pct1") for i, size in enumerate(sizes)]],
                       f, caption=lab("norm_table"))
    body += table_html(fees, [Column("band", lab("employees")), Column("fee", lab("fee_eur"), "eur")], f,
                       caption=lab("fee_table"))
    sources = [lab("source_pso_pages"), lab("source_brochure"), lab("source_code"), lab("source_design")]
    sources += [f"{lab('rules_file_source', table=table)}: {text}"
                for table, text in rules_sources(rules.source_file)]
    body += f"<h3>{esc(lab('sources'))}</h3><ul>" + "".join(f"<li>{esc(s)}</li>" for s in sources) + "</ul>"
    return section_html("method", lab("section_method"), body, lab("lead_method"))
