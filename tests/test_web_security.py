"""Issue 20 against real servers (``pso-chain serve`` started here, talked to over TCP): an
upload cannot freeze the server, the size limit holds for chunked bodies, sessions end at
logout and expiry, a foreign Host gets 400, odd cookies never a 500, slow heads and bodies are
cut off, CSV is formula-safe, links stay relative, terminal output carries no control
sequences, aggregates over fewer than 3 persons are hidden; and issue 18 point 9: with
``--workers 2`` a download made by one worker is served by any, and a reload reaches both.

Every server gets its own data and cache folders (``XDG_DATA_HOME``, ``XDG_CACHE_HOME``), so
its secret and session store are its own and the user's folders are left alone.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("fastapi")
import httpx  # noqa: E402

import pso_chain  # noqa: E402
from pso_chain.outputs.files import printable, render_table  # noqa: E402
from pso_chain.web.security import hash_password  # noqa: E402
from tests.import_fixtures import make_world, write_afas  # noqa: E402

EXAMPLE = pso_chain.example_path()
EXE = Path(sys.executable).with_name("pso-chain")
TOP = "10000253"  # first in the credits table; one person in employees_records
THREE = "10000076"  # three persons
HOSTILE_NAMES = {TOP: "=cmd|' /C calc'!A0", "10000001": "@SUM(A1) \x1b]0;pwned\x07\x1b[31mred\x9b",
                 "10000002": "+31 6 1234", "10000003": "-1+1"}  # 10000001: first on the terminal
PASSWORDS = {"ana": "correct horse battery", "bob": "battery staple horse"}


@dataclass
class Server:
    url: str
    port: int
    proc: subprocess.Popen
    log: Path
    data: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(home: Path, dataset: Path, *args: str) -> Server:
    """``pso-chain serve`` with its own data and cache folders; waits for /healthz."""
    port = free_port()
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache")}
    log = home / "server.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([str(EXE), "serve", str(dataset), "--port", str(port), *args],
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"pso-chain serve exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return Server(url, port, proc, log, home / "data")
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.terminate()
    pytest.fail("pso-chain serve did not start within 120 s")


def stop(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.proc.kill()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """The example with names a spreadsheet would run and a terminal would obey."""
    folder = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("*.md", "__init__.py", ".pso-cache"))
    orgs = pd.read_csv(folder / "organisations.csv", dtype=str, keep_default_na=False)
    for org, name in HOSTILE_NAMES.items():
        orgs.loc[orgs["org_id"] == org, "name"] = name
    orgs.to_csv(folder / "organisations.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def open_server(tmp_path_factory, hostile):
    """No authentication (loopback), 1 MB uploads, short head and body deadlines."""
    server = start(tmp_path_factory.mktemp("open"), hostile, "--max-upload-mb", "1",
                   "--header-timeout", "2", "--body-timeout", "3", "--allowed-host", "pso.example.org")
    yield server
    stop(server)


@pytest.fixture(scope="module")
def users_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("users") / "users"
    path.write_text(f"ana:{hash_password(PASSWORDS['ana'])}:admin\nbob:{hash_password(PASSWORDS['bob'])}\n")
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory, users_file):
    """Users file; sessions end after 3 seconds."""
    server = start(tmp_path_factory.mktemp("auth"), EXAMPLE, "--users", str(users_file),
                   "--session-minutes", "0.05")
    yield server
    stop(server)


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    base = tmp_path_factory.mktemp("books")
    world = make_world(seed=5, n_register=400, n_suppliers=25)
    lists = world.write_lists(base)
    return {"ledger": write_afas(world.invoices, base / "afas.csv"), **lists}


def csrf(client: httpx.Client, url: str) -> str:
    client.get(f"{url}/")
    return client.cookies["pso_csrf"]


def upload_files(made: dict, **over: tuple[str, bytes]) -> dict:
    files = {"books": ("afas.csv", made["ledger"].read_bytes()),
             "register": ("register.csv", made["register"].read_bytes()),
             "buyer": ("buyer.csv", made["buyer"].read_bytes()),
             "sw": ("sw.csv", made["sw"].read_bytes()),
             "figures": ("figures.csv", made["figures"].read_bytes())}
    files.update(over)
    return files


def security_headers(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in response.headers["content-security-policy"]


# --- 2. uploads cannot freeze the server; the size limit on the bytes received -----------------
def test_healthz_answers_within_a_second_while_a_wide_csv_is_parsed(open_server, books):
    """A 100,000-column CSV (refused for its width) and a whole quick scan at the same time."""
    wide = ",".join(f"c{i}" for i in range(100_000)).encode() + b"\n" + b"1," * 99_999 + b"1\n"
    assert len(wide) > 780_000
    latencies: list[float] = []
    answer: dict[str, httpx.Response] = {}

    def post(key: str, **over: tuple[str, bytes]) -> None:
        with httpx.Client(timeout=300) as client:
            token = csrf(client, open_server.url)
            answer[key] = client.post(f"{open_server.url}/quickscan", data={"csrf_token": token},
                                      files=upload_files(books, **over))

    workers = [threading.Thread(target=post, args=("wide",),
                                kwargs={"books": ("mijn-crediteuren.csv", wide)}),
               threading.Thread(target=post, args=("scan",))]
    for worker in workers:
        worker.start()
    with httpx.Client(timeout=10) as probe:
        while any(w.is_alive() for w in workers) or len(latencies) < 5:
            started = time.perf_counter()
            assert probe.get(f"{open_server.url}/healthz").status_code == 200
            latencies.append(time.perf_counter() - started)
            time.sleep(0.05)
    for worker in workers:
        worker.join()
    assert max(latencies) < 1.0, f"/healthz took up to {max(latencies):.2f} s"
    assert len(latencies) > 10
    page = answer["wide"]
    assert page.status_code == 400, page.text[:300]
    assert "mijn-crediteuren.csv" in page.text and "500 columns" in page.text
    assert "/tmp" not in page.text and "pso-web-upload" not in page.text
    assert answer["scan"].status_code == 200 and 'id="qs-trede"' in answer["scan"].text


@pytest.mark.parametrize("route", ["/api/organisations/10000020/what-if", "/quickscan"])
def test_a_chunked_body_over_the_limit_gets_413_without_being_read_whole(open_server, route):
    sent = 0
    chunk = b"x" * 65536

    def body():
        nonlocal sent
        if "api" not in route:  # a well-formed form whose file never ends
            yield b'--b\r\nContent-Disposition: form-data; name="books"; filename="a.csv"\r\n\r\n'
        for _ in range(300 * 16):  # 300 MB, if the server read it all
            sent += len(chunk)
            yield chunk

    headers = {"content-type": "application/json" if "api" in route else
               "multipart/form-data; boundary=b"}
    with httpx.Client(timeout=60) as client:
        response = client.post(f"{open_server.url}{route}", content=body(), headers=headers)
    assert response.status_code == 413, response.text[:200]
    assert sent < 40 * 1024 * 1024, f"{sent:,} bytes sent before the answer"
    security_headers(response)
    assert httpx.get(f"{open_server.url}/healthz").status_code == 200


def test_a_declared_length_over_the_limit_is_refused_before_reading(open_server):
    with socket.create_connection(("127.0.0.1", open_server.port), timeout=10) as s:
        s.sendall(b"POST /quickscan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 999999999\r\n"
                  b"Content-Type: multipart/form-data; boundary=b\r\n\r\n")
        assert s.recv(4096).startswith(b"HTTP/1.1 413")


def test_a_body_that_takes_too_long_is_cut_off(open_server):
    with socket.create_connection(("127.0.0.1", open_server.port), timeout=15) as s:
        s.sendall(b"POST /api/organisations/10000020/what-if HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"changes\"")
        started = time.monotonic()
        reply = s.recv(4096)
        assert reply.startswith(b"HTTP/1.1 408"), reply[:100]
        assert time.monotonic() - started < 8


def test_a_request_head_that_trickles_in_is_cut_off(open_server):
    with socket.create_connection(("127.0.0.1", open_server.port), timeout=15) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 10:
            try:
                s.sendall(b"X-Slow: 1\r\n")
                if s.recv(1, socket.MSG_DONTWAIT) == b"":
                    closed = True
                    break
            except BlockingIOError:
                pass
            except OSError:
                closed = True
                break
            time.sleep(0.25)
        assert closed and time.monotonic() - started < 6


def test_a_huge_request_head_is_refused(open_server):
    with socket.create_connection(("127.0.0.1", open_server.port), timeout=10) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 40_000 + b"\r\n\r\n")
        assert s.recv(4096).startswith(b"HTTP/1.1 431")
    with socket.create_connection(("127.0.0.1", open_server.port), timeout=10) as s:  # in pieces
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
        for _ in range(10):
            s.sendall(b"a" * 4000)
            time.sleep(0.01)
        assert s.recv(4096).startswith(b"HTTP/1.1 400")


def test_a_quick_scan_over_its_time_limit_is_stopped(tmp_path, books):
    server = start(tmp_path / "slow", EXAMPLE, "--scan-timeout", "1")
    try:
        with httpx.Client(timeout=120) as client:
            token = csrf(client, server.url)
            started = time.monotonic()
            page = client.post(f"{server.url}/quickscan", data={"csrf_token": token},
                               files=upload_files(books))
            assert page.status_code == 503 and time.monotonic() - started < 10
            assert "duurde te lang" in page.text  # the page speaks Dutch by default
        assert httpx.get(f"{server.url}/healthz").status_code == 200
        time.sleep(1)
        children = [p for p in Path("/proc").iterdir() if p.name.isdigit()
                    and _parent(p) == server.proc.pid and b"spawn_main" in _cmdline(p)]
        assert not children, "the quick scan's process was not stopped"
        assert "quick scan over 1 s" in server.log.read_text()
    finally:
        stop(server)


def test_quick_scans_beyond_the_queue_are_turned_away():
    from pso_chain.web.uploads import SCANS_WAITING, ScanBusy, ScanPool

    pool = ScanPool(seconds=1)
    for _ in range(SCANS_WAITING):  # as if that many uploads were being scanned
        assert pool._slots.acquire(blocking=False)
    with pytest.raises(ScanBusy):
        pool.run("/nonexistent", {}, {}, False, False)
    pool.close()


def _parent(proc: Path) -> int:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def _cmdline(proc: Path) -> bytes:
    try:
        return (proc / "cmdline").read_bytes()
    except OSError:
        return b""


def test_an_xlsx_bomb_a_wide_sheet_and_a_long_csv_are_refused_before_parsing(open_server, books):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b" " * (150 * 1024 * 1024))
    wide = io.BytesIO()
    cells = "".join(f'<c r="A{i}" t="n"><v>{i}</v></c>' for i in range(600))
    with zipfile.ZipFile(wide, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", f"<worksheet><sheetData><row r=\"1\">{cells}</row>"
                                               "</sheetData></worksheet>")
    with httpx.Client(timeout=120) as client:
        token = csrf(client, open_server.url)
        for name, data, reason in (("bom.xlsx", bomb.getvalue(), "zip bomb"),
                                   ("breed.xlsx", wide.getvalue(), "500 columns"),
                                   ("lang.csv", b"kop\n" + b"\n" * 500_001, "500,000 rows")):
            page = client.post(f"{open_server.url}/quickscan", data={"csrf_token": token},
                               files=upload_files(books, books=(name, data)))
            assert page.status_code == 400 and name in page.text and reason in page.text, page.text[-600:]


# --- 3. trusted hosts; odd cookies --------------------------------------------------------------
@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:80", "127.0.0.1.evil.example",
                                  "", "[::2]", "localhost.evil"])
def test_a_foreign_host_gets_400(open_server, host):
    response = httpx.get(f"{open_server.url}/api/credits", headers={"Host": host})
    assert response.status_code == 400
    assert "org_id" not in response.text
    security_headers(response)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost:8000", "LOCALHOST", "[::1]:1", "pso.example.org"])
def test_the_served_names_are_answered(open_server, host):
    assert httpx.get(f"{open_server.url}/healthz", headers={"Host": host}).status_code == 200


ODD = [b"pso_session=\xff\xfe\xfd", b"pso_session=" + b"A" * 43, b"pso_session=" + b"a" * 5000,
       b"pso_csrf=\xc3\xa9\t\xff; pso_lang=../../x", b'pso_session="unterminated; pso_csrf==',
       b"=;;=;pso_session", b"pso_session=\xe2\x80\xae"]


@pytest.mark.parametrize("cookie", ODD)
def test_an_odd_cookie_never_gives_a_500(open_server, auth_server, cookie):
    for server in (open_server, auth_server):
        for path in ("/", "/api/credits", "/healthz", "/login"):
            response = httpx.get(f"{server.url}{path}", headers={"Cookie": cookie})
            assert response.status_code in (200, 401), (server.url, path, response.status_code)
            security_headers(response)


# --- 3. sessions that end ------------------------------------------------------------------------
def login(server: Server, name: str) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=30)
    client.get("/login")
    response = client.post("/login", data={"csrf_token": client.cookies["pso_csrf"], "user": name,
                                           "password": PASSWORDS[name], "next": "/suppliers"})
    assert response.status_code == 303, response.text[:300]
    assert response.headers["location"] == "/suppliers"
    return client


def test_a_session_cookie_is_refused_after_logout(auth_server):
    client = login(auth_server, "bob")
    cookie = client.cookies["pso_session"]
    assert "bob" not in cookie and len(cookie) == 43  # a random id, no name or role in it
    assert client.get("/api/credits").status_code == 200
    assert client.post("/logout", data={"csrf_token": client.cookies["pso_csrf"]}).status_code == 303
    again = httpx.get(f"{auth_server.url}/api/credits", cookies={"pso_session": cookie})
    assert again.status_code == 401


def test_a_session_cookie_is_refused_after_its_expiry(auth_server):
    client = login(auth_server, "ana")
    cookie = client.cookies["pso_session"]
    assert httpx.get(f"{auth_server.url}/api/credits", cookies={"pso_session": cookie}).status_code == 200
    time.sleep(3.5)  # --session-minutes 0.05
    assert httpx.get(f"{auth_server.url}/api/credits", cookies={"pso_session": cookie}).status_code == 401


def test_the_secret_and_the_store_are_private_and_not_derived_from_the_users_file(auth_server, users_file):
    folder = auth_server.data / "pso-chain"
    secret = folder / "serve-secret"
    assert secret.stat().st_mode & 0o777 == 0o600
    assert (folder / "sessions.sqlite").stat().st_mode & 0o777 == 0o600
    assert users_file.read_bytes() not in secret.read_bytes() and len(secret.read_bytes()) == 32


def test_a_secret_others_may_read_is_refused(tmp_path):
    secret = tmp_path / "data" / "pso-chain" / "serve-secret"
    secret.parent.mkdir(parents=True)
    secret.write_bytes(os.urandom(32))
    secret.chmod(0o644)
    done = subprocess.run([str(EXE), "serve", str(EXAMPLE), "--port", str(free_port())],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"),
                               "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert done.returncode == 1 and "chmod 600" in done.stderr, done.stderr[-500:]
    assert "Traceback" not in done.stderr


def test_a_forged_cookie_for_the_token_user_is_refused(auth_server):
    for value in ("dG9rZW46MQ." + "0" * 64, "A" * 43, "token"):
        assert httpx.get(f"{auth_server.url}/api/credits",
                         cookies={"pso_session": value}).status_code == 401


# --- 4. low findings -----------------------------------------------------------------------------
def text_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_no_csv_starts_a_text_cell_with_a_formula(open_server, hostile, tmp_path):
    api = httpx.get(f"{open_server.url}/api/credits", headers={"Accept": "text/csv"})
    out = tmp_path / "x.csv"
    done = subprocess.run([str(EXE), "credits", str(hostile), "--out", str(out)], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    for text in (api.text, out.read_text(encoding="utf-8")):
        cells = text_cells(text)
        names = [c for c in cells if "cmd|" in c or "SUM(" in c or "1234" in c]
        assert len(names) >= 3
        assert not [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not _number(c))]
        assert "'=cmd|' /C calc'!A0" in text and "'@SUM(A1)" in text and "'-1+1" in text
    exact = httpx.get(f"{open_server.url}/api/organisations/{TOP}").json()  # JSON stays exact
    assert exact["name"] == HOSTILE_NAMES[TOP]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_terminal_output_carries_no_control_sequences(hostile, tmp_path):
    done = subprocess.run([str(EXE), "credits", str(hostile)], capture_output=True, timeout=300,
                          env={**os.environ, "XDG_CACHE_HOME": str(tmp_path), "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    assert b"@SUM(A1) ]0;pwned[31mred" in done.stdout
    assert b"\x1b" not in done.stdout and b"\x07" not in done.stdout and b"\xc2\x9b" not in done.stdout
    assert printable("a\x1b[31mb\x00c\x9bd\te\nf") == "a[31mbcd\te\nf"
    buffer = io.StringIO()
    from rich.console import Console

    render_table(pd.DataFrame({"name": ["\x1b]0;pwned\x07x"]}), title="\x1b[2J",
                 console=Console(file=buffer, width=100, force_terminal=False))
    assert "\x1b" not in buffer.getvalue() and "\x07" not in buffer.getvalue()


@pytest.mark.parametrize("raw", ["//evil.example/x", "/\\evil.example/x", "/%2F%2Fevil.example/x",
                                 "//evil.example/%2E%2E"])
def test_links_stay_relative(open_server, raw):
    response = httpx.get(httpx.URL(f"{open_server.url}{raw}"))
    assert response.status_code in (200, 404)
    assert 'href="//' not in response.text and 'href="/\\' not in response.text
    assert "//evil.example" not in response.text.replace("&#34;", "")


def test_login_next_stays_on_this_server(auth_server):
    for target in ("//evil.example/x", "/\\evil.example", "https://evil.example", "/\t/evil.example"):
        client = httpx.Client(base_url=auth_server.url, timeout=30)
        client.get("/login")
        response = client.post("/login", data={"csrf_token": client.cookies["pso_csrf"], "user": "bob",
                                               "password": PASSWORDS["bob"], "next": target})
        assert response.status_code == 303
        location = response.headers["location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    page = httpx.get(f"{auth_server.url}/login", params={"next": "//evil.example/x"})
    assert 'value="//' not in page.text


def test_an_aggregate_over_fewer_than_three_persons_is_hidden(open_server):
    few = httpx.get(f"{open_server.url}/api/organisations/{TOP}/explain").json()["direct"]
    assert few["persons_count"] == "< 3" and few["persons_weighted_fte"] is None
    three = httpx.get(f"{open_server.url}/api/organisations/{THREE}/explain").json()["direct"]
    assert three["persons_count"] == 3 and three["persons_weighted_fte"] > 0
    page = httpx.get(f"{open_server.url}/organisations/{TOP}")
    assert page.status_code == 200 and "&lt; 3" in page.text


def test_an_upload_error_names_the_users_file_not_the_server_path(open_server, books):
    with httpx.Client(timeout=120) as client:
        token = csrf(client, open_server.url)
        page = client.post(f"{open_server.url}/quickscan", data={"csrf_token": token},
                           files=upload_files(books, register=("PSO register 2025.csv", b"foo;bar\n1;2\n")))
    assert page.status_code == 400, page.text[:300]
    assert "PSO register 2025.csv" in page.text
    assert "/tmp" not in page.text and "pso-web-upload" not in page.text and "register.csv" not in page.text


# --- issue 18 point 9: several workers ---------------------------------------------------------
def test_two_workers_share_downloads_and_reloads(tmp_path, books):
    server = start(tmp_path / "workers", EXAMPLE, "--workers", "2")
    try:
        with httpx.Client(timeout=180) as client:
            token = csrf(client, server.url)
            page = client.post(f"{server.url}/quickscan", data={"csrf_token": token},
                               files=upload_files(books), )
            assert page.status_code == 200, page.text[:300]
            link = page.text.split('href="/quickscan/')[1].split('"')[0]
            forged = link[:5] + ("A" if link[5] != "A" else "B") + link[6:]
            for _ in range(12):  # a new connection each time: either worker may answer
                got = httpx.get(f"{server.url}/quickscan/{link}", headers={"Connection": "close"})
                assert got.status_code == 200 and got.content[:2] == b"PK"
            assert httpx.get(f"{server.url}/quickscan/{forged}").status_code == 404
            opened = server.log.read_text().count("opened ")
            assert client.post(f"{server.url}/admin/reload", data={"csrf_token": token}).status_code == 200
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and server.log.read_text().count("opened ") < opened + 2:
                httpx.get(f"{server.url}/healthz", headers={"Connection": "close"})
                time.sleep(0.2)
            assert server.log.read_text().count("opened ") >= opened + 2, "a worker did not reload"
    finally:
        stop(server)


def test_basic_auth_does_not_hold_up_other_clients(auth_server):
    stop_at = time.monotonic() + 4

    def hammer() -> None:
        with httpx.Client(timeout=30) as client:
            while time.monotonic() < stop_at:
                client.get(f"{auth_server.url}/healthz", auth=("bob", PASSWORDS["bob"]))

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    times = []
    with httpx.Client(timeout=30) as probe:
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            probe.get(f"{auth_server.url}/healthz")
            times.append(time.perf_counter() - started)
    for thread in threads:
        thread.join()
    times.sort()
    assert times[len(times) // 2] < 0.1, f"median {times[len(times) // 2]:.3f} s"


# --- last: it blocks this client for a minute on that server ------------------------------------
def test_failed_logins_are_limited_per_client_and_user(auth_server):
    client = httpx.Client(base_url=auth_server.url, timeout=30)
    client.get("/login")
    token = client.cookies["pso_csrf"]
    codes = [client.post("/login", data={"csrf_token": token, "user": "ana", "password": f"wrong{i}"}
                         ).status_code for i in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    right = client.post("/login", data={"csrf_token": token, "user": "ana", "password": PASSWORDS["ana"]})
    assert right.status_code == 429 and int(right.headers["retry-after"]) > 0
    basic = httpx.get(f"{auth_server.url}/api/credits", auth=("ana", PASSWORDS["ana"]))
    assert basic.status_code == 429
    started = time.perf_counter()
    for _ in range(20):  # refused before any password is hashed: quick
        assert httpx.get(f"{auth_server.url}/api/credits", auth=("nobody", "x")).status_code == 429
    assert time.perf_counter() - started < 10
