"""Buyer verbs: uplift, suppliers, substitutes, compliance, tender (parse, one library call,
render).

Dates: ``--on`` of ``suppliers`` and ``compliance`` defaults to today, the day a purchasing
officer asks "who counts now?"; the library always receives the date explicitly.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

import pso_chain
from pso_chain.api import outputs as api_outputs
from pso_chain.commands.columns import (
    COMPLIANCE_SHOWN,
    MIX_SHOWN,
    SHIFT_SHOWN,
    SUBSTITUTES_SHOWN,
    SUPPLIERS_SHOWN,
    TENDER_SHOWN,
)
from pso_chain.commands.common import (
    DatasetArg,
    OrgOpt,
    OutOpt,
    RulesOpt,
    YearOpt,
    _check_out,
    code,
    display,
    fails_on_bad_input,
    open_source,
    render_table,
    say,
    sheets_written,
    t,
    write_table,
    write_xlsx,
    wrote,
)
from pso_chain.commands.render import render_uplift_targets
from pso_chain.settings import defaults, load_buyer_defaults

DEFAULTS = defaults()  # the help states the packaged defaults (data/*.toml), written once there
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]
SUBSTITUTE_ROWS_SHOWN = 60  # substitutes rows on the terminal (and their suppliers' reasons)


def _date_option(help_text: str, required: bool = False):
    return typer.Option("--on", formats=DATE_FORMATS, metavar="DATE", show_default=False,
                        help=help_text + " (DATE as YYYY-MM-DD or DD-MM-YYYY)")


OnOpt = Annotated[dt.datetime | None, _date_option("Date (default: today)")]
DefaultsOpt = Annotated[Path | None, typer.Option(
    "--defaults", exists=True, dir_okay=False, metavar="FILE", show_default=False,
    help="Buyer defaults TOML (default: the packaged buyers-defaults.toml)")]


def _day(on: dt.datetime | None) -> dt.date | None:
    return on.date() if on is not None else None


def _write(frames: dict[str, pd.DataFrame], out: Path) -> None:
    """All frames to one workbook (one sheet each) for .xlsx; otherwise the first to ``out``
    and each further one beside it as ``<stem>-<name><suffix>``."""
    if out.suffix.lower() == ".xlsx":
        write_xlsx(frames, out)
        wrote(sheets_written(frames), out)
        return
    for i, (name, frame) in enumerate(frames.items()):
        path = out if i == 0 else out.with_name(f"{out.stem}-{name}{out.suffix}")
        write_table(frame, path)
        wrote(sheets_written({name: frame}), path)


@fails_on_bad_input
def uplift_cmd(
    dataset: DatasetArg, org: OrgOpt, year: YearOpt = None,
    top: Annotated[int | None, typer.Option("--top", min=1, metavar="N", show_default=False, help=(
        "Price each trede at the N eligible suppliers with the highest yield "
        f"(default: {DEFAULTS.buyers.uplift_top})"))] = None,
    supplier: Annotated[list[str] | None, typer.Option(
        "--supplier", metavar="ORG_ID", show_default=False,
        help="Price these suppliers instead (repeat the option)")] = None,
    max_share: Annotated[float | None, typer.Option(
        "--max-share", min=0.0, max=1.0, metavar="SHARE", show_default=False, help=(
            "Also the cheapest mix when one buyer may take at most this share of a supplier's "
            "revenue (its spend there this year included)"))] = None,
    shift: Annotated[str | None, typer.Option("--shift", metavar="FROM:TO[:EUR]", show_default=False, help=(
        "What-if: move EUR (default: all of the year's spend at FROM) to TO; score before "
        "and after"))] = None,
    on: Annotated[dt.datetime | None, _date_option(
        "Date the new purchases on this day (in the year); only suppliers where a purchase on it "
        "counts are proposed (default: today, within the year; 31 December for a past year)")] = None,
    plan_year: Annotated[int | None, typer.Option("--plan-year", metavar="YEAR", show_default=False, help=(
        "Plan a coming year: this year's purchases as the baseline, certificates counted only "
        "up to their end; what to buy to keep or reach a trede"))] = None,
    rules: RulesOpt = None, defaults: DefaultsOpt = None, out: OutOpt = None,
) -> None:
    """What purchasing lifts an organisation to each higher trede, in euros per supplier.

    Exact and cap-aware, with the reason where purchasing cannot reach a trede.
    """
    network = open_source(dataset, rules)
    plan = pso_chain.uplift(network, org, year, top=top, suppliers=supplier, max_share=max_share,
                            shift=shift, on=_day(on), defaults=defaults, plan_year=plan_year)
    if out:
        _write(plan, out)
        return
    fmt = display().fmt
    year = plan_year if plan_year is not None else network.resolve_year(year)
    dates = plan["uplift"].get("purchase_date", pd.Series(dtype=object)).dropna()
    day = dates.iat[0] if len(dates) else _day(on)  # the date the library priced the purchases on
    if "baseline" in plan:
        base = plan["baseline"].iloc[0]
        say(t("plan_baseline", org=org, base_year=base["base_year"],
              base_total=fmt.pct(base["base_total_pct"], 2), base_trede=fmt.trede(base["base_trede"]),
              plan_year=base["plan_year"], plan_total=fmt.pct(base["plan_total_pct"], 2),
              plan_trede=fmt.trede(base["plan_trede"])))
        if len(plan["expiring"]):
            render_table(plan["expiring"], keep=["supplier_id"],
                         title=t("plan_expiring", plan_year=base["plan_year"]))
    targets = plan["targets"]
    if targets.empty:
        say(t("uplift_top", org=org, year=year))
    else:
        head = targets.iloc[0]
        figures = dict(org=org, year=year, direct=fmt.pct(head["direct_pct"], 2),
                       total=fmt.pct(head["total_pct_now"], 2), trede=fmt.trede(head["current_trede"]),
                       fte=fmt.number(head["indirect_fte_now"], 4), cap=fmt.pct(head["cap_pct"], 2))
        say(t("uplift_now", **figures) + (t("uplift_dated", day=fmt.date(day)) if day is not None else ""))
        render_uplift_targets(plan)
    if "mix" in plan and max_share is not None:
        mix = plan["mix"]
        render_table(mix[mix["supplier_id"].notna() | ~mix["reachable"]][MIX_SHOWN],
                     title=t("uplift_mix", share=fmt.share(max_share, 1)),
                     keep=["target_trede", "supplier_id", "extra_eur"])
    if "shift" in plan:
        render_table(plan["shift"][SHIFT_SHOWN], title=t("uplift_shift", shift=shift),
                     keep=["scenario", "total_pct", "trede"])


@fails_on_bad_input
def suppliers_cmd(
    dataset: DatasetArg, on: OnOpt = None,
    year: Annotated[int | None, typer.Option("--year", "-y", metavar="YEAR", show_default=False, help=(
        "Reference year of the --for buyer's score (default: latest in purchases)"))] = None,
    sbi: Annotated[str | None, typer.Option("--sbi", metavar="CODE", show_default=False,
                                            help="SBI code prefix, e.g. 81")] = None,
    municipality: Annotated[list[str] | None, typer.Option(
        "--municipality", "-m", metavar="NAME", show_default=False,
        help="Only suppliers in this municipality (repeat the option for several: any of them)")] = None,
    min_level: Annotated[str | None, typer.Option("--min-level", metavar="LEVEL", show_default=False, help=(
        "Lowest certificate level valid on the date (aspirant, 1, 2, 3); drops SW-bedrijven "
        "without such a certificate"))] = None,
    for_org: Annotated[str | None, typer.Option("--for", metavar="ORG_ID", show_default=False, help=(
        "A buyer: add what more spend at each supplier (gain_per_eur in buyers-defaults.toml) "
        "would add to its total %"))] = None,
    rules: RulesOpt = None, defaults: DefaultsOpt = None, out: OutOpt = None,
) -> None:
    """Suppliers whose sales count on the date, ranked by credit per euro (yield).

    Eligible: an SW-bedrijf or a valid certificate on the date. Yield: target-group FTE per
    million euro of revenue, the indirect FTE a buyer earns per million spent there.
    """
    day = _day(on) or dt.date.today()
    frame = pso_chain.suppliers(open_source(dataset, rules), day, sbi=sbi, municipality=municipality,
                                min_level=min_level, for_org=for_org, year=year, defaults=defaults)
    if out:
        _write({"suppliers": frame}, out)
        return
    shown = SUPPLIERS_SHOWN + (["gain_pct", "trede_after"] if for_org else [])
    fmt = display().fmt
    n = fmt.integer(len(frame))
    title = t("suppliers_title", on=fmt.date(day), n=n)
    if for_org:
        title += t("suppliers_gain", org=for_org)
    render_table(frame[shown], title=title, keep=["org_id", "yield_fte_per_meur"])


@fails_on_bad_input
def substitutes_cmd(
    dataset: DatasetArg, org: OrgOpt, year: YearOpt = None,
    top: Annotated[int | None, typer.Option("--top", min=1, metavar="N", show_default=False, help=(
        f"Alternatives per supplier (default: {DEFAULTS.buyers.substitutes_top})"))] = None,
    sbi_digits: Annotated[int | None, typer.Option("--sbi-digits", min=1, metavar="N", show_default=False,
                                                   help=("Same sector = this many leading SBI digits "
                                                         f"(default: {DEFAULTS.buyers.sbi_digits})"))] = None,
    on: Annotated[dt.datetime | None, _date_option(
        "Judge alternatives on this date (in the year; default: eligible on some day of the year, "
        "as an undated purchase)")] = None,
    rules: RulesOpt = None, defaults: DefaultsOpt = None, out: OutOpt = None,
) -> None:
    """Certified alternatives for the buyer's suppliers that do not count.

    Same sector (SBI prefix), nearby first, with the credit gained if the spend moved.
    """
    frame = pso_chain.substitutes(open_source(dataset, rules), org, year, top=top, sbi_digits=sbi_digits,
                                  on=_day(on), defaults=defaults)
    if out:
        _write({"substitutes": frame}, out)
        return
    if frame.empty:
        say(t("substitutes_none", org=org))
        return
    say(t("substitutes_now", org=org, total=display().fmt.pct(frame["total_pct_now"].iat[0], 2)))
    shown = frame.head(SUBSTITUTE_ROWS_SHOWN)  # the table's rows: their suppliers' reasons
    for row in shown.drop_duplicates("supplier_id").itertuples(index=False):
        extra = (f" ({code(row.note)})", "dim") if isinstance(row.note, str) and row.note else ""
        say(f"  {row.supplier_id} {row.supplier_name}: {code(row.reason)}", extra)
    more = frame["supplier_id"].nunique() - shown["supplier_id"].nunique()
    if more:
        say(t("more_suppliers", n=display().fmt.integer(more)), style="dim")
    render_table(shown[SUBSTITUTES_SHOWN], total=len(frame),
                 title=t("substitutes_title", org=org),
                 max_rows=SUBSTITUTE_ROWS_SHOWN, keep=["supplier_id", "alternative_id", "gain_pct"])


@fails_on_bad_input
def compliance_cmd(
    dataset: DatasetArg, org: OrgOpt, on: OnOpt = None,
    year: Annotated[int | None, typer.Option("--year", "-y", metavar="YEAR", show_default=False, help=(
        "Year of the spend (default: latest in purchases)"))] = None,
    expiring_days: Annotated[int | None, typer.Option(
        "--expiring-days", min=0, metavar="DAYS", show_default=False,
        help=f"Warn for certificates ending within this many days (default: {DEFAULTS.buyers.expiring_days})"
    )] = None,
    rules: RulesOpt = None, defaults: DefaultsOpt = None, out: OutOpt = None,
) -> None:
    """Periodic supplier assessment: certificate status of the buyer's suppliers on a date.

    Suppliers by spend (valid, expiring, expired, none, SW) and the share of spend that counts.
    """
    day = _day(on) or dt.date.today()
    report = pso_chain.compliance(open_source(dataset, rules), org, day, year, expiring_days=expiring_days,
                                  defaults=defaults)
    if out:
        _write(report, out)
        return
    render_table(report["suppliers"][COMPLIANCE_SHOWN],
                 title=t("compliance_title", org=org, on=display().fmt.date(day)), max_rows=60,
                 keep=["supplier_id", "status"])
    render_table(report["summary"], title=t("compliance_summary"))
    if len(report["letters"]):
        render_table(report["letters"], keep=["supplier_id"],
                     title=t("compliance_letters"))


def _discount_specs(values: list[str] | None) -> list[str] | None:
    """``LEVEL=PCT`` written right (a usage error otherwise); the library checks the level."""
    for spec in values or []:
        if "=" not in spec:
            raise typer.BadParameter(f"{spec!r}: use LEVEL=PCT", param_hint="--discount")
    return values


POINTS_SHOWN = ["rank", "supplier_id", "name", "price", "level", "sw", "certificate_status",
                "price_points", "pso_points", "quality_points", "total_points"]


def _check_tender_out(path: Path | None) -> Path | None:
    """As every --out, and .pdf for the tender file."""
    if path is not None and path.suffix.lower() == ".pdf":
        return path
    return _check_out(path)


@fails_on_bad_input
def tender_cmd(
    dataset: DatasetArg,
    bids: Annotated[Path, typer.Argument(metavar="BIDS", show_default=False, help=(
        "Bids file (.csv/.xlsx/.parquet): supplier_id, price; optionally name, quality_points and "
        "the certificate copy (certificate_number, certificate_level, certificate_valid_from, "
        "certificate_valid_until, sw)"), exists=True, dir_okay=False)],
    on: Annotated[dt.datetime, _date_option("Tender date: the certificate valid on it counts")],
    method: Annotated[str, typer.Option("--method", metavar="discount|points", help=(
        "discount: fictitious discount per level; points: award points for price, PSO level "
        "and quality (BPKV)"))] = "discount",
    discount: Annotated[list[str] | None, typer.Option(
        "--discount", metavar="LEVEL=PCT", show_default=False, callback=_discount_specs, help=(
            "Fictitious discount in % for a certificate level (or sw); repeat; overrides "
            "buyers-defaults.toml"))] = None,
    rules: RulesOpt = None, defaults: DefaultsOpt = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="FILE", show_default=False, callback=_check_tender_out, help=(
            "Write to FILE (.csv, .parquet, .xlsx, .json, or .pdf for the tender file)"))] = None,
) -> None:
    """Bids ranked with the PSO level valid on the tender date (fictitious discount or award
    points), each bidder's certificate copy checked; how each ranking came about.

    Bidders in the dataset count with its certificates; others with their copy, when valid on
    the tender date. An expired copy counts nothing.
    """
    network = open_source(dataset, rules)
    ranking = pso_chain.tender(network, bids, on.date(), discounts=discount, method=method,
                               defaults=defaults)
    weights = _weights(method, discount, defaults, network.rules.all_levels)
    if out and out.suffix.lower() == ".pdf":
        wrote(t("tender_file"), api_outputs.write_tender_file(ranking, out, on.date(), method, weights,
                                                              network.rules.version, display().lang))
        return
    if out:
        _write({"tender": ranking}, out)
        return
    shown = TENDER_SHOWN if method == "discount" else POINTS_SHOWN
    render_table(ranking[shown], keep=["rank", "supplier_id", "fictitious_price", "total_points"],
                 title=t("tender_title", on=display().fmt.date(on.date()), method=t(f"method_{method}"),
                         weights=_weights_text(method, discount, defaults, network.rules.all_levels)))
    for row in ranking.itertuples(index=False):
        say(f"  {row.rank}. {row.supplier_id} {row.name}: {code(row.how)}; {code(row.copy_check)}")


def _weights(method: str, discount: list[str] | None, defaults: Path | None, levels) -> str:
    """The discounts or points the ranking used, as one line for the title and the tender file."""
    conf = load_buyer_defaults(defaults)
    if method == "discount":
        table = {**conf.discount_pct, **pso_chain.discount_table(discount or [], levels)}
        return ", ".join(f"{k} {v:g}%" for k, v in table.items())
    points = ", ".join(f"{k} {v:g}" for k, v in conf.award.pso_points.items())
    return f"price {conf.award.price_points:g}, {points}"


def _weights_text(method: str, discount: list[str] | None, defaults: Path | None, levels) -> str:
    """The discounts or points of :func:`_weights` for people: ``aspirant 1%, trede 1 2%, ...``."""
    conf = load_buyer_defaults(defaults)
    fmt = display().fmt

    def level(key: str) -> str:
        return code("sw_supplier") if key == "sw" else code(f"level_{key}")

    def amount(value: float) -> str:
        return fmt.number(value, 0 if value == int(value) else 2)

    if method == "discount":
        table = {**conf.discount_pct, **pso_chain.discount_table(discount or [], levels)}
        return ", ".join(f"{level(k)} {fmt.pct(v, 0 if v == int(v) else 2)}" for k, v in table.items())
    points = ", ".join(f"{level(k)} {amount(v)}" for k, v in conf.award.pso_points.items())
    return t("points_weights", price=amount(conf.award.price_points), points=points)


def register(app: typer.Typer) -> None:
    app.command("uplift")(uplift_cmd)
    app.command("suppliers")(suppliers_cmd)
    app.command("substitutes")(substitutes_cmd)
    app.command("compliance")(compliance_cmd)
    app.command("tender")(tender_cmd)
