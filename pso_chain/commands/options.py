"""Options of ``pso-chain`` itself (before the verb): ``--version`` and ``--lang``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from pso_chain.output import set_language


class Lang(StrEnum):
    nl = "nl"
    en = "en"


def _version(value: bool) -> None:
    if value:
        from pso_chain import __version__

        typer.echo(f"pso-chain {__version__}")
        raise typer.Exit()


def global_options(
    lang: Annotated[Lang, typer.Option(
        "--lang", envvar="PSO_CHAIN_LANG", show_default=False,
        help="Language of terminal tables, workbooks and the report: nl or en (default: nl; "
             "or set PSO_CHAIN_LANG). CSV, Parquet and JSON keep the English column names.")] = Lang.nl,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and stop")] = False,
) -> None:
    """PSO scores, social-purchasing credit and the olievlek on purchase networks."""
    set_language(lang.value)
