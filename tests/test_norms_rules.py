"""Hand-computed cases on the published norm table, full scores worked by hand, fee bands,
malformed rules files and the ``--rules FILE`` override.

Every expected number here is read from docs/pso-rules.md or worked out by hand in the
comment beside it, never from the engine's rules file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pso_chain.cli import app
from pso_chain.core.explanation import explain
from pso_chain.core.loading import load_network
from pso_chain.core.scoring import credits, score_arrays
from pso_chain.errors import RulesError
from pso_chain.rules import default_rules_path, load_rules
from tests.datasets import buy, org, write_tables
from tests.test_scoring_oracle import oracle_norms


@pytest.fixture(scope="module")
def rules():
    return load_rules()


# --- norms: exact published rows, below the first, above the last, interpolation ---------------
@pytest.mark.parametrize(("size", "expected"), [
    (2, (21.4, 28.0, 33.0)),
    (5, (12.6, 17.0, 22.0)),
    (10, (6.7, 9.0, 15.5)),
    (45, (3.4, 4.6, 7.4)),
    (50, (3.0, 3.7, 6.8)),
    (100, (1.5, 2.1, 3.9)),
    (105, (1.4, 1.9, 3.7)),
    (106, (1.4, 1.9, 3.7)),
    (5000, (1.4, 1.9, 3.7)),
    (1, (21.4, 28.0, 33.0)),   # below the first row: row 2
    (0, (21.4, 28.0, 33.0)),
    (12, (6.5, 8.6, 14.5)),    # 10 + 2/5 of the way to 15: 6.7-0.2, 9.0-0.4, 15.5-1.0
    (55, (2.8, 3.55, 6.25)),   # halfway between 50 and 60
    (103, (1.44, 1.98, 3.78)),  # 3/5 of the way from 100 to 105
])
def test_norms_on_published_rows(rules, size: int, expected: tuple) -> None:
    assert rules.norms([size])[0].tolist() == pytest.approx(list(expected), rel=1e-12)


def test_norm_columns_in_credits(tmp_path: Path) -> None:
    sizes = {"A": 10, "B": 50, "C": 105, "D": 5000, "E": 1, "F": 12}
    write_tables(tmp_path, [org(k, employees=v) for k, v in sizes.items()], [buy("A", "B", 10.0)])
    scores = credits(load_network(tmp_path)).set_index("org_id")
    norms = scores[["norm_trede1", "norm_trede2", "norm_trede3"]]
    assert norms.loc["A"].tolist() == pytest.approx([6.7, 9.0, 15.5])
    assert norms.loc["B"].tolist() == pytest.approx([3.0, 3.7, 6.8])
    assert norms.loc["C"].tolist() == pytest.approx([1.4, 1.9, 3.7])
    assert norms.loc["D"].tolist() == pytest.approx([1.4, 1.9, 3.7])
    assert norms.loc["E"].tolist() == pytest.approx([21.4, 28.0, 33.0])
    assert norms.loc["F"].tolist() == pytest.approx([6.5, 8.6, 14.5])


def test_explain_shows_norm_rows_and_interpolation(tmp_path: Path) -> None:
    write_tables(tmp_path, [org("A", employees=12), org("B", employees=50), org("C", employees=1),
                            org("D", employees=200)], [buy("A", "B", 10.0)])
    net = load_network(tmp_path)
    between = explain(net, "A")["norms"]
    assert [r["size"] for r in between["rows"]] == [10, 15]
    assert between["fraction"] == pytest.approx(0.4)
    assert between["method"].startswith("norm_interpolated")  # a code, read in the language
    exact = explain(net, "B")["norms"]
    assert [r["size"] for r in exact["rows"]] == [50] and exact["method"].startswith("norm_exact")
    assert [r["size"] for r in explain(net, "C")["norms"]["rows"]] == [2]
    assert [r["size"] for r in explain(net, "D")["norms"]["rows"]] == [105]


# --- hand-computed full scores ------------------------------------------------------------------
def cap_dataset(folder: Path) -> Path:
    """A (50 employees, fte 10, target 0.1: direct 1%) buys 1M from SW-bedrijf S (revenue 1M,
    target 50): indirect_fte 50, indirect_pct 100*50/60 = 83.33%, capped at 4 x 1% = 4%."""
    return write_tables(folder, [
        org("A", employees=50, fte=10.0, target_fte=0.1),
        org("S", employees=80, fte=70.0, target_fte=50.0, revenue_eur=1_000_000.0, sw=True),
    ], [buy("A", "S", 400_000.0), buy("A", "S", 350_000.0), buy("A", "S", 250_000.0, date="2025-06-01")])


def test_cap_binds_for_small_direct_contribution(tmp_path: Path) -> None:
    scores = credits(load_network(cap_dataset(tmp_path))).set_index("org_id")
    a = scores.loc["A"]
    assert a["direct_pct"] == pytest.approx(1.0, rel=1e-12)
    assert a["indirect_fte"] == pytest.approx(50.0, rel=1e-12)  # the three rows summed
    assert a["indirect_pct"] == pytest.approx(100 * 50 / 60, rel=1e-12)
    assert a["indirect_counted_pct"] == pytest.approx(4.0, rel=1e-12)
    assert a["total_pct"] == pytest.approx(5.0, rel=1e-12)
    assert bool(a["cap_applied"]) is True
    assert a["trede"] == 2  # 5.0 >= 3.7 (trede 2 at 50), < 6.8 (trede 3)
    s = scores.loc["S"]
    assert bool(s["cap_applied"]) is False and s["indirect_fte"] == 0.0


def test_cap_is_not_applied_when_indirect_is_below_it(tmp_path: Path) -> None:
    # A: fte 10, target 1 (direct 10%, cap 40%); buys 100k from S (revenue 1M, target 5):
    # indirect_fte 0.5, indirect_pct 100*0.5/10.5 = 4.7619%
    write_tables(tmp_path, [
        org("A", employees=10, fte=10.0, target_fte=1.0),
        org("S", fte=20.0, target_fte=5.0, revenue_eur=1_000_000.0, sw=True),
    ], [buy("A", "S", 100_000.0)])
    a = credits(load_network(tmp_path)).set_index("org_id").loc["A"]
    assert a["indirect_counted_pct"] == pytest.approx(100 * 0.5 / 10.5, rel=1e-12)
    assert a["total_pct"] == pytest.approx(10 + 100 * 0.5 / 10.5, rel=1e-12)
    assert bool(a["cap_applied"]) is False
    assert a["trede"] == 2  # 14.76 >= 9.0, < 15.5 at size 10


def test_cap_with_no_direct_contribution_cuts_everything(tmp_path: Path) -> None:
    write_tables(tmp_path, [
        org("A", employees=10, fte=10.0, target_fte=0.0),
        org("S", fte=20.0, target_fte=5.0, revenue_eur=1_000_000.0, sw=True),
    ], [buy("A", "S", 100_000.0)])
    a = credits(load_network(tmp_path)).set_index("org_id").loc["A"]
    assert a["indirect_pct"] > 0
    assert a["indirect_counted_pct"] == 0.0 and a["total_pct"] == 0.0
    assert bool(a["cap_applied"]) is True and pd.isna(a["trede"])


@pytest.mark.parametrize(("target", "fte", "expected"), [
    (3.0, 10.0, True),     # exactly 30.0
    (6.0, 20.0, True),     # exactly 30.0
    (2.99, 10.0, False),   # 29.9
    (10.0, 10.0, True),
])
def test_pso30plus_threshold(rules, target: float, fte: float, expected: bool) -> None:
    out = score_arrays(rules, [fte], [target], [0.0], [10], [True])
    assert bool(out["pso30plus"][0]) is expected


def test_pso30plus_uses_direct_only(rules) -> None:
    # direct 20%, lots of indirect: total far above 30, but PSO 30+ reads direct only
    out = score_arrays(rules, [10.0], [2.0], [100.0], [10], [True])
    assert out["total_pct"][0] > 30 and not out["pso30plus"][0]


@pytest.mark.parametrize(("target", "trede"), [
    (2.99, 0), (3.0, 1), (3.69, 1), (3.7, 2), (6.79, 2), (6.8, 3), (50.0, 3),
])
def test_trede_meets_norm_at_or_above(rules, target: float, trede: int) -> None:
    # size 50: norms 3.0 / 3.7 / 6.8; fte 100 so direct_pct equals target
    out = score_arrays(rules, [100.0], [target], [0.0], [50], [True])
    assert int(out["trede"][0]) == trede


def test_qualitative_check_failed_gives_no_trede(tmp_path: Path) -> None:
    write_tables(tmp_path, [org("A", employees=50, fte=10.0, target_fte=5.0, qualitative_ok="nee"),
                            org("B", employees=50, fte=10.0, target_fte=5.0, qualitative_ok="ja")],
                 [buy("A", "B", 10.0)])
    net = load_network(tmp_path)
    scores = credits(net).set_index("org_id")
    assert pd.isna(scores.at["A", "trede"]) and scores.at["B", "trede"] == 3
    assert not scores.at["A", "pso30plus"] and scores.at["B", "pso30plus"]  # a certificate too
    assert scores.at["A", "total_pct"] == scores.at["B", "total_pct"] == 50.0
    ex = explain(net, "A")
    assert ex["trede"] is None and "qualitative" in ex["trede_reason"]


def test_missing_qualitative_ok_defaults_to_true(tmp_path: Path) -> None:
    rows = [org("A", employees=50, fte=10.0, target_fte=5.0)]
    del rows[0]["qualitative_ok"]
    write_tables(tmp_path, rows, [buy("A", "A", 10.0)])
    assert credits(load_network(tmp_path))["trede"].iat[0] == 3


# --- fees --------------------------------------------------------------------------------------
FEE_CASES = [(0, 400), (9, 400), (10, 650), (49, 650), (50, 1650), (249, 1650), (250, 3500),
             (499, 3500), (500, 4500), (999, 4500), (1000, 5750), (5000, 5750), (5001, 7500),
             (250000, 7500)]


@pytest.mark.parametrize(("employees", "fee"), FEE_CASES)
def test_fee_bands(rules, employees: int, fee: int) -> None:
    assert rules.fee([employees])[0] == fee


def test_fee_in_explain(tmp_path: Path) -> None:
    sizes = [e for e, _ in FEE_CASES]
    write_tables(tmp_path, [org(f"O{e:06d}", employees=e) for e in sizes], [buy("O000009", "O000010", 1.0)])
    net = load_network(tmp_path)
    for employees, fee in FEE_CASES:
        assert explain(net, f"O{employees:06d}")["fee"]["eur_per_year"] == fee


# --- malformed rules files ----------------------------------------------------------------------
DEFAULT_TEXT = default_rules_path().read_text(encoding="utf-8")


def rules_with(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    """The default rules file with one regex replacement (asserting it matched)."""
    text, done = re.subn(old, new, DEFAULT_TEXT, count=count, flags=re.MULTILINE)
    assert done, old
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


MALFORMED = [
    pytest.param(r"^max_indirect_share = .*$", "", "indirect.max_indirect_share", id="missing-key"),
    pytest.param(r"^pso30plus_direct_pct = .*$", "", "levels.pso30plus_direct_pct", id="missing-30plus"),
    pytest.param(r"^\[fees\]", "[fees_renamed]", "fees.", id="missing-table"),
    pytest.param(r"^sizes  = \[2,    5,", "sizes  = [2,    2,", "norms.sizes", id="sizes-not-increasing"),
    pytest.param(r"^sizes  = \[2,    5,", "sizes  = [5,    2,", "norms.sizes", id="sizes-decreasing"),
    pytest.param(r"^trede2 = \[28.0, ", "trede2 = [", "norms.trede2", id="trede-length"),
    pytest.param(r'^eligible_levels = .*$', 'eligible_levels = ["aspirant", "1", "2", "3", "4"]',
                 "indirect.eligible_levels", id="eligible-level-unknown"),
    pytest.param(r"^max_indirect_share = .*$", "max_indirect_share = 1.0", "indirect.max_indirect_share",
                 id="share-one"),
    pytest.param(r"^max_indirect_share = .*$", 'max_indirect_share = "0.8"', "indirect.max_indirect_share",
                 id="share-text"),
    pytest.param(r"^bbl2 = 0.25", "bbl2 = -0.25", "direct.start_position.bbl2", id="negative-weight"),
    pytest.param(r"^lower_bounds = \[0,", "lower_bounds = [1,", "fees", id="fees-not-from-zero"),
    pytest.param(r"^trede1 = \[21.4", "trede1 = [40.0", "norms", id="trede-order"),
]


@pytest.mark.parametrize(("old", "new", "key"), MALFORMED)
def test_malformed_rules_raise_rules_error_naming_the_key(tmp_path: Path, old: str, new: str,
                                                          key: str) -> None:
    path = rules_with(tmp_path, old, new)
    with pytest.raises(RulesError) as info:
        load_rules(path)
    assert key in str(info.value)
    assert str(path) in str(info.value)


def test_bad_toml_is_a_rules_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(DEFAULT_TEXT + "\n[norms\nsizes = ", encoding="utf-8")
    with pytest.raises(RulesError, match="not valid TOML"):
        load_rules(path)


def test_missing_rules_file_is_a_rules_error(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="not found"):
        load_rules(tmp_path / "nope.toml")


def test_default_rules_load(rules) -> None:
    assert rules.max_indirect_share == 0.8
    assert rules.max_indirect_ratio == pytest.approx(4.0)
    assert set(rules.eligible_levels) == {"aspirant", "1", "2", "3"}
    assert rules.pso30plus_direct_pct == 30.0


# --- --rules through the CLI ---------------------------------------------------------------------
def run(args: list[str]):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_cli_rejects_malformed_rules_with_exit_1(tmp_path: Path) -> None:
    data = cap_dataset(tmp_path / "data")
    path = rules_with(tmp_path, r'^eligible_levels = .*$', 'eligible_levels = ["gold"]')
    result = run(["credits", data, "--rules", path])
    assert result.exit_code == 1, result.output
    assert "indirect.eligible_levels" in result.stderr and "rules.toml" in result.stderr


def test_cli_rules_override_changes_results(tmp_path: Path) -> None:
    data = cap_dataset(tmp_path / "data")
    path = rules_with(tmp_path, r"^max_indirect_share = .*$", "max_indirect_share = 0.5")
    default_out, override_out = tmp_path / "default.csv", tmp_path / "override.csv"
    assert run(["credits", data, "--out", default_out]).exit_code == 0
    result = run(["credits", data, "--rules", path, "--out", override_out])
    assert result.exit_code == 0, result.output
    before = pd.read_csv(default_out).set_index("org_id").loc["A"]
    after = pd.read_csv(override_out).set_index("org_id").loc["A"]
    assert before["indirect_counted_pct"] == pytest.approx(4.0)
    # share 0.5: counted indirect at most 0.5/0.5 = 1 x direct = 1%; total 2% < 3.0 (trede 1 at 50)
    assert after["indirect_counted_pct"] == pytest.approx(1.0)
    assert after["total_pct"] == pytest.approx(2.0)
    assert before["trede"] == 2 and pd.isna(after["trede"])


def test_cli_rules_override_of_eligible_levels(tmp_path: Path) -> None:
    """Eligible levels 2 and 3 only: a purchase from an aspirant supplier stops counting."""
    data = write_tables(tmp_path / "data", [
        org("A", employees=10, fte=10.0, target_fte=1.0),
        org("P", target_fte=5.0, revenue_eur=1_000_000.0, pso_level="aspirant",
            pso_valid_from="2024-01-01", pso_valid_until="2026-12-31"),
        org("Q", target_fte=5.0, revenue_eur=1_000_000.0, pso_level="2",
            pso_valid_from="2024-01-01", pso_valid_until="2026-12-31"),
    ], [buy("A", "P", 100_000.0), buy("A", "Q", 200_000.0)])
    path = rules_with(tmp_path, r'^eligible_levels = .*$', 'eligible_levels = ["2", "3"]')
    out_default, out_strict = tmp_path / "d.json", tmp_path / "s.json"
    assert run(["credits", data, "--out", out_default]).exit_code == 0
    assert run(["credits", data, "--rules", path, "--out", out_strict]).exit_code == 0
    both = pd.read_json(out_default).set_index("org_id").at["A", "indirect_fte"]
    strict = pd.read_json(out_strict).set_index("org_id").at["A", "indirect_fte"]
    assert both == pytest.approx(0.5 + 1.0)  # 100k/1M*5 + 200k/1M*5
    assert strict == pytest.approx(1.0)


# --- properties of the kernel over many sizes and contributions ---------------------------------------
@settings(max_examples=60, deadline=None)
@given(size=st.integers(0, 6000))
def test_norms_equal_explicit_interpolation(size: int) -> None:
    rules = load_rules()
    assert rules.norms([size])[0].tolist() == pytest.approx(list(oracle_norms(size)), rel=1e-12)


finite = st.floats(0, 1e4, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(fte=st.floats(0.01, 1e5), direct_share=st.floats(0, 1), indirect=finite,
       employees=st.integers(0, 6000), qualitative_ok=st.booleans())
def test_score_kernel_properties(fte: float, direct_share: float, indirect: float, employees: int,
                                 qualitative_ok: bool) -> None:
    rules = load_rules()
    out = score_arrays(rules, [fte], [fte * direct_share], [indirect], [employees], [qualitative_ok])
    direct, ind, counted, total = (float(out[k][0]) for k in
                                   ("direct_pct", "indirect_pct", "indirect_counted_pct", "total_pct"))
    assert 0 <= counted <= ind < 100
    assert counted <= direct * 0.8 / (1 - 0.8)
    assert total == direct + counted
    assert bool(out["cap_applied"][0]) == (counted < ind)
    # the indirect part is at most 80% of the total
    assert counted <= 0.8 * total * (1 + 1e-12)
    norms = out["norms"][0]
    met = [t for t in (1, 2, 3) if total >= norms[t - 1]]
    assert int(out["trede"][0]) == (max(met) if met and qualitative_ok else 0)
