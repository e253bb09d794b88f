"""The network owns the core: public read-only edge arrays, eligibility and direct FTE computed by
the network (not stored by validation), the rule checks in ``read_dataset``, and
``with_purchases`` equal to loading the edited tables from files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pso_chain.core.certification import purchase_eligibility
from pso_chain.core.loading import load_network, read_dataset
from pso_chain.core.scoring import credits
from pso_chain.rules import load_rules
from pso_chain.validate import validate_folder
from tests.datasets import buy, org, random_tables, write_tables


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return random_tables(7, 40, 300, 2025)


@pytest.fixture(scope="module")
def folder(tmp_path_factory, tables):
    return write_tables(tmp_path_factory.mktemp("net"), tables["organisations"], tables["purchases"],
                        tables.get("employees_records"), tables.get("certifications"))


def test_edge_arrays_are_read_only_views_of_the_purchases(folder):
    net = load_network(folder)
    for name, column in (("buyer", "buyer"), ("supplier", "supplier"), ("amount", "amount_eur"),
                         ("year", "year")):
        values = getattr(net, name)
        np.testing.assert_array_equal(values, net.purchases[column].to_numpy())
        assert not values.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            values[0] = values[0]
    assert not net.eligible.flags.writeable


def test_eligibility_is_the_core_rule_on_every_row(folder):
    net = load_network(folder)
    expected = purchase_eligibility(net.buyer, net.supplier, net.year, net.purchase_days, net.sw,
                                    net.certificates)
    np.testing.assert_array_equal(net.eligible, expected)


def test_the_dataset_carries_tables_only(folder):
    data = validate_folder(folder, load_rules())
    assert not hasattr(data, "eligible") and not hasattr(data, "certificates")


def test_rule_checks_are_in_read_dataset_not_in_the_table_checks(tmp_path):
    folder = write_tables(tmp_path, [org("A"), org("S", sw=True, revenue_eur="")], [buy("A", "S", 100.0)])
    rules = load_rules()
    assert validate_folder(folder, rules).report.ok  # every value is well-typed
    report = read_dataset(folder, rules).report
    assert not report.ok
    assert report.errors["reason"].iat[0] == "revenue_empty_eligible"


def test_with_purchases_equals_loading_the_edited_tables(tmp_path, folder, tables):
    net = load_network(folder)
    ids = net.organisations["org_id"]
    added = pd.DataFrame({"buyer_id": [ids.iat[0], ids.iat[1]], "supplier_id": [ids.iat[2], ids.iat[3]],
                          "amount_eur": [1234.5, 99.0], "year": [2025, 2025],
                          "date": ["2025-03-01", ""]})
    amounts = net.amount * 1.5
    edited = net.with_purchases(amounts, added)
    purchases = tables["purchases"].copy()
    purchases["amount_eur"] = purchases["amount_eur"].astype(float) * 1.5
    rows = pd.concat([purchases, added], ignore_index=True)
    again = load_network(write_tables(tmp_path / "edited", tables["organisations"], rows,
                                      tables.get("employees_records"), tables.get("certifications")))
    np.testing.assert_array_equal(edited.eligible, again.eligible)
    pd.testing.assert_frame_equal(credits(edited, 2025), credits(again, 2025))
    assert len(net.purchases) + 2 == len(edited.purchases)  # the original is untouched
