"""The quick scan for people, in Dutch: terminal, Excel workbook and one HTML page.

Every purchase with whether it counts and why (the match first: not in the register, awaiting
confirmation, figures missing; then the engine's reason), the score, norms, trede, fee and the
cheapest way to the next trede. User text is escaped for rich markup and HTML, and written as
text in spreadsheets (no formulas). The JSON is :meth:`QuickscanResult.to_dict` (English keys,
the credits row under the contract's column names).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.markup import escape

from pso_chain import messages
from pso_chain.importing.books import QuickscanResult
from pso_chain.importing.importer import ACCEPT_REVIEW_NOTE, MISSING_FIGURES_NOTE
from pso_chain.outputs.files import write_json, write_xlsx

PURCHASE_LABELS = {"supplier_id": "leverancier (KvK)", "supplier_name": "leverancier", "date": "datum",
                   "amount_eur": "bedrag excl. btw", "telt_mee": "telt mee", "reden": "waarom",
                   "indirect_fte": "doelgroep-fte", "source": "bron", "invoice_id": "factuur"}


DUTCH_NOTES = {
    ACCEPT_REVIEW_NOTE: "--accept-review: matches in de beoordelingsband tellen mee ZONDER bevestiging; "
                        "een eerste blik, geen uitkomst",
    MISSING_FIGURES_NOTE: "--allow-missing-figures: leveranciers zonder omzet of doelgroep-fte tellen "
                          "niet mee (zie de opvraaglijst)",
}


# The same two notes as keys of the catalogue's [cli] table (the terminal names the options).
FLAG_NOTE_KEYS = {ACCEPT_REVIEW_NOTE: "note_accept_review", MISSING_FIGURES_NOTE: "note_missing_figures"}


def flag_notes(result: QuickscanResult) -> list[str]:
    """The notes every output must show (review band counted, figures missing), in Dutch."""
    return [DUTCH_NOTES[n] for n in result.notes if n in DUTCH_NOTES]


def eur(value: float | None) -> str:
    """``€ 1.234,56`` (Dutch grouping and decimal comma)."""
    if value is None or pd.isna(value):
        return ""
    text = f"{abs(float(value)):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"€ {'-' if float(value) < 0 else ''}{text}"


def pct(value: float | None) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):.2f}%".replace(".", ",")


def day(value: str | None) -> str:
    """``31-12-2025`` from ISO dates."""
    if not value:
        return ""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(value)[:10])
    return f"{match.group(3)}-{match.group(2)}-{match.group(1)}" if match else str(value)


def dutch_reason(reason: str) -> str:
    """The engine's reason (a code, :func:`pso_chain.messages.coded`) in Dutch words."""
    return str(messages.readable(reason, "nl"))


def purchase_rows(result: QuickscanResult) -> pd.DataFrame:
    """Every purchase of the year: counts (ja/nee) and why, in Dutch."""
    p = result.purchases.copy()
    if p.empty:
        return pd.DataFrame(columns=list(PURCHASE_LABELS.values()))
    report = result.match_report.drop_duplicates("dataset_org_id").set_index("dataset_org_id")
    why = []
    for row in p.itertuples(index=False):
        match = report.loc[row.supplier_id] if row.supplier_id in report.index else None
        if row.counted:
            text = dutch_reason(row.reason)
            if match is not None and match["status"] == "review":
                text += " (match NIET bevestigd: --accept-review)"
        elif match is None:
            text = dutch_reason(row.reason)
        elif "figures missing" in str(match["note"]):
            text = "omzet of doelgroep-fte van de leverancier ontbreekt (zie de opvraaglijst)"
        elif match["status"] == "review":
            text = (f"mogelijke match met {match['matched_name']} ({match['matched_kvk']}): "
                    "eerst bevestigen in het matchrapport (--overrides)")
        elif match["status"] == "unmatched":
            text = ("afgewezen in het overridesbestand" if match["method"] == "override"
                    else "niet gevonden in het PSO-register of de SW-lijst")
        else:
            text = dutch_reason(row.reason)
        why.append(text)
    p["telt_mee"] = p["counted"].map({True: "ja", False: "nee"})
    p["reden"] = why
    p["date"] = p["date"].map(day)
    cols = [c for c in PURCHASE_LABELS if c in p.columns]
    return p[cols].rename(columns=PURCHASE_LABELS)


def summary_rows(result: QuickscanResult) -> pd.DataFrame:
    """The score as label / value rows (Dutch)."""
    c, ex = result.credits, result.explain
    trede = c.get("trede")
    rows = [
        ("organisatie", f"{ex['name']} ({result.buyer_id})"), ("jaar", str(result.year)),
        ("werknemers", str(c["employees"])), ("fte", f"{c['fte']:.2f}".replace(".", ",")),
        ("directe bijdrage", pct(c["direct_pct"])), ("indirecte bijdrage", pct(c["indirect_pct"])),
        ("indirect meegeteld (na plafond)", pct(c["indirect_counted_pct"])),
        ("plafond toegepast", "ja" if c["cap_applied"] else "nee"),
        ("totale sociale bijdrage", pct(c["total_pct"])),
        ("norm trede 1 / 2 / 3", " / ".join(pct(c[f"norm_trede{t}"]) for t in (1, 2, 3))),
        ("trede", f"trede {int(trede)}" if trede else "geen trede"),
        ("PSO 30+", "ja" if c["pso30plus"] else "nee"),
        ("jaarbijdrage PSO", f"{eur(ex['fee']['eur_per_year'])} (klasse {ex['fee']['band']} medewerkers)"),
        ("inkopen die meetellen", f"{sum(1 for p in ex['purchases'] if p['counted'])} van "
                                  f"{len(ex['purchases'])}"),
    ]
    rows += [("matchrapport", messages.readable(n, "nl").split(": ", 1)[1]) for n in result.notes
             if n.startswith(("match_shares", "unmatched_large"))]
    rows += [("volgende trede", line) for line in next_trede_lines(result)]
    rows += [("let op", n) for n in flag_notes(result)]
    return pd.DataFrame(rows, columns=["onderdeel", "waarde"])


