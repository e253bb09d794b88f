"""The ``pso-chain`` command line: thin typer wrappers over the library."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="pso-chain",
    help="PSO scores, social-purchasing credit and the olievlek on purchase networks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

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


def main() -> None:
    """Console-script entry point (numpy's huge-page advice off for the whole run: see
    :func:`pso_chain.network.small_pages`)."""
    from pso_chain.network import small_pages

    with small_pages():
        app()


if __name__ == "__main__":
    main()
