"""olievlek calibrate: the maximum-likelihood fit of the threshold to the certification history.

Acceptance (issue 21, point 2): on purchase networks whose certification history is generated
by the model itself with a planted threshold, the fit recovers it within its reported 95%
interval in at least 9 of 10 seeds. The histories are drawn here year by year with a plain
pandas computation of the pressure (an oracle independent of the panel code).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import optimize
from typer.testing import CliRunner

import pso_chain
from pso_chain.cli import app
from pso_chain.core.loading import load_network
from pso_chain.errors import PsoInputError
from pso_chain.generate import generate_dataset
from pso_chain.olievlek.calibrate import _data, _nll, calibrate, hazard
from pso_chain.olievlek.panel import adoption_panel
from tests.datasets import write_tables

FIRST, LAST = 2018, 2025
PLANTED = {"threshold": 0.05, "slope": 3.0, "baseline": 0.01, "ceiling": 0.5}


def planted_history(seed: int, n_orgs: int = 1000, relations_per_org: int = 8, threshold: float = 0.05,
                    slope: float = 3.0, baseline: float = 0.01, ceiling: float = 0.5,
                    fee_model: bool = False, initial: float = 0.05) -> dict[str, pd.DataFrame]:
    """A generated purchase network (the same relations every year 2018-2025) whose
    certification history is drawn from the calibrate model with a planted threshold.

    Before 2018 a random 5% (no SW-bedrijven) hold an open-ended certificate. In every year t an
    organisation not yet certified, not an SW-bedrijf, adopts with probability
    ``hazard(pressure)``, the pressure being its year-t sales to buyers certified on 1 January
    of t over its revenue (with ``fee_model``: those sales over its annual fee); an adopter's
    certificate starts on a random day of t after 1 January.
    """
    tables = generate_dataset(n_orgs, relations_per_org * n_orgs * (LAST - FIRST + 1), seed=seed,
                              year=LAST, n_years=LAST - FIRST + 1)
    orgs, purchases = tables["organisations"].copy(), tables["purchases"]
    rng = np.random.default_rng(1000 + seed)
    ids = orgs["org_id"].to_numpy()
    pos = pd.Series(np.arange(len(ids)), index=ids)
    revenue = orgs["revenue_eur"].to_numpy(dtype=float)
    fee = pso_chain.load_rules().fee(orgs["employees"].to_numpy())
    sw = orgs["sw"].to_numpy(dtype=bool)
    certified_from = np.where((rng.random(len(ids)) < initial) & ~sw, 0, -1)  # -1: never; 0: before
    b = pos[purchases["buyer_id"]].to_numpy()
    s = pos[purchases["supplier_id"]].to_numpy()
    amount = purchases["amount_eur"].to_numpy(dtype=float)
    year = purchases["year"].to_numpy()
    for t in range(FIRST, LAST + 1):
        code = certified_from >= 0
        rows = (year == t) & (b != s) & code[b]
        sales = pd.Series(amount[rows]).groupby(s[rows]).sum().reindex(range(len(ids)), fill_value=0.0)
        x = sales.to_numpy() / (fee if fee_model else revenue)
        p = hazard(x, baseline, ceiling, threshold, slope)
        new = (certified_from < 0) & ~sw & (rng.random(len(ids)) < p)
        certified_from[new] = t
    days = [np.datetime64(f"{t}-01-01") + int(rng.integers(1, 365)) if t > 0 else np.datetime64("2010-01-01")
            for t in certified_from[certified_from >= 0]]
    certs = pd.DataFrame({"org_id": ids[certified_from >= 0], "level": "1",
                          "valid_from": [str(d) for d in days], "valid_until": ""})
    for col in ("pso_level", "pso_valid_from", "pso_valid_until"):
        orgs[col] = ""
    return {"organisations": orgs, "purchases": purchases, "certifications": certs}


@cache
def planted(seed: int, folder: Path, **kw) -> tuple[pso_chain.PurchaseNetwork, dict[str, pd.DataFrame]]:
    tables = planted_history(seed, **kw)
    name = f"planted-{seed}-" + "-".join(f"{k}{v}" for k, v in sorted(kw.items()))
    net = load_network(write_tables(folder / name, tables["organisations"], tables["purchases"],
                                    certifications=tables["certifications"], fmt="parquet"))
    return net, tables


def planted_network(seed: int, folder: Path, **kw) -> pso_chain.PurchaseNetwork:
    return planted(seed, folder, **kw)[0]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("calibrate")


def test_planted_threshold_recovered_within_its_interval_in_9_of_10_seeds(folder):
    """Acceptance 2: the reported 95% profile interval covers the planted threshold."""
    covered, estimates = [], []
    for seed in range(10):
        fit = calibrate(planted_network(seed, folder))
        covered.append(fit.ci_low <= PLANTED["threshold"] <= fit.ci_high)
        estimates.append((fit.value, fit.ci_low, fit.ci_high))
    assert sum(covered) >= 9, estimates
    # the intervals are informative, not the whole pressure range
    assert all(hi / lo < 4 for _, lo, hi in estimates), estimates


def test_fee_model_recovers_a_planted_at_risk_share(folder):
    """The fee model's link is fitted on sales / fee: at_risk = 1 / threshold of that ratio."""
    at_risk = 0.05  # certify when sales to code-applying buyers reach 20 times the fee
    net = planted_network(3, folder, threshold=1 / at_risk, fee_model=True)
    fit = calibrate(net, "fee")
    assert fit.name == "at_risk"
    assert fit.ci_low <= at_risk <= fit.ci_high, (fit.value, fit.ci_low, fit.ci_high)


