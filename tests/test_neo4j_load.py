"""Loading into Neo4j: idempotent, counted, refusing bad data, surviving hostile strings, and
failing in one line without secrets. On a real server started by the ``neo4j_server`` fixture.
"""

from __future__ import annotations

import re
import socket
import struct
import threading

import pandas as pd
import pytest
from typer.testing import CliRunner

import pso_chain
from pso_chain.cli import app
from pso_chain.config import Settings, from_environment
from pso_chain.core.loading import load_network
from pso_chain.core.scoring import credits
from pso_chain.errors import PsoInputError
from pso_chain.neo4jdb.load import load_dataset
from pso_chain.neo4jdb.queries import all_query_names, load_query
from pso_chain.neo4jdb.source import read_tables
from pso_chain.rules import load_rules
from pso_chain.validate import validate_folder, validate_tables
from tests.datasets import buy, org, random_tables, write_tables
from tests.neo4j_checks import checksum, graph_snapshot, run_cypher

SECRET = "pw-Zq8!never-shown"


def _random_folder(tmp_path, seed: int, n_orgs: int = 40, n_purchases: int = 300, name: str = "d"):
    return write_tables(tmp_path / name, **random_tables(seed, n_orgs, n_purchases))


# --- no server needed -------------------------------------------------------------------------
def test_every_query_declares_exactly_the_parameters_it_uses():
    for name in all_query_names():
        query = load_query(name)
        body = "\n".join(line for line in query.text.splitlines()
                         if not line.strip().startswith("//"))
        used = set(re.findall(r"\$(\w+)", body))
        declared = {p.name for p in query.params}
        assert used == declared, name
        assert query.summary.startswith(f"{name.split('/')[-1]}:"), name


def test_credentials_come_from_the_settings_or_the_uri(tmp_path):
    from pso_chain.neo4jdb.connect import target_of

    no_file = {"PSO_CHAIN_NEO4J_PASSWORD_FILE": str(tmp_path / "none")}  # no local password yet
    plain = target_of("bolt://127.0.0.1:7687", from_environment(no_file))
    assert (plain.uri, plain.auth, plain.database) == ("bolt://127.0.0.1:7687", None, None)
    in_uri = target_of("neo4j+s://ann:p%40ss@db.example.org:7687", from_environment(no_file))
    assert in_uri.uri == "neo4j+s://db.example.org:7687" and in_uri.auth == ("ann", "p@ss")
    environ = {**no_file, "NEO4J_PASSWORD": SECRET, "NEO4J_DATABASE": "pso"}
    only_password = target_of("bolt://127.0.0.1:7687", from_environment(environ))
    assert only_password.auth == ("neo4j", SECRET) and only_password.database == "pso"
    bob = from_environment({**environ, "NEO4J_USER": "bob"})
    assert target_of("bolt://ann:other@h:1", bob).auth == ("bob", SECRET)
    assert SECRET not in str(target_of("bolt://h:1", bob).fail(f"boom {SECRET}"))


