"""The fresh load through Neo4j's offline importer gives the graph the transactional load gives.

A random dataset and one of hostile strings (quotes, backticks, line breaks, tabs, unicode,
Cypher fragments) go in through ``neo4j-admin database import full`` (``bulk.py``) into a
server of their own, and through the transactional loader into the session server
(``neo4j_server`` fixture); every node and relationship with all labels and properties must be
the same, and every verb Neo4j serves must answer on the imported database what it answers on
the folder. A second start on the same store updates it transactionally instead.
"""

from __future__ import annotations

import pandas as pd
import pytest

import pso_chain
from pso_chain.neo4jdb.build import Neo4jServerError
from pso_chain.neo4jdb.bulk import import_dataset, start_with_dataset
from pso_chain.neo4jdb.connect import connect
from pso_chain.neo4jdb.load import UPDATE_KEYS, load_dataset
from tests.datasets import buy, org, random_tables, write_tables
from tests.neo4j_checks import graph_snapshot
from tests.test_neo4j_load import HOSTILE

pytestmark = pytest.mark.neo4j


def _hostile(folder):
    orgs = [org(f"id-{i}-{text}", name=f"Name {text}", municipality=text, sbi=text, postcode=text,
                revenue_eur=1_000_000.0 + i / 7, target_fte=2.0 + i / 3, sw=(i % 3 == 0),
                pso_level="2" if i % 3 == 1 else "",
                pso_valid_from="2024-01-01" if i % 3 == 1 else "",
                pso_valid_until="2026-12-31" if i % 3 == 1 else "")
            for i, text in enumerate(HOSTILE)]
    ids = [o["org_id"] for o in orgs]
    purchases = [buy(ids[i], ids[(i + 1) % len(ids)], 1000.0 + i / 3, 2025,
                     "2025-03-01" if i % 2 else "") for i in range(len(ids))]
    records = [{"org_id": ids[i], "person_id": f"p{text}", "start_position": "pw",
                "contract_type": "regular", "hours_per_week": 32, "fulltime_hours": 40, "months": 12}
               for i, text in enumerate(HOSTILE)]
    return write_tables(folder, orgs, purchases, employees_records=records, fmt="parquet")


def _constraints(server) -> set[str]:
    with connect(server.uri, server.client_settings) as conn:
        return {row["name"] for row in conn.run_auto("SHOW CONSTRAINTS YIELD name RETURN name")}


def _verbs_equal(uri: str, folder) -> None:
    """Every verb Neo4j serves answers on ``uri`` what it answers on ``folder``."""
    here, there = pso_chain.open(folder), pso_chain.open(uri)
    pd.testing.assert_frame_equal(pso_chain.credits(there), pso_chain.credits(here), check_exact=True)
    ids = here.organisations["org_id"].tolist()
    for org_id in ids[:6]:
        assert pso_chain.explain(there, org_id) == pso_chain.explain(here, org_id)
        mine, theirs = pso_chain.uplift(there, org_id, max_share=0.3), pso_chain.uplift(here, org_id,
                                                                                     max_share=0.3)
        assert mine.keys() == theirs.keys()
        for name in theirs:
            pd.testing.assert_frame_equal(mine[name], theirs[name], check_exact=True, obj=name)
    on = pd.Timestamp("2025-06-30").date()
    pd.testing.assert_frame_equal(pso_chain.suppliers(there, on, for_org=ids[0]),
                                  pso_chain.suppliers(here, on, for_org=ids[0]), check_exact=True)
    pd.testing.assert_frame_equal(pso_chain.exposure(there), pso_chain.exposure(here), rtol=1e-12)


@pytest.mark.parametrize("kind", ["random", "hostile"])
def test_bulk_import_equals_the_transactional_load(neo4j_server, tmp_path, kind):
    folder = (write_tables(tmp_path / "d", **random_tables(11, 45, 350)) if kind == "random"
              else _hostile(tmp_path / "d"))
    load_dataset(folder, neo4j_server.uri, replace=True)
    expected = graph_snapshot(neo4j_server.uri)
    server, summary = start_with_dataset(folder, data_dir=tmp_path / "home", heap="512m")
    try:
        assert summary["mode"] == "import"
        assert graph_snapshot(server.uri) == expected
        _verbs_equal(server.uri, folder)
        # the keys only an update's MERGE needs are left to the first update
        assert "pso_organisation_org_id" in _constraints(server)
        assert not _constraints(server) & set(UPDATE_KEYS)
    finally:
        server.stop()
    # the store is kept: a second start with a dataset updates it in place (MERGE on the keys)
    server, summary = start_with_dataset(folder, data_dir=tmp_path / "home", heap="512m")
    try:
        assert summary["mode"] == "update"
        assert graph_snapshot(server.uri) == expected
        assert set(UPDATE_KEYS) <= _constraints(server)
    finally:
        server.stop()
    with pytest.raises(Neo4jServerError, match="already holds a database"):
        import_dataset(folder, tmp_path / "home")
