"""Options of ``pso-chain`` itself (before the verb): ``--version``, ``--lang`` and the
compiled network's ``--no-cache`` and ``--cache-dir``."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from pso_chain import __version__
from pso_chain.core.compiled import CACHE_ENV, NO_CACHE_ENV
from pso_chain.outputs.files import set_language


class Lang(StrEnum):
    nl = "nl"
    en = "en"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pso-chain {__version__}")
        raise typer.Exit()


def global_options(
    lang: Annotated[Lang, typer.Option(
        "--lang", envvar="PSO_CHAIN_LANG", show_default=False,
        help="Language of terminal tables, workbooks and the report: nl or en (default: nl; "
             "or set PSO_CHAIN_LANG). CSV, Parquet and JSON keep the English column names.")] = Lang.nl,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and stop")] = False,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Read and validate the tables every time instead of opening the compiled "
                           "network (or set PSO_CHAIN_NO_CACHE=1; see docs/compiled.md)")] = False,
    cache_dir: Annotated[Path | None, typer.Option(
        "--cache-dir", metavar="DIR", show_default=False,
        help="Where compiled networks live (default: DATASET/.pso-cache; or set PSO_CHAIN_CACHE)")] = None,
) -> None:
    """PSO scores, social-purchasing credit and the olievlek on purchase networks."""
    set_language(lang.value)
    # through the environment: every open of this run sees it, serve's worker processes too
    if no_cache:
        os.environ[NO_CACHE_ENV] = "1"
    if cache_dir is not None:
        os.environ[CACHE_ENV] = str(cache_dir)
