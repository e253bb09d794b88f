"""After an import (issue 19): organisations without figures have no score and no trede in
credits, the distributions, the municipality tables and the report; the whole register is in the
dataset, so `suppliers --for BUYER` finds certified suppliers the buyer does not buy from yet."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from typer.testing import CliRunner

import pso_chain
from pso_chain.cli import app
from pso_chain.core.scoring import trede_distribution
from tests.import_fixtures import make_world, write_afas

runner = CliRunner()


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    base = tmp_path_factory.mktemp("register-books")
    w = make_world(seed=11, n_register=800, n_suppliers=40)
    lists = w.write_lists(base)
    ledger = write_afas(w.invoices, base / "afas.csv")
    out = base / "ds"
    result = runner.invoke(app, ["import", "ledger", str(ledger), "--register", str(lists["register"]),
                                 "--sw", str(lists["sw"]), "--buyer", str(lists["buyer"]),
                                 "--allow-missing-figures", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return w, out


def test_unknown_figures_have_no_score_and_no_trede(imported):
    w, out = imported
    orgs = pd.read_csv(out / "organisations.csv", dtype=str, keep_default_na=False)
    unknown = set(orgs.loc[orgs["figures_known"].str.lower() == "false", "org_id"])
    assert len(unknown) > 10
    assert (orgs.loc[orgs["org_id"].isin(unknown), "fte"] == "").all()  # never a placeholder
    network = pso_chain.open(out)
    scores = pso_chain.credits(network)
    mine = scores[scores["org_id"].isin(unknown)]
    assert mine["total_pct"].isna().all() and mine["direct_pct"].isna().all()
    assert mine["trede"].isna().all()
    known = scores[~scores["org_id"].isin(unknown)]
    assert trede_distribution(scores)["organisations"].sum() == len(known)
    # one summary line, not one warning per organisation
    warnings = pso_chain.validate_dataset(out).report.warnings
    assert (warnings["reason"].str.startswith("without_figures")).sum() == 1
    assert not warnings["reason"].str.contains("sells to others").any()
    # the municipality tables and the report page
    place = orgs.loc[orgs["org_id"].isin(unknown), "municipality"].value_counts().index[0]
    tables = pso_chain.municipality(network, place)
    assert tables["tredes"]["organisations"].sum() <= len(known)
    assert not tables["closest"]["org_id"].isin(unknown).any()
    page = pso_chain.report(network, municipality=place)
    for name in orgs.loc[orgs["org_id"].isin(unknown), "name"].head(50):
        for row in re.findall(r"<tr>(?:(?!</tr>).)*" + re.escape(name) + r"(?:(?!</tr>).)*</tr>", page, re.S):
            assert not re.search(r"\d+,\d+%", row), row


def test_suppliers_for_the_buyer_lists_register_organisations_it_does_not_buy_from(imported):
    w, out = imported
    buyer = str(w.buyer["org_id"].iat[0])
    result = runner.invoke(app, ["suppliers", str(out), "--for", buyer, "--out", str(out.parent / "s.csv")])
    assert result.exit_code == 0, result.output
    listed = pd.read_csv(out.parent / "s.csv", dtype=str, keep_default_na=False)
    bought = set(pd.read_csv(out / "purchases.csv", dtype=str)["supplier_id"])
    new = listed[~listed["org_id"].isin(bought)]
    assert len(new) > 50
    register = set(pd.read_csv(out / "certifications.csv", dtype=str)["org_id"])
    assert new["org_id"].isin(register).sum() > 50


def test_unknown_figures_get_no_uplift_and_the_page_says_why(imported):
    """No score, so nothing lifts it: uplift is bad input naming the file and column (not "already
    at the highest trede"), and the organisation page says the figures are unknown."""
    from fastapi.testclient import TestClient

    from pso_chain.web.app import create_app
    from pso_chain.web.state import NetworkHolder

    w, out = imported
    orgs = pd.read_csv(out / "organisations.csv", dtype=str, keep_default_na=False)
    unknown = orgs.loc[orgs["figures_known"].str.lower() == "false", "org_id"].iloc[0]
    with pytest.raises(pso_chain.PsoInputError, match="figures_known") as err:
        pso_chain.uplift(pso_chain.open(out), unknown)
    assert "organisations.csv" in str(err.value)
    result = runner.invoke(app, ["uplift", str(out), "--org", unknown])
    assert result.exit_code == 1 and "hoogste trede" not in result.output
    client = TestClient(create_app(NetworkHolder(out)), raise_server_exceptions=False,
                        base_url="http://127.0.0.1")
    page = client.get(f"/organisations/{unknown}").text
    assert "cijfers onbekend" in page and "Al op de hoogste trede" not in page


def test_credits_on_the_terminal_says_figures_unknown(imported):
    """The terminal's trede column reads 'cijfers onbekend' for an organisation without figures
    (no score), not 'geen' (a score below trede 1); the machine formats keep it empty."""
    w, out = imported
    orgs = pd.read_csv(out / "organisations.csv", dtype=str, keep_default_na=False)
    unknown = orgs.loc[orgs["figures_known"].str.lower() == "false", "org_id"].iloc[0]
    result = runner.invoke(app, ["credits", str(out)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    line = next(row for row in result.output.splitlines() if row.startswith(unknown))
    assert "cijfers onbekend" in line and " geen " not in line
    assert pd.isna(pso_chain.credits(pso_chain.open(out)).set_index("org_id").at[unknown, "trede"])
