"""The web app's JSON API and pages through FastAPI's test client: the same answers as the
CLI's JSON files, 404/400/422 for bad input (never a 500), no person id anywhere, the
security headers, CSRF on POST forms and authentication."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

import pso_chain  # noqa: E402
from pso_chain.web.app import create_app  # noqa: E402
from pso_chain.web.security import Auth, check_bind, hash_password, load_auth  # noqa: E402
from pso_chain.web.state import NetworkHolder  # noqa: E402
from tests.datasets import buy, write_tables  # noqa: E402
from tests.datasets import org as org_row  # noqa: E402

EXAMPLE = pso_chain.example_path()
LOCAL = "http://127.0.0.1"  # the server answers to its loopback names only
RECORDS = pd.read_csv(EXAMPLE / "employees_records.csv", dtype=str)
PERSON_IDS = set(RECORDS["person_id"])
ORG_WITH_RECORDS = RECORDS["org_id"].iat[0]
BUYER, SUPPLIER = "10000020", "10000159"  # 70,000 euros more at this SW-bedrijf lifts to trede 1
HOSTILE = ["<script>alert(1)</script>", "../../etc/passwd", "%00", "' OR 1=1 --", "9" * 400,
           "\u202ex%00", "{{7*7}}"]


def pso(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("pso-chain")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "pso_chain.cli"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def holder() -> NetworkHolder:
    return NetworkHolder(EXAMPLE)


@pytest.fixture(scope="module")
def client(holder) -> TestClient:
    return TestClient(create_app(holder), raise_server_exceptions=False, base_url=LOCAL)


def no_person_ids(text: str) -> None:
    leaked = [p for p in PERSON_IDS if p in text]
    assert not leaked, f"person ids in a response: {leaked[:3]}"


# --- acceptance: the CLI's JSON, row for row --------------------------------------------------
def test_credits_equal_the_cli_json(client, tmp_path):
    out = tmp_path / "x.json"
    assert pso("credits", str(EXAMPLE), "--out", str(out)).returncode == 0
    response = client.get("/api/credits")
    assert response.status_code == 200
    assert response.text == out.read_text()  # byte for byte
    assert response.json() == json.loads(out.read_text())
    one = client.get(f"/api/organisations/{BUYER}").json()
    assert one == next(r for r in json.loads(out.read_text()) if r["org_id"] == BUYER)


def test_credits_as_csv_equal_the_cli_csv(client, tmp_path):
    out = tmp_path / "x.csv"
    assert pso("credits", str(EXAMPLE), "--out", str(out)).returncode == 0
    response = client.get("/api/credits", headers={"Accept": "text/csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.text == out.read_text()


@pytest.mark.parametrize("org", [BUYER, ORG_WITH_RECORDS])
def test_explain_equals_the_cli_json_without_persons(client, tmp_path, org):
    out = tmp_path / "x.json"
    assert pso("explain", str(EXAMPLE), "--org", org, "--out", str(out)).returncode == 0
    cli = json.loads(out.read_text())
    persons = cli["direct"].pop("persons")
    api = client.get(f"/api/organisations/{org}/explain").json()
    count, fte = api["direct"].pop("persons_count"), api["direct"].pop("persons_weighted_fte")
    if 0 < len(persons) < 3:  # an aggregate over one or two persons would describe them
        assert count == "< 3" and fte is None
    else:
        assert count == len(persons)
        assert fte == pytest.approx(sum(p["weighted_fte"] for p in persons))
    assert api == cli
    if org == ORG_WITH_RECORDS:
        assert persons, "the example's first record holder must have person rows"


def test_uplift_equals_the_cli_json(client, tmp_path):
    out = tmp_path / "x.json"
    done = pso("uplift", str(EXAMPLE), "--org", BUYER, "--max-share", "0.1", "--out", str(out))
    assert done.returncode == 0, done.stderr
    api = client.get(f"/api/organisations/{BUYER}/uplift", params={"max_share": 0.1}).json()
    assert sorted(api) == ["mix", "targets", "uplift"]
    assert api["uplift"] == json.loads(out.read_text())
    for name in ("targets", "mix"):
        assert api[name] == json.loads(out.with_name(f"x-{name}.json").read_text())


def test_suppliers_equal_the_cli_json(client, tmp_path):
    out = tmp_path / "x.json"
    args = ["--on", "2025-06-01", "--for", BUYER, "--min-level", "1"]
    assert pso("suppliers", str(EXAMPLE), *args, "--out", str(out)).returncode == 0
    api = client.get("/api/suppliers", params={"on": "2025-06-01", "for": BUYER, "min_level": "1"})
    assert api.status_code == 200
    assert api.json() == json.loads(out.read_text())


def test_municipality_tables(client):
    body = client.get("/api/municipalities/deventer").json()
    assert body["municipality"] == "Deventer" and body["organisations"] > 0
    assert sum(r["organisations"] for r in body["tredes"]) == body["organisations"]


def test_what_if_api_lifts_the_trede(client):
    response = client.post(f"/api/organisations/{BUYER}/what-if",
                           json={"changes": {SUPPLIER: 70_000}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["before"]["trede"] is None and body["after"]["trede"] == 1
    assert body == json.loads(json.dumps(pso_chain.what_if(pso_chain.load_example(), BUYER,
                                                           {SUPPLIER: 70_000})))


def test_what_if_api_adds_by_default_and_replaces_when_asked(client):
    net = pso_chain.load_example()
    current = {p["supplier_id"] for p in pso_chain.explain(net, BUYER)["purchases"]}
    assert SUPPLIER in current
    added = client.post(f"/api/organisations/{BUYER}/what-if", json={"changes": {SUPPLIER: 1000}}).json()
    change = added["changes"][0]
    assert change["amount_after_eur"] == pytest.approx(change["amount_before_eur"] + 1000)
    dropped = client.post(f"/api/organisations/{BUYER}/what-if", json={"replace": {SUPPLIER: 0}}).json()
    assert dropped == json.loads(json.dumps(pso_chain.what_if(net, BUYER, replace={SUPPLIER: 0})))
    assert dropped["changes"][0]["amount_after_eur"] == 0
    assert client.post(f"/api/organisations/{BUYER}/what-if", json={}).status_code == 422


# --- bad and hostile input: 404/400/422 with a message, never a 500 -------------------------
@pytest.mark.parametrize("bad", HOSTILE + ["unknown"])
def test_unknown_and_hostile_ids_are_404(client, bad):
    for suffix in ("", "/explain", "/uplift"):
        response = client.get(f"/api/organisations/{bad}{suffix}")
        assert response.status_code in (404, 422), (bad, suffix, response.status_code)
        if response.headers["content-type"].startswith("application/json"):
            assert "detail" in response.json()
        else:  # a path the client normalised out of /api: the 404 page, escaped
            assert "<script>" not in response.text


@pytest.mark.parametrize("url, param", [
    ("/api/credits?year=abc", "year"), ("/api/credits?year=99999999999999999999999", "year"),
    ("/api/credits?year=-1", "year"), (f"/api/organisations/{BUYER}/uplift?top=0", "top"),
    (f"/api/organisations/{BUYER}/uplift?max_share=2", "max_share"),
    (f"/api/organisations/{BUYER}/uplift?on=31-31-2025", "on"),
    ("/api/suppliers?on=yesterday", "on"), ("/api/suppliers?limit=10000000000", "limit"),
    ("/api/suppliers?sbi=%3Cscript%3E", "sbi"),
])
def test_bad_parameters_are_422_naming_the_parameter(client, url, param):
    response = client.get(url)
    assert response.status_code == 422, response.text
    assert param in [p["parameter"] for p in response.json()["detail"]]


@pytest.mark.parametrize("url", [
    f"/api/organisations/{BUYER}/uplift?shift=nonsense", "/api/suppliers?for=nobody",
    f"/api/organisations/{BUYER}/uplift?shift={BUYER}:x:1", "/api/suppliers?min_level=7",
])
def test_engine_input_errors_are_400_with_the_message(client, url):
    response = client.get(url)
    assert response.status_code == 400, (url, response.status_code, response.text)
    detail = response.json()["detail"]
    assert detail and "Traceback" not in detail and "/work/" not in detail


@pytest.mark.parametrize("body", [
    {"changes": {SUPPLIER: -5}}, {"changes": {SUPPLIER: "lots"}}, {"changes": {"nobody": 5}},
    {"changes": {BUYER: 5}}, {"changes": []}, {}, {"changes": {SUPPLIER: 5}, "year": 12},
])
def test_what_if_bad_bodies(client, body):
    response = client.post(f"/api/organisations/{BUYER}/what-if", json=body)
    assert response.status_code in (400, 422), (body, response.status_code, response.text)


def test_what_if_infinite_and_huge_amounts(client):
    huge = client.post(f"/api/organisations/{BUYER}/what-if", json={"changes": {SUPPLIER: 1e300}})
    assert huge.status_code == 200 and huge.json()["after"]["cap_applied"] is True  # capped, not broken
    for raw in ('{"changes": {"SUP": 1e999}}'.replace("SUP", SUPPLIER),
                '{"changes": {"SUP": NaN}}'.replace("SUP", SUPPLIER),
                "not json", '{"changes": ' * 5000):
        response = client.post(f"/api/organisations/{BUYER}/what-if", content=raw,
                               headers={"Content-Type": "application/json"})
        assert response.status_code in (400, 422), (raw[:40], response.status_code, response.text[:200])


def test_municipality_unknown_and_hostile(client):
    for name in ["Atlantis", "<script>x</script>", "..%2F..%2Fetc"]:
        response = client.get(f"/api/municipalities/{name}")
        assert response.status_code == 404, name
        page = client.get(f"/municipalities/{name}")
        assert page.status_code == 404 and "<script>x" not in page.text


def test_pages_escape_and_never_500(client):
    for url in ["/", "/suppliers", "/suppliers?q=%3Cscript%3Ealert(1)%3C/script%3E&municipalities=Deventer,Epe",
                "/suppliers?municipalities=%3Cscript%3E", "/suppliers?gain=abc", "/suppliers?on=2025-13-01",
                f"/suppliers?for={BUYER}&gain=50000", "/organisations/%3Cscript%3E", f"/organisations/{BUYER}?year=1",
                f"/organisations/{BUYER}?year=abc", f"/organisations/{BUYER}?page=999", f"/organisations/{BUYER}?page=0", "/municipalities", "/municipalities/Deventer",
                "/municipalities/Deventer/report", "/quickscan", "/no/such/page", "/organisations?org_id=%3Cb%3E"]:
        response = client.get(url)
        assert response.status_code < 500, url
        assert "<script>alert" not in response.text and "<script>x" not in response.text, url
        assert "Traceback" not in response.text
        no_person_ids(response.text)


def test_no_person_id_in_any_response(client):
    orgs = list(RECORDS["org_id"].unique())
    for org in orgs:
        for suffix in ("", "/explain", "/uplift"):
            no_person_ids(client.get(f"/api/organisations/{org}{suffix}").text)
        no_person_ids(client.get(f"/organisations/{org}").text)
    no_person_ids(client.get("/api/credits").text)
    no_person_ids(client.get("/api/municipalities/Deventer").text)
    no_person_ids(client.get("/municipalities/Deventer/report").text)
    no_person_ids(client.get("/api/openapi.json").text)


def test_security_headers_on_every_response(client):
    for url in ["/", "/api/credits", "/no/such/page", "/api/organisations/x"]:
        headers = client.get(url).headers
        assert "frame-ancestors 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "SAMEORIGIN"
        assert headers["referrer-policy"] == "same-origin"


def test_a_crash_is_a_generic_500_without_traceback(holder, monkeypatch):
    app = create_app(holder)

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals /work/path")

    monkeypatch.setattr(pso_chain, "explain", boom)
    client = TestClient(app, raise_server_exceptions=False, base_url=LOCAL)
    for url in (f"/api/organisations/{BUYER}/explain", f"/organisations/{BUYER}"):
        response = client.get(url)
        assert response.status_code == 500
        assert "secret internals" not in response.text and "Traceback" not in response.text
        assert response.headers["x-content-type-options"] == "nosniff"


# --- forms: CSRF, what-if, reload -----------------------------------------------------------
def csrf_of(client: TestClient) -> str:
    client.get("/")
    return client.cookies.get("pso_csrf")


def test_what_if_form_needs_csrf_and_changes_the_trede(holder):
    client = TestClient(create_app(holder), raise_server_exceptions=False, base_url=LOCAL)
    url = f"/organisations/{BUYER}/what-if"
    assert client.post(url, data={f"s_{SUPPLIER}": "70000"}).status_code == 403
    assert client.post(url, data={f"s_{SUPPLIER}": "70000", "csrf_token": "forged"}).status_code == 403
    token = csrf_of(client)
    page = client.post(url, data={"csrf_token": token, "new_supplier": SUPPLIER, "new_amount": "70.000,00"})
    assert page.status_code == 200
    assert 'id="after-trede">1<' in page.text and 'id="before-trede">geen<' in page.text
    for bad in ({"new_supplier": "<script>", "new_amount": "5"}, {f"s_{SUPPLIER}": "-5"},
                {f"s_{SUPPLIER}": "1e999"}, {f"s_{SUPPLIER}": "<b>"}, {"s_nobody": "5"}):
        response = client.post(url, data={"csrf_token": token, **bad})
        assert response.status_code == 400, (bad, response.status_code)
        assert "<script>" not in response.text and "<b>" not in response.text


@pytest.mark.parametrize("text, value", [("70.000", 70_000.0), ("70.000,50", 70_000.5), ("1234.5", 1234.5),
                                         ("1234,5", 1234.5), ("€ 1.234.567", 1_234_567.0), ("0", 0.0)])
def test_amounts_as_people_type_them(text, value):
    from pso_chain.web.pages import parse_amount

    assert parse_amount("x", text) == value


def test_reload_swaps_the_network(holder):
    client = TestClient(create_app(holder), raise_server_exceptions=False, base_url=LOCAL)
    before = holder.network
    assert client.post("/admin/reload", data={"csrf_token": csrf_of(client)}).status_code == 200
    assert holder.network is not before and holder.network.n == before.n


def test_english_switch():
    client = TestClient(create_app(NetworkHolder(EXAMPLE)), base_url=LOCAL)
    assert "Leveranciers zoeken" in client.get("/").text
    assert "Find suppliers" in client.get("/?lang=en").text
    assert "Find suppliers" in client.get("/").text  # remembered in a cookie


# --- authentication -------------------------------------------------------------------------
def test_non_loopback_needs_authentication(monkeypatch, tmp_path):
    with pytest.raises(pso_chain.PsoInputError, match="authentication"):
        check_bind("0.0.0.0", Auth())
    check_bind("127.0.0.1", Auth())
    check_bind("::1", Auth())
    done = pso("serve", str(EXAMPLE), "--host", "0.0.0.0", "--port", "0")
    assert done.returncode == 1 and "authentication" in done.stderr
    monkeypatch.setenv("PSO_TEST_TOKEN", "short")
    with pytest.raises(pso_chain.PsoInputError, match="16 characters"):
        load_auth("PSO_TEST_TOKEN")


def test_token_required_when_configured(holder, monkeypatch):
    monkeypatch.setenv("PSO_TEST_TOKEN", "t" * 32)
    auth = load_auth("PSO_TEST_TOKEN")
    client = TestClient(create_app(holder, auth), raise_server_exceptions=False, base_url=LOCAL)
    for url in ("/api/credits", f"/api/organisations/{BUYER}/explain", "/", f"/organisations/{BUYER}"):
        assert client.get(url).status_code == 401, url
        assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get(url, headers={"Authorization": "Bearer " + "t" * 32}).status_code == 200
    assert client.get("/healthz").status_code == 200
    # the browser's way: log in once, a signed session cookie afterwards
    token = csrf_of(client)
    login = client.post("/login", data={"csrf_token": token, "token": "t" * 32, "next": "/suppliers"},
                        follow_redirects=False)
    assert login.status_code == 303 and login.headers["location"] == "/suppliers"
    assert client.get("/api/credits").status_code == 200


def test_users_file(holder, tmp_path):
    users = tmp_path / "users"
    users.write_text(f"ana:{hash_password('correct horse')}:admin\nbob:{hash_password('battery staple')}\n")
    auth = load_auth(users_file=users)
    client = TestClient(create_app(holder, auth), raise_server_exceptions=False, base_url=LOCAL)
    assert client.get("/api/credits", auth=("ana", "wrong")).status_code == 401
    assert client.get("/api/credits", auth=("ana", "correct horse")).status_code == 200
    bob = TestClient(create_app(holder, auth), raise_server_exceptions=False, base_url=LOCAL)
    token = csrf_of(bob) if bob.get("/login").status_code == 200 else None
    token = bob.cookies.get("pso_csrf")
    assert bob.post("/login", data={"csrf_token": token, "user": "bob", "password": "battery staple"},
                    follow_redirects=False).status_code == 303
    assert bob.post("/admin/reload", data={"csrf_token": token}).status_code == 403  # not an admin
    session = bob.cookies.get("pso_session")
    assert "bob" not in session and "Ym9i" not in session  # a random id, naming no one
    bob.cookies.set("pso_session", session[:-1] + ("A" if session[-1] != "A" else "B"))
    assert bob.get("/api/credits").status_code == 401
    (tmp_path / "bad").write_text("ana:plaintext\n")
    with pytest.raises(pso_chain.PsoInputError, match="scrypt"):
        load_auth(users_file=tmp_path / "bad")


def test_serve_cli_help():
    done = pso("serve", "--help")
    assert done.returncode == 0 and "--auth-token-env" in done.stdout


def test_organisation_page_flags_audit_risk_and_aspirants(client):
    """Issue 14: a holder scoring below its certificate is at risk at the next audit; an
    aspirant sees its deadline for trede 1."""
    below = pso_chain.explain(pso_chain.load_example(), "10000131")
    assert below["certified_level"]["below"]
    page = client.get("/organisations/10000131?lang=nl")
    assert page.status_code == 200 and 'id="audit-risk"' in page.text
    assert "Risico bij de volgende audit" in page.text
    english = client.get("/organisations/10000131?lang=en")
    assert "At risk at the next audit" in english.text
    aspirant = client.get("/organisations/90000009?lang=nl")
    assert 'id="aspirant"' in aspirant.text and "18-03-2026" in aspirant.text
    fine = client.get("/organisations/90000006")
    assert 'id="audit-risk"' not in fine.text and 'id="aspirant"' not in fine.text


def test_page_titles_name_the_app_once_and_no_favicon_is_fetched(client):
    import re

    home = client.get("/").text
    assert re.search(r"<title>(.*?)</title>", home).group(1) == "PSO-keten"
    page = client.get(f"/organisations/{BUYER}").text
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert title.endswith(" · PSO-keten") and title.count("PSO-keten") == 1
    assert '<link rel="icon" href="data:,">' in home  # the browser asks for no /favicon.ico


def test_municipality_pages_show_no_none_or_nan(client):
    """A prospect no code-applying buyer reaches reads 'onbereikbaar', not 'None'."""
    for name in ("Epe", "Voorst", "Apeldoorn"):
        page = client.get(f"/municipalities/{name}").text
        assert ">None<" not in page and ">nan<" not in page
    assert "onbereikbaar" in client.get("/municipalities/Epe").text


def test_a_large_buyers_page_shows_one_page_and_its_largest_suppliers(tmp_path):
    """A buyer with 250 purchase rows at 40 suppliers: each page shows its 100 rows of the whole
    explanation (a page past the end shows the last), the count line counts all 250, and the
    what-if form offers the 30 largest suppliers with their totals (a plain loop's)."""
    rng = np.random.default_rng(5)
    suppliers = [f"2{i:07d}" for i in range(40)]
    orgs = [org_row("10000001")] + [org_row(s, sw=i % 3 == 0) for i, s in enumerate(suppliers)]
    rows = [buy("10000001", suppliers[int(rng.integers(40))], float(rng.integers(1, 500) * 100))
            for _ in range(250)]
    folder = write_tables(tmp_path / "large", orgs, rows)
    whole = pso_chain.explain(pso_chain.open(folder, cache=False), "10000001")["purchases"]
    totals: dict[str, float] = {}
    for p in whole:
        totals[p["supplier_id"]] = totals.get(p["supplier_id"], 0.0) + p["amount_eur"]
    largest = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:30]
    client = TestClient(create_app(NetworkHolder(folder)), raise_server_exceptions=False, base_url=LOCAL)
    for page, first in ((1, 0), (2, 100), (3, 200), (999, 200)):
        text = client.get(f"/organisations/10000001?page={page}&lang=nl").text
        table = text[text.index('id="purchases"'):text.index("</table>", text.index('id="purchases"'))]
        shown = re.findall(r'<a href="/organisations/(\d+)">', table)
        assert shown == [p["supplier_id"] for p in whole[first:first + 100]]
        assert "250" in text[text.index('id="purchases-h"'):text.index('id="purchases"')]
        fields = re.findall(r'name="s_(\d+)" value="([0-9.]+)"', text)
        assert fields == [(sid, f"{amount:.2f}") for sid, amount in largest]
