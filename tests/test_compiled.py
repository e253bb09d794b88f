"""The compiled network (pso_chain.core.compiled): the same answers as reading the tables, never stale.

Every verb is compared between the uncached path (tables read and validated) and a compiled
network that was built and then opened from its files; then each kind of input change (a row
of each table, a table file added or removed, other rules) must be seen, damaged entries must be
rebuilt, and concurrent builders must leave one complete entry. Compiled networks live in the
user's cache folder, never in the dataset folder (a read-only one works); the library takes its
settings as arguments and never reads the environment — only the CLI does.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from typer.testing import CliRunner

import pso_chain
from pso_chain import config
from pso_chain.cli import app
from pso_chain.config import Settings, from_environment
from pso_chain.core import compiled as compiled_module
from pso_chain.core.compiled import CompiledNetwork, cache_key, cache_root, open_compiled
from pso_chain.rules import default_rules_path, load_rules
from tests.datasets import random_tables, write_tables

ON = dt.date(2025, 6, 30)


@pytest.fixture(autouse=True)
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's cache folder of these tests: a temporary one (the real one stays as it was)."""
    folder = tmp_path / "user-cache"
    monkeypatch.setattr(config, "user_cache_dir", lambda: folder)
    for name in ("PSO_CHAIN_NO_CACHE", "PSO_CHAIN_CACHE"):
        monkeypatch.delenv(name, raising=False)
    return folder


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``folder`` with its size and modification time."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


def _dataset(tmp_path: Path, seed: int, fmt: str = "csv") -> Path:
    return write_tables(tmp_path / f"data{seed}", **random_tables(seed, n_orgs=40, n_purchases=300),
                        fmt=fmt)


def _pair(folder: Path, rules=None, **kw):
    """The uncached network and the compiled one (built by a first open, read by a second)."""
    plain = pso_chain.open(folder, rules, cache=False)
    first = pso_chain.open(folder, rules, **kw)
    compiled = pso_chain.open(folder, rules, **kw)
    assert not isinstance(first, CompiledNetwork)  # built from the tables ...
    assert isinstance(compiled, CompiledNetwork)  # ... and read from its files afterwards
    return plain, compiled


def _equal(a, b) -> None:
    if isinstance(a, pd.DataFrame):
        pdt.assert_frame_equal(a, b)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            _equal(a[key], b[key])
    else:
        assert a == b


def _every_verb(net) -> dict:
    ids = list(net.organisations["org_id"])
    busiest = pd.Series(net.buyer).value_counts().index[0]
    picks = [ids[int(busiest)], ids[0], ids[-1]]
    out = {"credits": pso_chain.credits(net), "suppliers": pso_chain.suppliers(net, ON),
           "exposure": pso_chain.exposure(net), "history": pso_chain.history(net),
           "simulate": pso_chain.simulate(net).certified_frame(), "stats": pso_chain.stats(net),
           "embodied": pso_chain.embodied(net)}
    for org_id in picks:
        out[f"explain {org_id}"] = pso_chain.explain(net, org_id)
        out[f"explain page 2 {org_id}"] = pso_chain.explain(net, org_id, shown=slice(3, 6))
        out[f"supplier_spend {org_id}"] = pso_chain.supplier_spend(net, org_id)
        out[f"uplift {org_id}"] = pso_chain.uplift(net, org_id, max_share=0.25)
        out[f"suppliers --for {org_id}"] = pso_chain.suppliers(net, ON, for_org=org_id)
        out[f"substitutes {org_id}"] = pso_chain.substitutes(net, org_id)
        out[f"compliance {org_id}"] = pso_chain.compliance(net, org_id, ON)
    return out


@pytest.mark.parametrize(("seed", "fmt"), [(1, "csv"), (2, "parquet"), (3, "csv")])
def test_every_verb_equal_from_the_compiled_network(tmp_path: Path, seed: int, fmt: str) -> None:
    plain, compiled = _pair(_dataset(tmp_path, seed, fmt))
    _equal(_every_verb(plain), _every_verb(compiled))
    for name in ("organisations", "purchases", "employees_records", "certifications"):
        pdt.assert_frame_equal(getattr(plain, name), getattr(compiled, name))
    np.testing.assert_array_equal(plain.eligible, compiled.eligible)


