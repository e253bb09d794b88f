"""One TOML reader for the rules, the buyer defaults and the olievlek settings; every default
written once, in TOML, and read from there by the functions and the CLI help."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pso_chain.cli import app
from pso_chain.errors import PsoInputError, RulesError
from pso_chain.rules import default_rules_path, load_rules
from pso_chain.settings import (
    BUYER_DEFAULTS_NAME,
    OLIEVLEK_SETTINGS_NAME,
    BuyerDefaults,
    OlievlekSettings,
    defaults,
    load_buyer_defaults,
    load_settings,
    packaged,
)

LOADERS = {  # file -> (its loader, a key holding a number, the error type)
    BUYER_DEFAULTS_NAME: (load_buyer_defaults, ("uplift", "top"), PsoInputError),
    OLIEVLEK_SETTINGS_NAME: (load_settings, ("simulate", "threshold"), PsoInputError),
    "rules": (load_rules, ("indirect", "max_indirect_share"), RulesError),
}


def source(name: str) -> Path:
    return default_rules_path() if name == "rules" else packaged(name)


def with_value(name: str, key: tuple[str, str], value: str, tmp_path: Path) -> Path:
    """A copy of the packaged file with ``key`` set to the TOML text ``value``."""
    text = source(name).read_text(encoding="utf-8")
    section = text.index(f"[{key[0]}]")
    line = re.compile(rf"^{key[1]} = .*$", re.M).search(text, section)
    assert line, (name, key)
    out = tmp_path / f"{key[0]}-{key[1]}.toml"
    out.write_text(text[:line.start()] + f"{key[1]} = {value}" + text[line.end():], encoding="utf-8")
    return out


@pytest.mark.parametrize("name", list(LOADERS))
@pytest.mark.parametrize("bad", ['"five"', "-1", "true", "nan"])
def test_a_bad_value_names_the_file_and_the_key(name, bad, tmp_path):
    load, key, error = LOADERS[name]
    path = with_value(name, key, bad, tmp_path)
    with pytest.raises(error) as err:
        load(path)
    problem = err.value.problems.iloc[0]
    assert problem["file"] == str(path) and problem["column"] == ".".join(key)


@pytest.mark.parametrize("name", list(LOADERS))
def test_missing_and_malformed_files_are_bad_input(name, tmp_path):
    load, _, error = LOADERS[name]
    with pytest.raises(error, match="not found"):
        load(tmp_path / "nowhere.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[uplift\ntop = 5\n", encoding="utf-8")
    with pytest.raises(error, match="not valid TOML"):
        load(broken)


def test_defaults_are_written_only_in_toml():
    for kind in (BuyerDefaults, OlievlekSettings):
        for field in dataclasses.fields(kind):
            assert field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING, field
    raw = tomllib.loads(packaged(BUYER_DEFAULTS_NAME).read_text(encoding="utf-8"))
    conf = defaults()
    assert conf.buyers.uplift_top == raw["uplift"]["top"]
    assert conf.buyers.gain_per_eur == raw["suppliers"]["gain_per_eur"]
    assert conf.buyers.expiring_days == raw["compliance"]["expiring_days"]
    raw = tomllib.loads(packaged(OLIEVLEK_SETTINGS_NAME).read_text(encoding="utf-8"))
    assert conf.olievlek.threshold == raw["simulate"]["threshold"]
    assert conf.olievlek.report_top == raw["report"]["top"]


@pytest.mark.parametrize(("command", "value"), [
    (["uplift"], lambda d: d.buyers.uplift_top),
    (["substitutes"], lambda d: d.buyers.sbi_digits),
    (["compliance"], lambda d: d.buyers.expiring_days),
    (["olievlek", "simulate"], lambda d: d.olievlek.threshold),
])
def test_the_cli_help_states_the_toml_defaults(command, value):
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0
    assert re.search(rf"default:? {value(defaults()):g}\b", result.output), result.output
