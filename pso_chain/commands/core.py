"""Core verbs: validate, credits, explain, demo, generate."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.panel import Panel

from pso_chain.commands.common import (
    DatasetArg,
    OrgOpt,
    OutOpt,
    RulesOpt,
    YearOpt,
    _check_out,
    console,
    err_console,
    fails_on_bad_input,
    open_network,
)
from pso_chain.errors import format_problem
from pso_chain.explanation import explain, purchases_frame
from pso_chain.network import is_database_uri
from pso_chain.output import emit, render_table, write_json
from pso_chain.rules import load_rules
from pso_chain.scoring import closest_to_next_trede, credits, trede_distribution

TERMINAL_COLUMNS = ["org_id", "name", "employees", "direct_pct", "indirect_counted_pct", "total_pct",
                    "trede", "cap_applied", "pso30plus"]


def example_path() -> Path:
    """The bundled example dataset folder."""
    return Path(str(resources.files("pso_chain.data").joinpath("example")))


@fails_on_bad_input
def validate_cmd(
    dataset: DatasetArg,
    rules: RulesOpt = None,
    quarantine: Annotated[Path | None, typer.Option(
        "--quarantine", help="Write every rejected row with its reasons to this CSV")] = None,
    out: OutOpt = None,
) -> None:
    """Check a dataset: every problem with file, row, column, value and reason."""
    from pso_chain.network import read_dataset

    rule_set = load_rules(rules)
    with err_console.status(f"validating {dataset} ..."):
        data = read_dataset(dataset, rule_set)
    report = data.report
    summary = pd.DataFrame({
        "table": list(data.files),
        "file": list(data.files.values()),
        "rows": [len(t.frame) for t in report.raw.values()],
        "errors": [int((report.errors["file"] == f).sum()) for f in data.files.values()],
        "warnings": [int((report.warnings["file"] == f).sum()) for f in data.files.values()],
    })
    render_table(summary, title=f"validate {dataset} (rules {rule_set.version})")
    if out:
        emit(report.problems, out)
    elif len(report.problems):
        render_table(report.problems, title="problems", max_rows=60)
    if quarantine:
        count = report.write_quarantine(quarantine)
        console.print(f"wrote {count} rejected-row problem(s) to {quarantine}")
    if not report.ok:
        first = report.errors.iloc[0]
        err_console.print(
            f"[bold red]error:[/bold red] {len(report.errors)} error(s); first: "
            f"{format_problem(first.file, first.row, first.column, first.value, first.reason)}",
            highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    console.print(f"[green]ok[/green]: no errors, {len(report.warnings)} warning(s)")


@fails_on_bad_input
def credits_cmd(dataset: DatasetArg, year: YearOpt = None, rules: RulesOpt = None,
                out: OutOpt = None,
                below_level: Annotated[bool, typer.Option(
                    "--below-level", help="Only certificate holders whose score is below their "
                    "certified level (31 December): at risk at the next audit")] = False) -> None:
    """PSO score of every organisation: direct, indirect (capped), total, norms, trede."""
    network = open_network(dataset, rules)
    if below_level:
        from pso_chain.scoring import below_certified_level

        below = below_certified_level(network, year)
        if out:
            emit(below, out)
        else:
            emit(below, None, title=f"certificate holders below their certified level "
                                    f"({len(below)}), {network.resolve_year(year)}")
        return
    if str(dataset).startswith(("bolt://", "neo4j://", "bolt+s://", "neo4j+s://")):
        from pso_chain.neo4jdb.queries import credits_cypher  # computed in Cypher

        scores = credits_cypher(str(dataset), network.resolve_year(year), network.rules)
    else:
        scores = credits(network, year)
    title = f"PSO credits {scores['year'].iat[0] if len(scores) else ''}"
    if out:
        emit(scores, out)
    else:
        emit(scores[TERMINAL_COLUMNS], None, title=title + " (--out FILE for every column)")


def render_explanation(ex: dict) -> None:
    """Print an explanation readably (sections as panels, purchases as a table)."""
    d, ind, nrm = ex["direct"], ex["indirect"], ex["norms"]
    org = ex["organisation"]
    console.print(Panel(
        f"[bold]{ex['name']}[/bold] ({ex['org_id']}), {org['municipality']}, SBI {org['sbi']}\n"
        f"employees {org['employees']}, fte {org['fte']:.2f}, SW-bedrijf {org['sw']}, "
        f"current certificate {org['pso_level'] or 'none'}; year {ex['year']}; "
        f"rules {ex['rules']['version']}", title="organisation"))
    lines = [f"source: {d['source']}"]
    for p in d["persons"][:30]:
        lines.append(
            f"  row {p['row']}: {p['person_id']}: {p['start_position']} ({p['start_position_weight']:g})"
            f" x {p['contract_type']} ({p['contract_weight']:g}) x {p['hours_per_week']:g}/"
            f"{p['fulltime_hours']:g} h x {p['months']:g}/12 = {p['weighted_fte']:.4f} FTE")
    if len(d["persons"]) > 30:
        lines.append(f"  ... {len(d['persons']) - 30} more persons (--out x.json for all)")
    lines.append(f"direct_pct = 100 x {d['target_fte']:.4f} / {d['fte']:.4f} = {d['direct_pct']:.4f}%")
    console.print(Panel("\n".join(lines), title="direct contribution"))
    if ex["purchases"]:
        render_table(purchases_frame(ex).drop(columns=["row"]), title=f"purchases in {ex['year']}",
                     max_rows=50)
    cap_note = "cap applied: indirect cut to the cap" if ind["cap_applied"] else "cap not reached"
    console.print(Panel(
        f"indirect_fte = {ind['indirect_fte']:.4f} from {ind['counted_purchases']} counted purchase(s)\n"
        f"indirect_pct = 100 x {ind['indirect_fte']:.4f} / ({d['fte']:.4f} + {ind['indirect_fte']:.4f})"
        f" = {ind['indirect_pct']:.4f}%\n"
        f"cap = direct_pct x {ind['max_indirect_share']:g}/(1-{ind['max_indirect_share']:g}) = "
        f"{ind['cap_pct']:.4f}% -> counted {ind['indirect_counted_pct']:.4f}% ({cap_note})\n"
        f"total_pct = {d['direct_pct']:.4f} + {ind['indirect_counted_pct']:.4f} = {ex['total_pct']:.4f}%",
        title="indirect contribution and cap"))
    rows = "; ".join(f"size {r['size']}: {r['trede1']}/{r['trede2']}/{r['trede3']}" for r in nrm["rows"])
    console.print(Panel(
        f"employees {nrm['employees']}: {nrm['method']} ({rows})\n"
        f"norms trede 1/2/3: {nrm['norm_trede1']:.4f}% / {nrm['norm_trede2']:.4f}% / "
        f"{nrm['norm_trede3']:.4f}%\n"
        f"[bold]trede: {ex['trede'] or 'none'}[/bold] ({ex['trede_reason']}); "
        f"PSO 30+: {'yes' if ex['pso30plus'] else 'no'}\n"
        f"annual fee: EUR {ex['fee']['eur_per_year']:,.0f} (band {ex['fee']['band']} employees)",
        title="norms and trede"))
    held = ex.get("certified_level") or {}
    if held.get("below"):
        console.print(Panel(f"[bold red]below its certified level:[/bold red] {held['note']}",
                            title="certificate"), highlight=False)


def _check_explain_out(path: Path | None) -> Path | None:
    """As every --out, and .pdf for the audit file."""
    if path is not None and path.suffix.lower() == ".pdf":
        return path
    return _check_out(path)


ExplainOutOpt = Annotated[Path | None, typer.Option(
    "--out", "-o", callback=_check_explain_out,
    help="Write to FILE (.csv, .parquet, .xlsx or .json; .pdf: the audit file with the rows behind "
         "every number, the rules' sources and the input files' hashes)")]


@fails_on_bad_input
def explain_cmd(dataset: DatasetArg, org: OrgOpt, year: YearOpt = None, rules: RulesOpt = None,
                out: ExplainOutOpt = None) -> None:
    """One organisation's score with every number traced to its records and purchases."""
    if out and out.suffix.lower() == ".pdf":
        import pso_chain

        written = pso_chain.audit_file(open_network(dataset, rules), org, out, year)
        console.print(f"wrote the audit file of {org} to {written}", style="green")
        return
    if is_database_uri(dataset):  # every number computed in Cypher
        from pso_chain.neo4jdb.queries import explain_cypher

        ex = explain_cypher(dataset, org, year, load_rules(rules))
    else:
        ex = explain(open_network(dataset, rules), org, year)
    if out:
        if out.suffix.lower() == ".json":
            write_json(ex, out)
        else:
            emit(purchases_frame(ex), out)
        console.print(f"wrote explanation of {org} to {out}", style="green")
    else:
        render_explanation(ex)


