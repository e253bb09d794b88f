"""The stochastic olievlek: lognormal per-organisation thresholds, many runs vectorised.

Acceptance (issue 21, point 3): with zero spread every run equals the deterministic
``simulate`` exactly; the band's width shrinks as the spread of thresholds shrinks. Each run is
also checked against the single-run kernel of ``simulate`` with that run's thresholds (a plain
loop oracle), and the bands against percentiles of the per-run counts.
"""

from __future__ import annotations

import dataclasses
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
from pso_chain.generate import generate_dataset
from pso_chain.olievlek.simulate import certify_rule, simulate, start_cascade
from pso_chain.olievlek.stochastic import _multipliers, simulate_runs
from pso_chain.outputs.report.bands import RUNS, SEED, SPREAD
from tests.datasets import write_tables

EXAMPLE = pso_chain.load_example()


@cache
def generated(seed: int, folder: Path) -> pso_chain.PurchaseNetwork:
    tables = generate_dataset(400, 4000, seed=seed)
    return load_network(write_tables(folder / f"gen-{seed}", tables["organisations"], tables["purchases"],
                                     certifications=tables["certifications"], fmt="parquet"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("stochastic")


def deterministic_rounds(net, **kw) -> np.ndarray:
    sim = simulate(net, **kw)
    return np.where(sim.round_of >= 1, sim.round_of, -1)


CASES = [dict(), dict(seed_orgs=["10000154"]), dict(model="fee", at_risk=0.3),
         dict(threshold=0.1, rounds=2), dict(threshold=0.05, seed_orgs=["10000249", "10000272"])]


@pytest.mark.parametrize("kw", CASES)
def test_zero_spread_equals_simulate_exactly_on_the_example(kw):
    out = simulate_runs(EXAMPLE, spread=0.0, runs=4, **kw)
    expected = deterministic_rounds(EXAMPLE, **kw)
    for r in range(4):
        assert out.round_of[:, r].tolist() == expected.tolist()
    total = int((expected >= 1).sum())
    assert out.rounds.iloc[-1][["p5", "p50", "p95", "mean"]].tolist() == [total] * 4
    cumulative = [int(((expected >= 1) & (expected <= r)).sum()) for r in range(len(out.rounds))]
    assert out.rounds["p50"].tolist() == cumulative


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("model", ["threshold", "fee"])
def test_zero_spread_equals_simulate_exactly_on_generated_networks(seed, model, folder):
    net = generated(seed, folder)
    kw = dict(threshold=0.05) if model == "threshold" else dict(model="fee", at_risk=0.2)
    out = simulate_runs(net, spread=0.0, runs=3, **kw)
    assert (out.round_of == deterministic_rounds(net, **kw)[:, None]).all()


def test_zero_spread_seed_gain_is_the_deterministic_difference():
    seeds = ["10000154"]
    out = simulate_runs(EXAMPLE, spread=0.0, runs=2, seed_orgs=seeds)
    with_seeds = deterministic_rounds(EXAMPLE, seed_orgs=seeds) >= 1
    without = deterministic_rounds(EXAMPLE) >= 1
    without[EXAMPLE.nodes(seeds)] = False
    gain = out.gains.set_index("gain")
    assert gain.at["certified_gain", "p50"] == with_seeds.sum() - without.sum()
    target = EXAMPLE.target_fte
    assert gain.at["target_fte_gain", "p5"] == pytest.approx(target[with_seeds].sum() - target[without].sum())


def test_each_run_is_the_single_run_kernel_with_that_runs_thresholds():
    """Oracle: simulate's own Cascade, one run at a time, thresholds scaled by the run's draws."""
    runs, spread, seed = 6, 0.5, 11
    out = simulate_runs(EXAMPLE, spread=spread, runs=runs, seed=seed, seed_orgs=["10000249"])
    year = EXAMPLE.latest_year
    rule = certify_rule(EXAMPLE)
    multiplier = _multipliers(EXAMPLE.n, np.random.SeedSequence(seed).spawn(runs), spread)
    counts = []
    for r in range(runs):
        own = dataclasses.replace(rule, threshold=rule.threshold * multiplier[:, r])
        cascade = start_cascade(EXAMPLE, year, own, EXAMPLE.nodes(["10000249"]))
        cascade.run(np.flatnonzero(cascade.applies_from == 0))
        expected = np.where(cascade.round_of >= 1, cascade.round_of, -1)
        assert out.round_of[:, r].tolist() == expected.tolist(), r
        counts.append(int((expected >= 1).sum()))
    assert out.adopters.tolist() == counts
    assert out.rounds.iloc[-1]["p50"] == np.percentile(counts, 50)
    # per municipality: the runs' counts, summed over municipalities, are the runs' totals
    assert out.municipalities["mean"].sum() == pytest.approx(np.mean(counts))


def test_runs_do_not_depend_on_the_batch_size(monkeypatch):
    whole = simulate_runs(EXAMPLE, spread=0.3, runs=7, seed=5)
    monkeypatch.setattr("pso_chain.olievlek.stochastic.BATCH_CELLS", EXAMPLE.n * 2)
    batched = simulate_runs(EXAMPLE, spread=0.3, runs=7, seed=5)
    assert (whole.round_of == batched.round_of).all()


def width(out) -> float:
    last = out.rounds.iloc[-1]
    return float(last["p95"] - last["p5"])


def test_band_width_shrinks_as_the_spread_shrinks_on_the_example():
    widths = [width(simulate_runs(EXAMPLE, spread=s, runs=300, seed=1, seed_orgs=["10000154"]))
              for s in (0.8, 0.4, 0.2, 0.1, 0.05, 0.0)]
    assert widths == sorted(widths, reverse=True), widths
    assert widths[-1] == 0 and widths[0] > 0


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 3), small=st.floats(0.01, 0.3), factor=st.floats(1.5, 4.0),
       threshold=st.sampled_from([0.02, 0.05, 0.15]))
