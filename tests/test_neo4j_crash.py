"""A server killed in the middle of a load, restarted, and the load run again ends with exactly
the dataset: nothing lost, nothing doubled. Also real wrong credentials, on that server.

A separate password-protected LocalNeo4j with its own data directory is started, a load runs
in a subprocess (credentials from NEO4J_USER / NEO4J_PASSWORD), the JVM is SIGKILLed once part
of the purchases is committed, the server is restarted on the same data directory and the load
is run again. The content (every node, relationship and property) must equal the same dataset
loaded cleanly into the session server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from pso_chain.config import Settings
from pso_chain.errors import PsoInputError
from pso_chain.generate import generate_dataset, write_dataset
from pso_chain.neo4jdb.load import load_dataset
from pso_chain.neo4jdb.server import LocalNeo4j, Neo4jServerError
from pso_chain.neo4jdb.source import read_tables
from tests.neo4j_checks import checksum, graph_snapshot, run_cypher
from tests.neo4j_fixtures import neo4j_unavailable

pytestmark = pytest.mark.neo4j

PASSWORD = "crash-Test-pw-8421"


def _start(server: LocalNeo4j) -> LocalNeo4j:
    try:
        return server.start()
    except Neo4jServerError as exc:
        neo4j_unavailable(str(exc))


def _purchases_in(uri: str, settings: Settings | None = None) -> int:
    try:
        return run_cypher(uri, "MATCH ()-[p:BUYS_FROM]->() RETURN count(p) AS n", settings)[0]["n"]
    except Exception:  # noqa: BLE001 - the server may be busy or gone
        return -1


def test_kill_mid_load_then_reload_holds_exactly_the_dataset(neo4j_server, tmp_path):
    folder = tmp_path / "data"
    write_dataset(generate_dataset(3000, 60_000, seed=5), folder, "parquet")
    load_dataset(folder, neo4j_server.uri, replace=True)  # the reference: a clean load
    reference = graph_snapshot(neo4j_server.uri)

    server = _start(LocalNeo4j(data_dir=tmp_path / "db", heap="512m", password=PASSWORD))
    try:
        port = server.port
        uri = server.uri
        # wrong credentials on a real server: one line, the URI, never the password
        with pytest.raises(PsoInputError) as err:
            read_tables(uri, Settings(neo4j_user="neo4j", neo4j_password="not-" + PASSWORD))
        assert str(err.value) == f"{uri}: authentication failed: check NEO4J_USER and NEO4J_PASSWORD"
        env = {**os.environ, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": PASSWORD,
               "PSO_CHAIN_NEO4J_RETRY_SECONDS": "3"}
        loader = subprocess.Popen(
            [sys.executable, "-m", "pso_chain.cli", "neo4j", "load", str(folder), "--uri", uri,
             "--batch", "500"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        given = Settings(neo4j_user="neo4j", neo4j_password=PASSWORD)
        deadline = time.monotonic() + 240
        while _purchases_in(uri, given) < 2000:  # some batches of purchases are committed
            assert loader.poll() is None, f"the load ended before the kill: {loader.stderr.read()}"
            assert time.monotonic() < deadline, "the load did not reach the purchases in time"
            time.sleep(0.2)
        os.kill(server.pid, signal.SIGKILL)  # the JVM, no shutdown
        try:
            _, err = loader.communicate(timeout=120)
            assert loader.returncode == 1, err
            errors = [line for line in err.splitlines() if line.startswith("fout:")]  # Dutch by default
            assert len(errors) == 1 and errors[0].startswith(f"fout: {uri}: ") and PASSWORD not in err
        except subprocess.TimeoutExpired:
            loader.kill()
            loader.communicate()
            pytest.fail("the interrupted load neither failed nor finished")
        server.stop()
        # restarted on the same data with the user's local password (the launcher sets the
        # password on every start): the clients below find it in the password file
        server = _start(LocalNeo4j(port=port, data_dir=tmp_path / "db", heap="512m"))
        partial = _purchases_in(server.uri)
        assert 0 < partial < 60_000  # what was committed survived the kill, the rest is missing
        with pytest.raises(PsoInputError, match="did not finish"):
            read_tables(server.uri)
        summary = load_dataset(folder, server.uri, batch=500)
        assert summary["batches"]["purchases"].get("merge", 0) >= 1  # committed batches merged
        assert summary["batches"]["purchases"].get("create", 0) >= 1  # the rest created
        recovered = graph_snapshot(server.uri)
        assert len(recovered) == len(reference)
        assert checksum(recovered) == checksum(reference)
    finally:
        server.stop()
