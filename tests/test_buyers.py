"""Buyer verbs: uplift, suppliers, substitutes, compliance, tender.

Each result is checked by its effect or against a plain oracle written here:
- uplift proposals by rescoring the data with the purchase added (``credits`` on an edited
  network, and for one proposal per example on the dataset re-read from files);
- the cheapest mix against a linear program (scipy ``linprog``);
- the supplier list, compliance statuses and tender ranking against loops over the raw tables
  with ``datetime.date`` (no engine code).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from pso_chain.buyers import (
    compliance_report,
    eligible_suppliers,
    load_buyer_defaults,
    read_bids,
    shift_effect,
    substitutes,
    supplier_compliance,
    tender_ranking,
    trede_targets,
    uplift_by_supplier,
    uplift_mix,
)
from pso_chain.core.loading import load_network
from pso_chain.core.scoring import credits
from pso_chain.errors import PsoInputError
from tests.datasets import MUNICIPALITIES, buy, org, random_tables, write_tables

YEAR = 2025
LEVEL_ORDER = ["aspirant", "1", "2", "3"]  # the default rules' order; all of them count
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


# --- helpers ------------------------------------------------------------------------------------
def load(tables: dict, folder: Path):
    return load_network(write_tables(folder, **tables))


def score_of(network, org_id: str, year: int = YEAR) -> pd.Series:
    return credits(network, year).set_index("org_id").loc[org_id]


def reaches(trede, target: int) -> bool:
    return not pd.isna(trede) and int(trede) >= target


def added_row(buyer: str, supplier: str, amount: float, on: dt.date | None = None) -> dict:
    return buy(buyer, supplier, amount, YEAR, str(on) if on else "")


def with_purchases(network, rows: list[dict]):
    return network.with_purchases(added=pd.DataFrame(rows))


def reloaded_score(tables: dict, rows: list[dict], folder: Path, org_id: str) -> pd.Series:
    """The independent path: the purchases written back to files with the rows appended."""
    changed = dict(tables)
    changed["purchases"] = pd.concat([tables["purchases"], pd.DataFrame(rows)], ignore_index=True)
    return score_of(load(changed, folder), org_id)


def day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if isinstance(text, str) and text.strip() else None


def certificate_rows(tables: dict) -> list[tuple[str, str, dt.date | None, dt.date | None]]:
    """(org_id, level, valid_from, valid_until) from certifications, else from organisations."""
    if "certifications" in tables and tables["certifications"] is not None:
        c = tables["certifications"]
        return [(r.org_id, str(r.level), day(r.valid_from), day(r.valid_until))
                for r in c.itertuples(index=False)]
    o = tables["organisations"]
    return [(r.org_id, str(r.pso_level), day(r.pso_valid_from), day(r.pso_valid_until))
            for r in o.itertuples(index=False) if str(r.pso_level)]


def valid_on(cert, on: dt.date) -> bool:
    _, _, start, end = cert
    return (start is None or start <= on) and (end is None or on <= end)


def oracle_counts_on(tables: dict, on: dt.date) -> set[str]:
    sw = {r.org_id for r in tables["organisations"].itertuples(index=False) if r.sw}
    return sw | {c[0] for c in certificate_rows(tables) if c[1] in LEVEL_ORDER and valid_on(c, on)}


def oracle_counts_in_year(tables: dict, year: int) -> set[str]:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    sw = {r.org_id for r in tables["organisations"].itertuples(index=False) if r.sw}
    return sw | {c[0] for c in certificate_rows(tables)
                 if (c[2] is None or c[2] <= last) and (c[3] is None or c[3] >= first)}


def oracle_level_on(tables: dict, on: dt.date) -> dict[str, str]:
    """The highest certificate level valid on ``on``, per organisation that has one."""
    best: dict[str, str] = {}
    for cert in certificate_rows(tables):
        if valid_on(cert, on):
            held = best.get(cert[0])
            if held is None or LEVEL_ORDER.index(cert[1]) > LEVEL_ORDER.index(held):
                best[cert[0]] = cert[1]
    return best


def pick_buyer(network, pick: int, *, below: int = 3, qualitative: bool | None = True) -> str | None:
    scores = credits(network, YEAR)
    ok = scores["trede"].fillna(0).astype(int) < below
    ok &= scores["target_fte"] > 0
    if qualitative is not None:
        ok &= network.qualitative_ok == qualitative
    ids = scores.loc[ok, "org_id"].tolist()
    return ids[pick % len(ids)] if ids else None


# --- uplift -------------------------------------------------------------------------------------
@SETTINGS
@given(seed=st.integers(0, 100_000), pick=st.integers(0, 10**6), dated=st.booleans())
def test_uplift_extra_eur_reaches_the_trede_and_less_does_not(seed, pick, dated):
    tables = random_tables(seed, n_orgs=30, n_purchases=220)
    with tempfile.TemporaryDirectory() as tmp:
        network = load(tables, Path(tmp) / "base")
        buyer = pick_buyer(network, pick)
        if buyer is None:
            return
        on = dt.date(YEAR, 1 + pick % 12, 1 + pick % 28) if dated else None
        plan = uplift_by_supplier(network, buyer, YEAR, top=4, on=on)
        proposals = plan.dropna(subset=["extra_eur"])
        assert (proposals["supplier_id"] != buyer).all()
        for i, row in enumerate(proposals.itertuples(index=False)):
            target = int(row.target_trede)

            def trede_with(amount: float, supplier: str = row.supplier_id):
                return score_of(with_purchases(network, [added_row(buyer, supplier, amount, on)]),
                                buyer)["trede"]

            assert reaches(trede_with(row.extra_eur), target)
            assert not reaches(trede_with(row.extra_eur - 0.01), target)  # minimal to the cent
            if row.extra_eur >= 2:  # above 2 euros half a percent is more than a cent
                assert not reaches(trede_with(row.extra_eur * 0.995), target)
            if i == 0:  # the same verdict when the purchase is written to the files and re-read
                rows = [added_row(buyer, row.supplier_id, row.extra_eur, on)]
                edited = score_of(with_purchases(network, rows), buyer)
                reread = reloaded_score(tables, rows, Path(tmp) / "reread", buyer)
                assert reaches(reread["trede"], target)
                assert reread["total_pct"] == pytest.approx(edited["total_pct"], rel=1e-12)


def _cap_tables(target_fte: float = 0.5, qualitative_ok: bool = True):
    # 105 employees: norms 1.4 / 1.9 / 3.7. Direct 0.5% on 100 FTE: the cap allows 2.0% indirect.
    organisations = [
        org("B", employees=105, fte=100.0, target_fte=target_fte, qualitative_ok=qualitative_ok),
        org("S", sw=True, fte=60.0, target_fte=50.0, revenue_eur=5_000_000.0),  # 1e-5 FTE per euro
        org("X", revenue_eur=1_000_000.0),
    ]
    return {"organisations": pd.DataFrame(organisations), "purchases": pd.DataFrame([buy("B", "X", 10.0)])}


def test_uplift_hand_computed_cap_bound_and_reachable(tmp_path):
    network = load(_cap_tables(), tmp_path)
    targets = trede_targets(network, "B", YEAR).set_index("target_trede")
    assert targets.loc[1, "reachable"] and targets.loc[2, "reachable"]
    assert not targets.loc[3, "reachable"] and targets.loc[3, "reason"].startswith("cap")
    assert "cap_pct=2.00;" in targets.loc[3, "reason"] and "ratio=4;" in targets.loc[3, "reason"]
    # trede 1: x = 1.4 - 0.5 = 0.9 points; I* = 100 * 0.9 / 99.1 FTE; at 1e-5 FTE per euro
    assert targets.loc[1, "needed_indirect_fte"] == pytest.approx(90 / 99.1, rel=1e-12)
    plan = uplift_by_supplier(network, "B", YEAR).set_index("target_trede")
    assert plan.loc[1, "supplier_id"] == "S"
    assert plan.loc[1, "extra_eur"] == pytest.approx(90 / 99.1 / 1e-5, abs=0.011)
    assert plan.loc[2, "extra_eur"] == pytest.approx(100 * 1.4 / 98.6 / 1e-5, abs=0.011)
    assert pd.isna(plan.loc[3, "extra_eur"]) and plan.loc[3, "reason"].startswith("cap")
    named = uplift_by_supplier(network, "B", YEAR, suppliers=["X", "B", "S"])
    named = named[named["target_trede"] == 1].set_index("supplier_id")
    assert list(named.index) == ["S", "B", "X"]  # by yield (B and X earn nothing), ties by org_id
    assert named.loc["S", "extra_eur"] == plan.loc[1, "extra_eur"]
    assert named.loc["X", "reason"] == "not_certified"
    assert named.loc["B", "reason"] == "buyer_itself" and named[["extra_eur"]].iloc[1:].isna().all().all()
    # the cap is real: even a purchase of 1000x the supplier's revenue stays below trede 3
    huge = score_of(with_purchases(network, [added_row("B", "S", 5e9)]), "B")
    assert int(huge["trede"]) == 2 and bool(huge["cap_applied"])


def test_uplift_qualitative_fail_and_zero_direct_are_unreachable(tmp_path):
    network = load(_cap_tables(qualitative_ok=False), tmp_path / "q")
    plan = uplift_by_supplier(network, "B", YEAR)
    assert list(plan["target_trede"]) == [1, 2, 3] and not plan["reachable"].any()
    assert plan["reason"].str.startswith("qualitative_check").all()
    assert plan["extra_eur"].isna().all()
    network = load(_cap_tables(target_fte=0.0), tmp_path / "zero")
    plan = uplift_by_supplier(network, "B", YEAR)
    assert not plan["reachable"].any() and plan["reason"].str.contains("cap_no_direct").all()
    assert score_of(with_purchases(network, [added_row("B", "S", 5e9)]), "B")["total_pct"] == 0


@SETTINGS
@given(seed=st.integers(0, 100_000), pick=st.integers(0, 10**6))
def test_uplift_unreachable_tredes_stay_out_of_reach(seed, pick):
    tables = random_tables(seed, n_orgs=30, n_purchases=220)
    with tempfile.TemporaryDirectory() as tmp:
        network = load(tables, Path(tmp))
        buyer = pick_buyer(network, pick, qualitative=None)
        if buyer is None:
            return
        plan = uplift_by_supplier(network, buyer, YEAR, top=3)
        eligible = sorted(oracle_counts_in_year(tables, YEAR) - {buyer})
        orgs = tables["organisations"].set_index("org_id")
        best = max(eligible, key=lambda s: network.yield_per_eur[network.node(s)], default=None)
        for row in plan[~plan["reachable"]].itertuples(index=False):
            assert row.reason.startswith(("cap", "qualitative_check")) and pd.isna(row.extra_eur)
            assert row.reason.startswith("cap") or not orgs.loc[buyer, "qualitative_ok"]
            if best is not None:  # buying 1000x the best supplier's revenue does not help
                rows = [added_row(buyer, best, 1000 * orgs.loc[best, "revenue_eur"])]
                assert not reaches(score_of(with_purchases(network, rows), buyer)["trede"],
                                   int(row.target_trede))
        if plan["reachable"].any():
            assert orgs.loc[buyer, "qualitative_ok"]


@SETTINGS
@given(seed=st.integers(0, 100_000), pick=st.integers(0, 10**6),
       share=st.sampled_from([0.0005, 0.002, 0.01, 0.05, 0.3]))
def test_uplift_mix_is_exact_within_room_and_as_cheap_as_the_linear_program(seed, pick, share):
    tables = random_tables(seed, n_orgs=30, n_purchases=220)
    with tempfile.TemporaryDirectory() as tmp:
        network = load(tables, Path(tmp))
        buyer = pick_buyer(network, pick)
        if buyer is None:
            return
        mix = uplift_mix(network, buyer, YEAR, share)
        now = score_of(network, buyer)
        orgs = tables["organisations"].set_index("org_id")
        p = tables["purchases"]
        spent = p[(p["buyer_id"] == buyer) & (p["year"] == YEAR)].groupby("supplier_id")["amount_eur"].sum()
        suppliers = sorted(oracle_counts_in_year(tables, YEAR) - {buyer})
        y = np.array([network.yield_per_eur[network.node(s)] for s in suppliers])
        room = np.array([max(share * orgs.loc[s, "revenue_eur"] - spent.get(s, 0.0), 0.0) for s in suppliers])
        room = np.floor(room * 100) / 100  # whole cents, as a purchase order would have it
        for target, group in mix.groupby("target_trede"):
            norm = now[f"norm_trede{target}"]
            x = norm - now["direct_pct"]
            need = now["fte"] * x / (100 - x) - now["indirect_fte"]
            if not group["reachable"].iat[0]:
                assert group["supplier_id"].isna().all()
                if group["reason"].iat[0].startswith("max_share"):
                    assert y @ room <= need * (1 + 1e-9)
                continue
            lp = linprog(np.ones(len(y)), A_ub=-y[None, :], b_ub=[-need],
                         bounds=list(zip(np.zeros(len(room)), room, strict=True)))
            assert (group["extra_eur"] <= group["room_eur"] + 1e-9).all()
            assert (group["room_eur"] <= pd.Series(room, index=suppliers).loc[group["supplier_id"]].to_numpy() + 1e-6).all()
            rows = [added_row(buyer, r.supplier_id, r.extra_eur) for r in group.itertuples(index=False)]
            assert reaches(score_of(with_purchases(network, rows), buyer)["trede"], target)
            rows[-1]["amount_eur"] -= 0.01
            assert not reaches(score_of(with_purchases(network, rows), buyer)["trede"], target)
            assert lp.success
            assert group["extra_eur"].sum() == pytest.approx(lp.fun, rel=1e-7, abs=0.01 * len(group) + 0.01)


def test_shift_matches_rewritten_files(tmp_path):
    organisations = [org("B", employees=40, fte=38.0, target_fte=1.0), org("A", revenue_eur=900_000.0),
                     org("W", sw=True, target_fte=30.0, fte=40.0, revenue_eur=3_000_000.0)]
    purchases = [buy("B", "A", 60_000.0), buy("B", "A", 40_000.0, date="2025-05-01"), buy("B", "W", 5_000.0)]
    tables = {"organisations": pd.DataFrame(organisations), "purchases": pd.DataFrame(purchases)}
    network = load(tables, tmp_path / "base")
    both = shift_effect(network, "B", YEAR, "A", "W", 25_000.0).set_index("scenario")
    assert both.loc["before", "spend_at_from_eur"] == 100_000 and both.loc["after", "spend_at_from_eur"] == 75_000
    assert both.loc["after", "spend_at_to_eur"] == 30_000
    oracle = dict(tables)
    oracle["purchases"] = pd.DataFrame([buy("B", "A", 45_000.0), buy("B", "A", 30_000.0, date="2025-05-01"),
                                        buy("B", "W", 5_000.0), buy("B", "W", 25_000.0)])
    expected = score_of(load(oracle, tmp_path / "oracle"), "B")
    assert both.loc["after", "indirect_fte"] == pytest.approx(30_000 * 30 / 3e6, rel=1e-12)
    assert both.loc["after", "total_pct"] == pytest.approx(expected["total_pct"], rel=1e-12)
    assert both.loc["before", "total_pct"] == pytest.approx(score_of(network, "B")["total_pct"], rel=1e-12)
    whole = shift_effect(network, "B", YEAR, "A", "W").set_index("scenario")
    assert whole.loc["after", "moved_eur"] == 100_000 and whole.loc["after", "spend_at_from_eur"] == 0
    with pytest.raises(PsoInputError, match="at most"):
        shift_effect(network, "B", YEAR, "A", "W", 100_001.0)
    with pytest.raises(PsoInputError, match="bought nothing"):
        shift_effect(network, "B", YEAR - 1, "A", "W")
    with pytest.raises(PsoInputError, match="self-purchases"):
        shift_effect(network, "B", YEAR, "A", "B")


# --- suppliers ----------------------------------------------------------------------------------
@SETTINGS
@given(seed=st.integers(0, 100_000), offset=st.integers(-900, 700),
       sbi=st.sampled_from([None, "4", "41", "81", "6201"]),
       municipality=st.sampled_from([None, *MUNICIPALITIES, "apeldoorn"]),
       min_level=st.sampled_from([None, *LEVEL_ORDER]), history=st.booleans())
def test_suppliers_are_exactly_the_eligible_set_on_the_date_ordered_by_yield(
        seed, offset, sbi, municipality, min_level, history):
    tables = random_tables(seed, n_orgs=60, n_purchases=150, with_certifications=history)
    on = dt.date(YEAR, 6, 1) + dt.timedelta(days=offset)
    with tempfile.TemporaryDirectory() as tmp:
        network = load(tables, Path(tmp))
    frame = eligible_suppliers(network, on, sbi=sbi, municipality=municipality, min_level=min_level)
    orgs = tables["organisations"].set_index("org_id")
    levels = oracle_level_on(tables, on)
    expected = set()
    for org_id in oracle_counts_on(tables, on):
        row = orgs.loc[org_id]
        if sbi and not row["sbi"].startswith(sbi):
            continue
        if municipality and row["municipality"].lower() != municipality.lower():
            continue
        if min_level and (org_id not in levels or LEVEL_ORDER.index(levels[org_id]) < LEVEL_ORDER.index(min_level)):
            continue
        expected.add(org_id)
    assert set(frame["org_id"]) == expected and len(frame) == len(expected)
    assert [levels.get(o, "") for o in frame["org_id"]] == list(frame["level"])
    target = np.array([network.target_fte[network.node(o)] for o in frame["org_id"]])
    assert np.allclose(frame["yield_fte_per_meur"], 1e6 * target / orgs.loc[frame["org_id"], "revenue_eur"].to_numpy())
    pairs = list(zip(-frame["yield_fte_per_meur"], frame["org_id"], strict=True))
    assert pairs == sorted(pairs)


def test_suppliers_for_buyer_gain_equals_rescoring(tmp_path):
    tables = random_tables(7, n_orgs=50, n_purchases=300)
    network = load(tables, tmp_path)
    on = dt.date(YEAR, 9, 15)
    buyer = pick_buyer(network, 3)
    frame = eligible_suppliers(network, on, for_org=buyer, year=YEAR, gain_per_eur=100_000)
    assert buyer not in set(frame["org_id"]) and len(frame) > 3
    before = score_of(network, buyer)["total_pct"]
    for row in frame.head(6).itertuples(index=False):
        after = score_of(with_purchases(network, [added_row(buyer, row.org_id, 100_000.0, on)]), buyer)
        assert row.total_pct_after == pytest.approx(after["total_pct"], rel=1e-12)
        assert row.gain_pct == pytest.approx(after["total_pct"] - before, abs=1e-12)
    with pytest.raises(PsoInputError, match="min_level"):
        eligible_suppliers(network, on, min_level="4")


# --- compliance ---------------------------------------------------------------------------------
def _compliance_tables(on: dt.date) -> dict:
    d = lambda k: str(on + dt.timedelta(days=k))  # noqa: E731
    orgs = [org("B", employees=50, fte=45.0, target_fte=1.0)]
    certs = []
    ends = {"S90": 90, "S91": 91, "S0": 0, "SM1": -1, "SCHAIN": 10, "SGAP": 10}
    for name, end in ends.items():
        orgs.append(org(name, target_fte=2.0))
        certs.append({"org_id": name, "level": "2", "valid_from": d(end - 700), "valid_until": d(end)})
    certs.append({"org_id": "SCHAIN", "level": "3", "valid_from": d(11), "valid_until": d(400)})  # renewed
    certs.append({"org_id": "SGAP", "level": "3", "valid_from": d(12), "valid_until": d(400)})  # one-day gap
    orgs += [org("SNONE"), org("SSW", sw=True, target_fte=20.0), org("SFUT", target_fte=1.0)]
    certs.append({"org_id": "SFUT", "level": "1", "valid_from": d(5), "valid_until": d(500)})
    suppliers = [o["org_id"] for o in orgs[1:]]
    purchases = [buy("B", s, 1000.0 * (i + 1), YEAR) for i, s in enumerate(suppliers)] + [buy("B", "B", 7.0)]
    return {"organisations": pd.DataFrame(orgs), "purchases": pd.DataFrame(purchases),
            "certifications": pd.DataFrame(certs)}


def test_compliance_statuses_at_the_90_day_and_expiry_boundaries(tmp_path):
    on = dt.date(2025, 10, 1)
    network = load(_compliance_tables(on), tmp_path)
    report = compliance_report(network, "B", on, YEAR, expiring_days=90)
    frame = report["suppliers"].set_index("supplier_id")
    expected = {"S90": "expiring", "S91": "valid", "S0": "expiring", "SM1": "expired", "SCHAIN": "valid",
                "SGAP": "expiring", "SNONE": "none", "SSW": "sw", "SFUT": "none"}
    assert frame["status"].to_dict() == expected
    assert frame.loc["S90", "days_left"] == 90 and frame.loc["S0", "days_left"] == 0
    assert frame.loc["SCHAIN", "valid_until"] == pd.Timestamp(on + dt.timedelta(days=400))
    assert frame.loc["SM1", "valid_until"] == pd.Timestamp(on - dt.timedelta(days=1))
    assert frame.loc["SM1", "level"] == "2"
    assert (frame["counts_on_date"] == frame["status"].isin(["sw", "valid", "expiring"])).all()
    assert "B" not in frame.index  # a self-purchase is no supplier relation
    assert list(report["suppliers"]["spend_eur"]) == sorted(report["suppliers"]["spend_eur"], reverse=True)
    summary = report["summary"].set_index("status")
    assert summary.loc["total", "spend_eur"] == 45_000 and summary.loc["total", "spend_share_pct"] == 100
    counting = sum(1000.0 * (i + 1) for i, s in enumerate(expected) if expected[s] in ("sw", "valid", "expiring"))
    assert summary.loc["counting", "spend_eur"] == counting
    assert summary.loc[["sw", "valid", "expiring", "expired", "none"], "spend_eur"].sum() == 45_000
    one_day_later = supplier_compliance(network, "B", on + dt.timedelta(days=1), YEAR, 90).set_index("supplier_id")
    assert one_day_later.loc["S0", "status"] == "expired" and one_day_later.loc["S91", "status"] == "expiring"


def oracle_status(tables: dict, org_id: str, on: dt.date, days: int) -> str:
    if bool(tables["organisations"].set_index("org_id").loc[org_id, "sw"]):
        return "sw"
    certs = [c for c in certificate_rows(tables) if c[0] == org_id]
    current = [c for c in certs if valid_on(c, on)]
    if current:
        if any(c[3] is None for c in current):
            return "valid"
        end = max(c[3] for c in current)
        extended = True
        while extended:
            extended = False
            for c in certs:
                if c[2] is not None and c[2] <= end + dt.timedelta(days=1) and (c[3] is None or c[3] > end):
                    if c[3] is None:
                        return "valid"
                    end, extended = c[3], True
        return "expiring" if (end - on).days <= days else "valid"
    return "expired" if any(c[3] is not None and c[3] < on for c in certs) else "none"


@SETTINGS
@given(seed=st.integers(0, 100_000), offset=st.integers(-700, 700), days=st.sampled_from([0, 30, 90, 365]))
def test_compliance_status_matches_a_plain_oracle(seed, offset, days):
    tables = random_tables(seed, n_orgs=40, n_purchases=400)
    on = dt.date(YEAR, 6, 1) + dt.timedelta(days=offset)
    with tempfile.TemporaryDirectory() as tmp:
        network = load(tables, Path(tmp))
    for buyer in tables["organisations"]["org_id"][:6]:
        frame = supplier_compliance(network, buyer, on, YEAR, days)
        for row in frame.itertuples(index=False):
            assert row.status == oracle_status(tables, row.supplier_id, on, days), row.supplier_id


# --- substitutes --------------------------------------------------------------------------------
def test_substitutes_same_sector_nearby_first_with_the_gain(tmp_path):
    orgs = [org("B", employees=40, fte=38.0, target_fte=1.0, municipality="Epe", postcode="8161AA"),
            org("OLD", sbi="8121", municipality="Epe"),
            org("FAR", sbi="8122", target_fte=9.0, sw=True, municipality="Zutphen", postcode="7201AA"),
            org("NEAR", sbi="8129", target_fte=1.0, sw=True, municipality="Epe", postcode="8162BB"),
            org("AREA", sbi="8121", target_fte=3.0, sw=True, municipality="Heerde", postcode="8181CC"),
            org("OTHER", sbi="4120", target_fte=20.0, sw=True),
            org("NOSBI", sbi="")]
    purchases = [buy("B", "OLD", 50_000.0), buy("B", "NOSBI", 7_000.0), buy("B", "FAR", 1_000.0)]
    tables = {"organisations": pd.DataFrame(orgs), "purchases": pd.DataFrame(purchases)}
    network = load(tables, tmp_path / "base")
    frame = substitutes(network, "B", YEAR, top=3, sbi_digits=2)
    old = frame[frame["supplier_id"] == "OLD"]
    # four digits (8121) before two (81), then nearby first (issue 12, defect 10)
    assert list(old["alternative_id"]) == ["AREA", "NEAR", "FAR"]
    assert list(old["proximity"]) == ["same_postcode_area", "same_municipality", "elsewhere"]
    assert list(old["match"]) == ["8121", "81", "81"]
    assert old["reason"].iat[0] == "not_certified"
    assert list(frame["supplier_id"].drop_duplicates()) == ["OLD", "NOSBI"]  # by non-counting spend
    nosbi = frame[frame["supplier_id"] == "NOSBI"]
    assert len(nosbi) == 1 and pd.isna(nosbi["alternative_id"].iat[0]) and nosbi["note"].iat[0] == "no_sbi"
    for row in old.itertuples(index=False):
        moved = dict(tables)
        moved["purchases"] = pd.DataFrame([buy("B", row.alternative_id, 50_000.0), buy("B", "NOSBI", 7_000.0),
                                           buy("B", "FAR", 1_000.0)])
        expected = score_of(load(moved, tmp_path / row.alternative_id), "B")
        assert row.total_pct_after == pytest.approx(expected["total_pct"], rel=1e-12)


def oracle_row_counts(tables: dict, buyer: str, supplier: str, year: int, date: str) -> bool:
    if buyer == supplier:
        return False
    if bool(tables["organisations"].set_index("org_id").loc[supplier, "sw"]):
        return True
    when = day(date)
    lo, hi = (when, when) if when else (dt.date(year, 1, 1), dt.date(year, 12, 31))
    return any(c[0] == supplier and (c[2] is None or c[2] <= hi) and (c[3] is None or c[3] >= lo)
               for c in certificate_rows(tables))


@SETTINGS
@given(seed=st.integers(0, 100_000), pick=st.integers(0, 10**6), digits=st.sampled_from([1, 2, 4]))
def test_substitutes_match_a_plain_oracle(seed, pick, digits):
    tables = random_tables(seed, n_orgs=40, n_purchases=300)
    with tempfile.TemporaryDirectory() as tmp:
        network = load(tables, Path(tmp))
    buyer = pick_buyer(network, pick, below=4, qualitative=None)
    frame = substitutes(network, buyer, YEAR, top=3, sbi_digits=digits)
    orgs = tables["organisations"].set_index("org_id")
    lost: dict[str, float] = {}
    for r in tables["purchases"].itertuples(index=False):
        if r.buyer_id == buyer and r.supplier_id != buyer and r.year == YEAR and not oracle_row_counts(
                tables, r.buyer_id, r.supplier_id, r.year, r.date):
            lost[r.supplier_id] = lost.get(r.supplier_id, 0.0) + r.amount_eur
    order = sorted(lost, key=lambda s: (-lost[s], s))
    assert list(frame["supplier_id"].drop_duplicates()) == order
    eligible = oracle_counts_in_year(tables, YEAR) - {buyer}
    home = orgs.loc[buyer]

    def proximity(o: str) -> int:
        if orgs.loc[o, "municipality"].lower() == home["municipality"].lower():
            return 0
        return 1 if orgs.loc[o, "postcode"][:2] == home["postcode"][:2] else 2

    levels = sorted({4, digits}, reverse=True) if digits < 4 else [digits]
    holders = {c[0] for c in certificate_rows(tables)}
    for s in order:
        mine = frame[frame["supplier_id"] == s]
        assert mine["not_counted_eur"].iat[0] == pytest.approx(lost[s], rel=1e-12)
        plain = "not_certified"  # no certificate at all
        assert (mine["reason"].iat[0] == plain) == (s not in holders)
        def level(o: str, s: str = s) -> int:  # the finest shared prefix (no delivers here)
            mine, theirs = orgs.loc[s, "sbi"], orgs.loc[o, "sbi"]
            return next((i for i, d in enumerate(levels)
                         if len(mine) >= d and len(theirs) >= d and mine[:d] == theirs[:d]), len(levels))

        pool = [o for o in eligible if o != s and network.yield_per_eur[network.node(o)] > 0
                and level(o) < len(levels)]
        pool.sort(key=lambda o: (level(o), proximity(o), -network.yield_per_eur[network.node(o)], o))
        assert list(mine["alternative_id"].dropna()) == pool[:3]


# --- tender -------------------------------------------------------------------------------------
def _tender_tables() -> dict:
    orgs = [org("E", target_fte=1.0), org("V2", target_fte=1.0), org("V3", target_fte=1.0),
            org("N", target_fte=0.0), org("W", sw=True, target_fte=10.0), org("WA", sw=True, target_fte=10.0)]
    certs = [{"org_id": "E", "level": "3", "valid_from": "2020-01-01", "valid_until": "2025-09-30"},
             {"org_id": "V2", "level": "2", "valid_from": "2024-01-01", "valid_until": "2025-10-01"},
             {"org_id": "V3", "level": "3", "valid_from": "2025-01-01", "valid_until": "2027-12-31"},
             {"org_id": "WA", "level": "aspirant", "valid_from": "2025-01-01", "valid_until": "2026-12-31"}]
    return {"organisations": pd.DataFrame(orgs), "purchases": pd.DataFrame([buy("E", "N", 1.0)]),
            "certifications": pd.DataFrame(certs)}


def test_tender_ranking_expired_certificate_gets_no_discount(tmp_path):
    network = load(_tender_tables(), tmp_path / "d")
    bids = tmp_path / "bids.csv"
    bids.write_text("supplier_id;price\nE;100000\nV2;103000\nV3;105000\nN;102000\nW;104000\n"
                    "WA;104000\nNEW;101000,00\n", encoding="utf-8")
    discounts = load_buyer_defaults().discount_pct
    ranking = tender_ranking(network, read_bids(bids), dt.date(2025, 10, 1), discounts).set_index("supplier_id")
    assert ranking.loc["E", "discount_pct"] == 0 and ranking.loc["E", "certificate_status"] == "expired"
    assert ranking.loc["E", "level"] == "3" and ranking.loc["E", "fictitious_price"] == 100_000
    assert ranking.loc["V2", "discount_pct"] == discounts["2"]  # valid on its last day
    assert ranking.loc["V3", "discount_pct"] == discounts["3"]
    assert ranking.loc["W", "discount_pct"] == discounts["sw"]
    assert ranking.loc["WA", "discount_pct"] == max(discounts["sw"], discounts["aspirant"])
    assert ranking.loc["NEW", "certificate_status"] == "not_in_dataset" and ranking.loc["NEW", "discount_pct"] == 0
    expected = sorted(ranking.index, key=lambda s: (ranking.loc[s, "fictitious_price"], ranking.loc[s, "price"], s))
    assert list(ranking.sort_values("rank").index) == expected
    later = tender_ranking(network, read_bids(bids), dt.date(2025, 10, 2), {"2": 50.0}).set_index("supplier_id")
    assert later.loc["V2", "discount_pct"] == 0 and later.loc["V2", "certificate_status"] == "expired"


def test_read_bids_names_file_row_and_column(tmp_path):
    bad = tmp_path / "bids.csv"
    bad.write_text("supplier_id,price\nA,10\n,5\nB,abc\nC,\nD,-1\n", encoding="utf-8")
    with pytest.raises(PsoInputError) as info:
        read_bids(bad)
    problems = info.value.problems
    assert list(zip(problems["row"], problems["column"], strict=True)) == [
        (3, "supplier_id"), (4, "price"), (5, "price"), (6, "price")]
    assert (problems["file"] == str(bad)).all()
    missing = tmp_path / "nocol.csv"
    missing.write_text("supplier,price\nA,1\n", encoding="utf-8")
    with pytest.raises(PsoInputError, match="supplier_id"):
        read_bids(missing)


@SETTINGS
@given(seed=st.integers(0, 100_000), offset=st.integers(-700, 700), n_bids=st.integers(1, 25))
def test_tender_ranking_matches_a_plain_oracle(seed, offset, n_bids):
    tables = random_tables(seed, n_orgs=40, n_purchases=100)
    on = dt.date(YEAR, 6, 1) + dt.timedelta(days=offset)
    rng = np.random.default_rng(seed)
    ids = list(tables["organisations"]["org_id"])
    bids = pd.DataFrame({"supplier_id": rng.choice(ids, n_bids),
                         "price": np.round(rng.uniform(90_000, 110_000, n_bids), 2),
                         "name": "", "bid_row": np.arange(n_bids) + 2})
    discounts = {"aspirant": 1.0, "1": 2.5, "2": 4.0, "3": 7.0, "sw": 5.0}
    with tempfile.TemporaryDirectory() as tmp:
        network = load(tables, Path(tmp))
    ranking = tender_ranking(network, bids, on, discounts)
    levels = oracle_level_on(tables, on)
    sw = tables["organisations"].set_index("org_id")["sw"]
    expected = []
    for b in bids.itertuples(index=False):
        pct = discounts[levels[b.supplier_id]] if b.supplier_id in levels else 0.0
        if sw[b.supplier_id]:
            pct = max(pct, discounts["sw"])
        expected.append((b.price * (1 - pct / 100), b.price, b.supplier_id, b.bid_row))
    expected.sort()
    got = list(zip(ranking["fictitious_price"], ranking["price"], ranking["supplier_id"], ranking["bid_row"],
                   strict=True))
    assert [g[1:] for g in got] == [e[1:] for e in expected]
    assert np.allclose([g[0] for g in got], [e[0] for e in expected], rtol=1e-12)
    assert list(ranking["rank"]) == list(range(1, n_bids + 1))


def test_defaults_file_is_read():
    defaults = load_buyer_defaults()
    assert defaults.expiring_days == 90 and defaults.uplift_top == 5 and defaults.gain_per_eur == 100_000
    assert set(defaults.discount_pct) == {"aspirant", "1", "2", "3", "sw"}
