"""``pso-chain import ledger|ubl`` and ``pso-chain quickscan``: a buyer's own books in.

Thin wrappers over :func:`pso_chain.importing.books.import_books` and :func:`pso_chain.quickscan`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from pso_chain import api
from pso_chain.commands.common import RulesOpt, code, console, err_console, fails_on_bad_input, t, write_xlsx
from pso_chain.errors import PsoInputError
from pso_chain.importing.quickscan_files import (
    FLAG_NOTE_KEYS,
    flag_notes,
    pct,
    render_quickscan,
    write_quickscan,
)
from pso_chain.outputs.files import set_context, write_csv

import_app = typer.Typer(help="Import a buyer's books (ledger exports, UBL e-invoices) into a dataset.",
                         no_args_is_help=True)

RegisterOpt = Annotated[Path, typer.Option("--register", help="The PSO register (CSV/XLSX)")]
SwOpt = Annotated[Path | None, typer.Option("--sw", help="The SW-bedrijven list (CSV/XLSX)")]
FiguresOpt = Annotated[Path | None, typer.Option(
    "--figures", help="Suppliers' revenue and target-group FTE (KvK, omzet, doelgroep fte)")]
BuyerOpt = Annotated[Path, typer.Option("--buyer", help="The buyer: one row of organisations (org_id = KvK)")]
RecordsOpt = Annotated[Path | None, typer.Option("--buyer-records", help="The buyer's employees_records")]
OverridesOpt = Annotated[Path | None, typer.Option(
    "--overrides", help="The edited match report: status accepted (with matched_kvk) or rejected")]
AcceptReviewOpt = Annotated[bool, typer.Option(
    "--accept-review", help="Count the review band unconfirmed (a first look; said in every output)")]
AllowMissingOpt = Annotated[bool, typer.Option(
    "--allow-missing-figures", help="Eligible suppliers without figures do not count (instead of exit 1)")]
ProfileOpt = Annotated[str | None, typer.Option(
    "--profile", help="ERP profile: afas, exact, twinfield, sap, excel, or a profile .toml")]
MapOpt = Annotated[list[str] | None, typer.Option(
    "--map", help='Name a column: "Kolom=field" (supplier_name, supplier_kvk, date, amount_excl, ...)')]
VatOpt = Annotated[float | None, typer.Option(
    "--vat", help="VAT percent, when the ledger has amounts including VAT only (e.g. 21)")]
YearOpt = Annotated[int | None, typer.Option("--year", "-y", help="Reference year (default: latest)")]
DatasetOut = Annotated[Path, typer.Option("--out", "-o", help="Dataset folder to write")]


def _import(ledger, ubl, register, sw, figures, buyer, buyer_records, profile, mapping, vat,
            overrides, accept_review, allow_missing_figures, rules, out: Path, year=None) -> None:
    try:
        result = api.import_books(ledger=ledger, ubl=ubl, register=register, buyer=buyer, sw=sw,
                              figures=figures, buyer_records=buyer_records, overrides=overrides,
                              accept_review=accept_review, allow_missing_figures=allow_missing_figures,
                              profile=profile, mapping=mapping, vat=vat, year=year,
                              rules=rules)
    except PsoInputError as exc:
        _write_partial(exc, out)
        raise
    for path in result.write(out):
        console.print(escape(t("wrote_file", path=path)), highlight=False)
    _summary(result.match_report, result.request_list, result.notes)


def _write_partial(exc: PsoInputError, out: Path) -> None:
    """Missing figures: the match report and the request list are still written, beside ``out``."""
    requests = getattr(exc, "request_list", None)  # set by the importer on missing figures
    matches = getattr(exc, "match_report", None)
    if requests is None or matches is None:
        return
    for stem, frame in (("match-report", matches), ("request-list", requests)):
        base = out.parent / f"{out.name}-{stem}"
        base.parent.mkdir(parents=True, exist_ok=True)
        write_csv(frame, base.with_suffix(".csv"))  # people open it: formula-safe
        write_xlsx({stem: frame}, base.with_suffix(".xlsx"), labels=False)  # read back: names stay
        err_console.print(escape(t("wrote_file", path=f"{base}.csv/.xlsx")), highlight=False)


def _summary(report, requests, notes) -> None:
    counts = report["status"].value_counts().to_dict()
    console.print(escape(t("match_counts", accepted=counts.get("accepted", 0), review=counts.get("review", 0),
                           unmatched=counts.get("unmatched", 0), n=len(report))), highlight=False)
    for note in notes:
        style = "bold yellow" if note in FLAG_NOTE_KEYS else "dim"
        text = t(FLAG_NOTE_KEYS[note]) if note in FLAG_NOTE_KEYS else code(note)
        console.print(f"[{style}]{escape(text)}[/{style}]", highlight=False)
    if len(requests):
        console.print(escape(t("request_count", n=len(requests))), highlight=False)


@fails_on_bad_input
def ledger_cmd(
    ledger: Annotated[list[Path], typer.Argument(help="Ledger export(s): CSV or XLSX")],
    register: RegisterOpt, buyer: BuyerOpt, out: DatasetOut, sw: SwOpt = None, figures: FiguresOpt = None,
    buyer_records: RecordsOpt = None, profile: ProfileOpt = None, mapping: MapOpt = None,
    vat: VatOpt = None, overrides: OverridesOpt = None, accept_review: AcceptReviewOpt = False,
    allow_missing_figures: AllowMissingOpt = False, year: YearOpt = None, rules: RulesOpt = None,
) -> None:
    """A purchase-ledger export (AFAS, Exact Online, Twinfield, SAP, Excel) -> a dataset folder,
    a match report and a request list."""
    _import(ledger, None, register, sw, figures, buyer, buyer_records, profile, mapping, vat,
            overrides, accept_review, allow_missing_figures, rules, out, year)


@fails_on_bad_input
def ubl_cmd(
    sources: Annotated[list[Path], typer.Argument(help="UBL folder(s), zip(s) or XML file(s)")],
    register: RegisterOpt, buyer: BuyerOpt, out: DatasetOut, sw: SwOpt = None, figures: FiguresOpt = None,
    buyer_records: RecordsOpt = None, overrides: OverridesOpt = None,
    accept_review: AcceptReviewOpt = False, allow_missing_figures: AllowMissingOpt = False,
    rules: RulesOpt = None,
) -> None:
    """UBL e-invoices and credit notes (SI-UBL 2.0 / NLCIUS / Peppol BIS 3.0) -> a dataset folder,
    a match report and a request list."""
    _import(None, sources, register, sw, figures, buyer, buyer_records, None, None, None,
            overrides, accept_review, allow_missing_figures, rules, out)


def _check_scan_out(path: Path | None) -> Path | None:
    if path is not None and path.suffix.lower() not in (".xlsx", ".json", ".html"):
        raise typer.BadParameter(f"{path}: use .xlsx, .json or .html", param_hint="--out")
    return path


@fails_on_bad_input
def quickscan_cmd(
    register: RegisterOpt, buyer: BuyerOpt,
    ledger: Annotated[list[Path] | None, typer.Option("--ledger", help="Ledger export(s)")] = None,
    ubl: Annotated[list[Path] | None, typer.Option("--ubl", help="UBL folder(s) or zip(s)")] = None,
    sw: SwOpt = None, figures: FiguresOpt = None, buyer_records: RecordsOpt = None,
    overrides: OverridesOpt = None, accept_review: AcceptReviewOpt = False,
    allow_missing_figures: AllowMissingOpt = False, year: YearOpt = None, profile: ProfileOpt = None,
    mapping: MapOpt = None, vat: VatOpt = None, rules: RulesOpt = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", callback=_check_scan_out,
                                             help="Write FILE.xlsx, .json or .html")] = None,
) -> None:
    """MijnPSO's rekentool from your own books: score, trede, norms, every purchase that counts
    and why others don't, the fee, and the cheapest way to the next trede (in Dutch)."""
    if not ledger and not ubl:
        raise typer.BadParameter("give --ledger FILE or --ubl DIR_OR_ZIP", param_hint="--ledger")
    with err_console.status("quickscan ..."):
        result = api.quickscan(ledger=ledger, ubl=ubl, register=register, buyer=buyer, sw=sw,
                           figures=figures, buyer_records=buyer_records, overrides=overrides,
                           accept_review=accept_review, allow_missing_figures=allow_missing_figures,
                           year=year, profile=profile, mapping=mapping, vat=vat,
                           rules=rules)
    if out:
        set_context(rules=str(result.explain.get("rules", {}).get("version", "")) or None)
        write_quickscan(result, out)
        console.print(escape(t("wrote_file", path=out)), highlight=False)
        c = result.credits
        console.print(escape(f"{result.explain['name']} ({result.buyer_id}), {result.year}: totale sociale "
                             f"bijdrage {pct(c['total_pct'])}, "
                             + (f"trede {int(c['trede'])}" if c.get("trede") else "geen trede")),
                      highlight=False)
        for note in flag_notes(result):
            console.print(f"[bold yellow]let op:[/bold yellow] {escape(note)}", highlight=False)
    else:
        render_quickscan(result, console)


def register(app: typer.Typer) -> None:
    import_app.command("ledger")(ledger_cmd)
    import_app.command("ubl")(ubl_cmd)
    app.add_typer(import_app, name="import")
    app.command("quickscan")(quickscan_cmd)
