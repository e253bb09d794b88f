"""The ``pso-chain`` command line: thin typer wrappers over the library.

A new verb lives in its own module of :mod:`pso_chain.commands` with a ``register(app)``
function, and gets one line in :data:`COMMAND_MODULES`.
"""

from __future__ import annotations

import functools
import importlib
import logging
import sys
from typing import TYPE_CHECKING

import typer

from pso_chain import __version__
from pso_chain.api.outputs import small_pages
from pso_chain.outputs.files import set_context

if TYPE_CHECKING:
    from typer._click import Command  # typer's own click (typer.main.get_command's type)

from pso_chain.commands import helptext
from pso_chain.commands.options import global_options

app = typer.Typer(
    name="pso-chain",
    help="PSO scores, social-purchasing credit and the olievlek on purchase networks. Tables, "
         "workbooks and the report are in Dutch; pso-chain --lang en for English.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.callback()(global_options)

COMMAND_MODULES = ("core", "buyers", "olievlek", "neo4j", "report", "sroi", "importing", "serve",
                   "build")

for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"pso_chain.commands.{_name}")
    except ModuleNotFoundError as _exc:  # a command group not installed in this build
        if _exc.name != f"pso_chain.commands.{_name}":
            raise
        continue
    _module.register(app)

helptext.tidy()


@functools.cache
def command() -> Command:
    """The click command behind :data:`app`, built once per process."""
    return typer.main.get_command(app)


def show_progress_log() -> None:
    """The library prints nothing and logs its progress (compiling a dataset, ...) to the
    ``pso_chain`` logger; the command line shows those lines on stderr."""
    log = logging.getLogger("pso_chain")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def main(args: list[str] | None = None, prog_name: str | None = None) -> None:
    """Run one command (default: this process's arguments) and exit with its status; numpy's
    huge-page advice is off for the whole run (:func:`pso_chain.core.network.small_pages`)."""
    args = sys.argv[1:] if args is None else args
    show_progress_log()
    set_context(command=" ".join(["pso-chain", *args]), tool=f"pso-chain {__version__}")
    with small_pages():
        command().main(args=args, prog_name=prog_name)


if __name__ == "__main__":
    main()
