"""A throwaway local Neo4j Community server (5.26 LTS) built from Maven Central artifacts.

The Java launcher in ``launcher/`` (a ``pom.xml`` and one class) embeds Neo4j with only the
Bolt connector, bound to 127.0.0.1, authentication always on (user ``neo4j``) and ``LOAD CSV``
refused file URLs (its import folder an empty one). :func:`ensure_launcher_built` copies it to a cache
directory keyed by a hash of its sources and builds it once with Maven (reusing ``~/.m2``);
:class:`LocalNeo4j` runs it in a JVM, waits for its ``READY bolt://127.0.0.1:PORT`` line and
checks the port with the neo4j driver when that is installed. Needs ``java`` (17+) and, for
the first build only, ``mvn`` with access to Maven Central.

    with LocalNeo4j() as server:          # a free port, a temp data dir, the user's password
        print(server.uri)                 # bolt://127.0.0.1:PORT
        pso_chain.open(server.uri)        # finds the password in its file (loopback URIs)

The password is the settings' ``neo4j_password`` (``NEO4J_PASSWORD``) or the one in the user's
password file, made on first start (:mod:`pso_chain.neo4jdb.credentials`); it reaches the JVM
through an environment variable of the child process only, never its command line or a log.

``python -m pso_chain.neo4jdb.server --build-only`` builds ahead of time (CI);
``python -m pso_chain.neo4jdb.server [--port P] [--data DIR]`` serves until Ctrl-C.
"""

from __future__ import annotations

import argparse
import atexit
import collections
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from pso_chain import check
from pso_chain.config import ENV, Settings, child_environment, from_environment
from pso_chain.neo4jdb.build import (
    MAIN_CLASS,
    NEO4J_VERSION,
    Neo4jServerError,
    Progress,
    _launcher_files,  # noqa: F401 - re-exported for the tests
    _tail,
    ensure_launcher_built,
    java_command,
    launcher_cache_root,
)
from pso_chain.neo4jdb.connect import redact
from pso_chain.neo4jdb.credentials import CredentialsError, local_password

__all__ = [
    "LocalNeo4j",
    "Neo4jServerError",
    "NEO4J_VERSION",
    "ensure_launcher_built",
    "launcher_cache_root",
    "run_forever",
]

LOOPBACK = "127.0.0.1"
_PASSWORD_ENV = "PSO_CHAIN_NEO4J_PASSWORD"
_READY = re.compile(r"^READY (bolt://\S+:(\d+))\s*$")
_STARTED = re.compile(r"^Neo4j (\S+) started in ")


