"""The public API (``import pso_chain``): every verb runs on the example, gives what the engine
gives, and names the argument when an argument is bad."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pandas as pd
import pytest

import pso_chain as p
from pso_chain import check
from pso_chain.buyers.common import default_purchase_date
from pso_chain.buyers.compliance import compliance_report
from pso_chain.buyers.substitutes import substitutes as engine_substitutes
from pso_chain.buyers.suppliers import eligible_suppliers
from pso_chain.buyers.uplift import uplift_plan
from pso_chain.core.explanation import explain as engine_explain
from pso_chain.core.scoring import credits as engine_credits
from pso_chain.olievlek.embodied import embodied_comparison
from pso_chain.olievlek.exposure import exposure as engine_exposure
from pso_chain.olievlek.history import history as engine_history
from pso_chain.olievlek.seeds import select_seeds
from pso_chain.olievlek.simulate import simulate as engine_simulate
from pso_chain.olievlek.stats import chain_stats, spend_by_buyer_group
from pso_chain.settings import defaults

BUYER = "10000109"  # Peeters & Jacobs Vastgoed: trede 1, non-counting suppliers, uplift reachable
DAY = dt.date(2025, 6, 1)
VERBS = ["credits", "explain", "uplift", "suppliers", "substitutes", "compliance", "tender", "exposure",
         "history", "simulate", "seeds", "stats", "embodied", "report"]


@pytest.fixture(scope="module")
def net() -> p.PurchaseNetwork:
    return p.load_example()


def test_a_plain_import_gives_every_verb_without_the_cli_stack():
    code = ("import sys, pso_chain as p; n = p.load_example(); print(p.credits(n).head()); "
            "print(sorted(m for m in ('typer', 'pso_chain.cli', 'pso_chain.commands', 'pso_chain.web') "
            "if m in sys.modules))")  # rich stays: the outputs layer renders terminal tables with it
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "org_id" in out and out.strip().endswith("[]")
    for verb in VERBS:
        assert callable(getattr(p, verb)) and verb in p.__all__, verb


def test_open_and_load_example_agree(net):
    again = p.open(p.example_path())
    assert isinstance(again, p.PurchaseNetwork) and again.n == net.n == 300
    pd.testing.assert_frame_equal(again.purchases, net.purchases)


def test_score_verbs_equal_the_engine(net):
    pd.testing.assert_frame_equal(p.credits(net), engine_credits(net, 2025))
    pd.testing.assert_frame_equal(p.credits(net, 2024), engine_credits(net, 2024))
    assert p.explain(net, BUYER) == engine_explain(net, BUYER, 2025)


def test_buyer_verbs_equal_the_engine(net):
    conf = defaults().buyers
    day = default_purchase_date(2025, dt.date.today())  # the API's default purchase date
    plan = p.uplift(net, BUYER)
    engine_plan = uplift_plan(net, BUYER, 2025, top=conf.uplift_top, on=day)
    assert sorted(plan) == sorted(engine_plan)
    for key in plan:
        pd.testing.assert_frame_equal(plan[key], engine_plan[key])
    pd.testing.assert_frame_equal(p.suppliers(net, DAY, for_org=BUYER),
                                  eligible_suppliers(net, DAY, for_org=BUYER, year=2025,
                                                     gain_per_eur=conf.gain_per_eur))
    pd.testing.assert_frame_equal(p.substitutes(net, BUYER), engine_substitutes(net, BUYER, 2025))
    ours, theirs = p.compliance(net, BUYER, DAY), compliance_report(net, BUYER, DAY, 2025)
    for key in theirs:
        pd.testing.assert_frame_equal(ours[key], theirs[key])
    ranked = p.tender(net, p.example_path().parent / "tender-bids-example.csv", dt.date(2025, 10, 1))
    assert [int(r) for r in ranked["rank"]] == list(range(1, len(ranked) + 1))


def test_chain_verbs_equal_the_engine(net):
    pd.testing.assert_frame_equal(p.exposure(net), engine_exposure(net))
    pd.testing.assert_frame_equal(p.history(net), engine_history(net))
    pd.testing.assert_frame_equal(p.simulate(net).certified_frame(), engine_simulate(net).certified_frame())
    pd.testing.assert_frame_equal(p.seeds(net, 2).frame, select_seeds(net, 2).frame)
    out = p.stats(net)
    pd.testing.assert_frame_equal(out["spend"], spend_by_buyer_group(net, None))
    pd.testing.assert_frame_equal(out["indicators"], chain_stats(net, None))
    pd.testing.assert_frame_equal(p.embodied(net), embodied_comparison(net, None, False))


def test_report_is_one_html_page(net):
    page = p.report(net, municipality="apeldoorn", lang="en", top=3, k=1)
    assert page.startswith("<!DOCTYPE html>") and "Apeldoorn" in page


BAD_ARGUMENTS = [
    ("year", lambda n: p.credits(n, 2030), "2024, 2025"),
    ("year", lambda n: p.explain(n, BUYER, 1999), "2024, 2025"),
    ("top", lambda n: p.uplift(n, BUYER, top=0), ">= 1"),
    ("max_share", lambda n: p.uplift(n, BUYER, max_share=1.5), "<= 1"),
    ("on", lambda n: p.uplift(n, BUYER, on="gisteren"), "not a date"),
    ("municipality", lambda n: p.suppliers(n, DAY, municipality="Apeldorn"), "Apeldoorn"),
    ("min_level", lambda n: p.suppliers(n, DAY, min_level="4"), "aspirant"),
    ("gain_per_eur", lambda n: p.suppliers(n, DAY, gain_per_eur=-5), ">= 0"),
    ("sbi_digits", lambda n: p.substitutes(n, BUYER, sbi_digits=0), ">= 1"),
    ("expiring_days", lambda n: p.compliance(n, BUYER, DAY, expiring_days=-1), ">= 0"),
    ("threshold", lambda n: p.exposure(n, threshold=-0.1), "> 0"),
    ("threshold", lambda n: p.simulate(n, threshold=0), "> 0"),
    ("municipality", lambda n: p.exposure(n, municipality=5), "municipality name"),
    ("seed_orgs", lambda n: p.simulate(n, seed_orgs="10000154"), "not one string"),
    ("year", lambda n: p.history(n, 2030), "2024, 2025"),
    ("year", lambda n: p.stats(n, 2030), "2024, 2025"),
    ("network", lambda n: p.credits(str(p.example_path())), "pso_chain.open"),
    ("municipality", lambda n: p.exposure(n, municipality="Atlantis"), "known: Apeldoorn"),
    ("model", lambda n: p.simulate(n, model="pressure"), "threshold, fee"),
    ("rounds", lambda n: p.simulate(n, rounds=-1), ">= 0"),
    ("at_risk", lambda n: p.simulate(n, model="fee", at_risk=-1), "> 0 and <= 1"),
    ("at_risk", lambda n: p.simulate(n, model="fee", at_risk=5), "> 0 and <= 1"),
    ("k", lambda n: p.seeds(n, 0), ">= 1"),
    ("objective", lambda n: p.seeds(n, 1, objective="jobs"), "count, fte"),
    ("lang", lambda n: p.report(n, lang="de"), "nl, en"),
    ("top", lambda n: p.report(n, top=0), ">= 1"),
]


@pytest.mark.parametrize(("name", "call", "hint"), BAD_ARGUMENTS,
                         ids=[f"{i}-{name}" for i, (name, _, _) in enumerate(BAD_ARGUMENTS)])
def test_a_bad_argument_is_named(net, name, call, hint):
    with pytest.raises(p.PsoInputError) as err:
        call(net)
    problem = err.value.problems.iloc[0]
    assert problem["file"] == name and pd.isna(problem["row"])  # the Python name, not the option
    assert hint in str(err.value)


def test_checks_return_the_value_they_accept(net):
    assert check.year(net, None) == 2025 and check.year(net, 2024) == 2024
    assert check.municipality(net, "  DEVENTER ") == "Deventer"
    assert int(check.municipality_mask(net, ["Deventer", "Zutphen"]).sum()) == int(
        net.organisations["municipality"].isin(["Deventer", "Zutphen"]).sum())
    assert check.positive_int(3.0, "k") == 3 and check.share(0.5, "max_share") == 0.5
    assert check.date("2025-06-30") == dt.date(2025, 6, 30)
    assert check.level("1", net.rules.all_levels) == "1"
    assert check.option("min_level") == "--min-level"
    for bad in (True, "x", 1.5, float("nan"), -1):
        with pytest.raises(p.PsoInputError):
            check.positive_int(bad, "k")


def test_every_public_name_resolves():
    """``from pso_chain import *`` gives every name ``__all__`` promises (one list: api.__all__)."""
    missing = [name for name in p.__all__ if not hasattr(p, name)]
    assert not missing and set(p.api.__all__) <= set(p.__all__)
