"""Acceptance (issue 18, point 2): with no language option, what people read is Dutch.

Every verb runs on the bundled example with no ``--lang``; its terminal output and its XLSX
workbook (``--out x.xlsx``) must hold no English word of :data:`ENGLISH` and no English number
format (``1,234.56``, ``4.38%``). Organisation names and ids of the data, command lines
(``pso-chain explain ...``), file paths and the machine column names of ``--out x.csv`` hints
are left out of the reading. Numbers in a workbook are numbers (Excel formats them in the
reader's locale); only text cells are read.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import pso_chain
from pso_chain.cli import app

EXAMPLE = str(pso_chain.example_path())
BIDS = str(resources.files("pso_chain.data").joinpath("tender-bids-example.csv"))

VERBS: dict[str, list[str]] = {
    "demo": ["demo"],
    "validate": ["validate", EXAMPLE],
    "credits": ["credits", EXAMPLE],
    "explain": ["explain", EXAMPLE, "--org", "90000008"],
    "uplift": ["uplift", EXAMPLE, "--org", "90000006"],
    "uplift-cap": ["uplift", EXAMPLE, "--org", "90000002"],
    "uplift-qualitative": ["uplift", EXAMPLE, "--org", "90000005"],
    "uplift-plan-year": ["uplift", EXAMPLE, "--org", "90000008", "--plan-year", "2026"],
    "suppliers": ["suppliers", EXAMPLE],
    "substitutes": ["substitutes", EXAMPLE, "--org", "90000011"],
    "compliance": ["compliance", EXAMPLE, "--org", "90000008", "--on", "2025-12-31"],
    "tender": ["tender", EXAMPLE, BIDS, "--on", "2025-10-01"],
    "sroi": ["sroi", EXAMPLE, "--on", "2025-12-31"],
    "exposure": ["olievlek", "exposure", EXAMPLE],
    "history": ["olievlek", "history", EXAMPLE],
    "simulate": ["olievlek", "simulate", EXAMPLE],
    "seeds": ["olievlek", "seeds", EXAMPLE, "--k", "2"],
    "stats": ["olievlek", "stats", EXAMPLE],
    "embodied": ["embodied", EXAMPLE],
}
NO_WORKBOOK = {"demo"}

# English words that are no Dutch words ("in", "is", "of", "per", "code", "contract", "direct",
# "status", "norm" are Dutch too and stay out)
ENGLISH = frozenset("""
    supplier suppliers buyer buyers employees employee total certified certificate not the and
    roots root discount on_track at_risk yes no true false none missing with from purchases
    purchase spend level valid until expired rounds organisations organisation reason target which
    are cap applied reached tier tiers prospects share counted counting years year rows wrote
    errors warnings error warning fee band more for to by than this that without new newly
    same generation generations largest assessment price points contracts obligation
    remaining fulfilled due risk track simulation seed seeds embodied gap reachable yield after
    before left out wider file only holds holder starts does count counts under when any day has
    done expiring renewed send ask switch letters summary checked copy award ranking bids bid
    fictitious qualitative passed meets below above threshold pressure trigger parent source
    weight position hours months persons person formula row rule rules version dataset scored
    highest closest needs needed alone lifts priced buyer's supplier's self purchasing
    cheapest way which whose it its one two three hours kind sales unreachable marginal tip
    renewal scored story running computing elsewhere nothing already gain cumulative people
    revenue sales buys bought spent name names
""".split())
WORD = re.compile(r"[A-Za-z']+")  # an untranslated column name (marginal_gain) is read word by word
ENGLISH_NUMBER = re.compile(r"\d,\d{3}(?!\d)(?:\.\d+)?(?![\d.,]*,)|\d\.\d+\s?%|(?<![\d.])\d+\.\d{1,2}(?![\d.])")


def _names_and_ids() -> list[str]:
    orgs = pd.read_csv(Path(EXAMPLE) / "organisations.csv", dtype=str)
    return sorted({*orgs["name"].dropna(), *orgs["org_id"].dropna()}, key=len, reverse=True)


NAMES = _names_and_ids()


def _readable(text: str) -> str:
    """The text without what is no language: organisation names and ids, command lines, paths,
    dotted version numbers of the rules."""
    for name in NAMES:
        text = text.replace(name, " ")
    text = re.sub(r"pso-chain[\w /.|-]*", " ", text)  # a command line to type
    text = re.sub(r"--[a-z-]+( [A-Z]+)?", " ", text)  # an option to type
    text = re.sub(r"\S*[/\\]\S*", " ", text)  # a path
    text = re.sub(r"\b\w+\.(csv|xlsx|json|parquet|toml|md|html|pdf|png)\b", " ", text)  # a file
    text = re.sub(r"(?:(?:PSO-regels|versie|regelbestand|bouwblokken)[\s|]*)+\S+", " ", text, flags=re.I)
    return text


def english_in(text: str) -> dict[str, str]:
    """Each English word or number format found, with the line it stands in."""
    found: dict[str, str] = {}
    for line in _readable(text).splitlines():
        for word in WORD.findall(line):
            if word.lower().strip("'") in ENGLISH:
                found.setdefault(word.lower(), line.strip()[:160])
        for number in ENGLISH_NUMBER.findall(line):
            found.setdefault(f"number {number}", line.strip()[:160])
    return found


def workbook_text(path: Path) -> str:
    """Sheet names and every text cell of a workbook (numbers are numbers, not text)."""
    book = load_workbook(path)
    lines = []
    for sheet in book.worksheets:
        lines.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            lines.append(" | ".join(v for v in row if isinstance(v, str)))
    return "\n".join(lines)


runner = CliRunner()


def run(args: list[str]) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("verb", list(VERBS))
def test_the_terminal_is_dutch(verb):
    assert english_in(run(VERBS[verb])) == {}


@pytest.mark.parametrize("verb", [v for v in VERBS if v not in NO_WORKBOOK])
def test_the_workbook_is_dutch(verb, tmp_path):
    book = tmp_path / f"{verb}.xlsx"
    said = run([*VERBS[verb], "--out", str(book)])
    assert english_in(said) == {}
    assert english_in(workbook_text(book)) == {}


def test_the_reading_finds_english():
    found = english_in("supplier is not certified; total 4.38% and € 1,234.56 | 90000008")
    assert {"supplier", "not", "certified", "total", "and", "number 4.38%", "number 1,234.56"} <= set(found)
    assert english_in("leverancier 90000008 is niet gecertificeerd; totaal 4,38% en € 1.234,56") == {}
