"""The olievlek verbs and embodied on the bundled example through the CLI: files written with
the contract's columns, plots that open, graph exports networkx reads back."""

from __future__ import annotations

import matplotlib.image
import networkx as nx
import pandas as pd
import pytest
from typer.testing import CliRunner

from pso_chain import example_path
from pso_chain.cli import app
from pso_chain.core.loading import load_network
from pso_chain.olievlek import history, simulate
from pso_chain.olievlek.embodied import EMBODIED_COLUMNS, embodied
from pso_chain.olievlek.history import HISTORY_COLUMNS
from pso_chain.olievlek.seeds import SEEDS_COLUMNS
from pso_chain.olievlek.simulate import SIMULATE_COLUMNS
from tests.datasets import buy, org, write_tables

EXAMPLE = str(example_path())


def run(*args):
    result = CliRunner().invoke(app, ["--lang", "en", *(str(a) for a in args)])  # English: contract names
    return result


@pytest.fixture(scope="module")
def network():
    return load_network(EXAMPLE)


def assert_png(path) -> None:
    assert path.stat().st_size > 1000
    image = matplotlib.image.imread(path)
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100


def test_simulate_cli_out_plot_graph(tmp_path, network):
    out, plot, graph, summary = (tmp_path / n for n in ("sim.csv", "sim.png", "sim.gexf", "rounds.json"))
    result = run("olievlek", "simulate", EXAMPLE, "--model", "fee", "--at-risk", "0.3", "--out", out,
                 "--plot", plot, "--graph", graph, "--summary", summary)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype={"org_id": str, "trigger_id": str})
    assert list(frame.columns) == SIMULATE_COLUMNS
    expected = simulate(network, model="fee", at_risk=0.3).certified_frame()
    assert frame["org_id"].tolist() == expected["org_id"].tolist()
    assert frame["round"].tolist() == expected["round"].tolist()
    assert_png(plot)
    g = nx.read_gexf(graph)
    assert set(frame["org_id"]) <= set(g.nodes)
    assert g.number_of_edges() == frame["trigger_id"].notna().sum()
    assert pd.read_json(summary)["round"].tolist()[0] == 0


def test_simulate_cli_threshold_and_seed_orgs(tmp_path, network):
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("10000154\n")
    result = run("olievlek", "simulate", EXAMPLE, "--threshold", "0.1", "--seed-orgs", seeds,
                 "--rounds", "2", "--graph", tmp_path / "s.graphml")
    assert result.exit_code == 0, result.output
    assert "olievlek simulation 2025" in result.output
    expected = simulate(network, threshold=0.1, seed_orgs=["10000154"], rounds=2).certified_frame()
    assert len(expected) > 0 and expected["round"].max() <= 2
    g = nx.read_graphml(tmp_path / "s.graphml")
    assert set(expected["org_id"]) <= set(g.nodes)
    bad = tmp_path / "bad.txt"
    bad.write_text("nobody\n")
    failed = run("olievlek", "simulate", EXAMPLE, "--seed-orgs", bad)
    assert failed.exit_code == 1 and "no organisation with this org_id" in failed.output


def test_history_cli(tmp_path, network):
    out, plot, graph = tmp_path / "h.parquet", tmp_path / "h.png", tmp_path / "h.gexf"
    result = run("olievlek", "history", EXAMPLE, "--out", out, "--plot", plot, "--graph", graph)
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    assert list(frame.columns) == HISTORY_COLUMNS
    assert frame["org_id"].tolist() == history(network)["org_id"].tolist()
    assert_png(plot)
    g = nx.read_gexf(graph)
    assert g.number_of_nodes() == len(frame) and g.number_of_edges() == frame["parent_id"].notna().sum()
    assert "followed a certified buyer" in result.output


def test_exposure_cli(tmp_path):
    out, plot = tmp_path / "e.xlsx", tmp_path / "e.png"
    result = run("olievlek", "exposure", EXAMPLE, "--municipality", "Apeldoorn", "--out", out, "--plot", plot)
    assert result.exit_code == 0, result.output
    frame = pd.read_excel(out, dtype={"org_id": str})
    assert (frame["municipality"] == "Apeldoorn").all() and len(frame) > 0
    assert_png(plot)
    assert run("olievlek", "exposure", EXAMPLE, "--municipality", "Atlantis").exit_code == 1


def test_seeds_and_stats_cli(tmp_path):
    out = tmp_path / "seeds.csv"
    result = run("olievlek", "seeds", EXAMPLE, "--k", "3", "--municipality", "Apeldoorn", "--objective", "fte",
                 "--out", out)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype={"org_id": str})
    assert list(frame.columns) == SEEDS_COLUMNS and (frame["municipality"] == "Apeldoorn").all()
    assert (frame["marginal_gain"] > 0).all()
    stats = run("olievlek", "stats", EXAMPLE, "--out", tmp_path / "stats.json")
    assert stats.exit_code == 0, stats.output
    indicators = pd.read_json(tmp_path / "stats.json")
    assert {"assortativity_pearson", "counting_share_certified_buyers",
            "followed_certified_buyer_share"} <= set(indicators["indicator"])
    assert run("olievlek", "seeds", EXAMPLE, "--k", "0").exit_code == 2


def test_embodied_cli(tmp_path, network):
    out = tmp_path / "emb.csv"
    result = run("embodied", EXAMPLE, "--out", out)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype={"org_id": str})
    assert list(frame.columns) == EMBODIED_COLUMNS
    expected = embodied(network)
    assert frame["embodied_fte"].to_numpy() == pytest.approx(expected["embodied_fte"].to_numpy(), rel=1e-12)
    compared = run("embodied", EXAMPLE, "--compare", "--out", tmp_path / "cmp.csv")
    assert compared.exit_code == 0
    assert "indirect_fte" in pd.read_csv(tmp_path / "cmp.csv").columns
    orgs = [org("A", revenue_eur=100.0, target_fte=1.0), org("B", revenue_eur=100.0)]
    folder = write_tables(tmp_path / "bad", orgs, [buy("A", "B", 500.0), buy("B", "A", 300.0)])
    failed = run("embodied", folder)
    assert failed.exit_code == 1
    assert "A buys for EUR 500.00" in failed.output and "B buys for EUR 300.00" in failed.output
