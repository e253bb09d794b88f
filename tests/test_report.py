"""The municipal report without a browser: sections, labels, embedded PNGs, nothing fetched from
the network, determinism; spend with counting suppliers against a plain loop; the CLI verb."""

from __future__ import annotations

import base64
import io
import re
import string
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pso_chain import example_path, messages
from pso_chain.cli import app
from pso_chain.core.loading import load_network
from pso_chain.core.spend import counting_spend
from pso_chain.errors import PsoInputError
from pso_chain.olievlek import spend_by_buyer_group
from pso_chain.outputs.report import SECTION_IDS, build_report, collect_report, render_report
from pso_chain.outputs.report.labels import Labels
from pso_chain.outputs.report.page import Formatter
from pso_chain.sectors import sbi_section, section_name
from tests.datasets import buy, org, random_tables, write_tables

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Resources(HTMLParser):
    """Every section id, every src/href value and every tag name of a document."""

    def __init__(self):
        super().__init__()
        self.sections: list[str] = []
        self.refs: list[tuple[str, str, str]] = []
        self.images: list[str] = []
        self.tags: set[str] = set()
        self.lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "section":
            self.sections.append(attrs.get("id"))
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        for name in ("src", "href", "srcset", "data", "action", "poster"):
            if attrs.get(name) is not None:
                self.refs.append((tag, name, attrs[name]))


def parse(page: str) -> Resources:
    parser = Resources()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def example():
    return load_network(example_path())


@pytest.fixture(scope="module")
def apeldoorn(example):
    return collect_report(example, 2025, "apeldoorn")


@pytest.fixture(scope="module")
def pages(example, apeldoorn):
    return {"nl": build_report(example, 2025), "en": build_report(example, 2025, lang="en"),
            "apeldoorn": render_report(apeldoorn, "nl")}


def decode_png(uri: str) -> np.ndarray:
    import matplotlib.image as mpimg

    assert uri.startswith("data:image/png;base64,")
    raw = base64.b64decode(uri.split(",", 1)[1], validate=True)
    assert raw.startswith(PNG_SIGNATURE)
    return mpimg.imread(io.BytesIO(raw), format="png")


@pytest.mark.parametrize("which", ["nl", "en", "apeldoorn"])
def test_every_section_and_image(pages, which):
    page = pages[which]
    doc = parse(page)
    assert doc.sections == list(SECTION_IDS)
    assert doc.lang == ("en" if which == "en" else "nl")
    assert len(doc.images) >= 8
    for uri in doc.images:
        pixels = decode_png(uri)
        assert pixels.shape[0] > 100 and pixels.shape[1] > 300
        assert float(pixels[..., :3].std()) > 0.05  # a drawn chart, not an empty canvas


@pytest.mark.parametrize("which", ["nl", "en", "apeldoorn"])
def test_nothing_is_fetched_from_the_network(pages, which):
    page = pages[which]
    doc = parse(page)
    for tag, name, value in doc.refs:
        assert value.startswith(("data:image/png;base64,", "#")), (tag, name, value[:80])
    assert not doc.tags & {"script", "link", "iframe", "object", "embed", "video", "audio", "source"}
    assert not re.search(r"url\(", page)  # no CSS resources (fonts, backgrounds)
    assert not re.search(r"@import", page)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)


def test_deterministic(example, pages):
    assert build_report(example, 2025) == pages["nl"]


def test_dutch_and_english_labels(pages):
    nl, en = pages["nl"], pages["en"]
    assert "Verdeling over de treden" in nl and "Trede distribution" not in nl
    assert "Trede distribution" in en and "Verdeling over de treden" not in en
    assert "€ 414.793.898" in nl and "€ 414,793,898" in en  # Dutch and English thousands
    texts_nl, texts_en = messages.catalogue("nl"), messages.catalogue("en")
    for key in [k for k in texts_nl if k.startswith("report.")]:
        text_nl, text_en = texts_nl[key], texts_en[key]
        assert text_nl.strip() and text_en.strip(), key
        fields_nl = {f for _, f, _, _ in string.Formatter().parse(text_nl) if f}
        fields_en = {f for _, f, _, _ in string.Formatter().parse(text_en) if f}
        assert fields_nl == fields_en, key
    with pytest.raises(PsoInputError, match="lang"):
        Labels("de")
    # existing staff at newly certified organisations, never "extra" or "new" jobs (issue 21.2)
    assert "al in dienst" in nl and "extra doelgroep-fte" not in nl
    assert "already employed" in en and "extra target-group FTE" not in en


