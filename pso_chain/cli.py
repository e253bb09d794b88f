"""The ``pso-chain`` command line: thin typer wrappers over the library.

A new verb lives in its own module of :mod:`pso_chain.commands` with a ``register(app)``
function, and gets one line in :data:`COMMAND_MODULES`.
"""

from __future__ import annotations

import importlib
import sys

import typer

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


def main() -> None:
    """Console-script entry point (numpy's huge-page advice off for the whole run: see
    :func:`pso_chain.network.small_pages`)."""
    from pso_chain import __version__
    from pso_chain.api_outputs import small_pages
    from pso_chain.output import set_context

    set_context(command=" ".join(["pso-chain", *sys.argv[1:]]), tool=f"pso-chain {__version__}")
    with small_pages():
        app()


if __name__ == "__main__":
    main()
