"""The matcher on what Dutch ledgers and registers write (issue 19): every normalising pattern on
names that begin with the words it removes, a KvK confirmed by the name, legal forms and articles
as evidence, Stg./7-digit/12-digit KvK, the place inside the name, compounds, cut-off names,
no rewriting of words, and the report's evidence, order and spend shares."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pso_chain.loaders.import_settings import default_settings_path, load_import_settings
from pso_chain.loaders.names import kvk_numbers, name_variants, name_variants_many
from rapidfuzz.distance import OSA

from pso_chain.errors import PsoInputError
from pso_chain.importing.candidates import slip_keys
from pso_chain.importing.matching import EVIDENCE_COLUMNS, match_suppliers
from pso_chain.importing.report_summary import spend_summary

SETTINGS = load_import_settings()
STARTS = sorted({*SETTINGS.branch_words, *SETTINGS.branch_words_separated, *SETTINGS.legal_forms,
                 *SETTINGS.trade_name_markers, *(k for k in SETTINGS.abbreviations if k.isalpha())})


@pytest.mark.parametrize("word", STARTS)
def test_every_pattern_on_names_that_begin_with_its_words(word):
    names = ["Jansen Bouw B.V.", f"{word.title()} Schoonmaak B.V.", f"{word.upper()} de Kroon",
             "Bakkerij Vos - vestiging Ede", f"{word} Delta", "Zwart Transport"]
    many = name_variants_many(names, SETTINGS)
    assert len(many) == len(names)
    assert many == [name_variants(n, SETTINGS) for n in names]
    assert many[0] == (("jansen", "bouw"),) and many[-1] == (("zwart", "transport"),)
    assert many[3] == (("bakkerij", "vos"),)
    if word in SETTINGS.branch_words or word in SETTINGS.branch_words_separated:
        assert many[1][0][0] == word  # the first word is never a branch suffix


def _match(ledger, register, **kw) -> pd.DataFrame:
    """Ledger rows (name, place, kvk[, postcode]) against register rows (kvk, name, place,
    postcode); amounts fall so that the report keeps the ledger's order."""
    cands = pd.DataFrame(register, columns=["kvk", "name", "place", "postcode"]).assign(
        level="3", source="register")
    rows = [(*r, "", "")[:4] for r in ledger]
    sup = pd.DataFrame(rows, columns=["ledger_name", "ledger_place", "ledger_kvk", "ledger_postcode"])
    sup["amount_eur"] = [1000.0 * (len(rows) - k) for k in range(len(rows))]
    return match_suppliers(sup, cands, load_import_settings(), **kw)


PC = {"Zwolle": "8011 AA", "Ede": "6711 AB", "Apeldoorn": "7311 AA", "Arnhem": "6811 AA"}


def _reg(rows):
    """Register rows with the place's postcode (the evidence an accept needs beside the name)."""
    return [(k, n, p, PC.get(p, "")) for k, n, p, *_ in rows]


def _led(rows):
    return [(n, p, kvk, PC.get(p, "")) for n, p, kvk in rows]


def test_a_register_name_starting_with_a_branch_word_keeps_names_on_their_kvk():
    register = _reg([("10000001", "Jansen Bouw B.V.", "Zwolle"), ("10000002", "Regio Schoonmaak B.V.", "Zwolle"),
                     ("10000003", "Kantoor Centraal", "Zwolle"), ("10000004", "Vos Bakkerij", "Zwolle")])
    out = _match(_led([("Jansen Bouw BV", "Zwolle", ""), ("Regio Schoonmaak", "Zwolle", ""),
                       ("Vos Bakkerij", "Zwolle", "")]), register)
    assert list(out["matched_kvk"]) == ["10000001", "10000002", "10000004"]
    assert list(out["status"]) == ["accepted"] * 3


def test_a_kvk_is_confirmed_by_the_name():
    register = _reg([("30000001", "Vos Holding B.V.", "Ede"), ("30000002", "Vos Installatietechniek B.V.", "Ede"),
                     ("30000003", "Bakkerij Delta", "Ede")])
    out = _match(_led([("Vos Installatietechniek BV", "Ede", "30000001"),   # the holding's KvK
                       ("Bakkerij Delta", "Ede", "30000003"),
                       ("Delta", "Ede", "30000003"),                        # within the registered name
                       ("Jansen Bouw", "Ede", "30000003")]), register)       # nothing in common
    assert list(out["status"]) == ["review", "accepted", "accepted", "review"]
    assert out["matched_kvk"].iat[0] == "30000002"
    assert "Vos Holding B.V." in out["note"].iat[0] and "30000001" in out["note"].iat[0]
    assert "Bakkerij Delta" in out["note"].iat[3] and "Jansen Bouw" in out["note"].iat[3]
    assert bool(out["kvk_agrees"].iat[1]) and bool(out["name_agrees"].iat[1])


