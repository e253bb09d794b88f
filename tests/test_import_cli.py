"""The import and quickscan commands: every bad input exits 1 naming file, row or element and
reason; --accept-review and --allow-missing-figures are said in every output; XML and zip
archives are read safely."""

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest
from pso_chain.loaders.names import kvk_numbers
from typer.testing import CliRunner

from pso_chain.cli import app
from tests.import_fixtures import make_world, ubl_document, write_afas, write_ubl_folder

runner = CliRunner()


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    base = tmp_path_factory.mktemp("cli-books")
    w = make_world(seed=5, n_register=1200, n_suppliers=40)
    lists = w.write_lists(base)
    lists["ledger"] = write_afas(w.invoices, base / "afas.csv")
    return w, base, lists


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def common(lists: dict) -> list:
    return ["--register", lists["register"], "--sw", lists["sw"], "--figures", lists["figures"],
            "--buyer", lists["buyer"]]


def errors(result) -> str:
    return " ".join((result.stderr or result.output).split())


def test_import_ledger_writes_dataset_report_and_request_list(books, tmp_path):
    w, base, lists = books
    out = tmp_path / "ds"
    result = run("import", "ledger", lists["ledger"], *common(lists), "--out", out)
    assert result.exit_code == 0, result.output
    for name in ("organisations.csv", "purchases.csv", "certifications.csv"):
        assert (out / name).is_file()
    report = pd.read_csv(tmp_path / "ds-match-report.csv", dtype=str, keep_default_na=False)
    assert list(report.columns[:10]) == ["ledger_name", "ledger_kvk", "ledger_place", "amount_eur", "status",
                                         "method", "score", "matched_kvk", "matched_name", "matched_level"]
    assert (tmp_path / "ds-match-report.xlsx").is_file() and (tmp_path / "ds-request-list.csv").is_file()
    purchases = pd.read_csv(out / "purchases.csv", dtype=str)
    assert purchases["source"].str.startswith("afas.csv row ").all()
    # explain names the invoices behind each amount
    ex = run("explain", out, "--org", w.buyer["org_id"].iat[0], "--out", tmp_path / "ex.json")
    assert ex.exit_code == 0
    explained = json.loads((tmp_path / "ex.json").read_text())
    assert all(p["source"] and p["invoice_id"] for p in explained["purchases"])


def test_accept_review_is_said_in_every_output(books, tmp_path):
    w, base, lists = books
    out = tmp_path / "ds"
    assert run("import", "ledger", lists["ledger"], *common(lists), "--accept-review", "--out", out).exit_code == 0
    assert "--accept-review" in (out / "notes.txt").read_text()
    report = pd.read_csv(tmp_path / "ds-match-report.csv", dtype=str, keep_default_na=False)
    review = report[report["status"] == "review"]
    assert len(review) and review["note"].str.contains("--accept-review").all()
    sheets = pd.read_excel(tmp_path / "ds-match-report.xlsx", sheet_name=None, header=None)
    assert any(frame.astype(str).apply(lambda c: c.str.contains("--accept-review")).any().any()
               for frame in sheets.values())
    for suffix in (".json", ".html", ".xlsx"):
        scan = tmp_path / f"scan{suffix}"
        result = run("quickscan", "--ledger", lists["ledger"], *common(lists), "--accept-review", "--out", scan)
        assert result.exit_code == 0 and "accept-review" in result.output
        if suffix == ".json":
            data = json.loads(scan.read_text())
            assert any("--accept-review" in n for n in data["notes"])
            assert {"direct_pct", "total_pct", "trede", "indirect_counted_pct"} <= set(data["credits"])
        elif suffix == ".html":
            assert "--accept-review" in scan.read_text()
        else:
            summary = pd.read_excel(scan, sheet_name=0, header=None)
            assert summary.astype(str).apply(lambda c: c.str.contains("--accept-review")).any().any()
    terminal = run("quickscan", "--ledger", lists["ledger"], *common(lists), "--accept-review")
    assert terminal.exit_code == 0 and "ZONDER bevestiging" in terminal.output