def test_connection_refused_is_one_line_with_the_uri(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    uri = f"bolt://127.0.0.1:{port}"
    with pytest.raises(PsoInputError) as err:
        read_tables(uri)
    message = str(err.value)
    assert "\n" not in message and message.startswith(uri) and "cannot connect" in message


def _failure(code: str, message: str) -> bytes:
    """A Bolt FAILURE message, chunked (what a server sends when authentication fails)."""
    def text(value: str) -> bytes:
        raw = value.encode()
        return (bytes([0x80 + len(raw)]) if len(raw) < 16 else bytes([0xD0, len(raw)])) + raw

    body = b"\xb1\x7f\xa2" + text("code") + text(code) + text("message") + text(message)
    return struct.pack(">H", len(body)) + body + b"\x00\x00"


@pytest.fixture
def refusing_server():
    """A minimal Bolt 4.4 endpoint that rejects every login, as a server does for a wrong
    password (a real password-protected server is exercised in test_neo4j_crash.py)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                try:
                    conn.recv(20)
                    conn.sendall(b"\x00\x00\x04\x04")
                    conn.recv(65536)
                    conn.sendall(_failure("Neo.ClientError.Security.Unauthorized",
                                          "The client is unauthorized due to authentication failure."))
                    conn.recv(65536)
                except OSError:
                    pass

    threading.Thread(target=serve, daemon=True).start()
    yield f"bolt://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


def test_wrong_credentials_never_show_the_password(refusing_server, monkeypatch, tmp_path):
    with pytest.raises(PsoInputError) as err:
        read_tables(refusing_server, Settings(neo4j_user="neo4j", neo4j_password=SECRET))
    message = str(err.value)
    assert message == f"{refusing_server}: authentication failed: check NEO4J_USER and NEO4J_PASSWORD"
    monkeypatch.setenv("NEO4J_USER", "neo4j")  # the CLI reads the environment (its edge)
    monkeypatch.setenv("NEO4J_PASSWORD", SECRET)
    runner = CliRunner()
    folder = write_tables(tmp_path / "d", [org("A"), org("B")], [buy("A", "B", 10.0)])
    for args in (["credits", refusing_server], ["explain", refusing_server, "--org", "A"],
                 ["neo4j", "load", str(folder), "--uri", refusing_server],
                 ["neo4j", "query", refusing_server, "purchase_years"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, args
        assert SECRET not in result.output and "authentication failed" in result.output, args
    # a password in the URI itself is not shown either
    monkeypatch.delenv("NEO4J_PASSWORD")
    with_password = refusing_server.replace("bolt://", f"bolt://neo4j:{SECRET}@")
    result = runner.invoke(app, ["credits", with_password])
    assert result.exit_code == 1 and SECRET not in result.output
    assert refusing_server in result.output


# --- on the session server --------------------------------------------------------------------


@pytest.mark.neo4j
def test_unknown_database_is_one_line(neo4j_server):
    with pytest.raises(PsoInputError) as err:
        read_tables(neo4j_server.uri, Settings(neo4j_database="nosuchdatabase"))
    message = str(err.value)
    assert "\n" not in message and neo4j_server.uri in message
    assert "'nosuchdatabase' does not exist" in message


@pytest.mark.neo4j
def test_load_twice_changes_nothing(neo4j_server, tmp_path):
    uri = neo4j_server.uri
    tables = random_tables(11, 40, 300)
    folder = write_tables(tmp_path / "d", **tables)
    first = load_dataset(folder, uri, replace=True, batch=64)
    before = graph_snapshot(uri)
    second = load_dataset(folder, uri, batch=64)
    assert graph_snapshot(uri) == before
    assert set(first["batches"]["purchases"]) == {"create"}  # a fresh load creates
    assert set(second["batches"]["purchases"]) == {"merge"}  # a second one only merges
    counts = {k: second[k] for k in ("organisations", "certificates", "employee_records", "purchases")}
    assert counts == {"organisations": 40, "certificates": len(tables["certifications"]),
                      "employee_records": len(tables["employees_records"]),
                      "purchases": len(tables["purchases"])}
    assert first["sw_organisations"] == int(tables["organisations"]["sw"].sum())
    assert sum(1 for line in before if line.startswith('["purchase"')) == len(tables["purchases"])


@pytest.mark.neo4j
def test_tables_come_back_as_the_files_gave_them(neo4j_server, tmp_path):
    rules = load_rules()
    folder = _random_folder(tmp_path, 12)
    load_dataset(folder, neo4j_server.uri, replace=True)
    from_files = validate_folder(folder, rules)
    from_db = validate_tables(read_tables(neo4j_server.uri), rules)
    for name in ("organisations", "purchases", "certifications", "employees_records"):
        pd.testing.assert_frame_equal(getattr(from_db, name), getattr(from_files, name),
                                      check_dtype=False, obj=name)
    assert from_db.report.problems[["severity", "row", "column", "reason"]].equals(
        from_files.report.problems[["severity", "row", "column", "reason"]])


@pytest.mark.neo4j
def test_a_changed_row_is_updated_in_place(neo4j_server, tmp_path):
    uri = neo4j_server.uri
    tables = random_tables(13, 30, 200)
    folder = write_tables(tmp_path / "d", **tables)
    load_dataset(folder, uri, replace=True)
    tables["purchases"].loc[7, "amount_eur"] = 12345.5
    tables["organisations"].loc[3, "name"] = "Renamed B.V."
    write_tables(folder, **tables)
    load_dataset(folder, uri)
    fresh = graph_snapshot(uri)
    load_dataset(folder, uri, replace=True)
    assert graph_snapshot(uri) == fresh
    amount = run_cypher(uri, "MATCH ()-[p:BUYS_FROM {row: 9}]->() RETURN p.amount_eur AS a")
    assert amount == [{"a": 12345.5}]  # file row 9 = frame row 7


@pytest.mark.neo4j
def test_another_dataset_needs_replace(neo4j_server, tmp_path):
    uri = neo4j_server.uri
    load_dataset(_random_folder(tmp_path, 14, name="a"), uri, replace=True)
    other = _random_folder(tmp_path, 15, 30, 250, name="b")
    with pytest.raises(PsoInputError, match="--replace"):
        load_dataset(other, uri)
    load_dataset(other, uri, replace=True)
    replaced = graph_snapshot(uri)
    load_dataset(other, uri, replace=True)
    assert graph_snapshot(uri) == replaced
    assert sum(1 for line in replaced if line.startswith('["org"')) == 30


@pytest.mark.neo4j
def test_bad_data_is_refused_before_anything_is_written(neo4j_server, tmp_path):
    uri = neo4j_server.uri
    load_dataset(_random_folder(tmp_path, 16), uri, replace=True)
    before = checksum(graph_snapshot(uri))
    bad = write_tables(tmp_path / "bad", [org("A"), org("B")], [buy("A", "NOPE", 10.0)])
    with pytest.raises(PsoInputError, match="unknown organisation"):
        load_dataset(bad, uri, replace=True)
    assert checksum(graph_snapshot(uri)) == before


HOSTILE = [
    "q'uote", 'dou"ble', "back`tick`", "{brace}", "$param", "new\nline", "naïve Ünïcødé ✓ 🚀",
    "x'}) DETACH DELETE n //", "`) MATCH (n) DETACH DELETE n //", "\\backslash\\", "tab\there",
]


@pytest.mark.neo4j
def test_hostile_identifiers_and_names_come_back_intact(neo4j_server, tmp_path):
    uri = neo4j_server.uri
    run_cypher(uri, "MERGE (:Sentinel {name: 'still here'})")
    orgs = [org(f"id-{i}-{text}", name=f"Name {text}", municipality=text, sbi=text, postcode=text,
                revenue_eur=1_000_000.0 + i, target_fte=2.0, sw=(i % 3 == 0),
                pso_level="2" if i % 3 == 1 else "", pso_valid_from="2024-01-01" if i % 3 == 1 else "",
                pso_valid_until="2026-12-31" if i % 3 == 1 else "")
            for i, text in enumerate(HOSTILE)]
    ids = [o["org_id"] for o in orgs]
    purchases = [buy(ids[i], ids[(i + 1) % len(ids)], 1000.0 + i, 2025,
                     "2025-03-01" if i % 2 else "") for i in range(len(ids))]
    records = [{"org_id": ids[i], "person_id": f"p{text}", "start_position": "pw",
                "contract_type": "regular", "hours_per_week": 32, "fulltime_hours": 40, "months": 12}
               for i, text in enumerate(HOSTILE)]
    folder = write_tables(tmp_path / "hostile", orgs, purchases, employees_records=records,
                          fmt="parquet")
    load_dataset(folder, uri, replace=True)
    assert run_cypher(uri, "MATCH (s:Sentinel) RETURN s.name AS name") == [{"name": "still here"}]
    back = read_tables(uri)
    assert sorted(back["organisations"].frame["org_id"]) == sorted(ids)
    assert sorted(back["organisations"].frame["name"]) == sorted(o["name"] for o in orgs)
    assert sorted(back["organisations"].frame["municipality"]) == sorted(HOSTILE)
    assert sorted(back["employees_records"].frame["person_id"]) == sorted(f"p{t}" for t in HOSTILE)
    pairs = set(zip(back["purchases"].frame["buyer_id"], back["purchases"].frame["supplier_id"],
                    strict=True))
    assert pairs == {(p["buyer_id"], p["supplier_id"]) for p in purchases}
    network = load_network(folder)
    database = pso_chain.open(uri, network.rules)
    pd.testing.assert_frame_equal(pso_chain.credits(database, 2025), credits(network))
    for org_id in ids:
        assert pso_chain.explain(database, org_id, 2025) == pso_chain.explain(network, org_id, 2025)
    run_cypher(uri, "MATCH (s:Sentinel) DETACH DELETE s")


@pytest.mark.neo4j
def test_local_command_prints_its_uri_and_stops_on_sigterm(neo4j_server, tmp_path):
    """``pso-chain neo4j local``: the bolt URI on stdout when ready, a clean stop on SIGTERM
    (the session server proves the launcher is built). Authentication is on: a client
    without the password, or with a wrong one, is refused; the password is made on first start
    into a 0600 file that the project's clients read, and never printed; LOAD CSV cannot read
    files."""
    import os
    import signal
    import stat
    import subprocess
    import sys

    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, ClientError

    password_file = tmp_path / "config" / "neo4j-password"  # this user's, as a fresh user has none
    env = {**os.environ, "PSO_CHAIN_NEO4J_PASSWORD_FILE": str(password_file)}
    env.pop("NEO4J_PASSWORD", None)
    proc = subprocess.Popen([sys.executable, "-m", "pso_chain.cli", "neo4j", "local"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(300, proc.kill)
    watchdog.start()
    try:
        uri = proc.stdout.readline().strip()
        assert re.fullmatch(r"bolt://127\.0\.0\.1:\d+", uri), proc.stderr.read()
        assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
        password = password_file.read_text().strip()
        assert len(password) >= 24
        mine = Settings(neo4j_password_file=password_file)
        with pytest.raises(PsoInputError, match="no pso-chain dataset"):  # it answers
            read_tables(uri, mine)
        with GraphDatabase.driver(uri, auth=("neo4j", password)) as driver, driver.session() as s:
            for url in ("file:///etc/passwd", "file:///passwd", "file:///../../../../etc/passwd"):
                with pytest.raises(ClientError):
                    s.run("LOAD CSV FROM $url AS line RETURN count(line) AS n", url=url).consume()
        # last: Neo4j locks the user for 5 s after 3 failed logins
        for auth in (None, ("neo4j", "neo4j"), ("neo4j", password + "x")):  # no, default, wrong
            with GraphDatabase.driver(uri, auth=auth) as driver, pytest.raises(AuthError):
                driver.verify_connectivity()
        with pytest.raises(PsoInputError, match="authentication failed"):
            read_tables(uri, Settings(neo4j_password_file=tmp_path / "no-such-file"))
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "Neo4j stopped." in err and str(password_file) in err
        assert password not in out + err
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()


def test_no_cypher_in_python_strings():
    """Every statement lives in queries/ (parameterised, with its header), none in the code."""
    import pathlib

    # (Cypher's CREATE INDEX/CONSTRAINT ... FOR (n:Label); SQL's CREATE INDEX ... ON is not Cypher)
    statement = re.compile(r"\b(MATCH|MERGE)\s*\(|\bUNWIND\s+(\$|range\()"
                           r"|\bCREATE (CONSTRAINT|INDEX)\b[^\"\n]*\bFOR\s*\("
                           r"|\bDETACH DELETE\b|\bRETURN \w+\(")
    root = pathlib.Path(pso_chain.__file__).parent
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if statement.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
