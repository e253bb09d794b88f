"""The warm worker's process (:mod:`pso_chain.warm`): import once, fork per command.

The parent only imports and waits: it never runs a command, so no thread pool, no open file of
a dataset and no state of one command is inherited by the next; each command runs in a fresh
fork, as it would in a fresh process, only without the imports.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import pkgutil
import signal
import socket
import struct
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pso_chain.warm import PACKAGE_DIR, socket_path

# Loaded before the first fork (what commands otherwise import on their way).
LIBRARIES = ("numpy", "pandas", "pyarrow", "pyarrow.compute", "pyarrow.ipc", "pyarrow.parquet",
             "scipy.sparse", "xxhash", "rich.console", "rich.table", "typer", "typer._adapters")
SKIPPED = ("pso_chain.web", "pso_chain.neo4jdb", "pso_chain.warm", "pso_chain.__main__")
MAX_REQUEST = 16 * 2**20  # bytes of one command line, folder and environment
POLL_SECONDS = 1.0


@dataclass
class WorkerState:
    """What ``pso-chain warm status`` reports: when the worker started listening, how many
    commands it has forked."""

    started: float = 0.0
    commands: int = 0


STATE = WorkerState()


def preload() -> None:
    """Import the libraries and every module of the package a command may need, and build the
    command line's click command (typer's part of the start-up)."""
    import pso_chain
    from pso_chain import cli

    for name in LIBRARIES:
        importlib.import_module(name)
    for info in pkgutil.walk_packages(pso_chain.__path__, "pso_chain."):
        if not info.name.startswith(SKIPPED):
            try:
                importlib.import_module(info.name)
            except ImportError:  # an optional extra not installed: its commands import it themselves
                pass
    cli.command()


def code_stamp(roots: Iterable[str] | None = None) -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of every file of the package (and of its parts
    installed from elsewhere, ``pso_chain.loaders`` in a development install): a worker whose
    code changed on disk must not answer with the old one."""
    if roots is None:
        roots = {PACKAGE_DIR, *(path for name, module in list(sys.modules.items())
                                if name.startswith("pso_chain.") for path in getattr(module, "__path__", ()))}
    stamps = set()
    for root in roots:
        for folder, _, files in os.walk(root):
            if "__pycache__" in folder:
                continue
            for name in files:
                info = os.stat(os.path.join(folder, name))
                stamps.add((os.path.join(folder, name), info.st_size, info.st_mtime_ns))
    return tuple(sorted(stamps))


def _peer_uid(conn: socket.socket) -> int:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


def _receive(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """One request: the header and the caller's stdin, stdout and stderr."""
    data, fds, _, _ = socket.recv_fds(conn, 65536, 3)
    if len(data) < 4:
        raise ValueError("short request")
    size = struct.unpack("!I", data[:4])[0]
    if size > MAX_REQUEST:
        raise ValueError("request too large")
    body = bytearray(data[4:])
    while len(body) < size:
        chunk = conn.recv(min(65536, size - len(body)))
        if not chunk:
            raise ValueError("request cut short")
        body += chunk
    return json.loads(body), fds


def _send(conn: socket.socket, message: dict[str, Any]) -> None:
    conn.sendall(json.dumps(message).encode() + b"\n")


def _run_child(listener: socket.socket | None, conn: socket.socket, request: dict[str, Any],
               fds: list[int]) -> None:
    """In the fork: become the caller's command (its streams, folder and environment), run it,
    report the exit status. Never returns."""
    status = 1
    try:
        if listener is not None:
            listener.close()
        signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C relayed by the caller
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        for target, fd in zip((0, 1, 2), fds, strict=True):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = [request["prog"], *request["argv"]]
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, io.TextIOWrapper):
                stream.reconfigure(line_buffering=stream.isatty())
        from pso_chain.commands.common import refresh_consoles

        refresh_consoles()
        _send(conn, {"pid": os.getpid()})
        status = _run_command(request["argv"], request["prog"])
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        try:
            _send(conn, {"exit": status})
        except OSError:
            pass
        os._exit(status)


def _run_command(argv: list[str], prog: str) -> int:
    """``pso-chain ARGV`` with Python's own exit rules (SystemExit's code, 1 for an uncaught
    exception after its traceback)."""
    from pso_chain import cli

    try:
        cli.main(argv, prog_name=prog)
    except SystemExit as done:
        code = done.code
        if code is None or isinstance(code, int):
            return int(code or 0)
        print(code, file=sys.stderr)
        return 1
    except BaseException:  # what the interpreter would print, then its status
        sys.excepthook(*sys.exc_info())
        return 1
    return 0


def _running() -> bool:
    """Collect finished commands; whether any still runs."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:  # no children at all
            return False
        if pid == 0:
            return True


def serve(idle_minutes: float) -> None:
    """Listen until idle for ``idle_minutes`` (0: never), the code changed, or SIGTERM."""
    preload()
    stamp = code_stamp()
    path = socket_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o177)
    try:
        listener.bind(str(path))
    finally:
        os.umask(old_mask)
    bound = os.stat(path).st_ino
    listener.listen(16)
    listener.settimeout(POLL_SECONDS)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    STATE.started = time.time()
    print(f"ready {path}", flush=True)
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)  # the starter has read its line and closed the pipe
    os.close(quiet)
    last = time.monotonic()
    try:
        while True:
            busy = _running()  # also collects finished commands
            if idle_minutes and not busy and time.monotonic() - last > idle_minutes * 60:
                return
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            answered = STATE.commands
            if not _answer(listener, conn, stamp):
                return
            if STATE.commands != answered:  # a command, not a status question: not idle
                last = time.monotonic()
    finally:
        listener.close()
        try:
            if os.stat(path).st_ino == bound:  # not a newer worker's socket
                path.unlink()
        except OSError:
            pass


def _answer(listener: socket.socket | None, conn: socket.socket, stamp: tuple) -> bool:
    """Fork a child for one request; False when this worker must stop (its code changed)."""
    fds: list[int] = []
    with conn:
        conn.settimeout(10)
        try:
            if _peer_uid(conn) != os.getuid():
                return True
            request, fds = _receive(conn)
            if request.get("control") == "status":
                _send(conn, {"pid": os.getpid(), "socket": str(socket_path()), "started": STATE.started,
                             "commands": STATE.commands, "running": _running()})
                return True
            if request.get("control") == "stop":
                _send(conn, {"stopping": os.getpid()})
                return False
            if len(fds) != 3:
                _send(conn, {"refused": "stdin, stdout and stderr expected"})
                return True
            if request.get("package") != PACKAGE_DIR or request.get("python") != sys.executable:
                _send(conn, {"refused": "another installation"})
                return True
            if code_stamp() != stamp:
                _send(conn, {"refused": "the code changed since the worker started"})
                return False
            conn.settimeout(None)
            STATE.commands += 1
            if os.fork() == 0:
                _run_child(listener, conn, request, fds)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):  # not a request of ours
            return True
        finally:
            for fd in fds:
                os.close(fd)
    return True


def main() -> None:
    """``python -m pso_chain.warm.server [IDLE_MINUTES]`` (what ``pso-chain warm start`` runs)."""
    serve(float(sys.argv[1]) if len(sys.argv) > 1 else 0.0)


if __name__ == "__main__":
    main()
