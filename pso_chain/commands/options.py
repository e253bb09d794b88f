"""Options of ``pso-chain`` itself (before the verb): ``--version``, ``--lang`` and the
compiled network's ``--no-cache`` and ``--cache-dir``.

They become one :class:`~pso_chain.config.Settings` (the environment first, the options on
top: :func:`pso_chain.config.from_environment`), kept on the command's click context and
handed down to the library by :func:`settings` — never through ``os.environ``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from typer._click.globals import get_current_context  # typer's own click

from pso_chain import __version__
from pso_chain.config import Settings, from_environment
from pso_chain.outputs.files import set_language


class Lang(StrEnum):
    nl = "nl"
    en = "en"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pso-chain {__version__}")
        raise typer.Exit()


def global_options(
    ctx: typer.Context,
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
        help="Where compiled networks live (default: the user's cache folder, "
             "~/.cache/pso-chain/compiled on Linux; or set PSO_CHAIN_CACHE)")] = None,
) -> None:
    """PSO scores, social-purchasing credit and the olievlek on purchase networks."""
    set_language(lang.value)
    ctx.obj = from_environment(cache=False if no_cache else None, cache_dir=cache_dir,
                               lang=lang.value)


def settings() -> Settings:
    """The settings of the command running now (built by :func:`global_options`); the
    environment's when a command runs without the ``pso-chain`` group (a test calling it)."""
    ctx = get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    if root is not None and isinstance(root.obj, Settings):
        return root.obj
    return from_environment()