@fails_on_bad_input
def demo_cmd(rules: RulesOpt = None) -> None:
    """The whole story on the bundled example: validate, score, distribution, explain."""
    folder = example_path()
    console.rule("[bold]pso-chain demo: the bundled example[/bold]")
    console.print(f"dataset: {folder}")
    network = open_network(str(folder), rules)
    report = network.data.report
    console.print(f"1. validated: {network.n} organisations, {len(network.purchases)} purchase rows, "
                  f"{len(report.errors)} errors, {len(report.warnings)} warnings")
    scores = credits(network)
    year = int(scores["year"].iat[0])
    console.print(f"2. scored year {year} with rules {network.rules.version}")
    top = scores.sort_values(["total_pct", "org_id"], ascending=[False, True]).head(12)
    render_table(top[["org_id", "name", "employees", "direct_pct", "indirect_counted_pct",
                      "total_pct", "trede"]],
                 title="highest total social contribution")
    render_table(trede_distribution(scores), title="3. trede distribution")
    close = closest_to_next_trede(scores, qualitative_ok=network.qualitative_ok)
    render_table(close, title="4. closest to their next trede")
    if len(close):
        pick = close["org_id"].iat[0]
        console.rule(f"5. explain {pick}")
        render_explanation(explain(network, pick, year))
    console.print("\nnext: pso-chain credits / explain / validate on your own dataset folder; "
                  "see README.md")


@fails_on_bad_input
def generate_cmd(
    out: Annotated[Path, typer.Argument(help="Folder to write the dataset to")],
    orgs: Annotated[int, typer.Option("--orgs", min=2, help="Number of organisations")] = 1000,
    purchases: Annotated[int, typer.Option("--purchases", min=1, help="Number of purchase rows")] = 10000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same data)")] = 0,
    year: Annotated[int, typer.Option("--year", help="Reference year")] = 2025,
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
) -> None:
    """A synthetic, realistic purchase network of any size (deterministic per seed)."""
    from pso_chain.generate import generate_dataset, write_dataset

    if fmt not in ("csv", "parquet"):
        raise typer.BadParameter("use csv or parquet", param_hint="--format")
    with err_console.status(f"generating {orgs:,} organisations and {purchases:,} purchases ..."):
        tables = generate_dataset(orgs, purchases, seed=seed, year=year)
        paths = write_dataset(tables, out, fmt)
    for p in paths:
        console.print(f"wrote {p}")


def register(app: typer.Typer) -> None:
    app.command("validate")(validate_cmd)
    app.command("credits")(credits_cmd)
    app.command("explain")(explain_cmd)
    app.command("demo")(demo_cmd)
    app.command("generate")(generate_cmd)