def test_a_worker_maps_every_file_of_the_entry(tmp_path: Path) -> None:
    """``prepare`` (what each web worker runs on opening) touches the pages of every mapped
    file of the entry — each ``.npy`` array and each Arrow table but the problems, which are
    read into memory — and the answers stay the same."""
    tables = random_tables(19, n_orgs=30, n_purchases=200)
    tables["purchases"]["source"] = "grootboek.csv"  # provenance: one more Arrow file
    plain, compiled = _pair(write_tables(tmp_path / "data", **tables))
    files = {p.name for p in compiled.entry.iterdir()} - {"manifest.json", "problems.arrow"}
    arrays = [m for m in compiled.mapped if isinstance(m, np.ndarray)]
    assert len(arrays) == len({f for f in files if f.endswith(".npy")})
    assert len(compiled.mapped) - len(arrays) == len({f for f in files if f.endswith(".arrow")}) >= 2
    before = _every_verb(compiled)
    pso_chain.api.buyers.prepare(compiled)
    _equal(before, _every_verb(compiled))
    _equal(_every_verb(plain), before)


def test_purchase_provenance_kept(tmp_path: Path) -> None:
    tables = random_tables(19, n_orgs=30, n_purchases=200)
    p = tables["purchases"]
    tables["purchases"] = p.assign(source=[f"ledger-{i % 3}.csv" for i in range(len(p))],
                                   invoice_id=[f"INV{i:05d}" for i in range(len(p))])
    plain, compiled = _pair(write_tables(tmp_path / "data", **tables))
    for org_id in list(plain.organisations["org_id"])[:10]:
        ex = pso_chain.explain(compiled, org_id)
        assert ex == pso_chain.explain(plain, org_id)
        assert all(e["invoice_id"].startswith("INV") for e in ex["purchases"])


def test_node_lookup_and_row_indices(tmp_path: Path, monkeypatch) -> None:
    plain, compiled = _pair(_dataset(tmp_path, 4))
    for i, org_id in enumerate(plain.organisations["org_id"]):
        assert compiled.node(org_id) == plain.node(org_id) == i
        np.testing.assert_array_equal(compiled.buyer_rows(i), plain.buyer_rows(i))
        np.testing.assert_array_equal(compiled.buyer_rows(i, 2025), plain.buyer_rows(i, 2025))
        np.testing.assert_array_equal(compiled.record_rows(i), plain.record_rows(i))
    for missing in ("", "0", "99999999", "zzz"):
        with pytest.raises(pso_chain.PsoInputError, match="no organisation"):
            compiled.node(missing)
    ids = list(plain.organisations["org_id"])
    many = ids[::-1] * 3  # more than the binary-search batch: the hash path
    np.testing.assert_array_equal(compiled.nodes(many), plain.nodes(many))
    with pytest.raises(pso_chain.PsoInputError, match="zzz"):
        compiled.nodes([*many, "zzz"])
    monkeypatch.setattr(compiled_module, "FEW_IDS_SHARE", 0.001)  # every batch counts as few: the probe
    np.testing.assert_array_equal(compiled.nodes(many), plain.nodes(many))
    with pytest.raises(pso_chain.PsoInputError, match="zzz"):
        compiled.nodes([*many[:100], "zzz", *many[100:]])


def test_explain_is_one_buyers_rows_and_credits_to_the_bit(tmp_path: Path) -> None:
    """Oracle: every row of the buyer in the year, in file order; the indirect FTE is the very
    number credits gives (same additions in the same order)."""
    net = pso_chain.open(_dataset(tmp_path, 5), cache=False)
    scores = pso_chain.credits(net).set_index("org_id")
    p = net.purchases
    for node, org_id in enumerate(net.organisations["org_id"]):
        ex = pso_chain.explain(net, org_id)
        mine = p[(p["buyer"] == node) & (p["year"] == ex["year"])]
        assert [e["row"] for e in ex["purchases"]] == mine["_row"].tolist()
        assert [e["amount_eur"] for e in ex["purchases"]] == mine["amount_eur"].tolist()
        assert ex["indirect"]["indirect_fte"] == scores.at[org_id, "indirect_fte"]
        assert ex["total_pct"] == scores.at[org_id, "total_pct"]


# --- never stale ------------------------------------------------------------------------------


def _edit_csv(path: Path, column: str, row: int, value) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row, column] = str(value)
    stat = path.stat()
    frame.to_csv(path, index=False)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime: content must decide


