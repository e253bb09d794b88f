"""The message catalogue: every language holds the same keys with the same placeholders, every
key the code names exists, and the formatters write what the glossary says."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from pso_chain import messages

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = sorted({key.split(".", 1)[0] for key in messages.catalogue("nl")})
# a key written out in code: "section.name" as the first argument of a call (text, maybe, t, ...)
SECTION = "|".join(map(re.escape, SECTIONS))
KEY_IN_CODE = re.compile(rf"""\b(?:text|maybe|has|t|msg|word)\(\s*["']((?:{SECTION})\.[A-Za-z0-9_]+)["']""")
# the commands' texts (t("name") is cli.name), the engine's codes (coded("name", ...)) and the
# report's labels (lab("name"), self("name")) by their bare names
BARE = {"cli": re.compile(r"""\bt\(\s*f?["']([a-z_0-9]+)["']"""),
        "codes": re.compile(r"""\bcoded\(\s*["']([a-z_0-9]+)["']""")}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_language_has_the_same_keys():
    nl, en = messages.catalogue("nl"), messages.catalogue("en")
    assert sorted(set(nl) - set(en)) == [] and sorted(set(en) - set(nl)) == []


def test_every_text_has_the_same_placeholders_in_every_language():
    nl, en = messages.catalogue("nl"), messages.catalogue("en")
    differ = {key: (_fields(nl[key]), _fields(en[key])) for key in nl
              if _fields(nl[key]) != _fields(en[key])}
    assert differ == {}


def test_every_key_named_in_the_code_exists():
    files = [*ROOT.joinpath("pso_chain").rglob("*.py"), *ROOT.joinpath("pso_chain").rglob("*.html")]
    used = {(path.relative_to(ROOT).as_posix(), key) for path in files
            for key in KEY_IN_CODE.findall(path.read_text(encoding="utf-8"))}
    commands = [*ROOT.joinpath("pso_chain", "commands").glob("*.py"), *ROOT.joinpath("pso_chain").rglob("*.py")]
    for section, pattern in BARE.items():
        for path in commands if section == "codes" else ROOT.joinpath("pso_chain", "commands").glob("*.py"):
            used |= {(path.relative_to(ROOT).as_posix(), f"{section}.{name}")
                     for name in pattern.findall(path.read_text(encoding="utf-8"))}
    missing = sorted((path, key) for path, key in used if not messages.has(key))
    assert missing == []
    assert len(used) > 100  # the scan finds the code's keys at all


def test_every_word_of_the_web_pages_exists():
    """The templates and routes ask the [web] table by its bare name (``t("employees")``)."""
    web = ROOT / "pso_chain" / "web"
    used = {name for path in [*web.rglob("*.html"), *web.glob("*.py")]
            for name in re.findall(r"""\bt\(\s*["']([a-z_0-9]+)["']""", path.read_text(encoding="utf-8"))}
    assert len(used) > 50
    # a name ending in "_" is a prefix completed in the template ("qs_status_" ~ status)
    keys = [k for k in messages.catalogue("nl") if k.startswith("web.")]
    assert sorted(name for name in used if not (messages.has(f"web.{name}") or name.endswith("_") and any(
        k.startswith(f"web.{name}") for k in keys))) == []


def test_glossary_terms():
    nl = messages.catalogue("nl")
    words = " ".join(nl.values()).lower()
    for wrong in ("medewerker", "afnemer", " koper", "code-inkoper", "tredes", "jaarlijkse"):
        assert wrong not in words, wrong
    assert nl["columns.employees"] == "werknemers" and nl["web.employees"] == "Werknemers"


@pytest.mark.parametrize(("lang", "expected"), [
    ("nl", ("1.234.567,89", "25,70%", "€ 1.234,56", "31-12-2025", "ja", "nee")),
    ("en", ("1,234,567.89", "25.70%", "€ 1,234.56", "2025-12-31", "yes", "no")),
])
def test_formats(lang, expected):
    got = (messages.number(1234567.891, lang, 2), messages.percent(25.7, lang, 2),
           messages.money(1234.56, lang), messages.date("2025-12-31", lang),
           messages.boolean(True, lang), messages.boolean(False, lang))
    assert got == expected


def test_rounding_follows_the_float_and_an_unknown_language_is_bad_input():
    assert messages.number(2.675, "nl", 2) == "2,67"  # the float 2.675 lies below 2.675
    assert messages.number(-0.5, "en", 0) in ("-0", "-1", "0")
    with pytest.raises(Exception, match="lang"):
        messages.text("words.yes", "de")


def test_problem_frames_and_row_numbers_read_as_written():
    """A problem's place in Dutch and English; a row number or a firm's name in a coded note is
    never written as a grouped number ("rij 12345", not "rij 12.345")."""
    from pso_chain.errors import Problem, PsoInputError, coded
    from pso_chain.messages import readable

    error = PsoInputError(Problem("purchases.csv", 12345, "date", "x", "not_a_date"))
    assert str(error) == "purchases.csv, row 12345, column date (value 'x'): not a date (use YYYY-MM-DD or DD-MM-YYYY)"
    assert error.describe("nl").startswith("purchases.csv, rij 12345, kolom date (waarde 'x'): geen datum")
    note = coded("ledger_bad_kvk", file="a.csv", row=12345, value="'123'")
    assert readable(note, "nl") == "a.csv, rij 12345: '123' is geen KvK-nummer (8 cijfers): op naam gezocht"
    assert "12345: telt mee" in readable(coded("figures_missing", name="12345", missing="missing_revenue"), "nl")
