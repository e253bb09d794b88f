"""Who can adopt is defined once (``olievlek.base.can_adopt``) and every olievlek verb agrees on
it (issue 21, acceptance 1): the certifications ``seeds`` claims for its picks are what
``simulate`` certifies beyond its baseline when the picks are seeded — for the whole network and
every municipality, on the example and on generated networks — and the report's figures come
from one computation."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pso_chain
from pso_chain import check
from pso_chain.core.loading import load_network
from pso_chain.generate import generate_dataset
from pso_chain.olievlek import chain_stats, exposure, select_seeds, simulate
from pso_chain.olievlek.base import can_adopt, certified_at_start
from pso_chain.outputs.report.build import collect_report, render_report
from tests.datasets import buy, org, write_tables

EXAMPLE = pso_chain.load_example()
MUNICIPALITIES = [None, *check.municipalities(EXAMPLE)]


def certified_in_run(network, year, seed_orgs=(), **options) -> np.ndarray:
    """Per organisation: certified in a round >= 1 of ``simulate``."""
    run = simulate(network, year, seed_orgs=list(seed_orgs), **options)
    return run.round_of >= 1


def assert_seeds_agree_with_simulate(network, year, k, municipality=None, objective="count",
                                     **options) -> None:
    picks = select_seeds(network, k, year, municipality=municipality, objective=objective,
                         **options).frame
    base = certified_in_run(network, year, **options)
    seeded = certified_in_run(network, year, picks["org_id"].tolist(), **options)
    gained = seeded & ~base
    assert not (base & ~seeded).any()  # seeding only adds (the cascade is monotone)
    assert int(picks["certified_gain"].sum()) == int(gained.sum())
    assert float(picks["target_fte_at_certified_gain"].sum()) == pytest.approx(
        float(network.target_fte[gained].sum()), rel=1e-12, abs=1e-9)
    adopt = can_adopt(network, year)
    assert adopt[seeded].all() and adopt[network.nodes(picks["org_id"])].all()


@pytest.mark.parametrize("municipality", MUNICIPALITIES, ids=lambda m: m or "all")
def test_seeds_claim_what_simulate_certifies_on_the_example(municipality):
    assert_seeds_agree_with_simulate(EXAMPLE, 2025, 3, municipality)


@pytest.mark.parametrize(("objective", "threshold"), [("fte", None), ("count", 0.05), ("count", 0.01)])
def test_seeds_agree_with_simulate_for_other_options(objective, threshold):
    assert_seeds_agree_with_simulate(EXAMPLE, 2025, 4, None, objective=objective, threshold=threshold)


def test_seeds_agree_with_simulate_in_the_fee_model():
    assert_seeds_agree_with_simulate(EXAMPLE, 2025, 3, "Zutphen", model="fee", at_risk=0.05)


def generated(seed: int, extra_sw: int):
    """A generated network with ``extra_sw`` more uncertified SW-bedrijven among its hubs."""
    tables = generate_dataset(120, 900, seed=seed, municipalities=["Apeldoorn", "Epe", "Zutphen"])
    orgs = tables["organisations"]
    rng = np.random.default_rng(seed)
    uncertified = orgs["pso_level"].fillna("").astype(str).str.strip().eq("").to_numpy()
    plain = np.flatnonzero(uncertified & ~orgs["sw"].to_numpy(dtype=bool))
    orgs.loc[orgs.index[rng.choice(plain, size=min(extra_sw, len(plain)), replace=False)], "sw"] = True
    return tables


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), extra_sw=st.integers(0, 8), k=st.integers(1, 4),
       threshold=st.sampled_from([0.01, 0.03, 0.08, 0.2]),
       municipality=st.sampled_from([None, "Apeldoorn", "Epe", "Zutphen"]),
       objective=st.sampled_from(["count", "fte"]), model=st.sampled_from(["threshold", "fee"]))
def test_seeds_claim_what_simulate_certifies_on_generated_networks(seed, extra_sw, k, threshold,
                                                                  municipality, objective, model):
    tables = generated(seed, extra_sw)
    network = pso_chain.from_frames(**tables)
    options = {"threshold": threshold} if model == "threshold" else {"model": "fee", "at_risk": threshold}
    assert_seeds_agree_with_simulate(network, 2025, k, municipality, objective, **options)
    # an SW-bedrijf without a certificate never certifies, whatever the threshold
    assert not (certified_in_run(network, 2025, **options) & network.sw).any()


def test_uncertified_sw_bedrijven_never_certify_in_simulate():
    run = simulate(EXAMPLE, 2025, threshold=0.01).certified_frame()
    sw_ids = set(EXAMPLE.organisations["org_id"][EXAMPLE.sw])
    assert {"10000159", "90000001"} <= sw_ids
    assert not set(run["org_id"]) & sw_ids


def test_one_definition_hand_built(tmp_path):
    # B (certified, applies the code) buys all of SW-bedrijf S's and X's revenue; S buys from Y
    tables = dict(
        organisations=[
            org("B", pso_level="3", pso_valid_from="2020-01-01", pso_valid_until="2030-12-31",
                revenue_eur=5e6),
            org("S", sw=True, revenue_eur=1e6, target_fte=9.0, employees=90),
            org("X", revenue_eur=1e6, target_fte=1.0), org("Y", revenue_eur=1e6, target_fte=2.0),
        ],
        purchases=[buy("B", "S", 1e6), buy("B", "X", 1e6), buy("S", "Y", 1e6)])
    net = load_network(write_tables(tmp_path / "d", **tables))
    ids = list(net.org_ids)
    assert [ids[i] for i in np.flatnonzero(can_adopt(net, 2025))] == ["X", "Y"]
    assert simulate(net, 2025).certified_frame()["org_id"].tolist() == ["X"]  # not S, so never Y
    assert exposure(net, 2025)["org_id"].tolist() == ["X", "Y"]
    stats = chain_stats(net, 2025).set_index("indicator")["value"]
    assert stats["can_adopt"] == 2 and isinstance(stats["year"], int)
    # seeding S (an explicit choice) makes it apply the code: then Y certifies too
    assert simulate(net, 2025, seed_orgs=["S"]).certified_frame()["org_id"].tolist() == ["X", "Y"]


def test_stats_count_the_adopters_exposure_lists():
    stats = chain_stats(EXAMPLE, 2025).set_index("indicator")["value"]
    assert stats["can_adopt"] == len(exposure(EXAMPLE, 2025))
    assert stats["can_adopt"] == int((~certified_at_start(EXAMPLE, 2025) & ~EXAMPLE.sw).sum())


@pytest.mark.parametrize("municipality", MUNICIPALITIES, ids=lambda m: m or "all")
def test_report_figures_come_from_one_computation(municipality):
    data = collect_report(EXAMPLE, 2025, municipality, k=3)
    if len(data.seeds):  # the page says the same number in the summary and in the spread
        page = render_report(data, "en")
        spread = re.search(r"so (\d+) more beside the (\d+) themselves", page)
        assert spread is not None and int(spread.group(1)) == data.seed_gain
        card = re.search(r'<div class="value">([\d,]+)</div><div class="label">extra certifications with', page)
        assert card is not None and int(card.group(1).replace(",", "")) == data.seed_gain
    base = int(data.rounds["cumulative_certified"].iloc[-1])
    seeded = int(data.seeded_rounds["cumulative_certified"].iloc[-1])
    assert data.seed_gain == int(data.seeds["certified_gain"].sum()) == seeded - base - len(data.seeds)
    assert data.seed_fte == pytest.approx(float(data.seeds["target_fte_at_certified_gain"].sum()))
    # the prospects the report lists are the adopters the simulation can certify
    adopt = set(EXAMPLE.org_ids[can_adopt(EXAMPLE, 2025) & data.scope])
    assert set(data.prospects["org_id"]) == adopt
