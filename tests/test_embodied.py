"""embodied against a dense numpy solve of the contract's Leontief system, and its failure
naming the organisations that buy for more than their revenue."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from pso_chain.core.loading import load_network
from pso_chain.core.scoring import indirect_fte
from pso_chain.errors import PsoInputError
from pso_chain.olievlek.embodied import EMBODIED_COLUMNS, embodied, embodied_comparison, solve_leontief
from tests.datasets import buy, org, random_tables, write_tables
from tests.olievlek_oracles import Raw, oracle_embodied, spectral_radius

YEAR = 2025


def scaled_tables(seed: int, buy_share: float) -> dict:
    """random_tables with purchases scaled so that buyers spend about ``buy_share`` of revenue
    (above 1 some systems stop converging)."""
    tables = random_tables(seed, 30, 250, YEAR)
    orgs = tables["organisations"].set_index("org_id")
    p = tables["purchases"]
    spent = p[p["year"] == YEAR].groupby("buyer_id")["amount_eur"].sum()
    factor = (orgs["revenue_eur"] * buy_share / spent).reindex(p["buyer_id"]).fillna(1.0).to_numpy()
    p["amount_eur"] = np.round(p["amount_eur"] * np.minimum(factor, 1e6), 2) + 1.0
    return tables


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), share=st.sampled_from([0.05, 0.3, 0.7, 0.95, 1.5, 3.0]),
       drop_self=st.booleans())
def test_matches_dense_solve_or_fails_naming_overspenders(tmp_path_factory, seed, share, drop_self):
    tables = scaled_tables(seed, share)
    net = load_network(write_tables(tmp_path_factory.mktemp("emb"), **tables))
    raw = Raw(tables)
    rho = spectral_radius(raw, YEAR, drop_self)
    if rho < 0.999:
        frame = embodied(net, YEAR, drop_self=drop_self)
        assert list(frame.columns) == EMBODIED_COLUMNS
        assert frame["org_id"].tolist() == raw.ids
        target = dict(zip(net.organisations["org_id"], net.target_fte, strict=True))
        expected = oracle_embodied(raw, YEAR, target, drop_self)
        got = frame.set_index("org_id")
        for o, (total, certified) in expected.items():
            assert got.loc[o, "embodied_fte"] == pytest.approx(total, rel=1e-8, abs=1e-12), o
            assert got.loc[o, "embodied_fte_certified"] == pytest.approx(certified, rel=1e-8, abs=1e-12), o
        # the first tier of the certified chain is the PSO's one-tier indirect FTE
        one_tier = indirect_fte(net, YEAR)
        assert (frame["embodied_fte_certified"].to_numpy() >= one_tier - 1e-9 * (1 + one_tier)).all()
    elif rho > 1.001:
        with pytest.raises(PsoInputError) as info:
            embodied(net, YEAR, drop_self=drop_self)
        named = info.value.problems
        assert (named["column"] == "revenue_eur").all()
        spent = {o: 0.0 for o in raw.ids}
        for (b, _), a in raw.amounts(YEAR, drop_self=drop_self).items():
            spent[b] += a
        over = {o for o in raw.ids if raw.revenue[o] and spent[o] >= raw.revenue[o]}
        assert {r.split(" buys")[0] for r in named["reason"]} == over


def test_cycle_beyond_revenue_fails_naming_both(tmp_path):
    orgs = [org("A", revenue_eur=1000.0, target_fte=1.0), org("B", revenue_eur=1000.0, target_fte=1.0),
            org("C", revenue_eur=1000.0)]
    purchases = [buy("A", "B", 2000.0), buy("B", "A", 1500.0), buy("C", "A", 10.0)]
    folder = write_tables(tmp_path, orgs, purchases)
    with pytest.raises(PsoInputError) as info:
        embodied(load_network(folder), YEAR)
    text = str(info.value)
    assert "organisations.csv, row 2, column revenue_eur" in text and "A buys for EUR 2,000.00" in text
    assert "row 3, column revenue_eur" in text and "B buys for EUR 1,500.00" in text
    assert "C buys" not in text


def test_buying_beyond_revenue_without_a_cycle_converges(tmp_path):
    orgs = [org("A", revenue_eur=1000.0, target_fte=1.0), org("B", revenue_eur=2000.0, target_fte=4.0),
            org("C", revenue_eur=500.0, target_fte=0.5, pso_level="1", pso_valid_from="2020-01-01",
                pso_valid_until="2030-12-31")]
    purchases = [buy("A", "B", 5000.0), buy("B", "C", 1000.0), buy("A", "A", 100.0)]
    net = load_network(write_tables(tmp_path, orgs, purchases))
    out = embodied(net, YEAR).set_index("org_id")
    e_c = 0.5 / 500
    e_b = 4.0 / 2000 + (1000 / 2000) * e_c
    e_a = (1.0 / 1000 + 5000 / 1000 * e_b) / (1 - 100 / 1000)  # the self-purchase, as the contract writes it
    assert out.loc["C", "embodied_fte"] == 0.0
    assert out.loc["B", "embodied_fte"] == pytest.approx(1000 * e_c)
    assert out.loc["A", "embodied_fte"] == pytest.approx(5000 * e_b + 100 * e_a)
    assert out.loc["B", "embodied_fte_certified"] == pytest.approx(1000 * e_c)
    assert out.loc["A", "embodied_fte_certified"] == 0.0  # B does not count, A to itself never
    dropped = embodied(net, YEAR, drop_self=True).set_index("org_id")
    assert dropped.loc["A", "embodied_fte"] == pytest.approx(5000 * e_b)
    comparison = embodied_comparison(net, YEAR).set_index("org_id")
    assert comparison.loc["B", "indirect_fte"] == pytest.approx(1000 * e_c)
    assert comparison.loc["B", "upstream_fte_certified"] == pytest.approx(0.0, abs=1e-12)


def test_seller_without_revenue_is_named(tmp_path):
    orgs = [org("A"), org("B", revenue_eur="")]
    net = load_network(write_tables(tmp_path, orgs, [buy("A", "B", 10.0)]))
    with pytest.raises(PsoInputError, match="B sells to others in 2025 but has no revenue_eur"):
        embodied(net, YEAR)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6), radius=st.sampled_from([0.2, 0.9, 0.995]))
def test_solver_against_dense(seed, radius):
    """The power series (and its BiCGSTAB finish when slow) against numpy.linalg.solve."""
    rng = np.random.default_rng(seed)
    n = 25
    dense = rng.random((n, n)) * (rng.random((n, n)) < 0.3)
    eig = np.abs(np.linalg.eigvals(dense)).max()
    if eig == 0:
        return
    dense *= radius / eig
    b = rng.random(n)
    result = solve_leontief(sp.csr_matrix(dense), b, 1e-13, 300)
    assert result.converged
    np.testing.assert_allclose(result.x, np.linalg.solve(np.eye(n) - dense, b), rtol=1e-8)
    diverging = solve_leontief(sp.csr_matrix(dense * 1.2 / radius), b, 1e-13, 300)
    assert not diverging.converged