def test_missing_figures_exit_1_naming_them_unless_allowed(books, tmp_path):
    w, base, lists = books
    args = ["import", "ledger", lists["ledger"], "--register", lists["register"], "--sw", lists["sw"],
            "--buyer", lists["buyer"], "--out", tmp_path / "ds"]
    result = run(*args)
    assert result.exit_code == 1
    requests = pd.read_csv(tmp_path / "ds-request-list.csv", dtype=str)
    assert len(requests) and all(k in errors(result) for k in requests["kvk"])
    allowed = run(*args, "--allow-missing-figures")
    assert allowed.exit_code == 0
    assert "--allow-missing-figures" in (tmp_path / "ds" / "notes.txt").read_text()
    # they do not count: no purchase is booked on their KvK (the register keeps them, searchable)
    purchases = pd.read_csv(tmp_path / "ds" / "purchases.csv", dtype=str, keep_default_na=False)
    assert not purchases["supplier_id"].isin(requests["kvk"]).any()


def test_override_naming_an_unknown_kvk_is_bad_input(books, tmp_path):
    w, base, lists = books
    run("import", "ledger", lists["ledger"], *common(lists), "--out", tmp_path / "ds")
    report = pd.read_csv(tmp_path / "ds-match-report.csv", dtype=str, keep_default_na=False)
    report.loc[0, ["status", "matched_kvk"]] = ["accepted", "12345670"]
    report.to_csv(tmp_path / "over.csv", index=False)
    result = run("import", "ledger", lists["ledger"], *common(lists), "--overrides", tmp_path / "over.csv",
                 "--out", tmp_path / "ds2")
    assert result.exit_code == 1
    assert "over.csv, rij 2, kolom matched_kvk" in errors(result) and "not in the register" in errors(result)


def test_overrides_decide_the_review_band(books, tmp_path):
    w, base, lists = books
    run("import", "ledger", lists["ledger"], *common(lists), "--out", tmp_path / "ds")
    report = pd.read_csv(tmp_path / "ds-match-report.csv", dtype=str, keep_default_na=False)
    review = report.index[report["status"] == "review"]
    assert len(review)
    report.loc[review, "status"] = "afgewezen"  # as the Dutch terminal writes it
    report.to_csv(tmp_path / "over.csv", index=False)
    run("import", "ledger", lists["ledger"], *common(lists), "--overrides", tmp_path / "over.csv",
        "--out", tmp_path / "ds2")
    again = pd.read_csv(tmp_path / "ds2-match-report.csv", dtype=str, keep_default_na=False)
    assert (again["status"] == "review").sum() == 0
    assert (again.loc[review, "status"] == "unmatched").all()
    assert (again.loc[review, "method"] == "override").all()
    accepted = report["status"] == "accepted"  # accepted rows of the report are kept as they are
    assert (again.loc[accepted, "matched_kvk"] == report.loc[accepted, "matched_kvk"]).all()


@pytest.mark.parametrize("content,expected", [
    ("Leverancier;Plaats\nJansen;Zwolle\n", "no amount column found"),
    ("Leverancier;Bedrag;Valuta;Datum\nJansen;100,00;EUR;01-02-2025\nBakker;50,00;USD;01-02-2025\n",
     "row 3, column Valuta (value 'USD'): amount not in EUR"),
    ("Leverancier;Bedrag incl. btw;Datum\nJansen;121,00;01-02-2025\n", "give --vat PCT"),
    ("Leverancier;Bedrag\nJansen;100,00\n", "no date or year for this row"),
    ("Leverancier;Bedrag;Datum\nJansen;honderd;01-02-2025\n", "row 2, column Bedrag (value 'honderd')"),
])
def test_bad_ledgers_exit_1_with_file_row_and_reason(books, tmp_path, content, expected):
    w, base, lists = books
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(content, encoding="utf-8")
    result = run("--lang", "en", "import", "ledger", ledger, *common(lists), "--out", tmp_path / "ds")
    assert result.exit_code == 1
    assert "ledger.csv" in errors(result) and expected in errors(result)
    dutch = errors(run("import", "ledger", ledger, *common(lists), "--out", tmp_path / "ds"))
    assert "ledger.csv" in dutch and expected not in dutch  # the default: the same in Dutch


