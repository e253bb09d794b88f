"""Hand one command to the warm worker (:mod:`pso_chain.warm`), when one answers.

Standard library only: this runs before every command, and must cost far less than what it
saves.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from pso_chain.warm import NOT_FORWARDED, PACKAGE_DIR, disabled, framed, socket_path

FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


def connect() -> socket.socket | None:
    """A connection to this installation's worker, or None when none is there (or the socket
    is not ours: another user's file is never trusted)."""
    path = socket_path()
    try:
        info = os.stat(path)
    except OSError:
        return None
    if info.st_uid != os.getuid() or not stat.S_ISSOCK(info.st_mode):
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(path))
    except OSError:
        sock.close()
        return None
    return sock


def program_name() -> str:
    """How this process was called, as click names it in usage lines (``pso-chain``, or
    ``python -m pso_chain``): the worker's own would be another."""
    main = sys.modules.get("__main__")
    package = getattr(main, "__package__", None)
    if not package:
        return os.path.basename(sys.argv[0])
    name = os.path.splitext(os.path.basename(sys.argv[0]))[0]
    return f"python -m {package if name == '__main__' else f'{package}.{name}'}"


def request(argv: list[str]) -> bytes:
    """The command as the worker reads it: the arguments, how this process was called, its
    folder and environment, and which installation asks."""
    return framed({"argv": argv, "prog": program_name(), "cwd": os.getcwd(), "env": dict(os.environ),
                   "package": PACKAGE_DIR, "python": sys.executable})


def forward(argv: list[str]) -> int | None:
    """Run ``pso-chain ARGV`` in the warm worker with this process's stdin, stdout and stderr;
    its exit status, or None when no worker took it (the caller then runs it itself)."""
    if disabled() or not argv or argv[0] in NOT_FORWARDED:
        return None
    sock = connect()
    if sock is None:
        return None
    with sock:
        try:
            socket.send_fds(sock, [request(argv)], [0, 1, 2])
            replies = sock.makefile("rb")
            first = json.loads(replies.readline() or b"{}")
        except (OSError, ValueError):
            return None
        if "pid" not in first:  # refused (another installation, changed code): run it here
            return None
        child = int(first["pid"])

        def relay(signum: int, frame: FrameType | None) -> None:
            try:
                os.kill(child, signum)
            except OSError:
                pass

        for signum in FORWARDED_SIGNALS:
            signal.signal(signum, relay)
        try:
            last = replies.readline()
        except OSError:
            last = b""
    if not last:
        print("pso-chain: the warm worker's process ended without an exit status "
              "(pso-chain warm stop; PSO_CHAIN_WARM=0 runs commands without it)", file=sys.stderr)
        return 1
    return int(json.loads(last)["exit"])


def control(action: str) -> dict[str, Any] | None:
    """Ask the worker for its ``status`` or to ``stop``; None when none answers."""
    sock = connect()
    if sock is None:
        return None
    with sock:
        try:
            sock.sendall(framed({"control": action, "package": PACKAGE_DIR, "python": sys.executable}))
            return json.loads(sock.makefile("rb").readline() or b"null")
        except (OSError, ValueError):
            return None


def start(idle_minutes: float, timeout: float = 120.0) -> Path:
    """Start this installation's worker in the background (its own session: the terminal's
    Ctrl-C does not reach it) and wait up to ``timeout`` seconds until it listens; its socket.
    Errors of the start are in the log beside the socket."""
    path = socket_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    log = path.with_suffix(".log")
    with open(log, "ab") as err:
        os.chmod(log, 0o600)
        worker = subprocess.Popen(
            [sys.executable, "-m", "pso_chain.warm.server", str(idle_minutes)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, start_new_session=True)
    assert worker.stdout is not None
    answered, _, _ = select.select([worker.stdout], [], [], timeout)
    line = worker.stdout.readline() if answered else b""  # "ready <socket>"; b"" if it failed
    worker.stdout.close()
    if not line.startswith(b"ready "):
        worker.kill()
        raise RuntimeError(f"the warm worker did not start; see {log}")
    return path


def stop(timeout: float = 10.0) -> int | None:
    """Stop the worker (commands it is running finish); its process id, None when none ran."""
    answer = control("stop")
    if not answer:
        return None
    deadline = time.monotonic() + timeout
    while socket_path().exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return int(answer["stopping"])
