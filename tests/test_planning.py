"""Planning ahead (uplift --plan-year): the baseline in the plan year counts each purchase by the
certificates valid on its date, never after a certificate's end; oracle on random datasets."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import pso_chain
from pso_chain.buyers.planning import plan_network
from pso_chain.cli import app
from tests.datasets import buy, org, random_tables, write_tables

BASE, PLAN = 2025, 2026


def baseline_oracle(tables: dict, buyer: str) -> float:
    """Indirect FTE of the buyer's base-year purchases moved to the plan year, row by row."""
    orgs = tables["organisations"].set_index("org_id")
    certs = tables["certifications"]

    def counts(supplier: str, day: dt.date) -> bool:
        if str(orgs.loc[supplier, "sw"]) == "True":
            return True
        mine = certs[certs["org_id"] == supplier]
        return any(dt.date.fromisoformat(c.valid_from) <= day <= dt.date.fromisoformat(c.valid_until)
                   for c in mine.itertuples())

    total = 0.0
    for p in tables["purchases"].itertuples():
        if p.buyer_id != buyer or p.year != BASE or p.supplier_id == buyer:
            continue
        supplier = orgs.loc[p.supplier_id]
        per_eur = supplier["target_fte"] / supplier["revenue_eur"]
        if p.date:
            day = dt.date.fromisoformat(p.date)
            day = day.replace(year=PLAN, day=28 if (day.month, day.day) == (2, 29) else day.day)
            total += p.amount_eur * per_eur * counts(p.supplier_id, day)
        else:
            for month in range(1, 13):
                total += p.amount_eur / 12 * per_eur * counts(p.supplier_id, dt.date(PLAN, month, 15))
    return total


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_plan_year_baseline_equals_a_date_by_date_oracle(tmp_path, seed):
    tables = random_tables(seed, n_orgs=30, n_purchases=200, with_records=False)
    network = pso_chain.open(write_tables(tmp_path, **tables))
    for buyer in tables["purchases"]["buyer_id"].unique()[:6]:
        planned = plan_network(network, buyer, BASE, PLAN)
        got = pso_chain.credits(planned, PLAN).set_index("org_id").loc[buyer, "indirect_fte"]
        assert got == pytest.approx(baseline_oracle(tables, buyer), rel=1e-9, abs=1e-12), buyer


def test_a_certificate_ending_mid_year_stops_counting_at_its_end(tmp_path):
    orgs = [org("B", employees=100, fte=100.0, target_fte=3.0),
            org("S", target_fte=10.0, revenue_eur=1_000_000.0, pso_level="2",
                pso_valid_from="2024-01-01", pso_valid_until=f"{PLAN}-03-31")]
    purchases = [buy("B", "S", 120_000.0, BASE)]
    network = pso_chain.open(write_tables(tmp_path, orgs, purchases))
    plan = pso_chain.uplift(network, "B", plan_year=PLAN)
    # undated: one twelfth a month; only January to March count in the plan year
    assert plan["baseline"].loc[0, "plan_indirect_fte"] == pytest.approx(3 * 10_000 * 10 / 1_000_000)
    expiring = plan["expiring"].set_index("supplier_id")
    assert expiring.loc["S", "counting_eur"] == pytest.approx(30_000)
    assert expiring.loc["S", "not_counting_eur"] == pytest.approx(90_000)
    for frame in (plan["uplift"],):
        dated = frame.dropna(subset=["supplier_id"])
        if "purchase_date" in dated:  # a proposal at S is dated on or before its end
            at_s = dated[dated["supplier_id"] == "S"]
            assert (pd.to_datetime(at_s["purchase_date"]) <= pd.Timestamp(f"{PLAN}-03-31")).all()


def test_plan_year_is_checked_and_the_cli_shows_it(tmp_path):
    with pytest.raises(pso_chain.PsoInputError, match="plan.year"):
        pso_chain.uplift(pso_chain.load_example(), "90000008", plan_year=2025)
    result = CliRunner().invoke(app, ["uplift", str(pso_chain.example_path()), "--org", "90000008",
                                      "--plan-year", "2026"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "2026" in said and "90000009" in said  # the aspirant whose status ends in March


def test_plan_network_touches_only_the_buyer(tmp_path):
    tables = random_tables(3, n_orgs=20, n_purchases=80, with_records=False)
    network = pso_chain.open(write_tables(tmp_path, **tables))
    buyer = tables["purchases"]["buyer_id"].iat[0]
    planned = plan_network(network, buyer, BASE, PLAN)
    others = planned.purchases[planned.purchases["year"] == PLAN]
    assert (np.asarray(others["buyer"]) == network.node(buyer)).all()