def test_vat_inclusive_ledger_with_vat(books, tmp_path):
    w, base, lists = books
    ledger = tmp_path / "incl.csv"
    row = w.invoices.iloc[0]
    ledger.write_text(f"Leverancier;Plaats;Bedrag incl. btw;Jaar\n{row['supplier_name']};{row['place']};121,00;2025\n")
    result = run("import", "ledger", ledger, *common(lists), "--vat", "21", "--allow-missing-figures",
                 "--out", tmp_path / "ds")
    assert result.exit_code == 0, result.output
    purchases = pd.read_csv(tmp_path / "ds" / "purchases.csv")
    assert purchases["amount_eur"].tolist() == pytest.approx([100.0])


def test_unreadable_ledger(books, tmp_path):
    w, base, lists = books
    bad = tmp_path / "export.xlsx"
    bad.write_bytes(b"not a workbook")
    result = run("import", "ledger", bad, *common(lists), "--out", tmp_path / "ds")
    assert result.exit_code == 1 and "export.xlsx" in errors(result) and "not a readable .xlsx" in errors(result)


def _ubl_row(w) -> dict:
    return w.invoices[w.invoices["type"] == "invoice"].iloc[0].to_dict()


def test_bad_ubl_files_in_dutch(books, tmp_path):
    """The default language: the UBL problems in Dutch, the file still named."""
    w, base, lists = books
    folder = write_ubl_folder(w.invoices.head(3), tmp_path / "ubl")
    doc = ubl_document(_ubl_row(w)).replace('currencyID="EUR">', 'currencyID="USD">')
    (folder / "broken.xml").write_text(doc, encoding="utf-8")
    said = errors(run("import", "ubl", folder, *common(lists), "--out", tmp_path / "ds"))
    assert "broken.xml" in said and "factuur niet in EUR" in said and "invoice not in" not in said


@pytest.mark.parametrize("mutate,expected", [
    (lambda doc: "this is not xml", "not well-formed XML"),
    (lambda doc: doc.replace('currencyID="EUR">', 'currencyID="USD">'), "invoice not in EUR"),
    (lambda doc: doc.replace("<cbc:TaxExclusiveAmount", "<cbc:Other").replace("</cbc:TaxExclusiveAmount>", "</cbc:Other>"),
     "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount: amount excluding VAT is missing"),
    (lambda doc: doc.replace('<?xml version="1.0" encoding="UTF-8"?>',
                             '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>')
     .replace("<cbc:ID>", "<cbc:ID>&lol2;", 1), "refused: the XML declares a DTD or entities"),
])
def test_bad_ubl_files_are_named(books, tmp_path, mutate, expected):
    w, base, lists = books
    folder = write_ubl_folder(w.invoices.head(3), tmp_path / "ubl")
    (folder / "broken.xml").write_text(mutate(ubl_document(_ubl_row(w))), encoding="utf-8")
    result = run("--lang", "en", "import", "ubl", folder, *common(lists), "--out", tmp_path / "ds")
    assert result.exit_code == 1
    assert "broken.xml" in errors(result) and expected in errors(result)


def test_zip_archives_read_and_refused_safely(books, tmp_path):
    w, base, lists = books
    good = tmp_path / "invoices.zip"
    with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as z:
        for row in w.invoices.to_dict(orient="records"):
            z.writestr(f"2025/{row['invoice_id']}.xml", ubl_document(row))
    assert run("import", "ubl", good, *common(lists), "--accept-review", "--out", tmp_path / "ds").exit_code == 0
    traversal = tmp_path / "evil.zip"
    with zipfile.ZipFile(traversal, "w") as z:
        z.writestr("../../etc/evil.xml", ubl_document(_ubl_row(w)))
    result = run("import", "ubl", traversal, *common(lists), "--out", tmp_path / "ds2")
    assert result.exit_code == 1 and "member name points outside the archive" in errors(result)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.xml", b"<a>" + b" " * 50_000_000 + b"</a>")
    result = run("import", "ubl", bomb, *common(lists), "--out", tmp_path / "ds3")
    assert result.exit_code == 1 and "zip bomb" in errors(result)


