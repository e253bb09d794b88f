"""Every verb Neo4j serves gives on the database what it gives on the folder.

Random datasets (``tests.datasets.random_tables``: quotes in names, certificate histories,
persons, SW-bedrijven, self-purchases, dated and undated rows, two years) are loaded into the
session Neo4j (``neo4j_server`` fixture), replacing the previous one; then
``pso_chain.credits``, ``explain``, ``suppliers``, ``uplift`` and ``exposure`` on
``pso_chain.open(uri)`` must equal the same calls on ``pso_chain.open(folder)`` — exactly — both
on the database's compiled network (the default: every row read once, then mapped) and without
it (``cache=False``: the part of the database each verb reads, through the engine's own
function); so must the whole tables streamed back (``neo4jdb.source.load_network("bolt://...")``)
and the CLI's files. A second open maps the compiled network without reading a row; a write
outside the project (a Cypher ``SET`` on one amount) or another load makes the next call read
the database again, and the answers follow it. The scores ``pso-chain neo4j load`` sets on the
organisation nodes are ``pso_chain.credits`` of the folder.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import pso_chain
from pso_chain.cli import app
from pso_chain.config import Settings
from pso_chain.core.compiled import CompiledNetwork
from pso_chain.core.loading import load_network
from pso_chain.core.scoring import credits
from pso_chain.neo4jdb import source as neo4j_source
from pso_chain.neo4jdb.load import load_dataset
from pso_chain.neo4jdb.source import load_network as stream_network
from tests.datasets import random_tables, write_tables
from tests.neo4j_checks import run_cypher

pytestmark = pytest.mark.neo4j



def _loaded(uri: str, folder: Path, seed: int, n_orgs: int, n_purchases: int):
    write_tables(folder, **random_tables(seed, n_orgs, n_purchases))
    load_dataset(folder, uri, replace=True)
    return load_network(folder)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), n_orgs=st.integers(2, 50), n_purchases=st.integers(1, 300))
def test_credits_on_the_database_equal_the_folder(neo4j_server, seed, n_orgs, n_purchases):
    uri = neo4j_server.uri
    with tempfile.TemporaryDirectory() as tmp:
        network = _loaded(uri, Path(tmp), seed, n_orgs, n_purchases)
        for cache in (True, False):
            database = pso_chain.open(uri, network.rules, cache=cache, cache_dir=Path(tmp) / "c")
            for year in [int(y) for y in network.years]:  # a year without purchases is bad input
                pd.testing.assert_frame_equal(pso_chain.credits(database, year),
                                              pso_chain.credits(network, year), check_exact=True)
        streamed = stream_network(uri, network.rules)
        pd.testing.assert_frame_equal(credits(streamed), credits(network), check_exact=True)


@pytest.mark.parametrize("seed,cache", [(1, True), (2, True), (3, True), (1, False), (2, False)])
def test_every_verb_on_the_database_equals_the_folder(neo4j_server, tmp_path, seed, cache):
    uri = neo4j_server.uri
    network = _loaded(uri, tmp_path / "d", seed, 45, 350)
    database = pso_chain.open(uri, network.rules, settings=Settings(cache=cache,
                                                                     cache_dir=tmp_path / "c"))
    assert database.cached == cache
    ids = network.organisations["org_id"].tolist()
    rng = np.random.default_rng(seed)
    picked = [ids[i] for i in rng.choice(len(ids), 12, replace=False)]

    for org_id in picked:
        for year in [int(y) for y in network.years]:
            assert pso_chain.explain(database, org_id, year) == pso_chain.explain(network, org_id, year)

    for on in ("2025-01-01", "2025-07-15", "2024-02-29"):
        day = pd.Timestamp(on).date()
        pd.testing.assert_frame_equal(pso_chain.suppliers(database, day),
                                      pso_chain.suppliers(network, day), check_exact=True)
    day = pd.Timestamp("2025-05-01").date()
    for kwargs in ({"sbi": "4"}, {"municipality": "zutphen"}, {"min_level": "2"},
                   {"for_org": picked[0], "year": 2025}, {"for_org": picked[1]}):
        pd.testing.assert_frame_equal(pso_chain.suppliers(database, day, **kwargs),
                                      pso_chain.suppliers(network, day, **kwargs), check_exact=True)

    for org_id in picked[:5]:
        other = [o for o in ids if o != org_id]
        cases = [{"top": 3}, {"top": 4, "on": pd.Timestamp("2025-03-01").date()},
                 {"max_share": 0.25}, {"suppliers": other[:2]}, {"year": None}]
        edges = network.edges(2025)
        node = network.node(org_id)
        sold = edges["supplier"][(edges["buyer"] == node) & (edges["supplier"] != node)]
        if len(sold):  # move everything bought from one supplier to another organisation
            source = ids[int(sold.iat[0])]
            cases.append({"shift": f"{source}:{next(o for o in other if o != source)}"})
        for kwargs in cases:
            year = kwargs.pop("year", 2025)
            mine = pso_chain.uplift(database, org_id, year, **kwargs)
            theirs = pso_chain.uplift(network, org_id, year, **kwargs)
            assert mine.keys() == theirs.keys()
            for name in theirs:
                pd.testing.assert_frame_equal(mine[name], theirs[name], check_exact=True, obj=name)

    for kwargs in ({"year": 2025}, {"year": 2024}, {"year": 2025, "municipality": "Epe"},
                   {"year": 2025, "threshold": 0.001}):
        pd.testing.assert_frame_equal(pso_chain.exposure(database, **kwargs),
                                      pso_chain.exposure(network, **kwargs), check_exact=True)


def _same_answers(database, network, org_ids: list[str]) -> None:
    """credits (every year), explain (whole and one page), supplier_spend and uplift (each of
    ``org_ids``), suppliers (with and
    without a buyer) and exposure on ``database`` equal those on ``network``, exactly."""
    for year in [int(y) for y in network.years]:
        pd.testing.assert_frame_equal(pso_chain.credits(database, year),
                                      pso_chain.credits(network, year), check_exact=True)
    for org_id in org_ids:
        assert pso_chain.explain(database, org_id) == pso_chain.explain(network, org_id)
        page = slice(2, 5)  # the web page's explain: one page of the purchases
        assert pso_chain.explain(database, org_id, shown=page) == pso_chain.explain(network, org_id, shown=page)
        pd.testing.assert_frame_equal(pso_chain.supplier_spend(database, org_id),
                                      pso_chain.supplier_spend(network, org_id), check_exact=True)
        mine = pso_chain.uplift(database, org_id, max_share=0.25)
        theirs = pso_chain.uplift(network, org_id, max_share=0.25)
        assert mine.keys() == theirs.keys()
        for name in theirs:
            pd.testing.assert_frame_equal(mine[name], theirs[name], check_exact=True, obj=name)
    day = pd.Timestamp("2025-05-01").date()
    for kwargs in ({}, {"for_org": org_ids[0]}):
        pd.testing.assert_frame_equal(pso_chain.suppliers(database, day, **kwargs),
                                      pso_chain.suppliers(network, day, **kwargs), check_exact=True)
    pd.testing.assert_frame_equal(pso_chain.exposure(database), pso_chain.exposure(network),
                                  check_exact=True)


def test_a_uri_opens_like_a_folder_and_follows_the_database(neo4j_server, tmp_path, monkeypatch,
                                                            caplog):
    """The first call reads every row once and writes the compiled network; a second open maps
    it (no row read, no 'compiling' line); a Cypher SET on one amount, made through the driver
    outside the project, and another load each make the next call read the database again,
    and the answers are then those of the folder as changed."""
    uri = neo4j_server.uri
    tables = random_tables(41, 45, 350)
    folder = write_tables(tmp_path / "d", **tables)
    load_dataset(folder, uri, replace=True)
    network = load_network(folder)
    reads: list[str] = []
    real = neo4j_source.read_tables
    monkeypatch.setattr(neo4j_source, "read_tables", lambda *a, **k: reads.append(a[0]) or real(*a, **k))
    caplog.set_level(logging.INFO, logger="pso_chain")

    def compiled_lines() -> int:
        found = sum(r.getMessage().startswith("compiling bolt://") for r in caplog.records)
        caplog.clear()
        return found

    cache = tmp_path / "cache"
    ids = network.organisations["org_id"].tolist()
    picked = [ids[i] for i in np.random.default_rng(41).choice(len(ids), 6, replace=False)]
    first = pso_chain.open(uri, network.rules, cache_dir=cache)
    _same_answers(first, network, picked)
    assert (len(reads), compiled_lines()) == (1, 1)  # every row read once, for all those calls

    second = pso_chain.open(uri, network.rules, cache_dir=cache)
    assert isinstance(second.network(), CompiledNetwork)  # mapped from the cache
    _same_answers(second, network, picked)
    assert (len(reads), compiled_lines()) == (1, 0)

    # a write outside the project: one counted purchase of the latest year, a new amount
    year = network.latest_year
    k = int(np.flatnonzero(network.eligible & (network.year == year)
                           & (network.buyer != network.supplier))[0])
    row, buyer = int(network.purchases["_row"].iat[k]), ids[int(network.buyer[k])]
    amount = float(tables["purchases"].at[k, "amount_eur"]) * 10 + 12345.67
    run_cypher(uri, "MATCH ()-[p:BUYS_FROM {row: $row}]->() SET p.amount_eur = $amount",
               row=row, amount=amount)
    tables["purchases"].at[k, "amount_eur"] = amount
    changed = load_network(write_tables(tmp_path / "changed", **tables))
    assert pso_chain.explain(changed, buyer) != pso_chain.explain(network, buyer)
    third = pso_chain.open(uri, network.rules, cache_dir=cache)
    _same_answers(third, changed, [buyer, *picked[:3]])
    assert (len(reads), compiled_lines()) == (2, 1)
    assert pso_chain.explain(second, buyer) == pso_chain.explain(changed, buyer)  # opened before
    assert len(reads) == 2

    load_dataset(folder, uri)  # another load (the folder as it was): read again
    _same_answers(third, network, picked[:3])
    assert (len(reads), compiled_lines()) == (3, 1)

    # without the cache: the rows each verb needs, nothing read whole, nothing written
    plain = pso_chain.open(uri, network.rules, cache=False, cache_dir=tmp_path / "none")
    assert pso_chain.explain(plain, buyer) == pso_chain.explain(network, buyer)
    assert len(reads) == 3 and not (tmp_path / "none").exists()


def test_the_load_stamps_what_it_loaded(neo4j_server, tmp_path):
    """The stamp is a hash of the tables and rules loaded: the same folder loaded again keeps
    it (a load stays idempotent), another folder changes it."""
    uri = neo4j_server.uri
    folder = write_tables(tmp_path / "a", **random_tables(42, 20, 100))
    stamp = "MATCH (d:PsoDataset) RETURN d.stamp AS stamp"
    first = load_dataset(folder, uri, replace=True)["stamp"]
    assert run_cypher(uri, stamp) == [{"stamp": first}]
    assert load_dataset(folder, uri)["stamp"] == first
    other = write_tables(tmp_path / "b", **random_tables(43, 20, 100))
    assert load_dataset(other, uri, replace=True)["stamp"] != first


def test_cli_credits_on_the_uri_writes_the_folders_file(neo4j_server, tmp_path):
    uri = neo4j_server.uri
    folder = tmp_path / "d"
    network = _loaded(uri, folder, 7, 40, 300)
    runner = CliRunner()
    for year in ("2024", "2025"):
        for suffix in (".csv", ".json"):
            from_folder, from_db = tmp_path / f"f{year}{suffix}", tmp_path / f"n{year}{suffix}"
            assert runner.invoke(app, ["credits", str(folder), "--year", year, "--out",
                                       str(from_folder)]).exit_code == 0
            result = runner.invoke(app, ["credits", uri, "--year", year, "--out", str(from_db)])
            assert result.exit_code == 0, result.output
            assert from_db.read_bytes() == from_folder.read_bytes()
    org_id = network.organisations["org_id"].iat[5]
    for args in (["explain", "--org", org_id], ["suppliers", "--on", "2025-04-01"],
                 ["uplift", "--org", org_id, "--max-share", "0.3"], ["olievlek", "exposure"]):
        outs = []
        for source in (str(folder), uri):
            target = tmp_path / f"{args[0]}-{len(outs)}.json"
            command = [args[0], *args[1:2]] if args[0] == "olievlek" else [args[0]]
            rest = args[2:] if args[0] == "olievlek" else args[1:]
            result = runner.invoke(app, [*command, source, *rest, "--out", str(target)])
            assert result.exit_code == 0, (args, result.output)
            outs.append(target.read_bytes())
        assert outs[0] == outs[1], args
    query_out = tmp_path / "query.csv"
    result = runner.invoke(app, ["neo4j", "query", uri, "purchase_years", "--out", str(query_out)])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(query_out)["year"].tolist() == [int(y) for y in network.years]


SCORES = "MATCH (o:Organisation) RETURN o.org_id AS org_id, properties(o) AS p ORDER BY org_id"


@pytest.mark.parametrize("seed,n_orgs,n_purchases", [(31, 45, 350), (32, 3, 2), (33, 60, 500)])
def test_the_engines_scores_are_on_the_organisation_nodes(neo4j_server, tmp_path, seed, n_orgs,
                                                          n_purchases):
    """``pso-chain neo4j load`` sets every organisation's score of the latest year, from the
    engine (no scoring in Cypher): each property equals pso_chain.credits on the folder."""
    uri = neo4j_server.uri
    folder = write_tables(tmp_path / "d", **random_tables(seed, n_orgs, n_purchases))
    result = CliRunner().invoke(app, ["neo4j", "load", str(folder), "--uri", uri, "--replace"])
    assert result.exit_code == 0, result.output
    expected = pso_chain.credits(pso_chain.open(folder, cache=False))
    rows = run_cypher(uri, SCORES)
    assert [r["org_id"] for r in rows] == expected["org_id"].tolist()
    found = pd.DataFrame([r["p"] for r in rows])
    assert (found["score_year"] == expected["year"]).all()
    assert (found["score_rules"] == pso_chain.open(folder, cache=False).rules.version).all()
    for column in ("total_pct", "direct_pct", "indirect_counted_pct"):
        np.testing.assert_array_equal(found[f"score_{column}"].to_numpy(dtype=float),
                                      expected[column].to_numpy(dtype=float), err_msg=column)
    trede = [None if pd.isna(t) else int(t) for t in expected["trede"]]
    written = [None if "score_trede" not in r["p"] else r["p"]["score_trede"] for r in rows]
    assert written == trede and any(t is None for t in trede) == (None in written)
