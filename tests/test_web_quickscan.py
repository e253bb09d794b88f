"""The quick-scan upload page: a real scan from generated books, and hostile uploads (path
traversal in the file name, a zip bomb, a non-UBL file, oversize, no CSRF) that must end in
a 4xx with a message, never a 500, with no temporary folder left behind."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

import pso_chain  # noqa: E402
from pso_chain.web.app import create_app  # noqa: E402
from pso_chain.web.state import NetworkHolder  # noqa: E402
from tests.import_fixtures import make_world, write_afas, write_ubl_folder  # noqa: E402

LOCAL = "http://127.0.0.1"  # the server answers to its loopback names only


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    base = tmp_path_factory.mktemp("web-books")
    world = make_world(seed=5, n_register=400, n_suppliers=25)
    lists = world.write_lists(base)
    ledger = write_afas(world.invoices, base / "afas.csv")
    ubl = write_ubl_folder(world.invoices, base / "ubl")
    archive = base / "ubl.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted(ubl.iterdir()):
            z.write(f, f.name)
    return {"ledger": ledger, "ubl": archive, **lists}


@pytest.fixture(scope="module")
def client():
    app = create_app(NetworkHolder(pso_chain.example_path()), max_upload_bytes=2 * 1024 * 1024)
    c = TestClient(app, raise_server_exceptions=False, base_url=LOCAL)
    c.get("/")
    return c


def upload(client, made, **over):
    files = {"books": ("afas.csv", made["ledger"].read_bytes()),
             "register": ("register.csv", made["register"].read_bytes()),
             "buyer": ("buyer.csv", made["buyer"].read_bytes()),
             "sw": ("sw.csv", made["sw"].read_bytes()),
             "figures": ("figures.csv", made["figures"].read_bytes())}
    files.update({k: v for k, v in over.items() if v is not None})
    for k in [k for k, v in over.items() if v is None]:
        files.pop(k)
    data = {"csrf_token": client.cookies.get("pso_csrf"), "accept_review": "1"}
    return client.post("/quickscan", data=data, files=files)


def leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("pso-web-upload-*")}


def test_quickscan_page_and_download(client, books):
    before = leftovers()
    page = upload(client, books)
    assert page.status_code == 200, page.text[:500]
    expected = pso_chain.quickscan(ledger=books["ledger"], register=books["register"], sw=books["sw"],
                                   figures=books["figures"], buyer=books["buyer"], accept_review=True)
    trede = expected.credits["trede"]
    assert f'id="qs-trede">{trede if trede else "geen"}<' in page.text
    assert "pso-web-upload-" not in page.text  # the server's temporary folder is not shown
    token = page.text.split('href="/quickscan/')[1].split(".xlsx")[0]
    xlsx = client.get(f"/quickscan/{token}.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get("/quickscan/nope.xlsx").status_code == 404
    assert leftovers() == before


def test_ubl_zip_gives_the_same_score(client, books):
    page = upload(client, books, books=("invoices.zip", books["ubl"].read_bytes()))
    ledger = upload(client, books)
    assert page.status_code == 200
    pick = lambda text: text.split('id="qs-total">')[1].split("<")[0]  # noqa: E731
    assert pick(page.text) == pick(ledger.text)


@pytest.mark.parametrize("name", ["../../../../tmp/evil.csv", "..\\..\\evil.csv", "/etc/passwd.csv",
                                  "<script>alert(1)</script>.csv"])
def test_path_traversal_in_upload_names_goes_nowhere(client, books, name):
    page = upload(client, books, books=(name, books["ledger"].read_bytes()))
    assert page.status_code in (200, 400)
    assert not Path("/tmp/evil.csv").exists()
    assert "<script>alert(1)" not in page.text


def test_zip_bomb_is_refused(client, books):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.xml", b"0" * (200 * 1024 * 1024))
    page = upload(client, books, books=("bomb.zip", buffer.getvalue()))
    assert page.status_code == 400, page.text[:300]
    assert "Traceback" not in page.text


@pytest.mark.parametrize("books_file", [
    ("invoice.xml", b"<html><body>not an invoice</body></html>"),
    ("invoice.xml", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;</x>"),
    ("invoices.zip", b"PK\x03\x04 broken zip"),
    ("ledger.csv", b"\x00\x01\x02 binary junk"),
    ("ledger.exe", b"MZ"),
    ("ledger.csv", b""),
])
def test_bad_books_are_400(client, books, books_file):
    page = upload(client, books, books=books_file)
    assert page.status_code == 400, (books_file[0], page.status_code, page.text[:300])
    assert "Traceback" not in page.text and "pso-web-upload-" not in page.text


def test_missing_files_oversize_and_csrf(client, books):
    assert upload(client, books, register=None).status_code == 400
    big = upload(client, books, books=("ledger.csv", b"a" * (3 * 1024 * 1024)))
    assert big.status_code == 413
    files = {"books": ("afas.csv", books["ledger"].read_bytes())}
    assert client.post("/quickscan", files=files, data={"csrf_token": "forged"}).status_code == 403


def test_overrides_year_and_the_page_s_own_words(client, books, tmp_path):
    """The reviewed match report uploaded as overrides counts the confirmed rows, as the
    library does; notes and errors speak of the page's fields, never of command-line options."""
    first = pso_chain.quickscan(ledger=books["ledger"], register=books["register"], sw=books["sw"],
                                figures=books["figures"], buyer=books["buyer"])
    report = first.match_report.copy()
    assert (report["status"] == "review").any()
    report.loc[report["status"] == "review", "status"] = "accepted"
    overrides = tmp_path / "reviewed.csv"
    report.to_csv(overrides, index=False)
    expected = pso_chain.quickscan(ledger=books["ledger"], register=books["register"], sw=books["sw"],
                                   figures=books["figures"], buyer=books["buyer"], overrides=overrides)
    files = {"books": ("afas.csv", books["ledger"].read_bytes()),
             "register": ("register.csv", books["register"].read_bytes()),
             "buyer": ("buyer.csv", books["buyer"].read_bytes()), "sw": ("sw.csv", books["sw"].read_bytes()),
             "figures": ("figures.csv", books["figures"].read_bytes()),
             "overrides": ("gecontroleerd.csv", overrides.read_bytes())}
    page = client.post("/quickscan", data={"csrf_token": client.cookies.get("pso_csrf"),
                                           "year": str(expected.year)}, files=files)
    assert page.status_code == 200, page.text[:500]
    total = page.text.split('id="qs-total">')[1].split("<")[0]
    assert total == f"{expected.credits['total_pct']:.2f}%".replace(".", ",")
    # the review band counted for a first look: the note names the page's box, in Dutch
    noted = upload(client, books)
    assert "Twijfelgevallen tellen voorlopig mee" in noted.text and "--accept-review" not in noted.text
    # without figures and without the box: the error names the page's fields
    files.pop("figures")
    files.pop("overrides")
    refused = client.post("/quickscan", data={"csrf_token": client.cookies.get("pso_csrf")}, files=files)
    assert refused.status_code == 400
    assert "--" not in refused.text.split("<main")[-1] and "Leveranciers zonder cijfers weglaten" in refused.text
    assert "vraag de leverancier om zijn PSO-cijfers" in refused.text  # the reason in Dutch too
    assert "eligible supplier without" not in refused.text
    bad = client.post("/quickscan", data={"csrf_token": client.cookies.get("pso_csrf"), "year": "20x5"},
                      files=files)
    assert bad.status_code == 400 and "jaartal" in bad.text


@pytest.mark.parametrize(("field", "value", "says"), [
    ("vat", "121", "Btw-percentage"), ("vat", "eenentwintig", "Btw-percentage"),
    ("year", "99999", "jaartal"), ("map", "Leverancier zonder isteken", "regel 1"),
    ("map", "<script>alert(1)</script>", "regel 1"),
    ("map", "<img src=x onerror=alert(1)>=supplier_name", ""),
])
def test_bad_or_hostile_form_fields_are_400_naming_the_field(client, books, field, value, says):
    """Every new field of the quick scan: a bad value is a 400 that names the field (in Dutch);
    hostile text never comes back unescaped, and no stack trace."""
    files = {"books": ("afas.csv", books["ledger"].read_bytes()),
             "register": ("register.csv", books["register"].read_bytes()),
             "buyer": ("buyer.csv", books["buyer"].read_bytes())}
    page = client.post("/quickscan", data={"csrf_token": client.cookies.get("pso_csrf"), field: value},
                       files=files)
    assert page.status_code == 400, page.text[:300]
    assert says in page.text
    assert "<script>alert(1)" not in page.text and "<img src=x" not in page.text
    assert "Traceback" not in page.text
