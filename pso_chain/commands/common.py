"""Shared CLI plumbing: common options, loading with progress, one way to report bad input."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

import pso_chain
from pso_chain.errors import PsoInputError
from pso_chain.network import PurchaseNetwork
from pso_chain.output import terminal_console

console = terminal_console()
err_console = Console(stderr=True)

DatasetArg = Annotated[str, typer.Argument(
    help="Dataset folder (organisations, purchases, ... as .csv/.parquet/.xlsx) "
         "or a bolt:// / neo4j:// URI")]
YearOpt = Annotated[int | None, typer.Option("--year", "-y",
                                             help="Reference year (default: latest in purchases)")]
RulesOpt = Annotated[Path | None, typer.Option("--rules", help="Rules TOML file (default: packaged)",
                                               exists=True, dir_okay=False)]
def _check_out(path: Path | None) -> Path | None:
    """A usage error (exit 2) before any work when --out names a format we cannot write."""
    from pso_chain.output import FORMATS

    if path is not None and path.suffix.lower() not in FORMATS:
        raise typer.BadParameter(f"{path}: use one of {', '.join(FORMATS)}", param_hint="--out")
    return path


OutOpt = Annotated[Path | None, typer.Option("--out", "-o", callback=_check_out,
                                             help="Write to FILE (.csv, .parquet, .xlsx or .json)")]
OrgOpt = Annotated[str, typer.Option("--org", help="org_id of the organisation")]


def fails_on_bad_input(func):
    """Turn :class:`PsoInputError` into a clear message on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except PsoInputError as exc:
            err_console.print(f"[bold red]error:[/bold red] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


def open_network(dataset: str, rules: Path | None = None, show_warnings: bool = True
                 ) -> PurchaseNetwork:
    """Load and validate with a spinner on stderr; warnings printed, errors raised."""
    with err_console.status(f"loading {dataset} ...", spinner="dots"):
        source = pso_chain.open(dataset, rules)  # the compiled network (pso_chain.compiled)
        # a database is read whole for the commands that still call the engine directly (the
        # verbs through pso_chain.<verb> read only what they need)
        network = source if isinstance(source, PurchaseNetwork) else source.whole()
    warnings = network.data.report.warnings
    if show_warnings and len(warnings):
        from pso_chain.errors import format_problem

        for r in warnings.head(10).itertuples(index=False):
            err_console.print(f"[yellow]warning:[/yellow] "
                              f"{format_problem(r.file, r.row, r.column, r.value, r.reason)}",
                              highlight=False, soft_wrap=True)
        if len(warnings) > 10:
            err_console.print(f"[yellow]... {len(warnings) - 10} more warnings "
                              "(pso-chain validate lists all)[/yellow]")
    return network


def is_terminal() -> bool:
    return sys.stdout.isatty()
