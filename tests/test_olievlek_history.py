"""olievlek history against the contract (plain-loop oracle on random and hand-built data),
and exposure distances against networkx shortest paths."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import pso_chain
from pso_chain.cli import app
from pso_chain.core.loading import load_network
from pso_chain.errors import PsoInputError
from pso_chain.olievlek import exposure, history, history_figures, largest_cascades
from pso_chain.olievlek.exposure import EXPOSURE_COLUMNS
from pso_chain.olievlek.history import (
    BASELINE_COLUMNS,
    HISTORY_COLUMNS,
    baseline_text,
    history_baseline,
    newcombe,
    wilson,
)
from tests.datasets import buy, org, random_tables, write_tables
from tests.olievlek_oracles import Raw, oracle_history
from tests.test_olievlek_simulate import olievlek_tables

YEAR = 2025


def check_history(frame: pd.DataFrame, expected: dict) -> None:
    assert list(frame.columns) == HISTORY_COLUMNS
    assert frame["org_id"].tolist() == sorted(expected)
    for row in frame.itertuples(index=False):
        on, parent, generation, root = expected[row.org_id]
        got_on = None if pd.isna(row.certified_on) else pd.Timestamp(row.certified_on).date()
        assert got_on == on, row.org_id
        assert (pd.isna(row.parent_id) and parent is None) or row.parent_id == parent, row.org_id
        assert row.generation == generation, row.org_id
        assert row.root_id == root, row.org_id


def chained_tables(seed: int, n_orgs: int = 50, n_purchases: int = 500) -> dict[str, pd.DataFrame]:
    """random_tables with purchases spread over many years, so that parents exist in depth."""
    tables = random_tables(seed, n_orgs, n_purchases, YEAR)
    rng = np.random.default_rng(seed)
    p = tables["purchases"]
    years = rng.integers(YEAR - 5, YEAR + 1, len(p))
    p["year"] = years
    p["date"] = ""
    return tables


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), certifications=st.booleans())
def test_history_matches_plain_loop(tmp_path_factory, seed, certifications):
    tables = chained_tables(seed)
    if not certifications:
        tables.pop("certifications")
    net = load_network(write_tables(tmp_path_factory.mktemp("hist"), **tables))
    frame = history(net)
    check_history(frame, oracle_history(Raw(tables)))
    # generations and roots are consistent with the parent links
    by_id = frame.set_index("org_id")
    for row in frame.itertuples(index=False):
        if pd.isna(row.parent_id):
            assert row.generation == 0 and row.root_id == row.org_id
        else:
            parent = by_id.loc[row.parent_id]
            assert parent["certified_on"] < row.certified_on
            assert row.generation == parent["generation"] + 1 and row.root_id == parent["root_id"]


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10**6), until=st.integers(YEAR - 6, YEAR))
def test_history_until_year(tmp_path_factory, seed, until):
    tables = chained_tables(seed)
    net = load_network(write_tables(tmp_path_factory.mktemp("until"), **tables))
    check_history(history(net, until), oracle_history(Raw(tables), until_year=until))


def test_history_hand_built(tmp_path):
    certs = [
        {"org_id": "R", "level": "2", "valid_from": "2015-01-01", "valid_until": "2017-12-31"},
        {"org_id": "R", "level": "3", "valid_from": "2018-01-01", "valid_until": "2026-12-31"},
        {"org_id": "P", "level": "1", "valid_from": "2016-06-01", "valid_until": "2019-05-31"},
        {"org_id": "Q", "level": "1", "valid_from": "2016-06-01", "valid_until": "2019-05-31"},
        {"org_id": "X", "level": "aspirant", "valid_from": "2018-03-01", "valid_until": "2020-03-01"},
        {"org_id": "Y", "level": "1", "valid_from": "2019-01-01", "valid_until": "2022-01-01"},
        {"org_id": "Z", "level": "1", "valid_from": "2016-06-01", "valid_until": "2022-01-01"},
    ]
    orgs = [org(i) for i in ["P", "Q", "R", "X", "Y", "Z", "N"]]
    purchases = [
        buy("R", "P", 100.0, year=2015), buy("R", "Q", 100.0, year=2016),
        buy("P", "X", 50.0, year=2017), buy("Q", "X", 30.0, year=2017), buy("Q", "X", 20.0, year=2018),
        buy("R", "X", 10.0, year=2018),
        buy("R", "X", 999.0, year=2019),  # after year(d) of X: does not count
        buy("X", "Y", 10.0, year=2018), buy("Z", "Y", 10.0, year=2018),  # tie: X < Z
        buy("P", "Z", 500.0, year=2016),  # P certified on the same day as Z: not strictly before
        buy("Y", "N", 5.0, year=2020),  # N never certified
    ]
    net = load_network(write_tables(tmp_path, orgs, purchases, certifications=certs))
    frame = history(net).set_index("org_id")
    assert frame.index.tolist() == ["P", "Q", "R", "X", "Y", "Z"]
    assert frame.loc["R", "certified_on"] == pd.Timestamp("2015-01-01")  # the first certificate
    assert pd.isna(frame.loc["R", "parent_id"]) and frame.loc["R", "generation"] == 0
    assert frame.loc["P", "parent_id"] == "R" and frame.loc["Q", "parent_id"] == "R"
    assert frame.loc["X", "parent_id"] == "P"  # P 50 vs Q 30+20=50 vs R 10: tie P < Q
    assert frame.loc["Y", "parent_id"] == "X"  # tie with Z, smallest org_id
    assert pd.isna(frame.loc["Z", "parent_id"])
    assert frame.loc["Y"].tolist()[2:] == [3, "R"]
    figures = history_figures(frame.reset_index())
    assert figures["roots"] == 2 and figures["followed_share"] == pytest.approx(4 / 6)
    assert figures["largest_cascade"] == 5 and figures["max_generation"] == 3
    top = largest_cascades(net, frame.reset_index(), top=5)
    assert top["root_id"].tolist() == ["R", "Z"] and top["size"].tolist() == [5, 1]
    assert top["generations"].tolist() == [3, 0]
    before = history(net, 2018).set_index("org_id")
    assert before.index.tolist() == ["P", "Q", "R", "X", "Z"]


# --- exposure -------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), sparse=st.sampled_from([60, 120, 300]))
def test_exposure_matches_networkx_and_loops(tmp_path_factory, seed, sparse):
    tables = olievlek_tables(seed, n_orgs=40, n_purchases=sparse)
    net = load_network(write_tables(tmp_path_factory.mktemp("exp"), **tables))
    frame = exposure(net, YEAR)
    assert list(frame.columns) == EXPOSURE_COLUMNS
    raw = Raw(tables)
    jan1 = dt.date(YEAR, 1, 1)
    certified = {o for o in raw.ids if raw.certified_on(o, jan1)}
    applying = {o for o in certified if raw.applies[o]}
    amount = raw.amounts(YEAR)
    graph = nx.DiGraph()
    graph.add_nodes_from(raw.ids)
    graph.add_edges_from(amount)
    dist = nx.multi_source_dijkstra_path_length(graph, applying) if applying else {}
    sw = {o for o in raw.ids if raw.sw[o]}  # SW-bedrijven are no prospects (issue 12, defect 7)
    assert sorted(frame["org_id"]) == sorted(set(raw.ids) - certified - sw)
    for row in frame.itertuples(index=False):
        expected = dist.get(row.org_id)
        assert (pd.isna(row.distance) and expected is None) or row.distance == expected, row.org_id
        sales = sum(a for (b, s), a in amount.items() if s == row.org_id and b in applying)
        buyers = sum(1 for (b, s) in amount if s == row.org_id and b in applying)
        assert row.sales_to_code_eur == pytest.approx(sales, rel=1e-12)
        assert row.code_buyers == buyers
        assert row.code_share == pytest.approx(sales / raw.revenue[row.org_id], rel=1e-12)
    # the prospect order: nearest tier first, then the highest share, then org_id
    key = [(d if not pd.isna(d) else 10**9, -s, o) for d, s, o in
           zip(frame["distance"], frame["code_share"], frame["org_id"], strict=True)]
    assert key == sorted(key)


def test_exposure_municipality_and_unknown(tmp_path):
    orgs = [org("A", pso_level="1", pso_valid_from="2020-01-01", pso_valid_until="2030-01-01",
                municipality="Epe"),
            org("B", municipality="Epe", revenue_eur=100.0), org("C", municipality="Deventer"),
            org("D", municipality="Epe")]
    purchases = [buy("A", "B", 40.0), buy("B", "C", 10.0), buy("C", "D", 10.0)]
    net = load_network(write_tables(tmp_path, orgs, purchases))
    frame = exposure(net, YEAR, municipality=" epe ")
    assert frame["org_id"].tolist() == ["B", "D"]
    assert frame["distance"].tolist() == [1, 3]
    assert frame["code_share"].iloc[0] == pytest.approx(0.4) and bool(frame["meets_threshold"].iloc[0])
    with pytest.raises(PsoInputError, match="no organisation in this municipality"):
        exposure(net, YEAR, municipality="Atlantis")


# --- history's baseline (issue 21.7): exposed vs not, per size class, Wilson intervals -----------
def oracle_baseline(raw: Raw, rules) -> dict[tuple[str, bool], tuple[int, int]]:
    """(size class, sold to code-applying buyers) -> (organisation-years, first certifications),
    by plain loops over the raw tables: years with purchases, organisations not certified by 1
    January (eligible levels; adopting: first certificate by 1 January of the next year), no SW-bedrijf, with a revenue; the year's sales to
    buyers certified on 1 January (applies_code)."""
    first = {}
    for o, level, start, _ in raw.certs:
        if level in raw.eligible_levels and start is not None:
            first[o] = min(first.get(o, start), start)
        elif level in raw.eligible_levels:
            first[o] = dt.date(1, 1, 1)
    out: dict[tuple[str, bool], list[int]] = {}
    for t in sorted({p[3] for p in raw.purchases}):
        jan1 = dt.date(t, 1, 1)
        code = {o for o in raw.ids if raw.certified_on(o, jan1) and raw.applies[o]}
        sold = {s for b, s, a, y, _ in raw.purchases if y == t and b != s and b in code}
        for o in raw.ids:
            if raw.sw[o] or not raw.revenue[o] or (o in first and first[o] <= jan1):
                continue  # certified on 1 January: code-applying, not at risk
            size = rules.fee_band(raw.employees[o])
            for key in ((size, o in sold), ("all", o in sold)):
                cell = out.setdefault(key, [0, 0])
                cell[0] += 1
                cell[1] += int(o in first and first[o] <= dt.date(t + 1, 1, 1))
    return {k: (v[0], v[1]) for k, v in out.items()}


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_history_baseline_matches_plain_loop(tmp_path_factory, seed):
    tables = chained_tables(seed, n_orgs=60, n_purchases=600)
    net = load_network(write_tables(tmp_path_factory.mktemp("base"), **tables))
    frame = history_baseline(net)
    expected = oracle_baseline(Raw(tables), net.rules)
    for row in frame.itertuples(index=False):
        assert (row.exposed_years, row.exposed_certified) == expected.get((row.size_class, True), (0, 0))
        assert (row.other_years, row.other_certified) == expected.get((row.size_class, False), (0, 0))
    shown = {(c, e) for c in frame["size_class"] for e in (True, False)}
    assert {k for k, v in expected.items() if v[0]} <= shown
    lo, hi = frame["exposed_low"], frame["exposed_high"]
    ok = frame["exposed_years"] > 0
    assert ((lo[ok] <= frame["exposed_rate"][ok]) & (frame["exposed_rate"][ok] <= hi[ok])).all()


def test_wilson_and_newcombe_against_published_values():
    # Wilson: 0 of 10 -> (0, 0.2775); 3 of 10 -> (0.1078, 0.6032) (Newcombe 1998a, Table I)
    _, lo, hi = wilson(np.array([0, 3]), np.array([10, 10]))
    np.testing.assert_allclose(lo, [0.0, 0.1078], atol=1e-4)
    np.testing.assert_allclose(hi, [0.2775, 0.6032], atol=1e-4)
    # Newcombe 1998b, example (a): 56/70 - 48/80, method 10: 0.0524 to 0.3339
    d, lo, hi = newcombe(np.array([56]), np.array([70]), np.array([48]), np.array([80]))
    assert d[0] == pytest.approx(0.2) and lo[0] == pytest.approx(0.0524, abs=1e-4)
    assert hi[0] == pytest.approx(0.3339, abs=1e-4)
    rate, lo, hi = wilson(np.array([0]), np.array([0]))
    assert np.isnan(rate[0]) and np.isnan(lo[0])


def test_history_baseline_on_the_example_says_association_not_cause():
    net = pso_chain.load_example()
    frame = history_baseline(net)
    assert list(frame.columns) == BASELINE_COLUMNS
    total = frame[frame["size_class"] == "all"].iloc[0]
    assert total["exposed_certified"] + total["other_certified"] == 4
    assert total["exposed_years"] + total["other_years"] == 570
    text = baseline_text(frame)
    assert "association, not a cause" in text


def test_history_command_with_baseline():
    result = CliRunner().invoke(app, ["--lang", "en", "olievlek", "history", str(pso_chain.example_path()),
                                      "--baseline"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "association, not a cause" in result.output and "size class" in result.output
    dutch = CliRunner().invoke(app, ["olievlek", "history", str(pso_chain.example_path()), "--baseline"])
    assert dutch.exit_code == 0 and "samenhang, geen oorzaak" in " ".join(dutch.output.split())