def test_kvk_numbers_are_eight_digits_not_vestigingsnummers():
    kvk, bad = kvk_numbers(pd.Series(["1234 5678", "12.34.56.78", "123456780001", "", 1234567.0, "K1234567"]))
    assert kvk.tolist() == ["12345678", "12345678", "", "", "01234567", ""]
    assert bad.tolist() == [False, False, True, False, False, True]


def test_map_names_columns_the_recogniser_does_not_know(books, tmp_path):
    w, base, lists = books
    row = w.invoices.iloc[0]
    ledger = tmp_path / "odd.csv"
    ledger.write_text(f"Wie;Waar;Hoeveel;Wanneer\n{row['supplier_name']};{row['place']};100,50;03-02-2025\n",
                      encoding="utf-8")
    args = ["import", "ledger", ledger, *common(lists), "--allow-missing-figures", "--out", tmp_path / "ds"]
    assert run(*args).exit_code == 1
    result = run(*args, "--map", "Wie=supplier_name", "--map", "Waar=place", "--map", "Hoeveel=amount_excl",
                 "--map", "Wanneer=date")
    assert result.exit_code == 0, result.output
    purchases = pd.read_csv(tmp_path / "ds" / "purchases.csv")
    assert purchases["amount_eur"].tolist() == [100.5] and purchases["date"].tolist() == ["2025-02-03"]
    bad = run(*args, "--map", "Wie=nonsense")
    assert bad.exit_code == 1 and "KOLOM=VELD" in errors(bad)


def test_an_xlsx_match_report_works_as_overrides(books, tmp_path):
    w, base, lists = books
    run("import", "ledger", lists["ledger"], *common(lists), "--out", tmp_path / "ds")
    report = pd.read_excel(tmp_path / "ds-match-report.xlsx", dtype=str).fillna("")
    review = report.index[report["status"] == "review"]
    report.loc[review, "status"] = "rejected"
    report.to_excel(tmp_path / "over.xlsx", index=False)
    result = run("import", "ledger", lists["ledger"], *common(lists), "--overrides", tmp_path / "over.xlsx",
                 "--out", tmp_path / "ds2")
    assert result.exit_code == 0, result.output
    again = pd.read_csv(tmp_path / "ds2-match-report.csv", dtype=str, keep_default_na=False)
    assert (again["status"] == "review").sum() == 0 and "override row(s) name a supplier" not in result.output


def test_quickscan_from_ubl_equals_quickscan_from_the_ledger(books, tmp_path):
    w, base, lists = books
    folder = write_ubl_folder(w.invoices, tmp_path / "ubl")
    by_ubl = run("quickscan", "--ubl", folder, *common(lists), "--accept-review", "--out", tmp_path / "u.json")
    by_ledger = run("quickscan", "--ledger", lists["ledger"], *common(lists), "--accept-review",
                    "--out", tmp_path / "l.json")
    assert by_ubl.exit_code == 0 and by_ledger.exit_code == 0
    u, led = (json.loads((tmp_path / f).read_text())["credits"] for f in ("u.json", "l.json"))
    assert u["total_pct"] == pytest.approx(led["total_pct"], rel=1e-12) and u["trede"] == led["trede"]
    assert run("quickscan", *common(lists)).exit_code == 2  # neither --ledger nor --ubl


def test_match_report_csv_cannot_run_formulas():
    """A ledger name starting with = + - @ is written with a leading ' in the CSV people open in
    a spreadsheet (the reader of --overrides takes it off again)."""
    from pso_chain.outputs.files import spreadsheet_safe

    frame = pd.DataFrame({"ledger_name": ["=HYPERLINK(\"x\")", "+31 Bouw", "-Kort", "@Home", "Gewoon"],
                          "amount_eur": [1.0, -2.0, 3.0, 4.0, 5.0]})
    safe = spreadsheet_safe(frame)
    assert safe["ledger_name"].tolist() == ["'=HYPERLINK(\"x\")", "'+31 Bouw", "'-Kort", "'@Home", "Gewoon"]
    assert safe["amount_eur"].tolist() == frame["amount_eur"].tolist()  # numbers untouched
