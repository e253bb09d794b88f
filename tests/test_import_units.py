"""Pieces of the import: certificate levels as written, name normalisation properties, credit
notes netting (the total is kept), and user text kept inert in every output."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pso_chain.loaders.import_settings import load_import_settings
from pso_chain.loaders.names import key_words, name_variants, normalise_name
from pso_chain.loaders.register import level_code

from pso_chain.importing.importer import net_credit_notes

SETTINGS = load_import_settings()
WORDS = st.sampled_from(["jansen", "bakker", "schoonmaakbedrijf", "delta", "horizon", "vos", "kroon",
                         "transport", "berg", "molen"])


@pytest.mark.parametrize("written,code", [
    ("Aspirant", "aspirant"), ("aspirant-status", "aspirant"), ("Trede 1", "1"), ("TREDE 2", "2"),
    ("PSO Trede 3", "3"), ("PSO 30+ (trede 2)", "2"), ("PSO 30+", "3"), ("pso30+", "3"), ("2", "2"),
    ("Goud", ""), ("", ""),
])
def test_levels_as_written_on_certificates(written, code):
    assert level_code(written, SETTINGS) == code


@given(st.lists(WORDS, min_size=1, max_size=4),
       st.sampled_from(["", " B.V.", " BV", " b.v.", " V.O.F.", " Stg.", " Besloten Vennootschap"]),
       st.sampled_from(["", " - vestiging Zwolle", " (filiaal Ede)"]),
       st.sampled_from(["lower", "upper", "title"]))
@settings(max_examples=150, deadline=None)
def test_legal_forms_branches_and_case_do_not_change_a_name(words, legal, branch, case):
    base = " ".join(words)
    written = getattr(f"{base}{legal}{branch}", case)()
    assert normalise_name(written, SETTINGS) == normalise_name(base, SETTINGS)


def test_trade_name_and_abbreviations():
    assert name_variants("Jansen Holding B.V. h.o.d.n. Bakkerij Jansen", SETTINGS) == (
        ("bakkerij", "jansen"), ("jansen", "holding"))
    # v.d. may be van der or van den: scored alike, told apart when the name says which
    assert key_words(name_variants("Schoonmaakbedr. v.d. Berg", SETTINGS)[0]) == key_words(
        name_variants("Schoonmaakbedrijf Van der Berg B.V.", SETTINGS)[0])
    assert normalise_name("Van der Berg", SETTINGS) != normalise_name("Van den Berg", SETTINGS)
    assert normalise_name("Café Brûlé", SETTINGS) == "cafe brule"


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(1, 360), st.floats(1, 1e5)), min_size=1, max_size=12),
       st.lists(st.tuples(st.integers(0, 3), st.integers(1, 360), st.floats(1, 1e3)), max_size=6))
@settings(max_examples=100, deadline=None)
def test_credit_notes_keep_each_suppliers_total(invoices, credits):
    rows = []
    for k, (s, d, a) in enumerate(invoices):
        rows.append({"supplier_id": f"S{s}", "amount_eur": a, "date": pd.Timestamp(dt.date(2025, 1, 1)) + pd.Timedelta(days=d),
                     "invoice_id": f"I{k}", "credit_ref": "", "source": "x.csv", "row": k + 2})
    for k, (s, d, a) in enumerate(credits):
        rows.append({"supplier_id": f"S{s}", "amount_eur": -a, "date": pd.Timestamp(dt.date(2025, 1, 1)) + pd.Timedelta(days=d),
                     "invoice_id": f"C{k}", "credit_ref": "", "source": "x.csv", "row": 100 + k})
    lines = pd.DataFrame(rows)
    notes: list[str] = []
    out = net_credit_notes(lines, notes)
    assert (out["amount_eur"] > 0).all()
    for s, group in lines.groupby("supplier_id"):
        net = group["amount_eur"].sum()
        got = out.loc[out["supplier_id"] == s, "amount_eur"].sum()
        if net > 1e-9:
            assert got == pytest.approx(net, rel=1e-9, abs=1e-6)
        else:
            assert got == pytest.approx(0.0, abs=1e-6)
            assert not (group["amount_eur"] < 0).any() or any(s in n for n in notes) or net > -1e-9


def test_supplier_names_that_look_like_formulas_stay_text(tmp_path):
    from openpyxl import load_workbook

    from pso_chain.outputs.files import write_xlsx

    path = write_xlsx({"report": pd.DataFrame({"ledger_name": ["=HYPERLINK(\"x\")", "+31", "@a", "ok"]})},
                      tmp_path / "r.xlsx")
    cells = [c for row in load_workbook(path).worksheets[0].iter_rows(min_row=2) for c in row]
    assert [c.value for c in cells][:4] == ["=HYPERLINK(\"x\")", "+31", "@a", "ok"]
    assert all(c.data_type == "s" for c in cells[:4])
