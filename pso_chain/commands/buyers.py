"""Buyer verbs: uplift, suppliers, substitutes, compliance, tender (thin wrappers over
:mod:`pso_chain.buyers`).

Dates: ``--on`` of ``suppliers`` and ``compliance`` defaults to today, the day a purchasing
officer asks "who counts now?"; the library always receives the date explicitly.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.markup import escape

import pso_chain
from pso_chain.buyers import (
    compliance_report,
    eligible_suppliers,
    load_buyer_defaults,
    substitutes,
)
from pso_chain.buyers.common import default_purchase_date
from pso_chain.buyers.defaults import SW_KEY
from pso_chain.commands.common import (
    DatasetArg,
    OrgOpt,
    OutOpt,
    RulesOpt,
    YearOpt,
    console,
    fails_on_bad_input,
    open_network,
)
from pso_chain.network import is_database_uri
from pso_chain.output import render_table, write_table, write_xlsx
from pso_chain.rules import load_rules
from pso_chain.settings import defaults

DEFAULTS = defaults()  # the help states the packaged defaults (data/*.toml), written once there
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]
OnOpt = Annotated[dt.datetime | None, typer.Option(
    "--on", formats=DATE_FORMATS, help="Date (YYYY-MM-DD or DD-MM-YYYY; default: today)")]
DefaultsOpt = Annotated[Path | None, typer.Option(
    "--defaults", exists=True, dir_okay=False,
    help="Buyer defaults TOML (default: the packaged buyers-defaults.toml)")]


def _day(on: dt.datetime | None) -> dt.date:
    return on.date() if on is not None else dt.date.today()


def _terminal(frame: pd.DataFrame, cents: tuple[str, ...] = ()) -> pd.DataFrame:
    """A copy readable on a terminal: dates as YYYY-MM-DD ('' when empty), euros in cents
    where exactness matters."""
    view = frame.copy()
    for col in view.columns:
        if pd.api.types.is_datetime64_any_dtype(view[col].dtype):
            view[col] = view[col].dt.strftime("%Y-%m-%d").fillna("")
    for col in cents:
        if col in view.columns:
            view[col] = [f"{v:,.2f}" if pd.notna(v) else "" for v in view[col]]
    return view


def _write(frames: dict[str, pd.DataFrame], out: Path) -> None:
    """All frames to one workbook (one sheet each) for .xlsx; otherwise the first to ``out``
    and each further one beside it as ``<stem>-<name><suffix>``."""
    if out.suffix.lower() == ".xlsx":
        out.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(frames, out)
        sheets = ", ".join(f"{name} ({len(f):,} rows)" for name, f in frames.items())
        console.print(f"wrote {out}: {sheets}", style="green")
        return
    for i, (name, frame) in enumerate(frames.items()):
        path = out if i == 0 else out.with_name(f"{out.stem}-{name}{out.suffix}")
        write_table(frame, path)
        console.print(f"wrote {len(frame):,} rows to {path}", style="green")


TARGETS_SHOWN = ["target_trede", "norm_pct", "reachable", "needed_indirect_fte", "extra_indirect_fte",
                 "reason"]
UPLIFT_SHOWN = ["target_trede", "supplier_id", "supplier_name", "yield_fte_per_meur", "extra_eur",
                "share_of_revenue_pct", "large_share", "reason"]
MIX_SHOWN = ["target_trede", "reachable", "supplier_id", "supplier_name", "yield_fte_per_meur",
             "room_eur", "extra_eur", "total_pct_after", "reason"]
SHIFT_SHOWN = ["scenario", "moved_eur", "spend_at_from_eur", "spend_at_to_eur", "indirect_fte",
               "indirect_counted_pct", "total_pct", "trede", "cap_applied"]


def _trede_text(value) -> str:
    return "none" if pd.isna(value) else str(int(value))


@fails_on_bad_input
def uplift_cmd(
    dataset: DatasetArg, org: OrgOpt, year: YearOpt = None,
    top: Annotated[int | None, typer.Option("--top", min=1, help=(
        "Price each trede at the N eligible suppliers with the highest yield "
        f"(default {DEFAULTS.buyers.uplift_top})"))] = None,
    supplier: Annotated[list[str] | None, typer.Option("--supplier", help=(
        "Price these suppliers instead (repeat the option)"))] = None,
    max_share: Annotated[float | None, typer.Option("--max-share", min=0.0, max=1.0, help=(
        "Also the cheapest mix when one buyer may take at most this share of a supplier's "
        "revenue (its spend there this year included)"))] = None,
    shift: Annotated[str | None, typer.Option("--shift", metavar="FROM:TO[:EUR]", help=(
        "What-if: move EUR (default: all of the year's spend at FROM) to TO; score before "
        "and after"))] = None,
    on: Annotated[dt.datetime | None, typer.Option("--on", formats=DATE_FORMATS, help=(
        "Date the new purchases on this day (in the year); only suppliers where a purchase on "
        "it counts are proposed. Default: today, within the year (31 December for a past year)"))
    ] = None,
    plan_year: Annotated[int | None, typer.Option("--plan-year", help=(
        "Plan a coming year: this year's purchases as the baseline, certificates counted only "
        "up to their end; what to buy to keep or reach a trede"))] = None,
    rules: RulesOpt = None, defaults: DefaultsOpt = None, out: OutOpt = None,
) -> None:
    """What purchasing lifts an organisation to each higher trede, in euros per supplier.

    Exact and cap-aware, with the reason where purchasing cannot reach a trede.
    """
    network = pso_chain.open(dataset, rules) if is_database_uri(dataset) else open_network(dataset, rules)
    plan = pso_chain.uplift(network, org, year, top=top, suppliers=supplier, max_share=max_share,
                            shift=shift, on=on.date() if on else None, defaults=defaults,
                            plan_year=plan_year)
    year = plan_year if plan_year is not None else network.resolve_year(year)
    day = on.date() if on else default_purchase_date(year, dt.date.today())
    if out:
        _write(plan, out)
        return
    if "baseline" in plan:
        base = plan["baseline"].iloc[0]
        console.print(f"{escape(org)}: {base['base_year']} total {base['base_total_pct']:.2f}% (trede "
                      f"{_trede_text(base['base_trede'])}); the same purchases in {base['plan_year']}: "
                      f"{base['plan_total_pct']:.2f}% (trede {_trede_text(base['plan_trede'])})",
                      highlight=False)
        if len(plan["expiring"]):
            euros = ("baseline_eur", "counting_eur", "not_counting_eur")
            render_table(_terminal(plan["expiring"], cents=euros),
                         title=f"suppliers whose certificate ends in {base['plan_year']}: spend after the "
                               "end does not count")
    targets, main = plan["targets"], plan["uplift"]
    if targets.empty:
        console.print(f"{org} is already at the highest trede in {year}: nothing to lift.")
    else:
        head = targets.iloc[0]
        trede = "none" if pd.isna(head["current_trede"]) else int(head["current_trede"])
        console.print(f"{org} in {year}: direct {head['direct_pct']:.2f}%, total "
                      f"{head['total_pct_now']:.2f}%, trede {trede}, indirect FTE "
                      f"{head['indirect_fte_now']:.4f}, cap {head['cap_pct']:.2f}%", highlight=False)
        render_table(targets[TARGETS_SHOWN], title="what each higher trede needs")
        priced = main[main["reachable"] & main["supplier_id"].notna()]
        if len(priced):
            render_table(_terminal(priced[UPLIFT_SHOWN], cents=("extra_eur",)),
                         title=f"extra spend at one supplier alone that reaches the trede, "
                               f"purchase dated {day}")
    if "mix" in plan and max_share is not None:
        mix = plan["mix"]
        render_table(_terminal(mix[mix["supplier_id"].notna() | ~mix["reachable"]][MIX_SHOWN],
                               cents=("extra_eur", "room_eur")),
                     title=f"cheapest mix with at most {100 * max_share:g}% of each supplier's revenue")
    if "shift" in plan:
        render_table(_terminal(plan["shift"][SHIFT_SHOWN]), title=f"what-if: shift {shift}")


SUPPLIERS_SHOWN = ["org_id", "name", "level", "sw", "valid_until", "sbi", "municipality",
                   "yield_fte_per_meur"]


@fails_on_bad_input
def suppliers_cmd(
    dataset: DatasetArg, on: OnOpt = None,
    year: Annotated[int | None, typer.Option("--year", "-y", help=(
        "Reference year of the --for buyer's score (default: latest in purchases)"))] = None,
    sbi: Annotated[str | None, typer.Option("--sbi", help="SBI code prefix, e.g. 81")] = None,
    municipality: Annotated[list[str] | None, typer.Option("--municipality", help=(
        "Municipality (repeat the option for several: any of them)"))] = None,
    min_level: Annotated[str | None, typer.Option("--min-level", help=(
        "Lowest certificate level valid on the date (aspirant, 1, 2, 3); drops SW-bedrijven "
        "without such a certificate"))] = None,
    for_org: Annotated[str | None, typer.Option("--for", help=(
        "A buyer: add what 100,000 euros more at each supplier would add to its total %"))] = None,
    rules: RulesOpt = None, defaults: DefaultsOpt = None, out: OutOpt = None,
) -> None:
    """Suppliers whose sales count on the date, ranked by credit per euro (yield).

    Eligible: an SW-bedrijf or a valid certificate on the date. Yield: target-group FTE per
    million euro of revenue, the indirect FTE a buyer earns per million spent there.
    """
    day = _day(on)
    gain = load_buyer_defaults(defaults).gain_per_eur
    if is_database_uri(dataset):  # computed in Cypher
        from pso_chain.neo4jdb.queries import suppliers_cypher

        frame = suppliers_cypher(dataset, day, sbi=sbi, municipality=municipality,
                                 min_level=min_level, for_org=for_org, year=year,
                                 gain_per_eur=gain, rules=load_rules(rules))
    else:
        frame = eligible_suppliers(open_network(dataset, rules), day, sbi=sbi,
                                   municipality=municipality, min_level=min_level,
                                   for_org=for_org, year=year, gain_per_eur=gain)
    if out:
        _write({"suppliers": frame}, out)
        return
    shown = SUPPLIERS_SHOWN + (["gain_pct", "trede_after"] if for_org else [])
    title = f"eligible suppliers on {day} ({len(frame):,}), by yield (FTE per million euro)"
    if for_org:
        title += f"; gain_pct: {for_org}'s total % up by {gain:,.0f} euros more there"
    render_table(_terminal(frame[shown]), title=title)


SUBSTITUTES_SHOWN = ["supplier_id", "supplier_name", "not_counted_eur", "alternative_id",
                     "alternative_name", "alternative_level", "proximity", "gain_pct", "trede_after"]


@fails_on_bad_input
def substitutes_cmd(
    dataset: DatasetArg, org: OrgOpt, year: YearOpt = None,
    top: Annotated[int | None, typer.Option("--top", min=1, help=(
        f"Alternatives per supplier (default {DEFAULTS.buyers.substitutes_top})"))] = None,
    sbi_digits: Annotated[int | None, typer.Option("--sbi-digits", min=1, help=(
        f"Same sector = this many leading SBI digits (default {DEFAULTS.buyers.sbi_digits})"))] = None,
    on: Annotated[dt.datetime | None, typer.Option("--on", formats=DATE_FORMATS, help=(
        "Judge alternatives on this date (in the year); default: eligible on some day of the "
        "year, as an undated purchase"))] = None,
    rules: RulesOpt = None, defaults: DefaultsOpt = None, out: OutOpt = None,
) -> None:
    """Certified alternatives for the buyer's suppliers that do not count.

    Same sector (SBI prefix), nearby first, with the credit gained if the spend moved.
    """
    network = open_network(dataset, rules)
    year = network.resolve_year(year)
    conf = load_buyer_defaults(defaults)
    frame = substitutes(network, org, year, top=top or conf.substitutes_top,
                        sbi_digits=sbi_digits or conf.sbi_digits, on=on.date() if on else None)
    if out:
        _write({"substitutes": frame}, out)
        return
    if frame.empty:
        console.print(f"every purchase of {org} in {year} counts: nothing to substitute.")
        return
    console.print(f"{org} in {year}: total now {frame['total_pct_now'].iat[0]:.2f}%; reasons:")
    for row in frame.drop_duplicates("supplier_id").itertuples(index=False):
        note = f" [dim]({row.note})[/dim]" if isinstance(row.note, str) and row.note else ""
        console.print(f"  {row.supplier_id} {row.supplier_name}: {row.reason}{note}", highlight=False)
    render_table(_terminal(frame[SUBSTITUTES_SHOWN]),
                 title=f"substitutes for {org}'s suppliers that do not count ({year})", max_rows=60)


COMPLIANCE_SHOWN = ["supplier_id", "name", "spend_eur", "spend_share_pct", "status", "level",
                    "valid_until", "days_left", "assessment"]


@fails_on_bad_input
def compliance_cmd(
    dataset: DatasetArg, org: OrgOpt, on: OnOpt = None,
    year: Annotated[int | None, typer.Option("--year", "-y", help=(
        "Year of the spend (default: latest in purchases)"))] = None,
    expiring_days: Annotated[int | None, typer.Option("--expiring-days", min=0, help=(
        "Warn for certificates ending within this many days "
        f"(default {DEFAULTS.buyers.expiring_days})"))] = None,
    rules: RulesOpt = None, defaults: DefaultsOpt = None, out: OutOpt = None,
) -> None:
    """Periodic supplier assessment: certificate status of the buyer's suppliers on a date.

    Suppliers by spend (valid, expiring, expired, none, SW) and the share of spend that counts.
    """
    network = open_network(dataset, rules)
    day = _day(on)
    year = network.resolve_year(year)
    days = load_buyer_defaults(defaults).expiring_days if expiring_days is None else expiring_days
    report = compliance_report(network, org, day, year, days)
    if out:
        _write(report, out)
        return
    render_table(_terminal(report["suppliers"][COMPLIANCE_SHOWN]),
                 title=f"suppliers of {org} ({year} spend), status on {day}", max_rows=60)
    render_table(report["summary"], title=f"spend by status (expiring: within {days} days)")
    if len(report["letters"]):
        render_table(_terminal(report["letters"], cents=("spend_eur",)),
                     title="letter list: suppliers to write to (the code, a valid or renewed certificate)")


def _discounts(base: dict[str, float], overrides: list[str] | None, levels: tuple[str, ...]
               ) -> dict[str, float]:
    out = dict(base)
    for spec in overrides or []:
        level, sep, pct = spec.partition("=")
        level = level.strip().lower()
        if not sep or level not in (*levels, SW_KEY):
            raise typer.BadParameter(f"{spec!r}: use LEVEL=PCT with LEVEL one of "
                                     f"{', '.join((*levels, SW_KEY))}", param_hint="--discount")
        try:
            value = float(pct.replace(",", "."))
        except ValueError:
            raise typer.BadParameter(f"{spec!r}: PCT must be a number", param_hint="--discount") from None
        if not 0 <= value < 100:
            raise typer.BadParameter(f"{spec!r}: PCT must be in [0, 100)", param_hint="--discount")
        out[level] = value
    return out


TENDER_SHOWN = ["rank", "supplier_id", "name", "price", "level", "sw", "certificate_status",
                "valid_until", "discount_pct", "fictitious_price"]
POINTS_SHOWN = ["rank", "supplier_id", "name", "price", "level", "sw", "certificate_status",
                "price_points", "pso_points", "quality_points", "total_points"]


@fails_on_bad_input
def tender_cmd(
    dataset: DatasetArg,
    bids: Annotated[Path, typer.Argument(help=(
        "Bids file (.csv/.xlsx/.parquet): supplier_id, price; optionally name, quality_points and "
        "the certificate copy (certificate_number, certificate_level, certificate_valid_from, "
        "certificate_valid_until, sw)"), exists=True, dir_okay=False)],
    on: Annotated[dt.datetime, typer.Option("--on", formats=DATE_FORMATS, help=(
        "Tender date: the certificate valid on it counts"))],
    method: Annotated[str, typer.Option("--method", help=(
        "discount: fictitious discount per level; points: award points for price, PSO level "
        "and quality (BPKV)"))] = "discount",
    discount: Annotated[list[str] | None, typer.Option("--discount", metavar="LEVEL=PCT", help=(
        "Fictitious discount in % for a certificate level (or sw); repeat; overrides "
        "buyers-defaults.toml"))] = None,
    rules: RulesOpt = None, defaults: DefaultsOpt = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help=(
        "Write to FILE (.csv, .parquet, .xlsx, .json, or .pdf for the tender file)"))] = None,
) -> None:
    """Bids ranked with the PSO level valid on the tender date (fictitious discount or award
    points), each bidder's certificate copy checked; how each ranking came about.

    Bidders in the dataset count with its certificates; others with their copy, when valid on
    the tender date. An expired copy counts nothing.
    """
    network = open_network(dataset, rules)
    conf = load_buyer_defaults(defaults)
    table = _discounts(conf.discount_pct, discount, network.rules.all_levels)
    ranking = pso_chain.tender(network, bids, on.date(), discounts=table, method=method,
                               defaults=defaults)
    if method == "discount":
        weights = ", ".join(f"{k} {v:g}%" for k, v in table.items())
    else:
        weights = f"price {conf.award.price_points:g}, " + ", ".join(
            f"{k} {v:g}" for k, v in conf.award.pso_points.items())
    if out and out.suffix.lower() == ".pdf":
        from pso_chain.buyers.tender_file import write_tender_pdf

        path = write_tender_pdf(ranking, out, on.date(), method, weights, network.rules.version)
        console.print(f"wrote the tender file to {path}", style="green")
        return
    if out:
        _write({"tender": ranking}, out)
        return
    shown = TENDER_SHOWN if method == "discount" else POINTS_SHOWN
    render_table(_terminal(ranking[shown], cents=("price", "fictitious_price")),
                 title=f"tender on {on.date()}: {method} ({weights})")
    for row in ranking.itertuples(index=False):
        console.print(f"  {row.rank}. {escape(str(row.supplier_id))} {escape(str(row.name))}: "
                      f"{escape(row.how)}; {escape(row.copy_check)}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("uplift")(uplift_cmd)
    app.command("suppliers")(suppliers_cmd)
    app.command("substitutes")(substitutes_cmd)
    app.command("compliance")(compliance_cmd)
    app.command("tender")(tender_cmd)