def test_hand_placed_cases_show_up(pages):
    page = pages["nl"]
    assert "Gemeente Apeldoorn" in page  # root of the largest cascade
    assert "Glazenwasserij Veluwe B.V." in page  # generation 2 of that cascade
    tredes = page[page.index('<section id="tredes">'):page.index('<section id="spend">')]
    closest = tredes[tredes.index("<h3>"):]
    # just below trede 2 (3.696% against 3.7%): first in "closest to the next trede"
    assert closest.index("90000006") < closest.index("<td>1000")


def test_municipality_report_is_about_the_municipality(apeldoorn, pages):
    page = pages["apeldoorn"]
    assert "gemeente Apeldoorn" in page
    orgs = apeldoorn.network.organisations
    scope_ids = set(orgs.loc[apeldoorn.scope, "org_id"])
    assert apeldoorn.scope.sum() == (orgs["municipality"] == "Apeldoorn").sum()
    assert set(apeldoorn.prospects["org_id"]) <= scope_ids
    assert set(apeldoorn.seeds["org_id"]) <= scope_ids
    assert int(apeldoorn.tredes_scope["organisations"].sum()) == int(apeldoorn.scope.sum())
    assert apeldoorn.spend_scope["group"].tolist() == ["all"]
    by_muni = apeldoorn.spend_by_municipality.set_index("group")
    assert apeldoorn.spend_scope["spend_eur"].iloc[0] == pytest.approx(by_muni.at["Apeldoorn", "spend_eur"])


def test_expected_spread_matches_the_seed_gains(apeldoorn):
    """With the seeds certified at round 0 the cascade certifies exactly the seeds' summed
    marginal gains more than without them."""
    k = len(apeldoorn.seeds)
    assert k >= 1
    base = int(apeldoorn.rounds["cumulative_certified"].iloc[-1])
    seeded = int(apeldoorn.seeded_rounds["cumulative_certified"].iloc[-1])
    assert seeded - base - k == int(apeldoorn.seeds["certified_gain"].sum())


def test_unknown_municipality_is_bad_input(example):
    with pytest.raises(PsoInputError, match="Amsterdam"):
        build_report(example, 2025, "Amsterdam")


def test_report_on_random_and_bare_datasets(tmp_path):
    folder = write_tables(tmp_path / "random", **random_tables(3, n_orgs=30, n_purchases=200))
    page = build_report(load_network(folder), 2025, "Epe", lang="en")
    assert parse(page).sections == list(SECTION_IDS)
    # nobody certified, no certifications table, no sector codes: every section still renders
    bare = write_tables(tmp_path / "bare", [org("1", sbi=""), org("2", municipality=""), org("3")],
                        [buy("1", "2", 1000.0), buy("2", "3", 500.0), buy("3", "3", 10.0)])
    doc = parse(build_report(load_network(bare), 2025))
    assert doc.sections == list(SECTION_IDS)
    for uri in doc.images:
        decode_png(uri)


# --- spend with counting suppliers ------------------------------------------------------------
def spend_oracle(network, year, key_of) -> dict:
    """A plain loop over purchase rows: per group [buyers, spend, counting, sw, certified]."""
    out: dict = {}
    for row in range(len(network.purchases)):
        b, s = int(network.buyer[row]), int(network.supplier[row])
        if network.year[row] != year or b == s:
            continue
        group = key_of(b)
        entry = out.setdefault(group, [set(), 0.0, 0.0, 0.0, 0.0])
        amount = float(network.amount[row])
        entry[0].add(b)
        entry[1] += amount
        if network.eligible[row]:
            entry[2] += amount
            entry[3 if network.sw[s] else 4] += amount
    return out


@pytest.mark.parametrize("seed", [1, 2, 5])
@pytest.mark.parametrize("by", [None, "municipality", "sector"])
def test_counting_spend_against_a_loop(tmp_path, seed, by):
    network = load_network(write_tables(tmp_path, **random_tables(seed, n_orgs=35, n_purchases=250)))
    orgs = network.organisations
    keys = {None: lambda b: "all", "municipality": lambda b: orgs["municipality"].iloc[b],
            "sector": lambda b: {"41": "F", "43": "F", "81": "N", "49": "H", "62": "J"}[orgs["sbi"].iloc[b][:2]]}
    expected = spend_oracle(network, 2025, keys[by])
    got = counting_spend(network, 2025, by=by)
    assert got["group"].tolist() == sorted(expected)
    for row in got.itertuples(index=False):
        buyers, spend, counting, sw, certified = expected[row.group]
        assert row.buyers == len(buyers)
        assert row.spend_eur == pytest.approx(spend, rel=1e-12)
        assert row.counting_spend_eur == pytest.approx(counting, rel=1e-12, abs=1e-9)
        assert row.sw_spend_eur == pytest.approx(sw, rel=1e-12, abs=1e-9)
        assert row.certified_spend_eur == pytest.approx(certified, rel=1e-12, abs=1e-9)
        assert row.counting_share == pytest.approx(counting / spend)
    if by is None:  # the same figure as olievlek stats' "all buyers"
        stats = spend_by_buyer_group(network, 2025).set_index("group")
        assert got["counting_share"].iloc[0] == pytest.approx(stats.at["all buyers", "counting_share"])


