"""olievlek seeds (CELF) against plain greedy with the plain-loop simulate oracle, and stats
against networkx's assortativity coefficients and plain spend loops."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pso_chain.core.loading import load_network
from pso_chain.olievlek import (
    certification_assortativity,
    chain_stats,
    history,
    history_figures,
    select_seeds,
    spend_by_buyer_group,
    weighted_assortativity,
)
from pso_chain.olievlek.seeds import SEEDS_COLUMNS, cascade_gains
from pso_chain.olievlek.simulate import certify_rule, start_cascade
from tests.datasets import buy, org, write_tables
from tests.olievlek_oracles import Raw, oracle_simulate
from tests.test_olievlek_simulate import olievlek_tables

YEAR = 2025
THRESHOLD = 0.1


def sw_bedrijven(raw: Raw) -> set[str]:
    """Seeds never count an SW-bedrijf (issue 12, defect 6): purchases there count already."""
    return {o for o in raw.ids if raw.sw[o]}


def certified_count(raw: Raw, seeds, weight=None) -> float:
    out = oracle_simulate(raw, YEAR, threshold=THRESHOLD, seeds=seeds, never=sw_bedrijven(raw) - set(seeds))
    return len(out) if weight is None else sum(weight[o] for o in out)


def oracle_candidates(raw: Raw, seeds) -> list[str]:
    """Not certified at the fixed point of ``seeds``, and buying from someone in the year."""
    jan1 = dt.date(YEAR, 1, 1)
    certified = {o for o in raw.ids if raw.certified_on(o, jan1)} | set(seeds)
    certified |= set(oracle_simulate(raw, YEAR, threshold=THRESHOLD, seeds=seeds, never=sw_bedrijven(raw)))
    certified |= sw_bedrijven(raw)
    buyers = {b for b, _ in raw.amounts(YEAR)}
    return [o for o in raw.ids if o not in certified and o in buyers]


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_batched_gains_match_plain_loop(tmp_path_factory, seed):
    tables = olievlek_tables(seed)
    net = load_network(write_tables(tmp_path_factory.mktemp("gains"), **tables))
    raw = Raw(tables)
    cascade = start_cascade(net, YEAR, certify_rule(net, threshold=THRESHOLD))
    cascade.run(np.flatnonzero(cascade.applies_from == 0))
    candidates = np.flatnonzero(~cascade.certified)
    count, fte = cascade_gains(cascade, candidates, net.target_fte)
    base = certified_count(raw, [])
    target = dict(zip(net.organisations["org_id"], net.target_fte, strict=True))
    base_fte = certified_count(raw, [], target)
    for node, c, f in zip(candidates, count, fte, strict=True):
        o = net.org_ids[node]
        assert c == certified_count(raw, [o]) - base, o
        assert f == pytest.approx(certified_count(raw, [o], target) - base_fte - 0.0, abs=1e-9), o


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6), k=st.integers(1, 4), objective=st.sampled_from(["count", "fte"]))
def test_celf_gains_are_exact_and_first_pick_is_best(tmp_path_factory, seed, k, objective):
    tables = olievlek_tables(seed)
    net = load_network(write_tables(tmp_path_factory.mktemp("celf"), **tables))
    raw = Raw(tables)
    weight = None if objective == "count" else dict(zip(net.organisations["org_id"], net.target_fte, strict=True))
    frame = select_seeds(net, k, YEAR, objective=objective, threshold=THRESHOLD).frame
    assert list(frame.columns) == SEEDS_COLUMNS
    picks = frame["org_id"].tolist()
    assert frame["rank"].tolist() == list(range(1, len(picks) + 1))
    for i, o in enumerate(picks):  # every reported gain is exact
        before = certified_count(raw, picks[:i], weight)
        after = certified_count(raw, picks[:i + 1], weight)
        assert frame["marginal_gain"].iat[i] == pytest.approx(after - before, abs=1e-9), o
        assert frame["marginal_gain"].iat[i] > 0
        assert frame["certified_gain"].iat[i] == certified_count(raw, picks[:i + 1]) - certified_count(raw, picks[:i])
    # the first pick is the best single seed (ties: smallest org_id)
    singles = {o: certified_count(raw, [o], weight) - certified_count(raw, [], weight)
               for o in oracle_candidates(raw, [])}
    best = max(singles.values(), default=0)
    if best > 1e-12:
        assert picks[0] == min(o for o, g in singles.items() if abs(g - best) <= 1e-9)
    else:
        assert picks == []
    assert frame["cumulative_gain"].to_numpy() == pytest.approx(np.cumsum(frame["marginal_gain"].to_numpy()))


def tree_tables(seed: int, n: int = 45) -> dict:
    """Every supplier has one buyer: the cascade is reachability over strong edges, so the
    objective is a coverage function (submodular) and CELF must equal plain greedy."""
    rng = np.random.default_rng(seed)
    ids = [f"{i:08d}" for i in range(n)]
    orgs, purchases = [], []
    for i in range(n):
        cert = {"pso_level": "1", "pso_valid_from": "2020-01-01", "pso_valid_until": "2030-12-31"} \
            if rng.random() < 0.05 else {}
        orgs.append(org(ids[i], revenue_eur=1000.0, municipality=str(rng.choice(["Epe", "Ede"])), **cert))
        if i > 0 and rng.random() < 0.9:
            buyer = int(rng.integers(0, i))
            purchases.append(buy(ids[buyer], ids[i], float(rng.choice([50.0, 150.0, 400.0]))))
    return {"organisations": pd.DataFrame(orgs), "purchases": pd.DataFrame(purchases or [buy(ids[0], ids[1], 1.0)])}


def plain_greedy(raw: Raw, k: int, allowed) -> list[tuple[str, int]]:
    picks: list[str] = []
    out = []
    for _ in range(k):
        base = certified_count(raw, picks)
        gains = {o: certified_count(raw, picks + [o]) - base
                 for o in oracle_candidates(raw, picks) if o in allowed}
        if not gains or max(gains.values()) <= 0:
            break
        best = max(gains.values())
        pick = min(o for o, g in gains.items() if g == best)
        picks.append(pick)
        out.append((pick, best))
    return out


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10**6), k=st.integers(1, 6), municipality=st.sampled_from([None, "Epe"]))
def test_celf_equals_plain_greedy_on_submodular_cascades(tmp_path_factory, seed, k, municipality):
    tables = tree_tables(seed)
    net = load_network(write_tables(tmp_path_factory.mktemp("tree"), **tables))
    raw = Raw(tables)
    allowed = {o for o in raw.ids if municipality is None or raw.municipality[o] == municipality}
    frame = select_seeds(net, k, YEAR, municipality=municipality, threshold=THRESHOLD).frame
    expected = plain_greedy(raw, k, allowed)
    assert list(zip(frame["org_id"], frame["marginal_gain"], strict=True)) == expected
    assert set(frame["municipality"]) <= ({municipality} if municipality else {"Epe", "Ede"})


def test_seed_selection_reports_its_search(tmp_path):
    tables = tree_tables(3)
    net = load_network(write_tables(tmp_path, **tables))
    result = select_seeds(net, 50, YEAR, threshold=THRESHOLD)
    assert result.live_candidates <= result.candidates and result.evaluations >= result.live_candidates
    assert len(result.frame) < 50 and any("stopped after" in n for n in result.notes)


# --- stats ----------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(3, 40), density=st.floats(0.05, 0.5))
def test_assortativity_equals_networkx_unweighted(seed, n, density):
    rng = np.random.default_rng(seed)
    graph = nx.DiGraph()
    attribute = {i: int(rng.random() < 0.4) for i in range(n)}
    for i in range(n):
        graph.add_node(i, certified=attribute[i])
    edges = [(u, v) for u in range(n) for v in range(n) if u != v and rng.random() < density]
    graph.add_edges_from(edges)
    if not edges:
        return
    x = np.array([attribute[u] for u, _ in edges])
    y = np.array([attribute[v] for _, v in edges])
    pearson, newman = weighted_assortativity(x, y, np.full(len(edges), 7.5))
    if x.std() > 0 and y.std() > 0:
        assert pearson == pytest.approx(nx.numeric_assortativity_coefficient(graph, "certified"), abs=1e-9)
    else:
        assert np.isnan(pearson)
    if len(set(x) | set(y)) > 1:
        assert newman == pytest.approx(nx.attribute_assortativity_coefficient(graph, "certified"), abs=1e-9)


def test_assortativity_weights_amounts(tmp_path):
    """Weighted: a relation worth three times as much counts as three equal relations."""
    x = np.array([1, 1, 0, 0, 1])
    y = np.array([1, 0, 0, 1, 1])
    weighted = weighted_assortativity(x, y, np.array([3.0, 1.0, 1.0, 1.0, 1.0]))
    repeated = weighted_assortativity(np.r_[x, 1, 1], np.r_[y, 1, 1], np.ones(7))
    assert weighted == pytest.approx(repeated)
    assert weighted[0] == pytest.approx(np.corrcoef(np.r_[x, 1, 1], np.r_[y, 1, 1])[0, 1])


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_spend_groups_and_assortativity_on_datasets(tmp_path_factory, seed):
    tables = olievlek_tables(seed)
    net = load_network(write_tables(tmp_path_factory.mktemp("stats"), **tables))
    raw = Raw(tables)
    jan1 = dt.date(YEAR, 1, 1)
    certified = {o for o in raw.ids if raw.certified_on(o, jan1)}
    groups = {"certified buyers": [0.0, 0.0, set()], "other buyers": [0.0, 0.0, set()],
              "all buyers": [0.0, 0.0, set()]}
    for b, s, a, y, d in raw.purchases:
        if y != YEAR or b == s:
            continue
        for name in ("certified buyers" if b in certified else "other buyers", "all buyers"):
            groups[name][0] += a
            groups[name][1] += a if raw.eligible_row(b, s, y, d) else 0.0
            groups[name][2].add(b)
    frame = spend_by_buyer_group(net, YEAR).set_index("group")
    for name, (spend, counting, buyers) in groups.items():
        assert frame.loc[name, "spend_eur"] == pytest.approx(spend, rel=1e-12)
        assert frame.loc[name, "counting_spend_eur"] == pytest.approx(counting, rel=1e-12, abs=1e-9)
        assert frame.loc[name, "buyers"] == len(buyers)
    # assortativity over summed relations, against a weighted Pearson by hand
    amount = raw.amounts(YEAR)
    w = np.array(list(amount.values()))
    x = np.array([b in certified for b, _ in amount], dtype=float)
    y = np.array([s in certified for _, s in amount], dtype=float)
    pearson, newman = certification_assortativity(net, YEAR)
    if x.std() > 0 and y.std() > 0:
        mx, my = np.average(x, weights=w), np.average(y, weights=w)
        cov = np.average((x - mx) * (y - my), weights=w)
        expected = cov / np.sqrt(np.average((x - mx) ** 2, weights=w) * np.average((y - my) ** 2, weights=w))
        assert pearson == pytest.approx(expected, abs=1e-9)
    stats = chain_stats(net, YEAR).set_index("indicator")["value"]
    figures = history_figures(history(net, YEAR))
    assert stats["followed_certified_buyer_share"] == pytest.approx(figures["followed_share"], nan_ok=True)
    assert stats["largest_cascade"] == figures["largest_cascade"]


def test_stats_hand_built(tmp_path):
    cert = {"pso_level": "1", "pso_valid_from": "2020-01-01", "pso_valid_until": "2030-12-31"}
    orgs = [org("A", **cert), org("B", **cert), org("C"), org("D"), org("S", sw=True)]
    purchases = [buy("A", "B", 60.0), buy("A", "C", 40.0), buy("C", "S", 10.0), buy("C", "D", 90.0),
                 buy("D", "D", 1000.0)]
    net = load_network(write_tables(tmp_path, orgs, purchases))
    frame = spend_by_buyer_group(net, YEAR).set_index("group")
    assert frame.loc["certified buyers", "counting_share"] == pytest.approx(0.6)
    assert frame.loc["other buyers", "counting_share"] == pytest.approx(0.1)
    stats = chain_stats(net, YEAR).set_index("indicator")["value"]
    assert stats["counting_share_ratio"] == pytest.approx(6.0)
    assert isinstance(stats["assortativity_pearson"], float)
    assert pd.DataFrame(chain_stats(net, YEAR))["indicator"].is_unique