def next_trede_lines(result: QuickscanResult) -> list[str]:
    """The cheapest way to each higher trede (the uplift plan), one sentence each."""
    targets, plan = result.uplift.get("targets"), result.uplift.get("uplift")
    if targets is None or targets.empty:
        return ["hoogste trede al bereikt" if result.credits.get("trede") == 3 else "geen hogere trede"]
    lines = []
    for t in targets.itertuples(index=False):
        if not t.reachable:
            lines.append(f"trede {t.target_trede}: niet via inkoop te halen ({dutch_reason(t.reason)})")
            continue
        options = plan[(plan["target_trede"] == t.target_trede) & plan["extra_eur"].notna()] \
            if plan is not None else pd.DataFrame()
        if options.empty:
            lines.append(f"trede {t.target_trede}: {t.extra_indirect_fte:.2f} doelgroep-fte extra nodig; "
                         "geen gecertificeerde leverancier in uw inkoop om die bij te kopen")
            continue
        best = options.sort_values("extra_eur").iloc[0]
        lines.append(f"trede {t.target_trede}: {eur(best['extra_eur'])} extra inkopen bij "
                     f"{best['supplier_name']} ({best['supplier_id']})")
    return lines


def render_table(frame: pd.DataFrame, title: str, console: Console, max_rows: int = 60) -> None:
    """A table whose cells are plain text (a supplier called "[bold]x" is printed as written)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=escape(title), header_style="bold cyan")
    for col in frame.columns:
        table.add_column(Text(str(col)), overflow="fold")
    for row in frame.head(max_rows).itertuples(index=False):
        table.add_row(*(Text(_cell(v)) for v in row))
    console.print(table)
    if len(frame) > max_rows:
        console.print(f"[dim]... nog {len(frame) - max_rows} rijen: --out FILE.xlsx voor alles[/dim]")


def render_quickscan(result: QuickscanResult, console: Console) -> None:
    """The quick scan on a terminal (user text never read as rich markup)."""
    for note in flag_notes(result):
        console.print(f"[bold yellow]let op:[/bold yellow] {escape(note)}", highlight=False)
    render_table(summary_rows(result), title=f"PSO-quickscan {result.year}", console=console)
    rows = purchase_rows(result).drop(columns=["bron"], errors="ignore")
    rows["bedrag excl. btw"] = rows["bedrag excl. btw"].map(eur)
    rows["doelgroep-fte"] = rows["doelgroep-fte"].map(lambda v: f"{v:.3f}".replace(".", ","))
    render_table(rows, title="inkopen (--out FILE.xlsx voor de bron van elke factuur)", console=console,
                 max_rows=60)
    if len(result.request_list):
        render_table(result.request_list, title="opvraaglijst: vraag deze leveranciers om hun PSO-cijfers",
                     console=console)
    counts = result.match_report["status"].value_counts().to_dict()
    console.print(escape(f"matchrapport: {counts.get('accepted', 0)} geaccepteerd, "
                         f"{counts.get('review', 0)} te beoordelen, "
                         f"{counts.get('unmatched', 0)} niet gevonden"))


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def quickscan_html(result: QuickscanResult) -> str:
    """One self-contained HTML page (every value escaped)."""
    notes = "".join(f"<p class='note'>{html.escape(n)}</p>" for n in flag_notes(result))
    purchases = purchase_rows(result)
    purchases["bedrag excl. btw"] = purchases["bedrag excl. btw"].map(eur)
    parts = [
        "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>",
        f"<title>PSO-quickscan {html.escape(str(result.explain['name']))}</title>",
        "<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;"
        "margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left}"
        "th{background:#1f4e78;color:#fff}.note{background:#fff3cd;padding:.5em}</style></head><body>",
        f"<h1>PSO-quickscan {html.escape(str(result.explain['name']))} ({result.year})</h1>", notes,
        _html_table(summary_rows(result)), "<h2>Inkopen</h2>", _html_table(purchases),
    ]
    if len(result.request_list):
        parts += ["<h2>Opvraaglijst</h2>", _html_table(result.request_list)]
    report = result.match_report[["ledger_name", "ledger_place", "status", "matched_name", "matched_kvk",
                                  "note"]]
    parts += ["<h2>Matchrapport</h2>", _html_table(report), "</body></html>"]
    return "".join(parts)


def write_quickscan(result: QuickscanResult, path: str | Path) -> Path:
    """Write the quick scan as ``.xlsx`` (sheets in Dutch), ``.json`` or ``.html``."""
    path = Path(path)
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".json":
        return write_json(result.to_dict(), path)
    if suffix == ".html":
        path.write_text(quickscan_html(result), encoding="utf-8")
        return path
    sheets = {"samenvatting": summary_rows(result), "inkopen": purchase_rows(result),
              "matchrapport": result.match_report, "opvraaglijst": result.request_list}
    for name, frame in result.uplift.items():
        sheets[f"uplift-{name}"] = frame
    sheets["opmerkingen"] = pd.DataFrame({"opmerking": result.notes})
    write_xlsx(sheets, path)  # user text is written as text (never a formula)
    return path
