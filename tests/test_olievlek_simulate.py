"""olievlek simulate against the contract: a plain-loop oracle on random and hand-built
networks, and NDlib's ThresholdModel as an outside oracle."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pso_chain.core.loading import load_network
from pso_chain.errors import PsoInputError
from pso_chain.olievlek import simulate
from pso_chain.olievlek.simulate import SIMULATE_COLUMNS, read_seed_orgs
from tests.datasets import buy, org, random_tables, write_tables
from tests.olievlek_oracles import Raw, oracle_simulate

YEAR = 2025


def olievlek_tables(seed: int, n_orgs: int = 40, n_purchases: int = 300, own_thresholds: bool = True,
                    with_certifications: bool = True) -> dict[str, pd.DataFrame]:
    """random_tables plus the olievlek columns: some own thresholds (zeros included) and some
    organisations that do not apply the code."""
    tables = random_tables(seed, n_orgs, n_purchases, YEAR, with_certifications=with_certifications)
    rng = np.random.default_rng(seed + 7)
    orgs = tables["organisations"]
    if own_thresholds:
        thr = np.round(rng.uniform(0, 0.4, len(orgs)), 3)
        thr[rng.random(len(orgs)) < 0.1] = 0.0
        orgs["threshold"] = np.where(rng.random(len(orgs)) < 0.3, thr, np.nan)
    orgs["applies_code"] = rng.random(len(orgs)) > 0.15
    return tables


def load(tmp_path, tables, name="data"):
    return load_network(write_tables(tmp_path / name, **tables))


def check_against_oracle(result: pd.DataFrame, expected: dict) -> None:
    assert list(result.columns) == SIMULATE_COLUMNS
    assert result["org_id"].tolist() == sorted(expected)
    for row in result.itertuples(index=False):
        rnd, trigger, pressure = expected[row.org_id]
        assert row.round == rnd, row.org_id
        if trigger is None:
            assert pd.isna(row.trigger_id), row.org_id
        else:
            assert row.trigger_id == trigger, row.org_id
        assert row.pressure == pytest.approx(pressure, rel=1e-12, abs=1e-15), row.org_id


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), threshold=st.sampled_from([0.02, 0.05, 0.1, 0.25, 0.5]),
       rounds=st.sampled_from([None, None, 1, 2]))
def test_threshold_model_matches_plain_loop(tmp_path_factory, seed, threshold, rounds):
    tables = olievlek_tables(seed)
    net = load(tmp_path_factory.mktemp("sim"), tables)
    result = simulate(net, YEAR, threshold=threshold, rounds=rounds).certified_frame()
    check_against_oracle(result, oracle_simulate(Raw(tables), YEAR, threshold=threshold, rounds=rounds))
    assert (result["round"] >= 1).all()


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10**6), at_risk=st.sampled_from([0.001, 0.01, 0.05, 0.2]))
def test_fee_model_matches_plain_loop(tmp_path_factory, seed, at_risk):
    tables = olievlek_tables(seed, with_certifications=seed % 2 == 0)
    net = load(tmp_path_factory.mktemp("fee"), tables)
    result = simulate(net, YEAR, model="fee", at_risk=at_risk).certified_frame()
    expected = oracle_simulate(Raw(tables), YEAR, model="fee", at_risk=at_risk,
                               fee=lambda e: float(net.rules.fee([e])[0]))
    check_against_oracle(result, expected)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6), picks=st.integers(1, 4))
def test_seed_orgs_match_plain_loop(tmp_path_factory, seed, picks):
    tables = olievlek_tables(seed)
    net = load(tmp_path_factory.mktemp("seeded"), tables)
    seeds = sorted(np.random.default_rng(seed).choice(net.org_ids.to_numpy(), picks, replace=False).tolist())
    result = simulate(net, YEAR, threshold=0.1, seed_orgs=seeds).certified_frame()
    check_against_oracle(result, oracle_simulate(Raw(tables), YEAR, threshold=0.1, seeds=seeds))
    assert not set(seeds) & set(result["org_id"])  # seeds are round 0, not part of the output


def test_hand_built_rounds_triggers_and_ties(tmp_path):
    """A certified hospital buys from B and C equally; B then pushes D over, with a tie."""
    orgs = [
        org("A", pso_level="2", pso_valid_from="2024-01-01", pso_valid_until="2026-12-31"),
        org("A2", pso_level="1", pso_valid_from="2024-01-01", pso_valid_until="2026-12-31"),
        org("B", revenue_eur=1000.0),
        org("C", revenue_eur=1000.0),
        org("D", revenue_eur=1000.0),
        org("E", revenue_eur=1000.0, threshold=0.9),
        org("F", revenue_eur=""),  # no revenue: cannot be under pressure
        org("G", revenue_eur=1000.0, pso_level="1", pso_valid_from="2025-03-01",
            pso_valid_until="2027-12-31"),  # certified only later in the year: not code-applying
        org("H", revenue_eur=1000.0),
    ]
    purchases = [
        buy("A", "B", 300.0), buy("A2", "C", 300.0), buy("A", "C", 100.0),
        buy("B", "D", 150.0), buy("C", "D", 150.0),  # tie: smallest org_id B triggers D
        buy("A", "E", 500.0),  # 0.5 < own threshold 0.9
        buy("A", "F", 900.0),
        buy("G", "H", 900.0),  # G is not code-applying on 1 January
        buy("B", "B", 5000.0),  # a self-purchase never counts
        buy("A", "B", 10_000.0, year=2024),  # another year
    ]
    net = load(tmp_path, {"organisations": orgs, "purchases": purchases})
    sim = simulate(net, YEAR, threshold=0.25)
    out = sim.certified_frame().set_index("org_id")
    assert out.index.tolist() == ["B", "C", "D"]
    assert out.loc["B"].tolist() == [1, "A", 0.3]
    assert out.loc["C", "round"] == 1 and out.loc["C", "trigger_id"] == "A2"  # 300 from A2 > 100 from A
    assert out.loc["C", "pressure"] == pytest.approx(0.4)
    assert out.loc["D"].tolist() == [2, "B", 0.3]
    rounds = sim.rounds_frame()
    assert rounds["newly_certified"].tolist() == [0, 2, 1]
    assert rounds["cumulative_certified"].tolist() == [0, 2, 3]
    assert rounds["code_applying"].tolist() == [2, 4, 5]
    # G's certificate starts after 1 January: G counts as certified in no round-0 set
    assert rounds["certified_total"].tolist() == [2, 4, 5]
    assert any("no revenue_eur" in note and "F" in note for note in sim.notes)
    # applies_code false: A no longer pressures B, C gets only A2's 300
    orgs[0]["applies_code"] = False
    net2 = load(tmp_path, {"organisations": orgs, "purchases": purchases}, "no-code")
    out2 = simulate(net2, YEAR).certified_frame().set_index("org_id")
    assert out2.index.tolist() == ["C"] and out2.loc["C", "pressure"] == pytest.approx(0.3)
    # the rounds limit stops after round 1
    assert simulate(net, YEAR, rounds=1).certified_frame()["org_id"].tolist() == ["B", "C"]
    # a zero threshold argument would certify every organisation with revenue, pressure or not:
    # refused (issue 21); an organisation's own threshold column of 0 is data, and the random
    # networks against the oracle hold some
    for bad in (0.0, -0.1, "x"):
        with pytest.raises(PsoInputError, match="threshold"):
            simulate(net, YEAR, threshold=bad)


def test_rounds_summary_spend_share(tmp_path):
    orgs = [org("A", pso_level="1", pso_valid_from="2020-01-01", pso_valid_until="2030-01-01"),
            org("B", revenue_eur=100.0), org("C", revenue_eur=100.0), org("S", sw=True, revenue_eur=100.0)]
    purchases = [buy("A", "B", 50.0), buy("B", "C", 30.0), buy("C", "S", 20.0), buy("C", "A", 100.0)]
    net = load(tmp_path, {"organisations": orgs, "purchases": purchases})
    rounds = simulate(net, YEAR).rounds_frame()
    total = 200.0
    assert rounds["counting_spend_share"].tolist() == pytest.approx(
        [(100 + 20) / total, (100 + 20 + 50) / total, 1.0])
    assert rounds["target_fte_at_new_certified"].tolist() == [0.0, 0.0, 0.0]


def test_seed_file_formats(tmp_path):
    (tmp_path / "s.txt").write_text("10000001\n\n 10000002 \n")
    pd.DataFrame({"org_id": ["10000003"], "x": [1]}).to_csv(tmp_path / "s.csv", index=False)
    assert read_seed_orgs(tmp_path / "s.txt") == ["10000001", "10000002"]
    assert read_seed_orgs(tmp_path / "s.csv") == ["10000003"]


# --- NDlib's ThresholdModel as an outside oracle -------------------------------------------


def ndlib_final(graph: nx.DiGraph, thresholds: dict, infected: list) -> tuple[set, list[set]]:
    """Run NDlib's ThresholdModel to its fixed point: final infected set and each iteration's
    newly infected nodes."""
    import ndlib.models.epidemics as ep
    import ndlib.models.ModelConfig as mc

    model = ep.ThresholdModel(graph, seed=0)
    config = mc.Configuration()
    for node, thr in thresholds.items():
        config.add_node_configuration("threshold", node, thr)
    config.add_model_initial_configuration("Infected", infected)
    model.set_initial_status(config)
    model.iteration()  # iteration 0: the initial status
    per_round = []
    while True:
        step = model.iteration()
        newly = {n for n, s in step["status"].items() if s == 1}
        if not newly:
            break
        per_round.append(newly)
    return {n for n, s in model.status.items() if s == 1}, per_round


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(8, 60), density=st.floats(0.03, 0.2),
       seed_share=st.floats(0.05, 0.3))
def test_agrees_with_ndlib_threshold_model(tmp_path_factory, seed, n, density, seed_share):
    """Equal amounts and revenue equal to the sum of incoming purchases make pressure the fraction
    of certified buyers (NDlib on a DiGraph: in-neighbours, ratio >= threshold, synchronous)."""
    rng = np.random.default_rng(seed)
    ids = [f"{i:08d}" for i in range(n)]
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    pairs = [(b, s) for b in range(n) for s in range(n) if b != s and rng.random() < density]
    graph.add_edges_from(pairs)
    infected = sorted(int(i) for i in np.flatnonzero(rng.random(n) < seed_share)) or [0]
    thresholds = {i: float(np.round(rng.uniform(0.05, 0.9), 2)) for i in range(n)}
    indegree = dict(graph.in_degree())
    orgs = [org(ids[i], revenue_eur=float(max(indegree[i], 1)), threshold=thresholds[i],
                **({"pso_level": "1", "pso_valid_from": "2020-01-01", "pso_valid_until": "2030-12-31"}
                   if i in infected else {})) for i in range(n)]
    purchases = [buy(ids[b], ids[s], 1.0) for b, s in pairs] or [buy(ids[0], ids[1], 1.0)]
    net = load(tmp_path_factory.mktemp("ndlib"), {"organisations": orgs, "purchases": purchases})
    if not pairs:
        graph.add_edge(0, 1)
    final, per_round = ndlib_final(graph, thresholds, infected)
    result = simulate(net, YEAR).certified_frame()
    ours = {int(o) for o in result["org_id"]} | set(infected)
    assert ours == final
    by_round = [set(int(o) for o in result.loc[result["round"] == r, "org_id"]) for r in range(1, len(per_round) + 1)]
    assert by_round == per_round
