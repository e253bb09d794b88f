"""``pso-chain build``: compile a dataset folder once, so later commands open it in milliseconds."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from pso_chain.commands.common import DatasetArg, RulesOpt, err_console, fails_on_bad_input
from pso_chain.commands.options import settings
from pso_chain.core.compiled import CompiledNetwork, cache_key, cache_root, open_compiled
from pso_chain.rules import load_rules


@fails_on_bad_input
def build_cmd(
    dataset: DatasetArg,
    rules: RulesOpt = None,
    cache_dir: Annotated[Path | None, typer.Option(
        "--cache-dir", metavar="DIR", show_default=False,
        help="Where compiled networks live (default: pso-chain --cache-dir, $PSO_CHAIN_CACHE, "
             "else the user's cache folder)")] = None,
    force: Annotated[bool, typer.Option("--force", help="Build anew even when up to date")] = False,
    verify: Annotated[bool, typer.Option(
        "--verify", help="Recheck the hash of every file of an existing compiled network")] = False,
) -> None:
    """Read and validate DATASET once into its compiled network (memory-mapped files keyed by the
    content of the tables and the rules); every command then opens that instead."""
    rule_set = load_rules(rules)
    config = settings()
    start = time.perf_counter()
    network = open_compiled(dataset, rule_set, cache_dir=cache_dir, settings=config,
                            rebuild=force, verify=verify,
                            say=lambda message: err_console.print(message, markup=False, highlight=False,
                                                                  soft_wrap=True))
    entry = cache_root(dataset, cache_dir, config) / cache_key(dataset, rule_set)
    state = "up to date" if isinstance(network, CompiledNetwork) else "built"
    if not entry.is_dir():
        state = "not written (see above)"
    size = sum(p.stat().st_size for p in entry.iterdir()) / 2**20 if entry.is_dir() else 0.0
    warnings = len(network.data.report.warnings)
    typer.echo(f"{entry}: {state}; {network.n:,} organisations, {len(network.purchases):,} purchase "
               f"rows, {warnings:,} warnings, {size:,.0f} MB, {time.perf_counter() - start:.1f} s")


def register(app: typer.Typer) -> None:
    app.command("build")(build_cmd)
