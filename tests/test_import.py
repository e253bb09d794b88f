"""Import and quickscan on generated books: the score equals the truth's once the review band is
confirmed; UBL and ledger give the same purchases; the matching refuses look-alikes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pso_chain.loaders.import_settings import load_import_settings
from pso_chain.loaders.register import read_register, read_sw_list

import pso_chain
from pso_chain.importing.importer import candidates
from pso_chain.importing.matching import match_suppliers
from tests.import_fixtures import (
    make_world,
    write_afas,
    write_exact,
    write_sap,
    write_twinfield,
    write_ubl_folder,
)

BUYER = "99000001"
SCORE_COLUMNS = ["direct_pct", "indirect_fte", "indirect_pct", "indirect_counted_pct", "total_pct",
                 "trede", "cap_applied", "pso30plus"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    base = tmp_path_factory.mktemp("books")
    w = make_world(seed=3, n_register=2500, n_suppliers=70)
    return w, base, w.write_lists(base)


def confirmed_overrides(report: pd.DataFrame, world, lists: dict, path: Path) -> Path:
    """The match report as a person would edit it, knowing the truth: every row decided."""
    cands = candidates(read_register(lists["register"]), read_sw_list(lists["sw"]))
    known = set(cands["kvk"])
    truth = report.merge(world.labels, on=["ledger_name", "ledger_place"], how="left")
    listed = truth["true_kvk"].isin(known)
    truth["status"] = np.where(listed, "accepted", "rejected")
    truth["matched_kvk"] = np.where(listed, truth["true_kvk"], "")
    truth[report.columns].to_csv(path, index=False)
    return path


def _truth_scores(w, folder: Path) -> dict:
    scores = pso_chain.credits(pso_chain.open(w.write_truth(folder)))
    return scores[scores["org_id"] == BUYER].iloc[0].to_dict()


@pytest.mark.parametrize("writer,suffix", [(write_afas, ".csv"), (write_exact, ".xlsx"),
                                           (write_twinfield, ".csv"), (write_sap, ".xlsx")])
def test_quickscan_equals_credits_on_the_truth_once_review_is_confirmed(world, tmp_path, writer, suffix):
    w, base, lists = world
    ledger = writer(w.invoices, tmp_path / f"ledger{suffix}")
    first = pso_chain.quickscan(ledger=ledger, register=lists["register"], sw=lists["sw"],
                                figures=lists["figures"], buyer=lists["buyer"], accept_review=True)
    overrides = confirmed_overrides(first.match_report, w, lists, tmp_path / "overrides.csv")
    scan = pso_chain.quickscan(ledger=ledger, register=lists["register"], sw=lists["sw"],
                               figures=lists["figures"], buyer=lists["buyer"], overrides=overrides)
    truth = _truth_scores(w, tmp_path / "truth")
    for col in SCORE_COLUMNS:
        got, want = scan.credits[col], truth[col]
        if isinstance(want, float):
            assert got == pytest.approx(want, rel=1e-9, abs=1e-9), col
        else:
            assert got == want, col
    assert not any("accept-review" in n for n in scan.notes)


def test_ubl_folder_and_ledger_give_the_same_purchases(world, tmp_path):
    w, base, lists = world
    common = dict(register=lists["register"], sw=lists["sw"], figures=lists["figures"],
                  buyer=lists["buyer"], accept_review=True)
    from pso_chain.importing.books import import_books

    by_ledger = import_books(ledger=write_afas(w.invoices, tmp_path / "afas.csv"), **common)
    by_ubl = import_books(ubl=write_ubl_folder(w.invoices, tmp_path / "ubl"), **common)
    cols = ["buyer_id", "supplier_id", "amount_eur", "year", "date", "invoice_id"]
    a = by_ledger.purchases[cols].sort_values(["supplier_id", "invoice_id"]).reset_index(drop=True)
    b = by_ubl.purchases[cols].sort_values(["supplier_id", "invoice_id"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)


def _match(ledger: list[tuple[str, str, str]], register: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    cands = pd.DataFrame(register, columns=["kvk", "name", "place", "postcode"]).assign(level="1",
                                                                                       source="register")
    rows = [(*r, "")[:4] for r in ledger]  # (name, place, kvk[, postcode])
    sup = pd.DataFrame(rows, columns=["ledger_name", "ledger_place", "ledger_kvk", "ledger_postcode"]).assign(
        amount_eur=[float(len(ledger) - k) for k in range(len(ledger))])
    return match_suppliers(sup, cands, load_import_settings())


def test_jansen_is_never_taken_for_janssen():
    register = [("10000001", "Bouwbedrijf Jansen B.V.", "Zwolle", "8011 AA"),
                ("10000002", "Bouwbedrijf Janssen", "Zwolle", "8012 BB")]
    out = _match([("Bouwbedrijf Janssen", "Zwolle", "", "8012 BB"), ("BOUWBEDRIJF JANSEN", "Zwolle", "", "8011 AA"),
                  ("Bouwbedrijf Jansen", "", ""), ("Jansen", "Zwolle", "", "8011 AA")], register)
    assert list(out["status"]) == ["accepted", "accepted", "review", "unmatched"]
    assert list(out["matched_kvk"][:2]) == ["10000002", "10000001"]
    alone = _match([("Bouwbedrijf Janssen", "Zwolle", "", "8011 AA")], register[:1])
    assert alone["status"].iat[0] == "review"
    # the same name in another place only: another firm (listed as an alternative)
    elsewhere = _match([("Bouwbedrijf Jansen", "Deventer", "")], register)
    assert elsewhere["status"].iat[0] == "unmatched" and "10000001" in elsewhere["alternatives"].iat[0]


def test_normalisation_accepts_what_bookkeepers_write():
    register = [("20000001", "Schoonmaakbedrijf Van der Berg B.V.", "Ede", "6711 AB"),
                ("20000002", "Albert Heijn Ede", "Ede", "6712 AB"),
                ("20000003", "De Vries Holding B.V. h.o.d.n. Drukkerij Delta", "Zwolle", "8011 CC")]
    out = _match([("Schoonmaakbedr. v.d. Berg", "Ede", "", "6711 AB"),
                  ("SCHOONMAAKBEDRIJF VAN DER BERG BV - vestiging Ede", "Ede", ""),
                  ("Drukkerij Delta", "Zwolle", "", "8011 CC"),
                  ("De Vries Holding", "Zwolle", "20000003"),
                  ("whatever name", "Ede", "20000003")], register)
    assert list(out["status"]) == ["accepted", "accepted", "accepted", "accepted", "review"]
    assert list(out["method"]) == ["name", "name", "name", "kvk", "kvk"]
    # a KvK is confirmed by the name: one that shares nothing goes to review, saying both names
    assert "De Vries Holding B.V. h.o.d.n. Drukkerij Delta" in out["note"].iat[4]
    assert "whatever name" in out["note"].iat[4]


def test_person_rows_never_leave_the_quickscan(world, tmp_path):
    w, base, lists = world
    records = tmp_path / "records.csv"
    pd.DataFrame({"org_id": [BUYER] * 3, "person_id": ["P-001", "P-002", "P-003"],
                  "start_position": ["wia", "pw", "wajong"], "contract_type": ["regular"] * 3,
                  "hours_per_week": [36, 24, 40]}).to_csv(records, index=False)
    buyer = pd.read_csv(lists["buyer"]).assign(target_fte="")
    buyer.to_csv(tmp_path / "buyer.csv", index=False)
    scan = pso_chain.quickscan(ledger=write_afas(w.invoices, tmp_path / "afas.csv"), register=lists["register"],
                               sw=lists["sw"], figures=lists["figures"], buyer=tmp_path / "buyer.csv",
                               buyer_records=records, accept_review=True)
    assert scan.credits["target_fte"] == pytest.approx(36 / 40 + 24 / 40 + 1.0)
    import json

    from pso_chain.importing.quickscan_files import quickscan_html

    text = json.dumps(scan.to_dict(), default=str) + quickscan_html(scan)
    assert "P-00" not in text and scan.explain["direct"]["persons_counted"] == 3


@pytest.mark.parametrize("buyer", ["90000008", "10000159", "10000137"])
def test_quickscan_on_the_bundled_example_equals_credits(buyer, tmp_path):
    """A second, independent generator: the example's organisations as register, SW list and
    ledger (canonical-style headers, decimal commas), one buyer at a time."""
    ex = pso_chain.example_path()
    orgs = pd.read_csv(ex / "organisations.csv", dtype={"org_id": str, "sbi": str})
    purchases = pd.read_csv(ex / "purchases.csv", dtype={"buyer_id": str, "supplier_id": str})
    certs = pd.read_csv(ex / "certifications.csv", dtype={"org_id": str})
    register = certs.merge(orgs[["org_id", "name", "municipality", "postcode", "revenue_eur", "target_fte"]],
                           on="org_id").rename(columns={"level": "pso_level", "valid_from": "pso_valid_from",
                                                        "valid_until": "pso_valid_until"})
    register.to_csv(tmp_path / "register.csv", index=False)
    orgs[orgs["sw"]][["org_id", "name", "municipality", "revenue_eur", "target_fte"]].to_csv(tmp_path / "sw.csv",
                                                                                           index=False)
    orgs[orgs["org_id"] == buyer].to_csv(tmp_path / "buyer.csv", index=False)
    records = pd.read_csv(ex / "employees_records.csv", dtype={"org_id": str})
    records[records["org_id"] == buyer].to_csv(tmp_path / "records.csv", index=False)
    ledger = purchases[purchases["buyer_id"] == buyer].merge(
        orgs[["org_id", "name", "municipality", "postcode"]], left_on="supplier_id", right_on="org_id")
    ledger.rename(columns={"name": "Leverancier", "municipality": "Plaats", "postcode": "Postcode",
                           "amount_eur": "Bedrag excl. btw", "year": "Jaar", "date": "Factuurdatum"})[
        ["Leverancier", "Plaats", "Postcode", "Bedrag excl. btw", "Jaar", "Factuurdatum"]].to_csv(
        tmp_path / "ledger.csv", index=False, sep=";", decimal=",")
    has_records = (records["org_id"] == buyer).any()
    scan = pso_chain.quickscan(ledger=tmp_path / "ledger.csv", register=tmp_path / "register.csv",
                               sw=tmp_path / "sw.csv", buyer=tmp_path / "buyer.csv",
                               buyer_records=tmp_path / "records.csv" if has_records else None)
    truth = pso_chain.credits(pso_chain.load_example())
    want = truth[truth["org_id"] == buyer].iloc[0]
    for col in SCORE_COLUMNS:
        if col == "trede":
            assert scan.credits[col] == (None if pd.isna(want[col]) else want[col])
        elif isinstance(want[col], float):
            assert scan.credits[col] == pytest.approx(want[col], rel=1e-9, abs=1e-12), col
        else:
            assert scan.credits[col] == want[col], col
