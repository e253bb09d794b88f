"""Seeds under a subsidy budget (CELF's cost-effective variant) against brute-force oracles.

On tiny random networks every subset of candidates within the budget is tried with
``simulate`` (the optimum), and a plain, non-lazy greedy is run for both keys (gain, gain per
euro). The selection never spends more than the budget, every reported gain is what
``simulate`` certifies beyond its baseline, the selection is at least as good as the best
single affordable seed, and where the objective is submodular (any purchase from a
code-applying buyer tips its supplier: the cascade is reachability) the lazy runs equal the
plain greedy and reach at least (1 - 1/e) / 2 of the optimum.
"""

from __future__ import annotations

import itertools
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import pso_chain
from pso_chain.cli import app
from pso_chain.core.loading import load_network
from pso_chain.errors import PsoInputError
from pso_chain.olievlek.budget import read_costs, seed_costs, select_within_budget
from pso_chain.olievlek.simulate import certify_rule, simulate, start_cascade
from tests.datasets import buy, org, write_tables

EXAMPLE = pso_chain.load_example()
SUBMODULAR = 1e-9  # a threshold any purchase reaches: the cascade is reachability


def tiny_network(folder: Path, seed: int, n: int = 14, edges: int = 14) -> pso_chain.PurchaseNetwork:
    """``n`` organisations, one or none certified, ``edges`` random purchases."""
    rng = np.random.default_rng(seed)
    ids = [f"{10000001 + i}" for i in range(n)]
    certified = np.arange(n) == rng.integers(0, n + 3)
    orgs = [org(i, employees=int(rng.choice([3, 20, 80, 300, 700])),
                revenue_eur=float(rng.integers(200_000, 2_000_000)),
                pso_level="1" if certified[k] else "", pso_valid_from="2020-01-01" if certified[k] else "",
                pso_valid_until="2030-12-31" if certified[k] else "",
                sw=bool(rng.random() < 0.05), municipality=str(rng.choice(["Epe", "Ermelo"])))
            for k, i in enumerate(ids)]
    purchases = [buy(ids[b], ids[s], float(rng.integers(20_000, 400_000)))
                 for b, s in rng.integers(0, n, (edges, 2)) if b != s]
    return load_network(write_tables(folder / f"tiny-{seed}-{n}-{edges}", orgs, purchases))


@cache
def _adopters(net, seeds: frozenset[str], threshold: float) -> np.ndarray:
    return simulate(net, threshold=threshold, seed_orgs=sorted(seeds)).round_of >= 1


def adopters(net, seeds: list[str], threshold: float) -> np.ndarray:
    return _adopters(net, frozenset(seeds), threshold)


def value(net, seeds: list[str], threshold: float, objective: str) -> float:
    """What simulate certifies beyond its baseline when ``seeds`` are seeded."""
    with_seeds, base = adopters(net, seeds, threshold), adopters(net, [], threshold)
    if objective == "count":
        return float(with_seeds.sum() - base.sum())
    return float(net.target_fte[with_seeds].sum() - net.target_fte[base].sum())


def candidates(net, threshold: float) -> list[int]:
    year = net.latest_year
    cascade = start_cascade(net, year, certify_rule(net, threshold=threshold))
    cascade.run(np.flatnonzero(cascade.applies_from == 0))
    buys = np.diff(net.adjacency(year, drop_self=True).indptr) > 0
    return np.flatnonzero(buys & ~cascade.certified).tolist()


def plain_greedy(net, cands: list[int], cost: np.ndarray, budget: float, threshold: float,
                 objective: str, per_euro: bool) -> tuple[list[int], float]:
    """Non-lazy greedy: every step re-evaluates every affordable candidate with simulate."""
    ids = net.organisations["org_id"].tolist()
    chosen: list[int] = []
    current, remaining = 0.0, budget
    while True:
        best = None
        for c in cands:
            if c in chosen or cost[c] > remaining:
                continue
            gain = value(net, [ids[i] for i in chosen + [c]], threshold, objective) - current
            if gain <= 0:
                continue
            key = gain / cost[c] if per_euro else gain
            if best is None or key > best[0]:
                best = (key, c, gain)
        if best is None:
            return chosen, current
        chosen.append(best[1])
        current += best[2]
        remaining -= cost[best[1]]


