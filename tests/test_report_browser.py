"""The report in a real browser: headless Chromium (Debian's ``chromium``, installed by
``scripts/prepare-browser``) opens the file from disk with every host name unresolvable, and the
test checks the rendered DOM (every section laid out, every image decoded) and a screenshot that
is not blank. The screenshot is kept as ``test-artifacts/report-screenshot.png``.

Without chromium the test is skipped, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pso_chain import example_path
from pso_chain.outputs.report import SECTION_IDS

ROOT = Path(__file__).resolve().parent.parent
ARTEFACT = ROOT / "test-artifacts" / "report-screenshot.png"
WIDTH = 1280
MAX_HEIGHT = 16000  # tall enough for the whole report of the bundled example
HEADER_RGB = (0x0B, 0x6E, 0x4F)  # the header's background colour in the report's CSS
# Set once the page has loaded: how many images decoded, the page height, each section's height.
PROBE = """<script>
window.addEventListener("load", function () {
  var root = document.documentElement;
  var images = Array.prototype.slice.call(document.images);
  var decoded = images.filter(function (i) { return i.complete && i.naturalWidth > 0; });
  var sections = Array.prototype.map.call(document.querySelectorAll("section[id]"), function (s) {
    return s.id + ":" + Math.round(s.getBoundingClientRect().height);
  });
  root.setAttribute("data-images-total", images.length);
  root.setAttribute("data-images-decoded", decoded.length);
  root.setAttribute("data-page-height", root.scrollHeight);
  root.setAttribute("data-sections", sections.join(","));
});
</script>"""


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    found = chromium_binary()
    if found is None:
        reason = "chromium is not installed (scripts/prepare-browser installs Debian's package)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)
    return found


def run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", "--hide-scrollbars",
               "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: no host name resolves
               f"--user-data-dir={profile}", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    """The report of the bundled example, written by the installed ``pso-chain`` command."""
    out = tmp_path_factory.mktemp("report") / "rapport.html"
    script = Path(sys.executable).with_name("pso-chain")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pso_chain.cli"]
    done = subprocess.run([*command, "report", str(example_path()), "--out", str(out), "--year", "2025",
                           "--municipality", "Apeldoorn"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.parent.iterdir()) == ["rapport.html"]  # one file, nothing beside
    return out


@pytest.fixture(scope="module")
def rendered(chromium, report_file, tmp_path_factory) -> dict:
    """The DOM Chromium rendered from a copy of the report with the probe script added."""
    work = tmp_path_factory.mktemp("probe")
    probe = work / "probe.html"
    page = report_file.read_text(encoding="utf-8")
    probe.write_text(page.replace("</body>", PROBE + "\n</body>"), encoding="utf-8")
    done = run_chromium(chromium, work / "profile", "--virtual-time-budget=10000", "--window-size=1280,2000",
                        "--dump-dom", probe.as_uri())
    dom = done.stdout
    root = re.search(r"<html[^>]*>", dom)
    assert root, dom[:500]
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', root.group(0)))
    return {"dom": dom, "attrs": attrs, "html_images": page.count("<img ")}


def test_browser_renders_every_section(rendered):
    attrs = rendered["attrs"]
    assert "data-sections" in attrs, "the page's load event never ran"
    heights = dict(item.split(":") for item in attrs["data-sections"].split(","))
    assert list(heights) == list(SECTION_IDS)
    for section, height in heights.items():
        assert int(height) > 100, f"section {section} is not laid out ({height}px)"
    for section in SECTION_IDS:
        assert f'<section id="{section}">' in rendered["dom"]


def test_browser_decodes_every_image(rendered):
    attrs = rendered["attrs"]
    total, decoded = int(attrs["data-images-total"]), int(attrs["data-images-decoded"])
    assert total == rendered["html_images"] >= 8
    assert decoded == total


def test_screenshot_is_not_blank(chromium, report_file, rendered, tmp_path_factory):
    import matplotlib.image as mpimg

    height = min(int(rendered["attrs"]["data-page-height"]) + 40, MAX_HEIGHT)
    work = tmp_path_factory.mktemp("shot")
    shot = work / "report-screenshot.png"
    run_chromium(chromium, work / "profile", f"--window-size={WIDTH},{height}", f"--screenshot={shot}",
                 report_file.as_uri())
    ARTEFACT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, ARTEFACT)
    pixels = mpimg.imread(str(shot))[..., :3]
    assert pixels.shape[:2] == (height, WIDTH)
    assert float(pixels.std()) > 0.1  # a blank page has no variance
    ink = (pixels < 0.9).any(axis=2)
    assert ink.mean() > 0.05  # text, tables and charts cover part of the page
    # the header was drawn with the report's CSS: its background colour at the top left
    header = np.round(pixels[20, 20] * 255).astype(int)
    assert np.abs(header - np.array(HEADER_RGB)).max() <= 3, header
    # content all the way down: ink in every 1000-pixel band of the report's height
    for top in range(0, height - 1000, 1000):
        assert ink[top:top + 1000].mean() > 0.01, f"blank band at {top}px"
