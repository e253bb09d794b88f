"""Aspirants: deadline and distance to trede 1, against a loop over the certifications table."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import pso_chain
from tests.datasets import random_tables, write_tables

ON = dt.date(2025, 6, 30)


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_aspirants_equal_a_plain_loop(tmp_path, seed):
    tables = random_tables(seed, n_orgs=60, n_purchases=150)
    network = pso_chain.open(write_tables(tmp_path, **tables))
    got = pso_chain.aspirants(network, 2025, ON).set_index("org_id")
    scores = pso_chain.credits(network, 2025).set_index("org_id")
    years = network.rules.aspirant_years
    want = {}
    for c in tables["certifications"].itertuples():
        start, end = dt.date.fromisoformat(c.valid_from), dt.date.fromisoformat(c.valid_until)
        if c.level == "aspirant" and start <= ON <= end and c.org_id not in want:
            deadline = pd.Timestamp(start) + pd.DateOffset(years=int(years))
            gap = max(scores.loc[c.org_id, "norm_trede1"] - scores.loc[c.org_id, "total_pct"], 0.0)
            want[c.org_id] = (pd.Timestamp(start), deadline, gap)
    assert sorted(got.index) == sorted(want)
    for org, (start, deadline, gap) in want.items():
        assert got.loc[org, "aspirant_since"] == start
        assert got.loc[org, "deadline"] == deadline
        assert got.loc[org, "days_left"] == (deadline - pd.Timestamp(ON)).days
        assert got.loc[org, "gap_pct"] == pytest.approx(gap)


def test_aspirant_years_is_a_rules_setting(tmp_path):
    rules = tmp_path / "rules.toml"
    text = pso_chain.load_rules().source_file
    rules.write_text(open(text, encoding="utf-8").read().replace("aspirant_years = 2", "aspirant_years = 1"),
                     encoding="utf-8")
    one = pso_chain.aspirants(pso_chain.load_example(rules)).set_index("org_id")
    two = pso_chain.aspirants(pso_chain.load_example()).set_index("org_id")
    assert (two["deadline"] - one["deadline"]).dt.days.between(365, 366).all()


def test_explain_carries_the_aspirant_outlook():
    network = pso_chain.load_example()
    table = pso_chain.aspirants(network).set_index("org_id")
    for org in table.index:
        block = pso_chain.explain(network, org)["aspirant"]
        assert block["deadline"] == table.loc[org, "deadline"].date().isoformat()
        assert block["gap_pct"] == pytest.approx(table.loc[org, "gap_pct"])
    assert "aspirant" not in pso_chain.explain(network, "90000006")