def _check_port_free(port: int) -> None:
    """Fail fast (instead of after Neo4j created its databases) when ``port`` is taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if os.name != "nt":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
        except OSError as exc:
            raise Neo4jServerError(f"cannot use port {port} on {LOOPBACK}: {exc.strerror or exc} "
                                   "(leave the port out to pick a free one)") from None


class LocalNeo4j:
    """A throwaway Neo4j Community server on 127.0.0.1, as a context manager.

    ``port=None`` lets the server pick a free port (reported back, so no race);
    ``data_dir=None`` uses a temporary directory deleted on :meth:`stop`. Authentication is
    always on (user ``neo4j``): ``password``, else
    :func:`~pso_chain.neo4jdb.credentials.local_password` (the settings' password or the
    user's password file, made on first start). ``extra_config`` adds neo4j.conf settings;
    loopback binding, the Bolt-only setup, authentication and the ``LOAD CSV`` limits cannot
    be overridden.
    ``before_start(home)`` runs before the JVM starts (the bulk import writes the store there).
    """

    def __init__(
        self,
        port: int | None = None,
        data_dir: Path | None = None,
        heap: str = "1g",
        startup_timeout: float = 300.0,
        *,
        pagecache: str = "256m",
        password: str | None = None,
        extra_config: dict[str, str] | None = None,
        progress: Progress | None = None,
        before_start: Callable[[Path], None] | None = None,
        settings: Settings | None = None,
    ) -> None:
        if port is not None and not 0 <= check.whole(port, "port") <= 65535:
            check.fail("port", port, "must be between 0 and 65535")
        self._requested_port = port
        self.port: int | None = port  # the bound port once started
        self.data_dir: Path | None = Path(data_dir) if data_dir is not None else None
        self.heap = heap
        self.startup_timeout = startup_timeout
        self.pagecache = pagecache
        self.password = password  # None: the settings' or the password file's, at start
        self.settings = settings or Settings()
        self.extra_config = dict(extra_config or {})
        self.before_start = before_start  # gets the home before the JVM starts (bulk import)
        self.progress = progress
        self.version: str | None = None
        self._uri: str | None = None
        self._process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None
        self._output: collections.deque[str] = collections.deque(maxlen=400)
        self._ready = threading.Event()
        self._temp_home: Path | None = None
        self._config_file: Path | None = None
        self._home: Path | None = None

    # -- state -------------------------------------------------------------------------------
    @property
    def uri(self) -> str:
        """``bolt://127.0.0.1:PORT`` once started."""
        if self._uri is None:
            raise RuntimeError("the Neo4j server is not started")
        return self._uri

    @property
    def auth(self) -> tuple[str, str]:
        """The driver ``auth`` argument (user ``neo4j`` and the password), once started."""
        if self.password is None:
            raise RuntimeError("the Neo4j server is not started")
        return ("neo4j", self.password)

    @property
    def client_settings(self) -> Settings:
        """The settings with this server's credentials: what a client of it connects with."""
        return self.settings.replace(neo4j_user="neo4j", neo4j_password=self.auth[1])

    @property
    def home(self) -> Path | None:
        """The server's home directory (data and logs) while started."""
        return self._home

    @property
    def pid(self) -> int | None:
        """The JVM's process id while started."""
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self._process is not None and self._process.poll() is None

    def output_tail(self, count: int = 40) -> str:
        """The last lines the launcher printed (Neo4j's log and the launcher's own lines),
        the password masked should any line hold it."""
        tail = _tail(list(self._output), count)
        return tail.replace(self.password, "***") if self.password else tail

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> LocalNeo4j:
        """Build the launcher if needed, start the JVM and wait until Bolt accepts connections."""
        if self._process is not None:
            raise RuntimeError("this LocalNeo4j is already started")
        if self._requested_port:
            _check_port_free(self._requested_port)
        if self.password is None:
            try:
                self.password = local_password(self.settings)
            except CredentialsError as exc:
                raise Neo4jServerError(str(exc)) from None
        java_cmd, build_dir = java_command(MAIN_CLASS, self.heap, self.progress, self.settings)
        if self.data_dir is not None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._home = self.data_dir.resolve()
        else:
            self._temp_home = Path(tempfile.mkdtemp(prefix="pso-chain-neo4j-"))
            self._home = self._temp_home
        if self.before_start is not None:
            try:
                self.before_start(self._home)
            except BaseException:
                self._cleanup()
                raise
        cmd = [*java_cmd, "--home", str(self._home), "--port", str(self._requested_port or 0),
               "--pagecache", self.pagecache, "--watch-stdin"]
        if self._temp_home is not None:
            cmd.append("--delete-home")  # also when this Python process is killed
        # the password for the JVM only in its environment (not its command line, not a log)
        env = child_environment(self.settings, {_PASSWORD_ENV: self.password},
                                without=(ENV["neo4j_password"],))
        cmd += ["--password-env", _PASSWORD_ENV]
        if self.extra_config:
            fd, name = tempfile.mkstemp(prefix="pso-chain-neo4j-", suffix=".conf")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.writelines(f"{k}={v}\n" for k, v in self.extra_config.items())
            self._config_file = Path(name)
            cmd += ["--config", name]
        if self.progress:
            where = "a temporary directory" if self._temp_home else str(self._home)
            self.progress(f"Starting Neo4j {NEO4J_VERSION} (data in {where})...")
        platform_kwargs: dict[str, Any]
        if sys.platform == "win32":
            platform_kwargs = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
        else:
            platform_kwargs = {"start_new_session": True}  # Ctrl-C reaches Python, which stops the JVM
        self._output.clear()
        self._ready.clear()
        started = time.monotonic()
        try:
            self._process = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                cwd=build_dir, env=env, text=True, encoding="utf-8", errors="replace",
                bufsize=1, **platform_kwargs,
            )
        except OSError as exc:
            self._cleanup()
            raise Neo4jServerError(f"cannot run {java_cmd[0]}: {redact(str(exc), self.password)}"
                                   ) from None
        self._reader = threading.Thread(target=self._read_output, name="neo4j-output",
                                         daemon=True)
        self._reader.start()
        atexit.register(self.stop)
        try:
            self._await_ready(started)
            self._verify_with_driver()
        except BaseException:
            self.stop()
            raise
        if self.progress:
            self.progress(f"Neo4j {self.version} ready at {self._uri} "
                          f"after {time.monotonic() - started:.1f} s.")
        return self

    def stop(self, timeout: float = 60.0) -> None:
        """Shut the server down cleanly (SIGTERM; killed after ``timeout`` s) and delete a
        temporary data directory. Safe to call more than once."""
        process = self._process
        if process is None:
            return
        try:
            if process.poll() is None:
                with contextlib.suppress(OSError, ValueError):
                    if process.stdin is not None:
                        process.stdin.close()  # the launcher stops on end-of-file too (Windows)
                if os.name != "nt":
                    with contextlib.suppress(OSError):
                        process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        finally:
            if self._reader is not None:
                self._reader.join(timeout=10)
            with contextlib.suppress(OSError, ValueError):
                if process.stdout is not None:
                    process.stdout.close()
            self._process = None
            self._reader = None
            self._uri = None
            atexit.unregister(self.stop)
            self._cleanup()

    def __enter__(self) -> LocalNeo4j:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self._uri or ("starting" if self._process else "stopped")
        return f"LocalNeo4j({state})"

    # -- internals ---------------------------------------------------------------------------
    def _read_output(self) -> None:
        process = self._process
        assert process is not None and process.stdout is not None
        for line in process.stdout:
            line = line.rstrip("\r\n")
            self._output.append(line)
            if (started := _STARTED.match(line)) is not None:
                self.version = started.group(1)
            if not self._ready.is_set() and (ready := _READY.match(line)) is not None:
                self._uri = ready.group(1)
                self.port = int(ready.group(2))
                self._ready.set()

    def _await_ready(self, started: float) -> None:
        process = self._process
        assert process is not None
        deadline = started + self.startup_timeout
        while not self._ready.wait(0.2):
            if process.poll() is not None:
                if self._reader is not None:
                    self._reader.join(timeout=5)
                raise self._failure(f"Neo4j exited with code {process.returncode} before it "
                                    "was ready")
            if time.monotonic() > deadline:
                raise self._failure(f"Neo4j was not ready within {self.startup_timeout:.0f} s")

    def _failure(self, what: str) -> Neo4jServerError:
        where = "" if self._temp_home else f" (Neo4j's own log: {self._home}/logs/debug.log)"
        return Neo4jServerError(f"{what}{where}. Last lines of its output:\n{self.output_tail()}")

    def _verify_with_driver(self) -> None:
        try:
            from neo4j import GraphDatabase
        except ImportError:  # the driver is optional; the launcher did a Bolt handshake
            return
        try:
            with GraphDatabase.driver(self.uri, auth=self.auth) as driver:
                driver.verify_connectivity()
        except Exception as exc:
            raise self._failure(f"Neo4j printed READY but the driver cannot connect to "
                                f"{self.uri}: {redact(str(exc), self.password)}") from None

    def _cleanup(self) -> None:
        if self._config_file is not None:
            self._config_file.unlink(missing_ok=True)
            self._config_file = None
        if self._temp_home is not None:
            shutil.rmtree(self._temp_home, ignore_errors=True)
            self._temp_home = None
        self._home = None