def test_the_other_planted_parameters_are_recovered(folder):
    fit = calibrate(planted_network(0, folder))
    table = fit.parameters.set_index("parameter")
    for name, planted in (("slope", PLANTED["slope"]), ("baseline_hazard", PLANTED["baseline"]),
                          ("max_hazard", PLANTED["ceiling"])):
        assert table.at[name, "ci_low"] <= planted <= table.at[name, "ci_high"], (name, table)


@pytest.mark.parametrize("lag", [0, 1])
def test_panel_agrees_with_a_plain_recount(folder, lag):
    """The panel's at-risk rows, pressures (sales in year t - lag to buyers certified on 1
    January of t) and outcomes against a pandas recount."""
    net, tables = planted(1, folder)
    panel = adoption_panel(net, lag=lag)
    assert panel.years == tuple(range(FIRST + lag, LAST + 1))
    orgs = tables["organisations"]
    first = pd.to_datetime(tables["certifications"].groupby("org_id")["valid_from"].min())
    node = pd.Series(np.arange(net.n), index=net.org_ids)
    purchases = tables["purchases"].assign(buyer=lambda f: node[f["buyer_id"]].to_numpy(),
                                           supplier=lambda f: node[f["supplier_id"]].to_numpy(),
                                           amount=lambda f: f["amount_eur"])
    for t in (FIRST + lag, 2021, LAST):
        start = pd.Timestamp(f"{t}-01-01")
        first_of = orgs["org_id"].map(first)
        at_risk = (first_of.isna() | (first_of > start)) & ~orgs["sw"].astype(bool)
        code = (first_of <= start).to_numpy()
        rows = purchases[(purchases["year"] == t - lag) & (purchases["buyer"] != purchases["supplier"])]
        rows = rows[code[rows["buyer"].to_numpy()]]
        sales = rows.groupby("supplier")["amount"].sum().reindex(range(net.n), fill_value=0.0)
        m = panel.year == t
        assert panel.node[m].tolist() == np.flatnonzero(at_risk.to_numpy()).tolist()
        np.testing.assert_allclose(panel.sales[m], sales.to_numpy()[panel.node[m]], rtol=1e-12)
        adopted = (first_of[at_risk] <= pd.Timestamp(f"{t + 1}-01-01")).to_numpy()
        assert panel.adopted[m].tolist() == adopted.tolist()


