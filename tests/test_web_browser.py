"""The web app in a real browser: ``pso-chain serve`` on a free loopback port, driven by
selenium in Debian's headless chromium (``/usr/bin/chromium`` and ``/usr/bin/chromedriver``
given explicitly; Selenium Manager never downloads anything). A buyer searches a supplier,
opens an organisation, raises a what-if amount and sees the trede change, and runs a quick
scan upload; screenshots go to ``test-artifacts/web-*.png``. A bounded load test (20 clients,
a fixed number of requests) checks that nothing fails under concurrency.

Without chromium the browser tests are skipped, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

import pso_chain  # noqa: E402
from tests.import_fixtures import make_world, write_afas  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ARTEFACTS = ROOT / "test-artifacts"
EXAMPLE = pso_chain.example_path()
BUYER, SUPPLIER = "10000020", "10000159"  # 70,000 euros at this SW-bedrijf lifts trede none -> 1
LOAD_CLIENTS, LOAD_REQUESTS = 20, 400
PROCESSES: dict[str, subprocess.Popen] = {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """``pso-chain serve`` on the bundled example, stopped (SIGTERM) after the module."""
    port = free_port()
    exe = Path(sys.executable).with_name("pso-chain")
    ARTEFACTS.mkdir(exist_ok=True)
    log = open(ARTEFACTS / "web-server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen([str(exe), "serve", str(EXAMPLE), "--port", str(port)], stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/healthz", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.terminate()
        pytest.fail("pso-chain serve did not start within 60 s")
    PROCESSES["server"] = proc  # for the SIGHUP test
    yield url
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def browser():
    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if binary is None or driver is None:
        reason = "chromium/chromedriver not installed (scripts/prepare-browser installs Debian's)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not fetch anything
    options = Options()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--window-size=1280,1400", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(arg)
    drv = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    drv.set_page_load_timeout(120)
    # A click on a submit button starts a navigation and returns at once; a lookup right after
    # it may still see the old page. Every element looked up after a navigation exists only on
    # the new page, so waiting for it (up to 60 s on a loaded machine) removes the race.
    drv.implicitly_wait(60)
    yield drv
    drv.quit()


def shot(browser, name: str) -> None:
    ARTEFACTS.mkdir(exist_ok=True)
    path = ARTEFACTS / f"web-{name}.png"
    browser.save_screenshot(str(path))
    assert path.stat().st_size > 5000


def test_search_a_supplier(server, browser):
    browser.get(f"{server}/suppliers")
    assert browser.find_element(By.CSS_SELECTOR, "label[for=q]").text  # every field labelled
    browser.find_element(By.ID, "q").send_keys("werkbedrijf")
    browser.find_element(By.ID, "for").send_keys(BUYER)
    # a date field's typing order follows the browser's locale: set the ISO value itself
    browser.execute_script("arguments[0].value = '2025-06-01'", browser.find_element(By.ID, "on"))
    browser.find_element(By.ID, "search-button").click()
    # the click starts a navigation; wait for the answer page, not the form still on screen
    WebDriverWait(browser, 60).until(lambda b: "q=werkbedrijf" in b.current_url
                                     and b.find_elements(By.CSS_SELECTOR, "#suppliers tbody tr"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#suppliers tbody tr")
    assert rows and all("werkbedrijf" in r.text.lower() for r in rows)
    shot(browser, "suppliers")
    rows[0].find_element(By.TAG_NAME, "a").click()
    assert browser.find_element(By.ID, "org-name").text


def test_open_an_organisation_and_what_if_changes_the_trede(server, browser):
    browser.get(f"{server}/")
    field = browser.find_element(By.ID, "home-org")
    field.send_keys(BUYER)
    field.submit()
    assert browser.find_element(By.ID, "trede").text == "geen"
    assert browser.find_elements(By.CSS_SELECTOR, "#purchases tbody tr")
    shot(browser, "organisation")
    browser.find_element(By.ID, "new_supplier").send_keys(SUPPLIER)
    browser.find_element(By.ID, "new_amount").send_keys("70.000")
    browser.find_element(By.ID, "what-if-button").click()
    assert browser.find_element(By.ID, "before-trede").text == "geen"
    assert browser.find_element(By.ID, "after-trede").text == "1"
    shot(browser, "what-if")


def test_english_and_municipality_page(server, browser):
    browser.get(f"{server}/municipalities/Deventer?lang=en")
    assert browser.find_element(By.ID, "lang-switch").text == "Nederlands"
    assert browser.find_elements(By.CSS_SELECTOR, "#tredes tbody tr")
    browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, "iframe.report"))
    images = browser.find_elements(By.TAG_NAME, "img")
    assert images and all(browser.execute_script("return arguments[0].naturalWidth", i) > 0 for i in images)
    browser.switch_to.default_content()
    shot(browser, "municipality")
    browser.get(f"{server}/?lang=nl")


def test_quickscan_upload(server, browser, tmp_path):
    world = make_world(seed=5, n_register=400, n_suppliers=25)
    lists = world.write_lists(tmp_path)
    ledger = write_afas(world.invoices, tmp_path / "afas.csv")
    browser.get(f"{server}/quickscan")
    for field, path in (("books", ledger), ("register", lists["register"]), ("buyer", lists["buyer"]),
                        ("sw", lists["sw"]), ("figures", lists["figures"])):
        browser.find_element(By.ID, field).send_keys(str(path))
    browser.find_element(By.ID, "accept_review").click()
    browser.find_element(By.ID, "quickscan-button").click()
    assert browser.find_element(By.ID, "qs-total").text.endswith("%")
    assert browser.find_elements(By.CSS_SELECTOR, "#qs-match-table tbody tr")
    assert browser.find_element(By.ID, "qs-download").get_attribute("href").endswith(".xlsx")
    shot(browser, "quickscan")


def test_bounded_load(server):
    """20 concurrent clients, LOAD_REQUESTS requests in all over the read routes: no error.
    Bounded by count and by a 120 s deadline, so it stops by itself."""
    urls = [f"{server}/api/organisations/{BUYER}/explain", f"{server}/api/organisations/{BUYER}/uplift",
            f"{server}/organisations/{BUYER}", f"{server}/suppliers?q=werk&on=2025-06-01",
            f"{server}/api/organisations/{BUYER}"]
    deadline = time.monotonic() + 120

    def fetch(i: int) -> int:
        if time.monotonic() > deadline:
            return -1
        with urllib.request.urlopen(urls[i % len(urls)], timeout=60) as response:
            response.read()
            return response.status

    with concurrent.futures.ThreadPoolExecutor(LOAD_CLIENTS) as pool:
        statuses = list(pool.map(fetch, range(LOAD_REQUESTS)))
    done = [s for s in statuses if s != -1]
    assert len(done) >= LOAD_REQUESTS // 4
    assert set(done) == {200}


def test_sighup_reloads_without_stopping(server):
    """SIGHUP opens the source again in the background; the server keeps answering."""
    import signal

    log = ARTEFACTS / "web-server.log"
    opened = log.read_text().count("opened ")
    server_proc = PROCESSES["server"]
    server_proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 60
    while log.read_text().count("opened ") == opened and time.monotonic() < deadline:
        assert urllib.request.urlopen(f"{server}/healthz", timeout=10).status == 200
        time.sleep(0.2)
    assert log.read_text().count("opened ") == opened + 1
    assert server_proc.poll() is None
    assert urllib.request.urlopen(f"{server}/api/organisations/{BUYER}", timeout=30).status == 200


def test_two_workers_serve():
    """``--workers 2``: the parent opens the data once, each worker process answers."""
    port = free_port()
    exe = Path(sys.executable).with_name("pso-chain")
    proc = subprocess.Popen([str(exe), "serve", str(EXAMPLE), "--port", str(port), "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/organisations/{BUYER}",
                                            timeout=10) as response:
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("no answer from pso-chain serve --workers 2 within 120 s")
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_all_addresses_with_a_token_need_it():
    """``--host 0.0.0.0 --auth-token-env VAR``: a real server that answers 401 without the
    token and 200 with it (without the option it refuses to start: tests/test_web_api.py)."""
    port = free_port()
    exe = Path(sys.executable).with_name("pso-chain")
    token = "s3cret-token-for-the-test-0123456789"
    env = {**os.environ, "PSO_WEB_TEST_TOKEN": token}
    proc = subprocess.Popen([str(exe), "serve", str(EXAMPLE), "--host", "0.0.0.0", "--port", str(port),
                             "--auth-token-env", "PSO_WEB_TEST_TOKEN"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/organisations/{BUYER}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except OSError:
                time.sleep(0.3)
        for headers in ({}, {"Authorization": "Bearer wrong"}):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30)
            assert refused.value.code == 401
        ok = urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"}),
                                    timeout=30)
        assert ok.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_phone_width_has_no_sideways_scrolling(server, browser):
    """At a phone's width (390 px) the pages reflow: wide tables scroll inside their own box,
    the page itself never needs sideways scrolling."""
    browser.set_window_size(390, 844)
    try:
        for path in ("/", f"/organisations/{BUYER}", "/suppliers?q=werk&on=2025-06-01", "/quickscan"):
            browser.get(f"{server}{path}")
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (path, overflow)
        shot(browser, "phone")
    finally:
        browser.set_window_size(1280, 1400)
