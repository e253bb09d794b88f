"""The warm worker (``pso-chain warm``): a command answered by it prints, byte for byte, what it
prints in its own process, with the same exit status; it is closed to other installations and
to changed code, survives hostile connections, and stops when asked or idle.

Every command runs as users run it (``python -m pso_chain``, a real process), against a real
worker process started by ``pso-chain warm start``.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pso_chain
from pso_chain.warm import framed
from pso_chain.warm import server as warm_server

EXAMPLE = str(pso_chain.example_path())


def run(args: list[str], env: dict[str, str], cwd: Path, warm: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pso_chain", *args], capture_output=True, cwd=cwd,
                          env={**env, "PSO_CHAIN_WARM": "1" if warm else "0"}, timeout=300)


def status(env: dict[str, str], cwd: Path) -> dict | None:
    done = run(["warm", "status"], env, cwd)
    if done.returncode:
        return None
    words = done.stdout.decode().split()
    return {"pid": int(words[words.index("process") + 1].rstrip(",")),
            "commands": int(words[words.index("commands,") - 1])}


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    """A worker of this installation with its socket in a fresh folder; stopped afterwards."""
    home = tmp_path_factory.mktemp("warm")
    env = {**os.environ, "PSO_CHAIN_WARM_DIR": str(home / "sock"), "COLUMNS": "120"}
    env.pop("PSO_CHAIN_LANG", None)
    started = run(["warm", "start", "--idle", "10"], env, home)
    assert started.returncode == 0, started.stderr.decode()
    yield env, home
    run(["warm", "stop"], env, home)


COMMANDS = [
    ["explain", EXAMPLE, "--org", "90000002"],
    ["--lang", "en", "explain", EXAMPLE, "--org", "90000002"],
    ["uplift", EXAMPLE, "--org", "90000002"],
    ["suppliers", EXAMPLE, "--for", "90000002", "--on", "2025-06-30"],
    ["credits", EXAMPLE],
    ["substitutes", EXAMPLE, "--org", "90000002"],
    ["explain", EXAMPLE, "--org", "no-such-org"],  # bad input: exit 1, the error on stderr
    ["explain", EXAMPLE, "--year", "twenty"],  # a usage error: exit 2
    ["uplift", "--help"],
    ["--version"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:2]) for a in COMMANDS])
def test_same_bytes_and_status_as_its_own_process(worker, args):
    env, home = worker
    before = status(env, home)
    assert before is not None
    warm = run(args, env, home)
    after = status(env, home)
    assert after is not None and after["commands"] == before["commands"] + 1  # answered by the worker
    cold = run(args, env, home, warm=False)
    assert (warm.returncode, warm.stdout, warm.stderr) == (cold.returncode, cold.stdout, cold.stderr)


def test_caller_folder_environment_and_files(worker, tmp_path):
    """Relative paths are the caller's, its environment counts (language), files land there."""
    env, _ = worker
    (tmp_path / "out").mkdir()
    lang = {**env, "PSO_CHAIN_LANG": "en"}
    warm = run(["credits", EXAMPLE, "--out", "out/credits.csv"], lang, tmp_path)
    assert warm.returncode == 0, warm.stderr.decode()
    written = (tmp_path / "out" / "credits.csv").read_bytes()
    cold = run(["credits", EXAMPLE, "--out", "out/cold.csv"], lang, tmp_path, warm=False)
    assert cold.returncode == 0
    assert written == (tmp_path / "out" / "cold.csv").read_bytes()
    shown = run(["explain", EXAMPLE, "--org", "90000002"], lang, tmp_path)
    assert b"direct contribution" in shown.stdout.lower() or shown.stdout == run(
        ["explain", EXAMPLE, "--org", "90000002"], lang, tmp_path, warm=False).stdout


def test_socket_closed_to_others(worker):
    env, _ = worker
    folder = Path(env["PSO_CHAIN_WARM_DIR"])
    sockets = list(folder.glob("*.sock"))
    assert len(sockets) == 1
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(sockets[0].stat().st_mode) & 0o077 == 0