def test_likelihood_gradient_is_the_derivative(folder):
    net = planted_network(2, folder)
    panel = adoption_panel(net)
    data = _data(panel, panel.pressure)
    for u in ([-4.0, 0.3, np.log(0.04), np.log(2.0)], [-2.0, -1.0, np.log(0.2), np.log(8.0)]):
        u = np.array(u)
        err = optimize.check_grad(lambda v: _nll(v, data)[0], lambda v: _nll(v, data)[1], u)
        assert err < 1e-4 * max(1.0, np.abs(_nll(u, data)[1]).max())


def test_goodness_of_fit_tables(folder):
    fit = calibrate(planted_network(4, folder))
    assert fit.years["year"].tolist() == list(range(FIRST, LAST + 1))
    assert fit.years["observed"].sum() == fit.adopters == fit.by_pressure["observed"].sum()
    # maximum likelihood with a free baseline: predicted adopters sum to the observed ones
    assert fit.years["predicted"].sum() == pytest.approx(fit.adopters, rel=1e-3)
    assert fit.log_likelihood > fit.log_likelihood_null
    assert fit.brier < fit.brier_null
    assert "fitted by calibrate" in fit.summary()


def test_example_fit_says_its_interval_is_open():
    fit = calibrate(pso_chain.load_example())
    assert fit.years_used == (2024, 2025) and fit.adopters == 4
    assert any("interval is open" in note for note in fit.notes)


def test_bad_arguments_name_the_argument():
    net = pso_chain.load_example()
    with pytest.raises(PsoInputError, match="model"):
        calibrate(net, "logit")
    with pytest.raises(PsoInputError, match="lag"):
        calibrate(net, lag=2)
    with pytest.raises(PsoInputError, match="last"):
        calibrate(net, last_year=2000)


def test_hazard_link_is_the_deterministic_rule_in_the_limit():
    x = np.array([0.0, 0.1, 0.2499, 0.25, 0.2501, 0.9])
    sharp = hazard(x, 0.0, 1.0, 0.25, 1e6)
    assert sharp[[0, 1, 2, 4, 5]].round().tolist() == [0, 0, 0, 1, 1] and sharp[3] == 0.5
    assert hazard(np.array([0.25]), 0.1, 0.7, 0.25, 3.0)[0] == pytest.approx(0.4)
    assert hazard(np.array([0.0]), 0.1, 0.7, 0.25, 3.0)[0] == 0.1


def test_fitted_threshold_in_simulate_seeds_and_runs_says_so():
    net = pso_chain.load_example()
    fit = pso_chain.calibrate(net)
    sim = pso_chain.simulate(net, threshold="fitted")
    plain = pso_chain.simulate(net, threshold=fit.value)
    assert sim.certified_frame().equals(plain.certified_frame())
    assert fit.summary() in sim.notes
    picks = pso_chain.seeds(net, 2, threshold="fitted")
    assert fit.summary() in picks.notes
    assert picks.frame.equals(pso_chain.seeds(net, 2, threshold=fit.value).frame)
    assert fit.summary() in pso_chain.simulate_runs(net, threshold="fitted", runs=3).notes
    assert fit.summary() in pso_chain.budget_seeds(net, 3_000, threshold="fitted").notes
    fee = pso_chain.calibrate(net, "fee")
    sim = pso_chain.simulate(net, model="fee", at_risk="fitted")
    assert sim.rule.at_risk == fee.value and fee.summary() in sim.notes
    with pytest.raises(PsoInputError, match="threshold"):
        pso_chain.simulate(net, threshold="guess")


def test_calibrate_command(tmp_path):
    out = tmp_path / "fit.csv"
    result = CliRunner().invoke(app, ["--lang", "en", "olievlek", "calibrate", str(pso_chain.example_path()),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "threshold" in result.output and "Brier" in result.output
    table = pd.read_csv(out)
    assert table["parameter"].tolist()[:2] == ["threshold", "slope"]
    assert "log_likelihood" in table["parameter"].tolist()
    bad = CliRunner().invoke(app, ["olievlek", "calibrate", str(pso_chain.example_path()), "--lag", "3"])
    assert bad.exit_code == 2