def test_counting_spend_of_one_municipality(example):
    everyone = counting_spend(example, 2025, by="municipality").set_index("group")
    for name in ("Apeldoorn", "epe", " Zutphen "):
        one = counting_spend(example, 2025, municipality=name).iloc[0]
        assert one["spend_eur"] == pytest.approx(everyone.at[name.strip().title(), "spend_eur"])
        assert one["counting_spend_eur"] == pytest.approx(everyone.at[name.strip().title(), "counting_spend_eur"])


def test_sbi_sections():
    assert sbi_section(["0111", "4391", "8899", "84", "9900", "", None, "A1", "5"]).tolist() == \
        ["A", "F", "Q", "O", "U", "?", "?", "?", "?"]
    assert section_name("F", "nl") == "Bouwnijverheid" and section_name("F", "en") == "Construction"
    assert section_name("?", "en") == "Unknown"


def test_formatter():
    nl, en = Formatter("nl"), Formatter("en")
    assert nl.eur(1234567.4) == "€ 1.234.567" and en.eur(1234567.4) == "€ 1,234,567"
    assert nl.pct(3.6963, 2) == "3,70%" and en.share(0.152079) == "15.2%"
    assert nl.date(pd.Timestamp("2025-02-10")) == "10-02-2025" and en.date("2025-02-10") == "2025-02-10"
    assert nl.year(2025) == "2025" and nl.integer(2025) == "2.025"
    assert nl.number(float("nan")) == "–" and nl.boolean(True) == "ja" and en.boolean(False) == "no"


# --- command line -------------------------------------------------------------------------------
def test_cli_writes_one_html_file(tmp_path: Path):
    out = tmp_path / "sub" / "rapport.html"
    result = CliRunner().invoke(app, ["report", str(example_path()), "--out", str(out), "--municipality",
                                      "Deventer", "--year", "2025", "--lang", "en", "--seeds", "3"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert parse(page).sections == list(SECTION_IDS)
    assert "municipality of Deventer" in page
    assert list(tmp_path.rglob("*")) == [out.parent, out]  # nothing written beside it


@pytest.mark.parametrize("args, message", [
    (["--out", "r.html", "--municipality", "Atlantis"], "no organisation in this municipality"),
    (["--out", "r.html", "--year", "1999"], "geen inkopen in dit jaar"),
])
def test_cli_bad_input(tmp_path, args, message):
    args = [a if not a.startswith("r.") else str(tmp_path / a) for a in args]
    result = CliRunner().invoke(app, ["report", str(example_path()), *args])
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())


@pytest.mark.parametrize("args", [["--out", "x.html", "--lang", "fr"], ["--out", "x.txt"], []])
def test_cli_usage_error(args):
    result = CliRunner().invoke(app, ["report", str(example_path()), *args])
    assert result.exit_code == 2


def test_cascade_layout_on_random_forests():
    """Each leaf its own column, each parent centred over its followers, one row per generation."""
    from pso_chain.outputs.report.charts import cascade_layout

    rng = np.random.default_rng(7)
    for _ in range(30):
        n = int(rng.integers(1, 40))
        parent = [None] + [f"o{int(rng.integers(0, i))}" for i in range(1, n)]
        generation = [0] * n
        for i in range(1, n):
            generation[i] = generation[int(parent[i][1:])] + 1
        tree = pd.DataFrame({"org_id": [f"o{i}" for i in range(n)], "parent_id": parent,
                             "generation": generation})
        pos = cascade_layout(tree)
        children = {}
        for i in range(1, n):
            children.setdefault(parent[i], []).append(f"o{i}")
        leaves = [f"o{i}" for i in range(n) if f"o{i}" not in children]
        assert sorted(pos[leaf][0] for leaf in leaves) == list(range(len(leaves)))
        for i in range(n):
            node = f"o{i}"
            assert pos[node][1] == -generation[i]
            if node in children:
                xs = [pos[c][0] for c in children[node]]
                assert pos[node][0] == (min(xs) + max(xs)) / 2


def test_largest_groups_keeps_the_reports_own_municipality():
    from pso_chain.outputs.report import largest_groups

    frame = pd.DataFrame({"group": [f"m{i:02d}" for i in range(30)], "spend_eur": np.arange(30.0)})
    top = largest_groups(frame, 5)
    assert top["group"].tolist() == ["m25", "m26", "m27", "m28", "m29"]  # the frame's order
    assert largest_groups(frame, 5, keep="m03")["group"].tolist() == ["m03", "m25", "m26", "m27", "m28", "m29"]
    assert largest_groups(frame, 50) is frame