def optimum(net, cands: list[int], cost: np.ndarray, budget: float, threshold: float,
            objective: str) -> float:
    ids = net.organisations["org_id"].tolist()
    best = 0.0
    for size in range(1, len(cands) + 1):
        for subset in itertools.combinations(cands, size):
            if cost[list(subset)].sum() <= budget:
                best = max(best, value(net, [ids[i] for i in subset], threshold, objective))
    return best


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("budget")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), budget=st.sampled_from([400, 1_000, 2_500, 6_000]),
       threshold=st.sampled_from([SUBMODULAR, 0.05, 0.2]), objective=st.sampled_from(["count", "fte"]),
       own_costs=st.booleans())
def test_budget_selection_against_brute_force(seed, budget, threshold, objective, own_costs, folder):
    net = tiny_network(folder, seed)
    rng = np.random.default_rng(seed + 1)
    costs = pd.Series(rng.integers(100, 3_000, net.n).astype(float), index=net.organisations["org_id"]) \
        if own_costs else None
    cost = seed_costs(net, costs)
    out = select_within_budget(net, budget, objective=objective, costs=costs, threshold=threshold)
    picked = out.frame["org_id"].tolist()
    assert out.frame["cost_eur"].sum() == out.spent <= budget
    assert out.frame["cost_eur"].tolist() == cost[net.nodes(picked)].tolist()
    # every reported gain is exact: what simulate certifies beyond its baseline
    for j in range(len(picked)):
        assert out.frame["cumulative_gain"].iat[j] == pytest.approx(
            value(net, picked[:j + 1], threshold, objective), abs=1e-9)
    assert out.value == pytest.approx(value(net, picked, threshold, objective), abs=1e-9)
    assert (out.frame["marginal_gain"] > 0).all()
    cands = candidates(net, threshold)
    assert set(net.nodes(picked)) <= set(cands)
    ids = net.organisations["org_id"].tolist()
    singles = [value(net, [ids[c]], threshold, objective) for c in cands if cost[c] <= budget]
    assert out.value >= max(singles, default=0.0) - 1e-9
    best = optimum(net, cands, cost, budget, threshold, objective)
    assert out.value <= best + 1e-9
    if threshold == SUBMODULAR:
        runs = [plain_greedy(net, cands, cost, budget, threshold, objective, per_euro)
                for per_euro in (False, True)]
        assert out.value == pytest.approx(max(r[1] for r in runs), abs=1e-9)
        winner = runs[0] if runs[0][1] >= runs[1][1] else runs[1]
        if abs(runs[0][1] - runs[1][1]) > 1e-9:
            assert net.nodes(picked).tolist() == winner[0]
        assert out.value >= (1 - 1 / np.e) / 2 * best - 1e-9


def test_the_cost_effective_variant_beats_plain_gain_when_one_big_seed_eats_the_budget(folder):
    """One expensive buyer tips two suppliers; four cheap ones tip one each: gain alone takes
    the expensive one (2), gain per euro the four cheap ones (4)."""
    orgs = [org("B0", employees=600, revenue_eur=5e6)] + \
        [org(f"C{i}", employees=3, revenue_eur=1e6) for i in range(4)] + \
        [org(f"S{i}", employees=3, revenue_eur=1e5) for i in range(6)]
    purchases = [buy("B0", "S0", 50_000), buy("B0", "S1", 50_000)] + \
        [buy(f"C{i}", f"S{i + 2}", 50_000) for i in range(4)]
    net = load_network(write_tables(folder / "ce", orgs, purchases))
    out = select_within_budget(net, 4_500, threshold=0.25)  # fees: 4,500 (500-999) and 400 (< 10)
    assert out.variant == "gain per euro" and out.value == 4 and out.other_value == 2
    assert sorted(out.frame["org_id"]) == ["C0", "C1", "C2", "C3"]
    assert out.spent == 1_600


