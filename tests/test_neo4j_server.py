"""The throwaway local Neo4j (pso_chain.neo4jdb.server) against a real server.

The ``neo4j_server`` fixture (tests/neo4j_fixtures.py) starts one per session; these tests
skip without Java/Maven/driver unless ``CI=true``, where they fail instead.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import stat
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pso_chain.config import Settings
from pso_chain.neo4jdb import server as server_module
from pso_chain.neo4jdb.credentials import read_local_password
from pso_chain.neo4jdb.server import LocalNeo4j, Neo4jServerError, ensure_launcher_built
from tests.neo4j_fixtures import neo4j_unavailable


def _driver(server: LocalNeo4j, auth: tuple[str, str] | None = None):
    from neo4j import GraphDatabase

    return GraphDatabase.driver(server.uri, auth=auth if auth is not None else server.auth,
                                notifications_min_severity="OFF")


@contextmanager
def _started(server: LocalNeo4j) -> Iterator[LocalNeo4j]:
    """Start an extra server (skip, or fail under CI, when it cannot start); stop it after."""
    try:
        server.start()
    except Neo4jServerError as exc:
        neo4j_unavailable(str(exc))
    try:
        yield server
    finally:
        server.stop()


# -- no server needed -------------------------------------------------------------------------
def test_launcher_sources_ship_with_the_package() -> None:
    files = server_module._launcher_files()
    assert "pom.xml" in files
    assert any(p.endswith("/Launcher.java") for p in files)
    assert server_module.NEO4J_VERSION.startswith("5.26.")
    assert f"<neo4j.version>{server_module.NEO4J_VERSION}<" in files["pom.xml"].decode()


def test_a_taken_port_fails_fast_with_a_clear_message() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(Neo4jServerError, match=rf"port {port}.*in use"):
            LocalNeo4j(port=port).start()
        assert time.monotonic() - started < 5


def test_uri_before_start_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        _ = LocalNeo4j().uri


# -- against the session server ---------------------------------------------------------------
@pytest.mark.neo4j
def test_return_1(neo4j_server: LocalNeo4j) -> None:
    assert neo4j_server.uri.startswith("bolt://127.0.0.1:")
    assert neo4j_server.version == server_module.NEO4J_VERSION
    with _driver(neo4j_server) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS one")
    assert [r["one"] for r in records] == [1]


@pytest.mark.neo4j
def test_write_and_read_a_node_with_parameters(neo4j_server: LocalNeo4j) -> None:
    token = uuid.uuid4().hex
    name = "Sociaal Werkbedrijf ’s-Hertogenbosch – Zuid"
    with _driver(neo4j_server) as driver:
        driver.execute_query(
            "CREATE (:ServerTestNode {token: $token, name: $name, score: $score, kvk: $kvk})",
            token=token, name=name, score=31.25, kvk="01234567",
        )
        try:
            records, _, _ = driver.execute_query(
                "MATCH (n:ServerTestNode {token: $token}) RETURN n.name AS name, "
                "n.score AS score, n.kvk AS kvk", token=token,
            )
        finally:
            driver.execute_query("MATCH (n:ServerTestNode {token: $token}) DELETE n", token=token)
    assert [r.data() for r in records] == [{"name": name, "score": 31.25, "kvk": "01234567"}]


def _listening_addresses(pid: int) -> set[tuple[ipaddress.IPv4Address | ipaddress.IPv6Address,
                                                int]]:
    """(address, port) of every TCP socket the process ``pid`` listens on (Linux /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A" or inode not in inodes:  # 0A = LISTEN
                continue
            hex_addr, hex_port = local.split(":")
            raw = bytes.fromhex(hex_addr)
            # /proc prints each 32-bit word in host (little-endian) order.
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            addr = ipaddress.ip_address(raw)
            if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
                addr = addr.ipv4_mapped
            found.add((addr, int(hex_port, 16)))
    return found


def _outward_address() -> str | None:
    """This machine's address on its default route, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 9))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


@pytest.mark.neo4j
def test_server_listens_on_127_0_0_1_only(neo4j_server: LocalNeo4j) -> None:
    port = neo4j_server.port
    assert port is not None and neo4j_server.uri == f"bolt://127.0.0.1:{port}"
    if sys.platform.startswith("linux"):
        listening = _listening_addresses(neo4j_server.pid)
        assert (ipaddress.IPv4Address("127.0.0.1"), port) in listening
        assert {str(addr) for addr, _ in listening} == {"127.0.0.1"}, listening
    outward = _outward_address()
    if outward is not None:
        with pytest.raises(OSError):
            socket.create_connection((outward, port), timeout=3).close()


@pytest.mark.neo4j
def test_the_session_server_needs_the_users_password_and_reads_no_files(
        neo4j_server: LocalNeo4j) -> None:
    from neo4j.exceptions import ClientError

    assert neo4j_server.auth == ("neo4j", read_local_password())  # the password file's
    assert stat.S_IMODE(Settings().neo4j_password_path.stat().st_mode) == 0o600
    with _driver(neo4j_server) as driver:
        for url in ("file:///etc/passwd", "file:///etc/hostname"):
            with pytest.raises(ClientError):
                driver.execute_query("LOAD CSV FROM $url AS line RETURN count(line)", url=url)
    assert neo4j_server.auth[1] not in neo4j_server.output_tail(400)


def _text(value: str) -> bytes:
    raw = value.encode()
    return (bytes([0x80 + len(raw)]) if len(raw) < 16 else bytes([0xD0, len(raw)])) + raw


def _hello(extra: dict[str, str]) -> bytes:
    """A Bolt 4.4 HELLO message, chunked."""
    body = b"\xb1\x01" + bytes([0xA0 + len(extra)])
    body += b"".join(_text(k) + _text(v) for k, v in extra.items())
    return len(body).to_bytes(2, "big") + body + b"\x00\x00"


def _bolt_over_websocket(uri: str, extra: dict[str, str]) -> bytes:
    """What a web page from a foreign origin gets: a WebSocket to the Bolt port, the Bolt
    handshake and a HELLO; returns the server's answer (SUCCESS 0x70 or FAILURE 0x7F)."""
    websocket = pytest.importorskip("websocket")  # websocket-client (with selenium, test extra)
    ws = websocket.create_connection(uri.replace("bolt://", "ws://"), timeout=10,
                                     origin="http://evil.example")
    try:
        ws.send_binary(b"\x60\x60\xb0\x17" + b"\x00\x00\x04\x04" + b"\x00" * 12)
        assert ws.recv() == b"\x00\x00\x04\x04"  # Bolt 4.4 agreed
        ws.send_binary(_hello(extra))
        return ws.recv()
    finally:
        ws.close()


@pytest.mark.neo4j
def test_a_foreign_web_page_gets_nothing_without_the_password(neo4j_server: LocalNeo4j) -> None:
    """Neo4j accepts WebSocket upgrades on the Bolt port from any Origin (no setting refuses
    them); what stops a page in a local browser is the password it does not have."""
    refused = _bolt_over_websocket(neo4j_server.uri, {"user_agent": "page/1", "scheme": "none"})
    assert refused[2:4] == b"\xb1\x7f" and b"Security" in refused  # FAILURE, unauthorized
    user, password = neo4j_server.auth
    accepted = _bolt_over_websocket(neo4j_server.uri, {"user_agent": "page/1", "scheme": "basic",
                                                       "principal": user, "credentials": password})
    assert accepted[2:4] == b"\xb1\x70"  # SUCCESS: the socket itself is not refused


@pytest.mark.neo4j
def test_second_launcher_build_is_a_cache_hit(neo4j_server: LocalNeo4j) -> None:
    started = time.monotonic()
    build_dir = ensure_launcher_built()
    assert time.monotonic() - started < 2
    assert (build_dir / "launcher.json").is_file()
    assert (build_dir / "java.args").is_file()


# -- extra servers (each start takes a few seconds) ---------------------------------------------
@pytest.mark.neo4j
@pytest.mark.slow
def test_password_and_temporary_home_removed_on_stop(neo4j_server: LocalNeo4j) -> None:
    from neo4j.exceptions import AuthError

    server = LocalNeo4j(password="pso-test-secret", heap="512m")
    with _started(server):
        home, pid = server.home, server.pid
        assert home is not None and home.is_dir()
        with _driver(server, auth=("neo4j", "wrong-password")) as driver:
            with pytest.raises(AuthError):
                driver.verify_connectivity()
        with _driver(server) as driver:
            records, _, _ = driver.execute_query("RETURN $x AS x", x=7)
        assert records[0]["x"] == 7
    assert not server.running and server.pid is None
    assert not home.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    server.stop()  # idempotent


@pytest.mark.neo4j
@pytest.mark.slow
def test_a_given_data_dir_keeps_the_graph_across_restarts(neo4j_server: LocalNeo4j,
                                                          tmp_path: Path) -> None:
    from neo4j.exceptions import AuthError

    data = tmp_path / "neo4j-data"
    with _started(LocalNeo4j(data_dir=data, heap="512m")) as first:
        with _driver(first) as driver:
            driver.execute_query("CREATE (:Kept {value: $value})", value="olievlek")
    with _started(LocalNeo4j(data_dir=data, heap="512m")) as again:  # the same password again
        with _driver(again) as driver:
            driver.verify_connectivity()
    assert (data / "data").is_dir()
    other = "another-Secret-4711"
    with _started(LocalNeo4j(data_dir=data, heap="512m", password=other)) as second:
        with _driver(second, auth=first.auth) as driver, pytest.raises(AuthError):
            driver.verify_connectivity()  # only the password of this start works
        with _driver(second) as driver:
            records, _, _ = driver.execute_query("MATCH (k:Kept) RETURN k.value AS value")
    assert [r["value"] for r in records] == ["olievlek"]
    assert data.is_dir()
    logged = [p for p in data.rglob("*") if p.is_file() and p.suffix in (".log", ".conf", "")
              and p.stat().st_size < 50_000_000]
    for path in logged:  # neither password in Neo4j's own logs and files
        raw = path.read_bytes()
        assert first.auth[1].encode() not in raw and other.encode() not in raw, path
