"""Every verb Neo4j serves gives on the database what it gives on the folder.

Random datasets (``tests.datasets.random_tables``: quotes in names, certificate histories,
persons, SW-bedrijven, self-purchases, dated and undated rows, two years) are loaded into the
session Neo4j (``neo4j_server`` fixture), replacing the previous one; then
``pso_chain.credits``, ``explain``, ``suppliers``, ``uplift`` and ``exposure`` on
``pso_chain.open(uri)`` (the part of the database each verb reads, through the engine's own
function) must equal the same calls on ``pso_chain.open(folder)`` — exactly — and so must the
whole tables streamed back (``neo4jdb.source.load_network("bolt://...")``) and the CLI's files. The scores
``pso-chain neo4j load`` sets on the organisation nodes are ``pso_chain.credits`` of the folder.
"""

from __future__ import annotations

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
from pso_chain.core.loading import load_network
from pso_chain.core.scoring import credits
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
        database = pso_chain.open(uri, network.rules)
        for year in [int(y) for y in network.years]:  # a year without purchases is bad input
            pd.testing.assert_frame_equal(pso_chain.credits(database, year),
                                          pso_chain.credits(network, year), check_exact=True)
        streamed = stream_network(uri, network.rules)
        pd.testing.assert_frame_equal(credits(streamed), credits(network), check_exact=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_verb_on_the_database_equals_the_folder(neo4j_server, tmp_path, seed):
    uri = neo4j_server.uri
    network = _loaded(uri, tmp_path / "d", seed, 45, 350)
    database = pso_chain.open(uri, network.rules)
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
