"""The audit file (explain --out FILE.pdf), read back as text: every row behind the numbers, the
rules version and sources, the date and the hash of every input file; in Dutch a readable
document (issue 18, acceptance 4): every column heading whole, no English heading, no raw column
name, dates whole as dd-mm-yyyy, page numbers, the wide annex on landscape pages."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pypdf
import pytest
from typer.testing import CliRunner

import pso_chain
from pso_chain import messages
from pso_chain.cli import app
from pso_chain.outputs.audit import PERSON_COLUMNS, PURCHASE_COLUMNS
from pso_chain.outputs.pdf import heading
from tests.test_dutch_outputs import english_in

RAW_COLUMNS = [*PURCHASE_COLUMNS, *PERSON_COLUMNS, "target_fte", "direct_pct", "indirect_pct",
               "indirect_counted_pct", "total_pct", "norm_trede1", "cap_pct", "max_indirect_share"]


def page_texts(path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(path).pages]


def pdf_text(path) -> str:
    return " ".join(page_texts(path))


def busiest_buyer(network) -> str:
    """The buyer with the most purchase rows in the example."""
    counts = network.purchases["buyer"].value_counts()
    return str(network.org_ids[int(counts.idxmax())])


@pytest.fixture(scope="module")
def busiest(tmp_path_factory):
    network = pso_chain.load_example()
    org = busiest_buyer(network)
    path = pso_chain.audit_file(network, org, tmp_path_factory.mktemp("audit") / "audit.pdf",
                                made_on=dt.date(2026, 1, 15))
    return network, pso_chain.explain(network, org), path


def test_the_busiest_buyers_audit_file_has_every_heading_whole(busiest):
    network, explained, path = busiest
    pages = page_texts(path)
    text = " ".join(pages)
    shown = [c for c in PURCHASE_COLUMNS if c in explained["purchases"][0]]
    headings = [heading("nl", c) for c in [*shown, "size", "trede1", "trede2", "trede3", "table",
                                           "file", "sha256"]]
    assert {"leverancier", "datum", "bedrag", "reden", "telt"} <= set(headings)
    for said in headings:
        assert said in text, said
    # the annex: landscape pages, each with the heading row repeated
    annex = [i for i, page in enumerate(pages) if "Bijlage B" in page][0]
    reader = pypdf.PdfReader(path)
    assert len(pages) - annex >= 10  # hundreds of rows over many pages
    for i in range(annex, len(pages)):
        box = reader.pages[i].mediabox
        assert box.width > box.height, f"page {i + 1} is not landscape"
        for said in (heading("nl", "supplier_id"), heading("nl", "reason"), heading("nl", "amount_eur")):
            assert said in pages[i], (i + 1, said)
    # no English heading, no raw column name, no English word or number format
    for column in shown:
        english = heading("en", column)
        if english != heading("nl", column):
            assert not re.search(rf"\b{re.escape(english)}\b", text), english
    for raw in RAW_COLUMNS:
        assert raw not in text, raw
    assert english_in("\n".join(pages)) == {}
    # page numbers on every page
    for i, page in enumerate(pages, 1):
        assert f"pagina {i} van {len(pages)}" in page
    # dates whole, as dd-mm-yyyy: every dated purchase row's date, no ISO date, none cut
    dated = {p["date"] for p in explained["purchases"] if p["date"]}
    assert len(dated) > 20
    for day in dated:
        assert messages.date(day, "nl") in text, day
    assert re.search(r"\d{4}-\d{2}-\d{2}", text) is None
    assert re.search(r"\b\d{2}-\d{2}-(?!\d{4}\b)", text) is None
    # money and percentages in Dutch
    assert messages.money(explained["purchases"][0]["amount_eur"], "nl") in text
    assert f"totaal = direct + indirect geteld = {messages.percent(0, 'nl', 4)}" in text
    assert f"PSO-bijdrage per jaar (klasse {explained['fee']['band']} werknemers): " \
           f"{messages.money(explained['fee']['eur_per_year'], 'nl')}" in text


def test_audit_file_holds_every_row_and_the_input_hashes(tmp_path):
    network = pso_chain.load_example()
    org = "90000004"
    path = pso_chain.audit_file(network, org, tmp_path / "audit.pdf", made_on=dt.date(2026, 1, 15))
    text = pdf_text(path)
    explained = pso_chain.explain(network, org)
    assert explained["name"] in text and "gemaakt op 15-01-2026" in text
    assert f"PSO-regels {network.rules.version}" in text and "PSO-normen" in text
    for person in explained["direct"]["persons"]:
        assert f"{person['row']} {person['person_id']}" in text
    for said in ("uitgangspositie", "contractvorm", "gewogen fte", "begeleid werken"):
        assert said in text
    for purchase in explained["purchases"]:
        assert str(purchase["row"]) in text and purchase["supplier_id"] in text
    assert messages.percent(explained["total_pct"], "nl", 4) in text
    compact = text.replace(" ", "")
    for file in network.data.files.values():
        with open(file, "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() in compact
    for raw in RAW_COLUMNS:
        assert raw not in text, raw


def test_audit_file_in_english(tmp_path):
    network = pso_chain.load_example()
    org = "90000004"
    path = pso_chain.audit_file(network, org, tmp_path / "audit.pdf", made_on=dt.date(2026, 1, 15),
                                lang="en")
    text = pdf_text(path)
    explained = pso_chain.explain(network, org)
    assert "PSO audit file" in text and "made on 2026-01-15" in text
    assert f"PSO rules {network.rules.version}" in text and "page 1 of 2" in text
    assert messages.percent(explained["total_pct"], "en", 4) in text
    for said in ("start position", "contract type", "weighted FTE", "supported employment"):
        assert said in text
    assert "pagina" not in text and "werknemers (normrij)" not in text


def test_cli_explain_pdf(tmp_path):
    out = tmp_path / "audit.pdf"
    result = CliRunner().invoke(app, ["explain", str(pso_chain.example_path()), "--org", "90000006",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = pdf_text(out)
    assert "Installatietechniek Epe" in text and "PSO-auditdossier" in text
    english = CliRunner().invoke(app, ["--lang", "en", "explain", str(pso_chain.example_path()), "--org",
                                       "90000006", "--out", str(out)])
    assert english.exit_code == 0, english.output
    assert "PSO audit file" in pdf_text(out)
    bad = CliRunner().invoke(app, ["explain", str(pso_chain.example_path()), "--org", "90000006",
                                   "--out", str(tmp_path / "audit.doc")])
    assert bad.exit_code == 2
    missing = CliRunner().invoke(app, ["explain", str(pso_chain.example_path()), "--org", "12345678",
                                       "--out", str(out.with_name("x.pdf"))])
    assert missing.exit_code == 1 and "geen organisatie met deze org_id" in missing.output
