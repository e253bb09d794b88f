"""A data scientist's library (issue 21.6): a network from DataFrames or from networkx, checked like
a folder; purchases with org ids; ``to_networkx`` for one year; the Leontief system exposed."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pso_chain
from pso_chain.core.loading import load_network
from pso_chain.generate import generate_dataset, write_dataset
from tests.datasets import buy, org, write_tables

EXAMPLE_DIR = pso_chain.example_path()
TABLES = ("organisations", "purchases", "employees_records", "certifications")


@pytest.fixture(scope="module")
def example() -> pso_chain.PurchaseNetwork:
    return pso_chain.load_example()


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    """The example's tables as pandas reads them by default (ids as int64, dates as text)."""
    return {name: pd.read_csv(EXAMPLE_DIR / f"{name}.csv") for name in TABLES}


@pytest.mark.parametrize("year", [2024, 2025])
def test_from_frames_gives_the_credits_of_the_example(example, frames, year):
    """Acceptance 4 of issue 21."""
    net = pso_chain.from_frames(**frames)
    pd.testing.assert_frame_equal(pso_chain.credits(net, year), pso_chain.credits(example, year))


def test_from_frames_with_typed_columns_and_rows(example, frames):
    typed = {name: frame.copy() for name, frame in frames.items()}
    typed["purchases"]["date"] = pd.to_datetime(typed["purchases"]["date"])
    for column in ("valid_from", "valid_until"):
        typed["certifications"][column] = pd.to_datetime(typed["certifications"][column])
    typed["organisations"] = typed["organisations"].to_dict("records")  # rows as dicts also do
    net = pso_chain.from_frames(**typed)
    pd.testing.assert_frame_equal(pso_chain.credits(net), pso_chain.credits(example))
    pd.testing.assert_frame_equal(pso_chain.simulate(net).certified_frame(),
                                  pso_chain.simulate(example).certified_frame())


def test_from_frames_reports_problems_like_a_folder(frames):
    bad = frames["purchases"].copy()
    bad.loc[3, "supplier_id"] = 99999999
    bad.loc[5, "amount_eur"] = -1.0
    with pytest.raises(pso_chain.PsoInputError) as err:
        pso_chain.from_frames(frames["organisations"], bad)
    problems = err.value.problems
    assert set(problems["file"]) == {"<purchases frame>"}
    assert {(5, "supplier_id"), (7, "amount_eur")} <= set(zip(problems["row"], problems["column"], strict=True))
    for missing in ({"purchases": None}, {"organisations": "not a table"}):
        with pytest.raises(pso_chain.PsoInputError):
            pso_chain.from_frames(**{"organisations": frames["organisations"],
                                     "purchases": frames["purchases"], **missing})


def test_from_networkx_reads_to_networkx_back(tmp_path):
    """A network without purchase dates (a graph has one amount per pair and year): the graph's
    network scores like the folder's."""
    tables = {name: pd.read_csv(EXAMPLE_DIR / f"{name}.csv", dtype=str) for name in TABLES}
    purchases = tables["purchases"]
    tables["purchases"] = purchases[purchases["year"] == "2025"].drop(columns=["date"])
    folder = load_network(write_tables(tmp_path / "d", **tables))
    graph = folder.to_networkx()
    assert graph.graph["year"] == 2025
    again = pso_chain.from_networkx(graph, certifications=tables["certifications"])
    pd.testing.assert_frame_equal(pso_chain.credits(again), pso_chain.credits(folder), check_exact=False,
                                  rtol=1e-12)
    # a hand-made graph: node attributes are the organisations' columns, edges the purchases
    hand = nx.DiGraph()
    hand.add_node("A", name="A", employees=20, fte=18.0, target_fte=0.0, revenue_eur=2e6)
    hand.add_node("S", name="S", employees=90, fte=80.0, target_fte=40.0, revenue_eur=1e6, sw=True)
    hand.add_edge("A", "S", amount_eur=1e5)
    net = pso_chain.from_networkx(hand, year=2025)
    assert pso_chain.credits(net).set_index("org_id").at["A", "indirect_fte"] == pytest.approx(4.0)
    with pytest.raises(pso_chain.PsoInputError, match="year"):
        pso_chain.from_networkx(hand)  # no year anywhere
    with pytest.raises(pso_chain.PsoInputError, match="DiGraph"):
        pso_chain.from_networkx(hand.to_undirected(), year=2025)