CHANGES = {
    "organisations": lambda d: _edit_csv(d / "organisations.csv", "revenue_eur", 3, 123457.5),
    "purchases": lambda d: _edit_csv(d / "purchases.csv", "amount_eur", 7, 98765.25),
    "employees_records": lambda d: _edit_csv(d / "employees_records.csv", "hours_per_week", 0, 12),
    "certifications": lambda d: _edit_csv(d / "certifications.csv", "valid_until", 0, "2030-12-31"),
    "certifications removed": lambda d: (d / "certifications.csv").unlink(),
    "records removed": lambda d: (d / "employees_records.csv").unlink(),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_each_kind_of_input_change_is_seen(tmp_path: Path, change: str) -> None:
    folder = _dataset(tmp_path, 6)
    _pair(folder)
    key = cache_key(folder, load_rules())
    CHANGES[change](folder)
    assert cache_key(folder, load_rules()) != key
    plain, compiled = _pair(folder)
    _equal(_every_verb(plain), _every_verb(compiled))
    assert compiled.entry.name in [p.name for p in cache_root(folder).iterdir()]


def test_older_entries_are_pruned(tmp_path: Path) -> None:
    folder = _dataset(tmp_path, 20)
    path = folder / "purchases.csv"
    text = path.read_text()
    for k in range(1, 6):  # five versions of the data: the newest and two others are kept
        path.write_text(text + "\n" * k)  # blank lines at the end: same data, other bytes
        _pair(folder)
    assert len([p for p in cache_root(folder).iterdir() if p.is_dir()]) == 3


def test_a_table_file_added_is_seen(tmp_path: Path) -> None:
    tables = random_tables(7, n_orgs=40, n_purchases=300)
    certs = tables.pop("certifications")
    folder = write_tables(tmp_path / "data", **tables)
    before = _pair(folder)[1]
    write_tables(folder, tables["organisations"], tables["purchases"], certifications=certs)
    plain, compiled = _pair(folder)
    assert compiled.entry != before.entry
    _equal(pso_chain.credits(plain), pso_chain.credits(compiled))


def test_same_size_same_mtime_one_digit_changed(tmp_path: Path) -> None:
    folder = _dataset(tmp_path, 8)
    _pair(folder)
    path = folder / "purchases.csv"
    text = path.read_text()
    stat = path.stat()
    amount = re.search(r",(\d)(\d*\.\d+),", text)
    digit = "2" if amount.group(1) != "2" else "3"
    text = text[:amount.start(1)] + digit + text[amount.start(1) + 1:]
    path.write_text(text)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    plain, compiled = _pair(folder)
    _equal(pso_chain.credits(plain), pso_chain.credits(compiled))


def test_other_rules_other_compiled_network(tmp_path: Path) -> None:
    folder = _dataset(tmp_path, 9)
    strict_file = tmp_path / "strict.toml"
    strict_file.write_text(re.sub(r'(?m)^eligible_levels = .*$', 'eligible_levels = ["2", "3"]',
                                  default_rules_path().read_text(encoding="utf-8")))
    default = _pair(folder)[1]
    plain, strict = _pair(folder, strict_file)
    assert strict.entry != default.entry
    _equal(pso_chain.credits(plain), pso_chain.credits(strict))
    assert not pso_chain.credits(default).equals(pso_chain.credits(strict))


# --- bypass, damage, concurrency, warnings ---------------------------------------------------


def test_no_cache_writes_nothing(tmp_path: Path, user_cache: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _dataset(tmp_path, 10)
    before = _snapshot(folder)
    assert not isinstance(pso_chain.open(folder, cache=False), CompiledNetwork)
    assert not isinstance(pso_chain.open(folder, settings=Settings(cache=False)), CompiledNetwork)
    monkeypatch.setenv("PSO_CHAIN_NO_CACHE", "1")  # the CLI's environment: no cache either
    result = CliRunner().invoke(app, ["credits", str(folder), "--out", str(tmp_path / "c.csv")])
    assert result.exit_code == 0, result.output
    assert not user_cache.exists() and _snapshot(folder) == before


def test_the_library_never_reads_the_environment(tmp_path: Path, user_cache: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _dataset(tmp_path, 22)
    monkeypatch.setenv("PSO_CHAIN_NO_CACHE", "1")
    monkeypatch.setenv("PSO_CHAIN_CACHE", str(tmp_path / "env"))
    _pair(folder)  # settings not given: the defaults (compiled, in the user's cache folder)
    assert any(cache_root(folder).iterdir()) and cache_root(folder).parent == user_cache / "compiled"
    assert not (tmp_path / "env").exists()
    from_env = from_environment()  # what the CLI builds: the environment's settings
    assert not isinstance(pso_chain.open(folder, settings=from_env), CompiledNetwork)


def test_cli_no_cache_and_cache_dir_options(tmp_path: Path, user_cache: Path) -> None:
    folder = _dataset(tmp_path, 21)
    before = _snapshot(folder)
    out = str(tmp_path / "c.csv")
    result = CliRunner().invoke(app, ["--no-cache", "credits", str(folder), "--out", out])
    assert result.exit_code == 0, result.output
    assert not user_cache.exists()
    assert "PSO_CHAIN_NO_CACHE" not in os.environ  # the options travel in the settings
    result = CliRunner().invoke(app, ["--cache-dir", str(tmp_path / "cc"), "credits", str(folder),
                                      "--out", out])
    assert result.exit_code == 0, result.output
    assert any((tmp_path / "cc").iterdir()) and not user_cache.exists()
    assert "PSO_CHAIN_CACHE" not in os.environ
    result = CliRunner().invoke(app, ["credits", str(folder), "--out", out])
    assert result.exit_code == 0, result.output
    assert any(cache_root(folder).iterdir()) and cache_root(folder).is_relative_to(user_cache)
    assert _snapshot(folder) == before  # nothing ever written into the dataset folder


def test_cache_dir_option_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _dataset(tmp_path, 11)
    _pair(folder, cache_dir=tmp_path / "elsewhere")
    assert cache_root(folder, tmp_path / "elsewhere").parent == tmp_path / "elsewhere"
    monkeypatch.setenv("PSO_CHAIN_CACHE", str(tmp_path / "env"))
    settings = from_environment()
    _pair(folder, settings=settings)
    root = cache_root(folder, settings=settings)
    assert root.parent == tmp_path / "env" and any(root.iterdir())
    result = CliRunner().invoke(app, ["build", str(folder)])
    assert result.exit_code == 0 and str(root) in result.stdout, result.output


def test_a_read_only_dataset_folder_works(tmp_path: Path, user_cache: Path) -> None:
    """chmod -w on the folder; and since tests may run as root (who writes anyway), nothing
    may be written there either: the folder's listing, sizes and times stay as they were."""
    folder = _dataset(tmp_path, 23)
    plain = pso_chain.open(folder, cache=False)
    before = _snapshot(folder)
    mode = folder.stat().st_mode
    folder.chmod(0o555)
    for f in folder.iterdir():
        f.chmod(0o444)
    try:
        first, compiled = pso_chain.open(folder), pso_chain.open(folder)
        assert isinstance(compiled, CompiledNetwork)
        assert compiled.entry.is_relative_to(user_cache)
        _equal(pso_chain.credits(plain), pso_chain.credits(compiled))
        _equal(pso_chain.credits(plain), pso_chain.credits(first))
        out = tmp_path / "credits.csv"
        result = CliRunner().invoke(app, ["credits", str(folder), "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert pd.read_csv(out, dtype={"org_id": str})["org_id"].tolist() == \
            pso_chain.credits(plain)["org_id"].tolist()
    finally:
        folder.chmod(mode)
    assert _snapshot(folder) == before


def test_compiled_networks_of_vanished_folders_are_removed(tmp_path: Path) -> None:
    gone = _dataset(tmp_path, 24)
    _pair(gone)
    gone_root = cache_root(gone)
    assert gone_root.is_dir()
    for f in gone.iterdir():
        f.unlink()
    gone.rmdir()
    kept = _dataset(tmp_path, 25)
    _pair(kept)
    assert not gone_root.exists() and cache_root(kept).is_dir()
    assert oct(cache_root(kept).stat().st_mode & 0o777) == oct(0o700)  # person-level rows inside


def _damage_truncate(entry: Path) -> None:
    path = entry / "purchases.amount_eur.npy"
    path.write_bytes(path.read_bytes()[:-8])


def _damage_delete(entry: Path) -> None:
    (entry / "eligible.npy").unlink()


def _damage_manifest(entry: Path) -> None:
    (entry / "manifest.json").write_text('{"format": 1, "key": ')


def _damage_shape(entry: Path) -> None:
    manifest = json.loads((entry / "manifest.json").read_text())
    manifest["arrays"]["eligible"] = [1]
    (entry / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize("damage", [_damage_truncate, _damage_delete, _damage_manifest, _damage_shape])
def test_a_damaged_entry_is_rebuilt_not_trusted(tmp_path: Path, damage) -> None:
    folder = _dataset(tmp_path, 12)
    plain, compiled = _pair(folder)
    damage(compiled.entry)
    del compiled
    again = pso_chain.open(folder)
    assert not isinstance(again, CompiledNetwork)  # rebuilt from the tables
    plain2, compiled2 = plain, pso_chain.open(folder)
    assert isinstance(compiled2, CompiledNetwork)
    _equal(_every_verb(plain2), _every_verb(compiled2))


def test_verify_finds_a_flipped_byte(tmp_path: Path) -> None:
    folder = _dataset(tmp_path, 13)
    plain, compiled = _pair(folder)
    path = compiled.entry / "purchases.amount_eur.npy"
    raw = bytearray(path.read_bytes())
    raw[-3] ^= 0xFF  # same size, different amount
    path.write_bytes(bytes(raw))
    rules = load_rules()
    assert not isinstance(open_compiled(folder, rules, verify=True, say=None), CompiledNetwork)
    _equal(pso_chain.credits(plain), pso_chain.credits(pso_chain.open(folder)))


def test_leftovers_of_a_crashed_builder_are_ignored(tmp_path: Path) -> None:
    folder = _dataset(tmp_path, 14)
    root = cache_root(folder)
    (root / ".tmp-deadbeef-x").mkdir(parents=True)
    (root / ".tmp-deadbeef-x" / "manifest.json").write_text("{}")
    plain, compiled = _pair(folder)
    _equal(pso_chain.credits(plain), pso_chain.credits(compiled))


def _build(folder: str, cache_dir: str) -> str:
    network = open_compiled(folder, load_rules(), cache_dir=cache_dir, say=None)
    return str(pso_chain.credits(network)["total_pct"].sum())


def test_concurrent_builders_leave_one_complete_entry(tmp_path: Path) -> None:
    folder = _dataset(tmp_path, 15, "parquet")
    where = str(tmp_path / "shared-cache")
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        totals = pool.starmap(_build, [(str(folder), where)] * 8)
    assert len(set(totals)) == 1
    entries = [p for p in cache_root(folder, where).iterdir() if p.is_dir()]
    assert len(entries) == 1 and not entries[0].name.startswith(".tmp")
    plain, compiled = pso_chain.open(folder, cache=False), pso_chain.open(folder, cache_dir=where)
    assert isinstance(compiled, CompiledNetwork)
    _equal(pso_chain.credits(plain), pso_chain.credits(compiled))


def test_warnings_come_back_from_the_compiled_network(tmp_path: Path) -> None:
    tables = random_tables(16, n_orgs=40, n_purchases=300)
    orgs = tables["organisations"]
    with_records = set(tables["employees_records"]["org_id"])
    disagree = orgs["org_id"].isin(with_records)
    orgs.loc[disagree, "target_fte"] = orgs.loc[disagree, "target_fte"] + 1.0  # records win: warning
    folder = write_tables(tmp_path / "data", **tables)
    plain, compiled = _pair(folder)
    assert len(plain.data.report.warnings) > 0
    before, after = (n.data.report.problems.reset_index(drop=True) for n in (plain, compiled))
    pdt.assert_frame_equal(before.drop(columns="value"), after.drop(columns="value"))
    assert before["value"].astype(str).tolist() == after["value"].astype(str).tolist()  # shown as text


def test_bad_data_is_refused_and_nothing_written(tmp_path: Path) -> None:
    tables = random_tables(17, n_orgs=20, n_purchases=50)
    tables["purchases"].loc[0, "amount_eur"] = -5.0
    folder = write_tables(tmp_path / "data", **tables)
    with pytest.raises(pso_chain.PsoInputError, match="amount_eur"):
        pso_chain.open(folder)
    assert not cache_root(folder).exists() or not any(cache_root(folder).iterdir())


def test_build_command(tmp_path: Path) -> None:
    folder = _dataset(tmp_path, 18)
    runner = CliRunner()
    first = runner.invoke(app, ["build", str(folder)])
    assert first.exit_code == 0, first.output
    assert "built" in first.stdout and "compiling" in first.stderr
    second = runner.invoke(app, ["build", str(folder), "--verify"])
    assert second.exit_code == 0 and "up to date" in second.stdout
    explained = runner.invoke(app, ["explain", str(folder), "--org", "10000000", "--out",
                                    str(tmp_path / "e.json")])
    plain = pso_chain.explain(pso_chain.open(folder, cache=False), "10000000")
    assert explained.exit_code == 0, explained.output
    assert json.loads((tmp_path / "e.json").read_text())["total_pct"] == plain["total_pct"]