def test_lazy_bounds_are_re_evaluated_after_a_pick(folder):
    """Coverage: B reaches S1-S4, A S1-S3, C S5-S6. After B, A's stored gain (3) is stale (0):
    the lazy run must re-evaluate it and pick C."""
    orgs = [org(i, employees=3, revenue_eur=1e6) for i in ("A", "B", "C")] + \
        [org(f"S{i}", employees=3, revenue_eur=1e5) for i in range(1, 7)]
    purchases = [buy("A", f"S{i}", 10_000) for i in (1, 2, 3)] + \
        [buy("B", f"S{i}", 10_000) for i in (1, 2, 3, 4)] + [buy("C", f"S{i}", 10_000) for i in (5, 6)]
    net = load_network(write_tables(folder / "lazy", orgs, purchases))
    out = select_within_budget(net, 10_000, threshold=SUBMODULAR)
    assert out.frame["org_id"].tolist() == ["B", "C"]
    assert out.frame["marginal_gain"].tolist() == [4, 2]


def test_costs_default_to_the_rules_fee_of_the_size_class():
    cost = seed_costs(EXAMPLE)
    assert cost.tolist() == EXAMPLE.rules.fee(EXAMPLE.employees).tolist()
    out = select_within_budget(EXAMPLE, 10_000)
    assert (out.frame["cost_eur"] == EXAMPLE.rules.fee(out.frame["employees"])).all()


def test_read_costs_table(folder):
    path = folder / "costs.csv"
    pd.DataFrame({"org_id": ["10000154", "10000249"], "cost_eur": [100.0, 0.0]}).to_csv(path, index=False)
    costs = read_costs(path)
    cost = seed_costs(EXAMPLE, costs)
    assert cost[EXAMPLE.nodes(["10000154", "10000249"])].tolist() == [100.0, 0.0]
    pd.DataFrame({"org_id": ["10000154"], "cost_eur": ["veel"]}).to_csv(path, index=False)
    with pytest.raises(PsoInputError, match="cost_eur"):
        read_costs(path)


def test_bad_arguments_name_the_argument():
    with pytest.raises(PsoInputError, match="budget"):
        select_within_budget(EXAMPLE, -1)
    with pytest.raises(PsoInputError, match="objective"):
        select_within_budget(EXAMPLE, 1_000, objective="jobs")


def test_seeds_command_with_a_budget(folder):
    costs = folder / "cli-costs.csv"
    pd.DataFrame({"org_id": ["10000154"], "cost_eur": [10.0]}).to_csv(costs, index=False)
    out = folder / "budget.csv"
    result = CliRunner().invoke(app, ["--lang", "en", "olievlek", "seeds", str(pso_chain.example_path()),
                                      "--budget", "2000", "--costs", str(costs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype={"org_id": str})
    expected = select_within_budget(EXAMPLE, 2_000, costs=read_costs(costs)).frame
    assert frame["org_id"].tolist() == expected["org_id"].tolist()
    assert frame["cumulative_cost_eur"].iat[-1] <= 2_000 and "10000154" in frame["org_id"].tolist()
    both = CliRunner().invoke(app, ["olievlek", "seeds", str(pso_chain.example_path()), "--k", "2",
                                    "--budget", "100"])
    neither = CliRunner().invoke(app, ["olievlek", "seeds", str(pso_chain.example_path())])
    assert both.exit_code == 2 and neither.exit_code == 2
    fitted = CliRunner().invoke(app, ["--lang", "en", "olievlek", "seeds", str(pso_chain.example_path()),
                                      "--k", "1", "--fitted"])
    assert fitted.exit_code == 0 and "fitted by calibrate" in fitted.output