def run_forever(
    port: int | None = None,
    data_dir: Path | None = None,
    *,
    heap: str = "1g",
    password: str | None = None,
    pagecache: str = "256m",
    start: Callable[[Progress], LocalNeo4j] | None = None,
    settings: Settings | None = None,
) -> None:
    """Start a local server, print its bolt URI, serve until Ctrl-C/SIGTERM, stop cleanly.

    ``start(say)`` starts the server instead (``pso-chain neo4j local --load`` passes one that
    loads a dataset first: see ``bulk.start_with_dataset``).
    The URI goes to stdout (one line, for scripts); progress and hints go to stderr.
    Raises :class:`Neo4jServerError` when the server cannot start or dies.
    """

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    stop = threading.Event()
    previous: dict[signal.Signals, Any] = {}  # the handlers to put back
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    server = None
    try:
        if start is None:
            server = LocalNeo4j(port=port, data_dir=data_dir, heap=heap, pagecache=pagecache,
                                password=password, progress=say, settings=settings)
            server.start()
        else:
            server = start(say)
        print(server.uri, flush=True)
        settings = server.settings
        auth = ("user neo4j, the password given" if password is not None or settings.neo4j_password
                else f"user neo4j, password in {settings.neo4j_password_path}")
        data = (f"data in {server.home}" if data_dir is not None
                else "temporary data, deleted on stop (--data DIR keeps it)")
        say(f"Neo4j {server.version} at {server.uri} ({auth}; {data}). Press Ctrl-C to stop.")
        while not stop.wait(0.5):
            if not server.running:
                raise Neo4jServerError("Neo4j stopped unexpectedly. Last lines of its output:\n"
                                       + server.output_tail())
        say("Stopping Neo4j...")
    finally:
        if server is not None:
            server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    say("Neo4j stopped.")


def main(argv: list[str] | None = None) -> int:
    """``python -m pso_chain.neo4jdb.server [--build-only] [--port P] [--data DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m pso_chain.neo4jdb.server",
        description=f"Run a throwaway local Neo4j {NEO4J_VERSION} server on 127.0.0.1.")
    parser.add_argument("--build-only", action="store_true",
                        help="build the Java launcher (downloads Neo4j via Maven) and exit")
    parser.add_argument("--port", type=int, default=None,
                        help="Bolt port (default: a free port)")
    parser.add_argument("--data", type=Path, default=None,
                        help="data directory to keep (default: a temporary one)")
    parser.add_argument("--heap", default="1g", help="JVM maximum heap (default: 1g)")
    args = parser.parse_args(argv)

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    settings = from_environment()  # a command-line entry: the edge
    try:
        if args.build_only:
            print(ensure_launcher_built(progress=say, settings=settings), flush=True)
            return 0
        run_forever(args.port, args.data, heap=args.heap, settings=settings)
    except Neo4jServerError as exc:
        say(f"error: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