def test_to_networkx_is_one_year_like_every_verb(example):
    graph = example.to_networkx()
    total = sum(d["amount_eur"] for _, _, d in graph.edges(data=True))
    rows = example.purchases_frame(2025)
    assert total == pytest.approx(rows.loc[rows["buyer_id"] != rows["supplier_id"], "amount_eur"].sum()
                                  + rows.loc[rows["buyer_id"] == rows["supplier_id"], "amount_eur"].sum())
    assert graph.graph["year"] == 2025 and example.to_networkx(year=2024).graph["year"] == 2024
    with pytest.raises(pso_chain.PsoInputError, match="2024, 2025"):
        example.to_networkx(year=2030)
    node = graph.nodes["90000001"]
    assert node["sw"] is True and node["employees"] == 420 and "pso_level" not in graph.nodes["10000001"]


def test_purchases_frame_has_org_ids(example):
    raw = pd.read_csv(EXAMPLE_DIR / "purchases.csv", dtype={"buyer_id": str, "supplier_id": str})
    got = example.purchases_frame()
    assert list(got.columns) == ["buyer_id", "supplier_id", "amount_eur", "year", "date", "eligible"]
    key = ["buyer_id", "supplier_id", "year"]
    want = raw.groupby(key)["amount_eur"].sum().sort_index()
    assert np.allclose(got.groupby(key)["amount_eur"].sum().sort_index(), want, rtol=1e-12)
    assert (example.purchases_frame(2024)["year"] == 2024).all()
    scores = pso_chain.credits(example).set_index("org_id")
    rows = got[got["eligible"] & (got["year"] == 2025)]
    assert set(rows["buyer_id"]) <= set(scores.index[scores["indirect_fte"] > 0])


def test_leontief_system_against_a_dense_inverse(example):
    system = pso_chain.leontief(example)
    m = system.coefficients.toarray()
    inverse = np.linalg.inv(np.eye(example.n) - m)
    assert np.allclose(inverse @ system.direct, system.intensity, rtol=1e-10, atol=1e-15)
    assert np.allclose(inverse.sum(axis=0), system.output_multiplier, rtol=1e-10)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = system.intensity / system.direct
    assert np.allclose(system.employment_multiplier[system.direct > 0], ratio[system.direct > 0])
    assert np.isnan(system.employment_multiplier[system.direct == 0]).all()
    table = pso_chain.embodied(example)
    assert np.allclose(system.embodied, table["embodied_fte"], rtol=1e-10)
    certified = pso_chain.leontief(example, certified=True)
    assert np.allclose(certified.embodied, table["embodied_fte_certified"], rtol=1e-10)
    v = np.random.default_rng(1).random(example.n)
    assert np.allclose(system.solve(v), inverse @ v, rtol=1e-10)
    # what the docstring says: not additive (906 against 1,251 target-group FTE)
    assert round(float(table["embodied_fte"].sum())) == 906 and round(float(example.target_fte.sum())) == 1251


def test_argument_checks_name_the_python_argument(tmp_path):
    folder = write_tables(tmp_path / "d", [org("A"), org("B")], [buy("A", "B", 10.0)])
    with pytest.raises(pso_chain.PsoInputError, match=r"^network \(value '.*d'\): not a network"):
        pso_chain.credits(str(folder))
    net = pso_chain.open(folder)
    with pytest.raises(pso_chain.PsoInputError, match=r"^year \(value '2030'\)"):
        net.to_networkx(year=2030)
    stats = pso_chain.stats(net)["indicators"].set_index("indicator")["value"]
    assert type(stats["year"]) is int and stats["year"] == 2025


def test_a_library_call_prints_nothing(tmp_path, capfd, caplog):
    folder = write_tables(tmp_path / "d", [org("A"), org("B")], [buy("A", "B", 10.0)])
    with caplog.at_level("INFO", logger="pso_chain"):
        pso_chain.open(folder, cache_dir=tmp_path / "cache")  # compiles: progress is logged
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert any("compiling" in r.getMessage() for r in caplog.records)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), years=st.integers(1, 2))
def test_from_frames_equals_the_folder_on_generated_networks(tmp_path_factory, seed, years):
    tables = generate_dataset(150, 800, seed=seed, n_years=years)
    folder = tmp_path_factory.mktemp("gen")
    write_dataset(tables, folder)
    from_folder = load_network(folder)
    from_tables = pso_chain.from_frames(**tables)
    pd.testing.assert_frame_equal(pso_chain.credits(from_tables), pso_chain.credits(from_folder))
    pd.testing.assert_frame_equal(pso_chain.simulate(from_tables, threshold=0.05).certified_frame(),
                                  pso_chain.simulate(from_folder, threshold=0.05).certified_frame())
