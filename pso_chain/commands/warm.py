"""``pso-chain warm start|status|stop``: a background worker that answers commands without the
start-up (:mod:`pso_chain.warm`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from pso_chain.commands.common import err_console, say
from pso_chain.warm import IDLE_MINUTES, socket_path
from pso_chain.warm.client import control, start, stop

warm_app = typer.Typer(help=(
    "A warm worker: pso-chain commands answer without loading Python's libraries each time "
    "(about half a second or more per command). Output is the same as without it."),
    no_args_is_help=True)


@warm_app.command("start")
def start_cmd(
    idle: Annotated[float, typer.Option(
        "--idle", min=0.0, metavar="MINUTES",
        help="Stop after this many minutes without a command (0: only on pso-chain warm stop)")]
        = IDLE_MINUTES,
) -> None:
    """Start the worker for this installation (in the background; it outlives this terminal)."""
    running = control("status")
    if running:
        say(f"a warm worker already runs (process {running['pid']}, {running['socket']})")
        return
    try:
        path = start(idle)
    except RuntimeError as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    after = f"after {idle:g} minutes without a command" if idle else "on pso-chain warm stop"
    say(f"warm worker started ({path}); commands of this installation now skip the start-up. "
        f"It stops {after}; PSO_CHAIN_WARM=0 runs a command without it.")


@warm_app.command("status")
def status_cmd() -> None:
    """Whether a worker runs, since when, and how many commands it answered (exit 1: none)."""
    state = control("status")
    if not state:
        say(f"no warm worker runs ({socket_path()}); start one with pso-chain warm start")
        raise typer.Exit(1)
    since = dt.datetime.fromtimestamp(state["started"]).isoformat(timespec="seconds")
    say(f"warm worker: process {state['pid']}, since {since}, {state['commands']} commands, "
        f"socket {state['socket']}")


@warm_app.command("stop")
def stop_cmd() -> None:
    """Stop the worker (commands it is running finish first)."""
    pid = stop()
    say("no warm worker runs" if pid is None else f"warm worker (process {pid}) stopped")


def register(app: typer.Typer) -> None:
    app.add_typer(warm_app, name="warm")