def test_holding_legal_form_articles_and_van_der_are_evidence():
    register = _reg([("40000001", "Vos Holding B.V.", "Ede"), ("40000002", "Vos B.V.", "Ede"),
                     ("40000003", "Kroon V.O.F.", "Ede"), ("40000004", "Kroon B.V.", "Ede"),
                     ("40000005", "De Boer Techniek", "Ede"), ("40000006", "Boer Techniek", "Ede"),
                     ("40000007", "Van der Berg Bouw", "Ede"), ("40000008", "Van den Berg Bouw", "Ede"),
                     ("40000009", "Van de Molen Groen", "Ede"), ("40000010", "Kok Catering B.V.", "Ede")])
    out = _match(_led([("VOS HOLDING BV", "Ede", ""), ("Vos bv", "Ede", ""), ("Kroon vof", "Ede", ""),
                       ("Kroon B.V.", "Ede", ""), ("Kroon", "Ede", ""), ("De Boer Techniek", "Ede", ""),
                       ("Boer Techniek", "Ede", ""), ("Van den Berg Bouw", "Ede", ""), ("v.d. Berg Bouw", "Ede", ""),
                       ("V.D. Molen Groen", "Ede", ""), ("Kok Catering V.O.F.", "Ede", ""),
                       ("Vos", "Ede", "")]), register)
    assert list(out["matched_kvk"][:4]) == ["40000001", "40000002", "40000003", "40000004"]
    assert list(out["status"][:4]) == ["accepted"] * 4
    assert bool(out["legal_form_agrees"].iat[2])
    assert out["status"].iat[4] == "review"  # no form in the ledger, both in the register
    assert list(out["matched_kvk"][5:8]) == ["40000005", "40000006", "40000008"]
    assert list(out["status"][5:8]) == ["accepted"] * 3
    assert out["status"].iat[8] == "review"   # v.d.: van der or van den, both in the register
    assert (out["status"].iat[9], out["matched_kvk"].iat[9]) == ("accepted", "40000009")
    assert out["status"].iat[10] == "review" and "legal form" in out["note"].iat[10]  # V.O.F. is not B.V.
    assert out["matched_kvk"].iat[11] != "40000001"  # "Vos" is never the holding


def test_known_dutch_variants():
    register = _reg([("01234567", "Stichting De Linde", "Apeldoorn"), ("50000002", "Lucrato", "Apeldoorn"),
                     ("50000003", "Presikhaaf Bedrijven", "Arnhem"),
                     ("50000004", "Schoonmaakbedrijf Van Wijngaarden B.V.", "Ede"),
                     ("50000005", "Schone Ramen B.V.", "Ede"), ("50000006", "Administratiekantoor Mulder", "Ede"),
                     ("50000007", "Kozijnen De Kempen B.V.", "Zwolle")])
    kvk, _ = kvk_numbers(pd.Series(["1234567", "123456780001", "50000002 0001", "KvK 50000003"]),
                         branch_suffix=True)
    assert list(kvk) == ["01234567", "12345678", "50000002", "50000003"]
    out = _match(_led([("Stg. De Linde", "Apeldoorn", "01234567"), ("Lucrato Apeldoorn", "Apeldoorn", ""),
                       ("Presikhaafbedrijven", "Arnhem", ""), ("SCHOONMAAKBEDRIJF VAN WIJNGAARDEN BESL", "Ede", ""),
                       ("Schone Ramen", "Ede", ""), ("Adm.kantoor Mulder", "Ede", ""),
                       ("Filiaal Zwolle Kozijnen De Kempen", "Zwolle", "")]), register)
    assert list(out["matched_kvk"]) == ["01234567", "50000002", "50000003", "50000004", "50000005", "50000006",
                                        "50000007"]
    assert list(out["status"]) == ["accepted"] * 7, out[["ledger_name", "note"]]
    # a name cut off by the ERP's field length may hide the rest ("... Holding"): review
    cut = _match(_led([("Schoonmaakbedrijf Van Wijngaa", "Ede", "")]), register)
    assert (cut["status"].iat[0], cut["matched_kvk"].iat[0]) == ("review", "50000004")
    # a whole name exactly as long as an ERP's field (35), without a legal form, may be cut off
    # before "Holding": review, though every word agrees
    field = _match(_led([("Vestiging Zwolle Kozijnen De Kempen", "Zwolle", "")]), register)
    assert (field["status"].iat[0], field["matched_kvk"].iat[0]) == ("review", "50000007")
    assert "35 characters" in field["note"].iat[0]


def test_the_report_says_the_evidence_the_runner_up_and_the_spend_shares():
    register = [("60000001", "Kroon V.O.F.", "Ede", "6711 AA"), ("60000002", "Kroon B.V.", "Zwolle", "8011 AA"),
                ("60000003", "Delta Drukwerk", "Ede", "")]
    ledger = [("Kroon vof", "Ede", "", "6711aa"), ("Delta Drukwerk", "", ""), ("Onbekend Ding", "Ede", "")]
    out = _match(ledger, register)
    assert set(EVIDENCE_COLUMNS) <= set(out.columns)
    first = out.iloc[0]
    assert (first["name_agrees"], first["place_agrees"], first["postcode_agrees"],
            first["legal_form_agrees"]) == (True, True, True, True)
    assert first["runner_up"].startswith("60000002") and "place" in first["runner_up_lost"]
    assert list(out["amount_eur"]) == sorted(out["amount_eur"], reverse=True)
    shares = spend_summary(out)
    assert shares == pytest.approx({"accepted": 0.5, "review": 2 / 6, "unmatched": 1 / 6})


