"""A page of an explanation and a buyer's spend per supplier (what the organisation page shows
of a buyer with tens of thousands of purchase rows) against the whole explanation.

The oracle is the whole ``explain``: a page's entries are the whole list's slice and every other
field is the same; ``supplier_spend`` equals adding the whole list's rows one by one in a dict."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pso_chain
from pso_chain.errors import PsoInputError
from tests.datasets import random_tables, write_tables


@pytest.fixture(scope="module")
def networks(tmp_path_factory) -> dict[int, pso_chain.PurchaseNetwork]:
    out = {}
    for seed in (1, 2, 3):
        folder = write_tables(tmp_path_factory.mktemp(f"pages{seed}"),
                              **random_tables(seed, n_orgs=30, n_purchases=400))
        out[seed] = pso_chain.open(folder, cache=False)
    return out


def spend_oracle(explained: dict) -> pd.DataFrame:
    """Spend per supplier by a plain loop over the whole explanation's purchase entries."""
    totals: dict[str, dict] = {}
    for p in explained["purchases"]:
        entry = totals.setdefault(p["supplier_id"], {"supplier_id": p["supplier_id"],
                                                     "supplier_name": p["supplier_name"], "rows": 0,
                                                     "amount_eur": 0.0, "counted_eur": 0.0})
        entry["rows"] += 1
        entry["amount_eur"] += p["amount_eur"]
        entry["counted_eur"] += p["amount_eur"] if p["counted"] else 0.0
    rows = sorted(totals.values(), key=lambda e: (-e["amount_eur"], e["supplier_id"]))
    return pd.DataFrame(rows, columns=["supplier_id", "supplier_name", "rows", "amount_eur", "counted_eur"])


@settings(max_examples=60, deadline=None)
@given(seed=st.sampled_from([1, 2, 3]), pick=st.integers(0, 29), start=st.integers(0, 40),
       length=st.integers(0, 25), year=st.sampled_from([None, 2024, 2025]))
def test_a_page_is_the_whole_explanations_slice(networks, seed, pick, start, length, year):
    net = networks[seed]
    org_id = str(net.organisations["org_id"].iloc[pick])
    try:
        whole = pso_chain.explain(net, org_id, year)
    except PsoInputError:  # a year without purchases in this world
        return
    page = pso_chain.explain(net, org_id, year, shown=slice(start, start + length))
    assert page["purchase_rows"] == len(whole["purchases"])
    assert page["purchases"] == whole["purchases"][start:start + length]
    assert {k: v for k, v in page.items() if k not in ("purchases", "purchase_rows")} == \
        {k: v for k, v in whole.items() if k != "purchases"}
    assert "purchase_rows" not in whole  # the whole explanation's fields are as before


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_supplier_spend_adds_the_rows_one_by_one(networks, seed):
    net = networks[seed]
    buyers = net.organisations["org_id"].iloc[sorted(set(net.buyer.tolist()))]
    for org_id in buyers.astype(str):
        for year in (2024, 2025):
            try:
                whole = pso_chain.explain(net, org_id, year)
            except PsoInputError:
                continue
            spend = pso_chain.supplier_spend(net, org_id, year)
            pd.testing.assert_frame_equal(spend, spend_oracle(whole), check_exact=True, check_dtype=False)


def test_supplier_spend_of_an_unknown_buyer_is_bad_input(networks):
    with pytest.raises(PsoInputError, match="org_id"):
        pso_chain.supplier_spend(networks[1], "no-such-org")


def test_the_example_buyers_largest_supplier():
    """On the bundled example, read with pandas: the largest supplier of 10000109 in 2025 and
    the buyer's total."""
    spend = pso_chain.supplier_spend(pso_chain.load_example(), "10000109", 2025)
    table = pd.read_csv(pso_chain.example_path() / "purchases.csv", dtype={"buyer_id": str, "supplier_id": str})
    rows = table[(table["buyer_id"] == "10000109") & (table["year"] == 2025)]
    by_supplier = rows.groupby("supplier_id")["amount_eur"].sum()
    assert spend["supplier_id"].iloc[0] == by_supplier.idxmax()
    assert spend["amount_eur"].sum() == pytest.approx(rows["amount_eur"].sum())
