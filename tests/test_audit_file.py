"""The audit file (explain --out FILE.pdf), read back as text: every row behind the numbers, the
rules version and sources, the date and the hash of every input file."""

from __future__ import annotations

import datetime as dt
import hashlib

import pypdf
from typer.testing import CliRunner

import pso_chain
from pso_chain.cli import app


def pdf_text(path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(path).pages)


def test_audit_file_holds_every_row_and_the_input_hashes(tmp_path):
    network = pso_chain.load_example()
    org = "90000004"
    path = pso_chain.audit_file(network, org, tmp_path / "audit.pdf", made_on=dt.date(2026, 1, 15))
    text = pdf_text(path)
    explained = pso_chain.explain(network, org)
    assert explained["name"] in text and "made on 2026-01-15" in text
    assert f"PSO rules {network.rules.version}" in text and "PSO-normen" in text
    for person in explained["direct"]["persons"]:
        assert str(person["row"]) in text
    for purchase in explained["purchases"]:
        assert str(purchase["row"]) in text and purchase["supplier_id"] in text
    assert f"{explained['total_pct']:,.4f}%" in text
    compact = text.replace(" ", "")
    for file in network.data.files.values():
        with open(file, "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() in compact


def test_cli_explain_pdf(tmp_path):
    out = tmp_path / "audit.pdf"
    result = CliRunner().invoke(app, ["explain", str(pso_chain.example_path()), "--org", "90000006",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Installatietechniek Epe" in pdf_text(out)
    bad = CliRunner().invoke(app, ["explain", str(pso_chain.example_path()), "--org", "90000006",
                                   "--out", str(tmp_path / "audit.doc")])
    assert bad.exit_code == 2
    missing = CliRunner().invoke(app, ["explain", str(pso_chain.example_path()), "--org", "12345678",
                                       "--out", str(out.with_name("x.pdf"))])
    assert missing.exit_code == 1 and "no organisation" in missing.output