def test_runs_lie_in_an_envelope_that_shrinks_with_the_spread(seed, small, factor, threshold, folder):
    """Property: thresholds are threshold * exp(spread * z), and the cascade is monotone in the
    thresholds, so every run's adopters lie between the deterministic cascades at the largest
    and the smallest threshold drawn; that envelope is nested as the spread shrinks, so the
    band (p5..p95) shrinks with it, down to one point at zero spread."""
    net = generated(seed, folder)
    runs = 40
    z = np.log(_multipliers(net.n, np.random.SeedSequence(9).spawn(runs), 1.0))
    c = float(np.abs(z).max())
    envelopes = []
    for spread in (small * factor, small, 0.0):
        out = simulate_runs(net, threshold=threshold, spread=spread, runs=runs, seed=9)
        low = int((deterministic_rounds(net, threshold=threshold * np.exp(spread * c)) >= 1).sum())
        high = int((deterministic_rounds(net, threshold=threshold * np.exp(-spread * c)) >= 1).sum())
        assert low <= out.adopters.min() and out.adopters.max() <= high
        last = out.rounds.iloc[-1]
        assert low <= last["p5"] <= last["p95"] <= high
        envelopes.append((low, high))
    (l2, h2), (l1, h1), (l0, h0) = envelopes
    assert l2 <= l1 <= l0 == h0 <= h1 <= h2


def test_bad_arguments_name_the_argument():
    with pytest.raises(PsoInputError, match="spread"):
        simulate_runs(EXAMPLE, spread=-0.1)
    with pytest.raises(PsoInputError, match="runs"):
        simulate_runs(EXAMPLE, runs=0)
    with pytest.raises(PsoInputError, match="percentiles"):
        simulate_runs(EXAMPLE, percentiles=(5, 150))


def test_uncertainty_command(tmp_path):
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("10000154\n")
    out = tmp_path / "band.csv"
    result = CliRunner().invoke(app, ["--lang", "en", "olievlek", "uncertainty", str(pso_chain.example_path()),
                                      "--spread", "0", "--runs", "3", "--seed-orgs", str(seeds),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    band = pd.read_csv(out)
    expected = deterministic_rounds(EXAMPLE, seed_orgs=["10000154"])
    assert band["p50"].iat[-1] == (expected >= 1).sum()
    assert "certified_gain" in result.output
    fitted = CliRunner().invoke(app, ["--lang", "en", "olievlek", "uncertainty", str(pso_chain.example_path()),
                                      "--runs", "2", "--fitted"])
    assert fitted.exit_code == 0 and "fitted by calibrate" in fitted.output


def test_the_report_shows_the_band_and_a_fitted_threshold():
    page = pso_chain.report(EXAMPLE, municipality="Zutphen", lang="en", threshold="fitted")
    fit = pso_chain.calibrate(EXAMPLE)
    assert fit.summary() in page
    band = simulate_runs(EXAMPLE, threshold=fit.value, spread=SPREAD, runs=RUNS, seed=SEED)
    last = band.rounds.iloc[-1]
    assert f"{last['p5']:.0f} to {last['p95']:.0f} organisations certify" in page
    zutphen = band.municipalities.set_index("municipality").loc["Zutphen"]
    assert f"In Zutphen: {zutphen['p5']:.0f} to {zutphen['p95']:.0f}." in page
    assert "the chosen organisations add" in page


def test_bands_do_not_need_the_per_run_matrix(monkeypatch):
    """Large runs keep only the batch summaries: the same bands, no organisations x runs matrix."""
    kept = simulate_runs(EXAMPLE, spread=0.3, runs=9, seed=2, seed_orgs=["10000154"])
    monkeypatch.setattr("pso_chain.olievlek.stochastic.KEEP_CELLS", 10)
    monkeypatch.setattr("pso_chain.olievlek.stochastic.BATCH_CELLS", EXAMPLE.n * 4)
    summary = simulate_runs(EXAMPLE, spread=0.3, runs=9, seed=2, seed_orgs=["10000154"])
    assert summary.round_of is None and summary.notes
    for name in ("rounds", "municipalities", "organisations", "gains"):  # FTE sums: float order
        pd.testing.assert_frame_equal(getattr(kept, name), getattr(summary, name), rtol=1e-12)
    assert kept.adopters.tolist() == summary.adopters.tolist()