def _raw(path: Path, payload: bytes, fds: list[int] = ()) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(20)
        sock.connect(str(path))
        if fds:
            socket.send_fds(sock, [payload], list(fds))
        else:
            sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def test_hostile_requests_are_refused_and_the_worker_lives_on(worker):
    env, home = worker
    path = next(Path(env["PSO_CHAIN_WARM_DIR"]).glob("*.sock"))
    assert _raw(path, b"") == b""  # nothing sent
    assert _raw(path, b"\x00\x00") == b""  # shorter than a header
    assert _raw(path, struct.pack("!I", 2**31) + b"{}") == b""  # an absurd length
    assert _raw(path, struct.pack("!I", 5) + b"nope!") == b""  # not JSON
    assert _raw(path, framed([1, 2])) == b""  # JSON, not a request
    other = _raw(path, framed({"argv": ["credits", EXAMPLE], "prog": "x", "cwd": "/", "env": {},
                                "package": "/elsewhere", "python": sys.executable}), [0, 1, 2])
    assert json.loads(other)["refused"] == "another installation"
    no_streams = _raw(path, framed({"argv": ["credits", EXAMPLE], "package": warm_server.PACKAGE_DIR,
                                     "python": sys.executable}))
    assert "refused" in json.loads(no_streams)
    done = run(["explain", EXAMPLE, "--org", "90000002"], env, home)
    assert done.returncode == 0 and status(env, home) is not None


def test_code_stamp_sees_a_changed_file(tmp_path):
    """A worker compares the package's files at every command: same size, one byte other."""
    package = tmp_path / "pkg"
    package.mkdir()
    module = package / "m.py"
    module.write_text("x = 1\n")
    before = warm_server.code_stamp([str(package)])
    stamp = module.stat()
    module.write_text("x = 2\n")
    os.utime(module, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1))
    assert warm_server.code_stamp([str(package)]) != before
    (package / "new.py").write_text("")
    assert len(warm_server.code_stamp([str(package)])) == 2


def test_without_a_worker_commands_run_in_their_own_process(tmp_path):
    env = {**os.environ, "PSO_CHAIN_WARM_DIR": str(tmp_path / "none")}
    done = run(["explain", EXAMPLE, "--org", "90000002"], env, tmp_path)
    assert done.returncode == 0 and b"90000002" in done.stdout
    assert run(["warm", "status"], env, tmp_path).returncode == 1


def test_idle_worker_stops_and_stop_stops(tmp_path):
    env = {**os.environ, "PSO_CHAIN_WARM_DIR": str(tmp_path / "sock")}
    assert run(["warm", "start", "--idle", "0.02"], env, tmp_path).returncode == 0  # 1.2 s
    deadline = time.monotonic() + 60
    while status(env, tmp_path) is not None and time.monotonic() < deadline:
        time.sleep(0.5)
    assert status(env, tmp_path) is None
    assert not list((tmp_path / "sock").glob("*.sock"))
    assert run(["warm", "start", "--idle", "0"], env, tmp_path).returncode == 0
    again = run(["warm", "start"], env, tmp_path)
    assert b"already runs" in again.stdout
    stopped = run(["warm", "stop"], env, tmp_path)
    assert b"stopped" in stopped.stdout
    assert status(env, tmp_path) is None


def test_changed_code_is_refused_and_the_worker_stops():
    """A worker whose files changed since it started answers no command (the caller runs it
    itself) and tells its loop to stop."""
    ours, theirs = socket.socketpair(socket.AF_UNIX)
    with theirs:
        socket.send_fds(theirs, [framed({"argv": ["credits", EXAMPLE], "prog": "pso-chain", "cwd": "/",
                                          "env": {}, "package": warm_server.PACKAGE_DIR,
                                          "python": sys.executable})], [0, 1, 2])
        keep = warm_server._answer(None, ours, (("a file as it was", 0, 0),))
        reply = json.loads(theirs.makefile("rb").readline())
    assert keep is False
    assert reply == {"refused": "the code changed since the worker started"}


@pytest.mark.parametrize("idle", ["-1", "soon", ""])
def test_idle_minutes_that_are_not_a_duration_are_a_usage_error(idle, tmp_path):
    env = {**os.environ, "PSO_CHAIN_WARM_DIR": str(tmp_path / "sock")}
    done = run(["warm", "start", "--idle", idle], env, tmp_path)
    assert done.returncode == 2 and b"--idle" in done.stderr
    assert status(env, tmp_path) is None  # nothing started