def test_one_slip_of_a_letter_goes_to_review_never_accepted():
    """A distinctive word with one letter missing, added, changed or two letters swapped finds
    its firm (in review: Jansen/Janssen are two firms), also without a place in the ledger, and
    for an SW-bedrijf named with its place once more at the end."""
    register = [("11111111", "Dotrido B.V.", "Maastricht", ""),
                ("22222222", "Axlango B.V.", "Emmen", ""),
                ("33333333", "Bakkerij Aarts", "Maastricht", ""),
                ("44444444", "Werkbedrijf Rijk van Nijmegen", "Nijmegen", "")]
    report = _match([("Dotirdo BV", "MAASTRICHT", ""),          # two letters swapped
                     ("Alxango B.V.", "", ""),                   # no place, swapped
                     ("Bakkerij Arts", "Maastricht", ""),        # a letter missing
                     ("Werkbedrijf Rijk van Nijmegen Nijmegen", "", "")], register)
    got = dict(zip(report["ledger_name"], zip(report["status"], report["matched_kvk"], strict=True),
                   strict=True))
    assert got["Dotirdo BV"] == ("review", "11111111")
    assert got["Alxango B.V."] == ("review", "22222222")
    assert got["Bakkerij Arts"] == ("review", "33333333")
    assert got["Werkbedrijf Rijk van Nijmegen Nijmegen"][1] == "44444444"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=5, max_size=14),
       st.integers(0, 13), st.sampled_from(["drop", "add", "change", "swap"]))
def test_slip_keys_find_every_word_one_slip_away(word, at, how):
    """Oracle: any two words at optimal-string-alignment distance 1 share a slip key (the
    blocking never loses a one-letter typo), checked against rapidfuzz's OSA distance."""
    k = at % len(word)
    other = {"drop": word[:k] + word[k + 1:], "add": word[:k] + "q" + word[k:],
             "change": word[:k] + ("z" if word[k] != "z" else "y") + word[k + 1:],
             "swap": word[:k] + word[k + 1:k + 2] + word[k] + word[k + 2:]}[how]
    shortest = SETTINGS.slip_min_letters
    if len(other) < shortest or other == word:
        return
    assert OSA.distance(word, other) <= 1
    assert set(slip_keys(word, shortest)) & set(slip_keys(other, shortest))


def test_names_cut_off_by_the_erp_field():
    """Names as long as an ERP's field (30 characters): a fragment of "Holding" keeps the
    holding; a place fragment is dropped; the local name that begins with the ledger's is
    preferred to the same words elsewhere; none is accepted on the name alone."""
    places = ["Zwolle", "Ede", "Almere", "Breda", "Venlo", "Tiel", "Goes", "Emmen", "Assen", "Gouda",
              "Delft", "Leiden", "Kampen", "Hoorn"]
    register = [("05074579", "Stichting Maatschappelijk Werk Salland", "Deventer", ""),
                ("57965107", "Vertriden Kantoorartikelen Holding B.V.", "Leiden", ""),
                ("47880300", "Vertriden Kantoorartikelen B.V.", "Leiden", ""),
                ("35423001", "Participatiebedrijf Arnhem", "Arnhem", "")]
    register += [(f"1{k:07d}", f"Stichting Maatschappelijk Werk {p}", p, "") for k, p in enumerate(places)]
    ledger = [("Stichting Maatschappelijk Werk", "Deventer", ""), ("Vertriden Kantoorartikelen Hol", "Leiden", ""),
              ("Participatiebedrijf Arnhem Arn", "", "")]
    assert all(len(name) == 30 for name, _, _ in ledger)
    report = _match(ledger, register)
    got = dict(zip(report["ledger_name"], zip(report["status"], report["matched_kvk"], strict=True), strict=True))
    assert got["Stichting Maatschappelijk Werk"] == ("review", "05074579")
    assert got["Vertriden Kantoorartikelen Hol"] == ("review", "57965107")
    assert got["Participatiebedrijf Arnhem Arn"] == ("review", "35423001")


@pytest.mark.parametrize(("key", "value", "reason"), [
    ("cut_lengths", "30", "non-empty list of numbers"), ("cut_lengths", "[30.5]", "whole numbers"),
    ("cut_lengths", "[0]", ""), ("slip_min_letters", "1", "[2, 100]"), ("slip_min_letters", "5.5", "whole number"),
])
def test_bad_matching_settings_name_the_file_and_key(tmp_path, key, value, reason):
    """A copy of import.toml with a bad value is refused naming the file, the key and why."""
    text = default_settings_path().read_text(encoding="utf-8")
    bad = re.sub(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
    assert bad != text
    path = tmp_path / "import.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(PsoInputError) as refused:
        load_import_settings(path)
    message = str(refused.value)
    assert "import.toml" in message and f"matching.{key}" in message and reason in message
