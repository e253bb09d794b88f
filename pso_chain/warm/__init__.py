"""A warm worker: the command line without its start-up.

Half a second or more of every ``pso-chain`` command is Python importing pandas, pyarrow, typer
and the engine, before any work. ``pso-chain warm start`` starts one background process that has
done those imports once and then forks a copy of itself per command: the copy receives the
command line, the working folder, the environment and the caller's own stdin, stdout and stderr
(passed over a Unix socket, ``SCM_RIGHTS``), runs the command exactly as ``pso-chain`` would and
reports the exit status. Output goes straight to the caller's terminal or pipe, byte for byte
what the command prints without the worker. The same idea as ``dmypy`` or Mercurial's ``chg``.

Closed by default: the socket is in a folder only its user can enter (mode 0700, the socket
0600), the worker serves only processes of its own user (``SO_PEERCRED``), and only the
installation that started it (the package folder and the Python interpreter name the socket).
A worker whose code changed on disk since it started refuses and stops; the command then runs
in its own process, as it does whenever no worker answers or ``PSO_CHAIN_WARM=0`` is set.

This module is the part every command reads: the standard library only, so asking for a worker
costs a millisecond, not the imports it saves.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import sys
from pathlib import Path
from typing import Any

WARM_ENV = "PSO_CHAIN_WARM"  # "0" (or off/no/false): never hand a command to a worker
DIR_ENV = "PSO_CHAIN_WARM_DIR"  # where the worker's socket lives (default: see socket_dir)
IDLE_MINUTES = 60  # a worker with nothing to do this long stops (pso-chain warm start --idle)
PACKAGE_DIR = str(Path(__file__).resolve().parents[1])

# Commands that stay in their own process: the worker's own controls, and the long-running
# servers (their signals and lifetime belong to the terminal that started them).
NOT_FORWARDED = frozenset({"warm", "serve", "neo4j"})


def disabled() -> bool:
    """``PSO_CHAIN_WARM=0`` (or off/no/false): run every command in its own process."""
    return os.environ.get(WARM_ENV, "").strip().lower() in ("0", "off", "no", "false")


def socket_dir() -> Path:
    """``$PSO_CHAIN_WARM_DIR``, else ``$XDG_RUNTIME_DIR/pso-chain``, else
    ``~/.cache/pso-chain/warm``."""
    if os.environ.get(DIR_ENV):
        return Path(os.environ[DIR_ENV])
    if os.environ.get("XDG_RUNTIME_DIR"):
        return Path(os.environ["XDG_RUNTIME_DIR"]) / "pso-chain"
    return Path.home() / ".cache" / "pso-chain" / "warm"


def socket_path() -> Path:
    """The socket of this installation's worker: one per package folder and interpreter (a
    short name: a Unix socket path has at most 107 bytes)."""
    tag = hashlib.sha256(f"{PACKAGE_DIR}\0{sys.executable}".encode()).hexdigest()[:16]
    return socket_dir() / f"{tag}.sock"


def framed(message: dict[str, Any]) -> bytes:
    """A request as the worker reads it: its length (4 bytes, big-endian), then JSON."""
    body = json.dumps(message).encode()
    return struct.pack("!I", len(body)) + body
