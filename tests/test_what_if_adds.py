"""What-if in euros (issue 19): extra spend adds to what is bought now; replacing is explicit;
each supplier's euros before and after are in the result."""

from __future__ import annotations

import pandas as pd
import pytest

import pso_chain
from pso_chain.errors import PsoInputError


@pytest.fixture(scope="module")
def example():
    net = pso_chain.load_example()
    year = net.resolve_year(None)
    p = pd.DataFrame({"buyer": net.buyer, "supplier": net.supplier, "amount": net.amount, "year": net.year})
    p = p[p["year"] == year]
    sums = p.groupby(["buyer", "supplier"])["amount"].sum().sort_values()
    (buyer, supplier), ids = sums.index[-1], net.organisations["org_id"]
    return net, str(ids.iat[buyer]), str(ids.iat[supplier]), float(sums.iat[-1])


def test_extra_spend_adds_to_what_is_bought_now(example):
    net, buyer, supplier, now = example
    out = pso_chain.what_if(net, buyer, {supplier: 250_000})
    row = out["changes"][0]
    assert row["amount_before_eur"] == pytest.approx(now)
    assert row["amount_after_eur"] == pytest.approx(now + 250_000)
    assert row["extra_eur"] == pytest.approx(250_000)


def test_replacing_is_an_explicit_choice(example):
    net, buyer, supplier, now = example
    for out in (pso_chain.what_if(net, buyer, {supplier: 1_000}, mode="replace"),
                pso_chain.what_if(net, buyer, replace={supplier: 1_000})):
        row = out["changes"][0]
        assert row["amount_after_eur"] == pytest.approx(1_000)
        assert row["extra_eur"] == pytest.approx(1_000 - now)
    with pytest.raises(PsoInputError):
        pso_chain.what_if(net, buyer, {supplier: 1}, replace={supplier: 2})
    with pytest.raises(PsoInputError):
        pso_chain.what_if(net, buyer, {supplier: 1}, mode="set")
