"""Neo4j benchmark: load rate and every Cypher verb's time beside the in-memory engine's.

Starts its own throwaway Neo4j (LocalNeo4j, temporary data), loads the 100k-organisation /
1M-purchase dataset (generated once into benchmarks/data/n100k), loads it again (the
idempotent MERGE path), then times each verb computed in Cypher next to the in-memory engine
computing the same answer on the same data, checks the answers agree, and prints one table.

    .venv/bin/python benchmarks/bench_neo4j.py [--batch 50000] [--heap 2g] [--pagecache 1g]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from benchmarks.common import ensure_dataset  # noqa: E402
from pso_chain.buyers.suppliers import eligible_suppliers  # noqa: E402
from pso_chain.buyers.uplift import uplift_plan  # noqa: E402
from pso_chain.explanation import explain  # noqa: E402
from pso_chain.neo4jdb import queries as cy  # noqa: E402
from pso_chain.neo4jdb.load import load_dataset  # noqa: E402
from pso_chain.neo4jdb.server import LocalNeo4j  # noqa: E402
from pso_chain.neo4jdb.source import read_tables  # noqa: E402
from pso_chain.network import load_network  # noqa: E402
from pso_chain.olievlek.exposure import exposure  # noqa: E402
from pso_chain.scoring import credits  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="1g")
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--purchases", type=int, default=1_000_000)
    args = parser.parse_args()
    name = "n100k" if (args.orgs, args.purchases) == (100_000, 1_000_000) else \
        f"n{args.orgs}_{args.purchases}"
    folder = ensure_dataset(name, args.orgs, args.purchases)
    print(f"dataset {folder}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
          flush=True)
    rows = []
    with LocalNeo4j(heap=args.heap, pagecache=args.pagecache) as server:
        uri = server.uri
        first, t_first = timed(lambda: load_dataset(folder, uri, replace=True, batch=args.batch))
        print("fresh load", json.dumps({k: v for k, v in first.items() if k != "batches"},
                                       default=float), flush=True)
        again, t_again = timed(lambda: load_dataset(folder, uri, batch=args.batch))
        print("second load", json.dumps({k: v for k, v in again.items() if k != "batches"},
                                        default=float), flush=True)
        rows.append(("load (fresh, CREATE path)", t_first,
                     f"{first['purchases_per_second']:,.0f} relationships/s "
                     f"({first['purchases_s']:.1f} s for {first['purchases']:,} BUYS_FROM; "
                     f"{first['organisations_s']:.1f} s organisations)", None))
        rows.append(("load again (MERGE path, no change)", t_again,
                     f"{again['purchases_per_second']:,.0f} relationships/s", None))

        network, t_net = timed(lambda: load_network(folder))
        year = network.latest_year
        _, t_stream = timed(lambda: read_tables(uri))
        rows.append(("tables: stream out of Neo4j / read folder (validated)", t_stream,
                     "read_tables", t_net))

        mem, t_mem = timed(lambda: credits(network, year))
        db, t_db = timed(lambda: cy.credits_cypher(uri, year, network.rules))
        pd.testing.assert_frame_equal(db, mem, check_exact=True, check_dtype=False)
        rows.append(("credits (all organisations)", t_db, "identical", t_mem))

        busiest = int(np.bincount(network.buyer, minlength=network.n).argmax())
        org_id = network.organisations["org_id"].iat[busiest]
        mem, t_mem = timed(lambda: explain(network, org_id, year))
        db, t_db = timed(lambda: cy.explain_cypher(uri, org_id, year, network.rules))
        assert db == mem
        rows.append((f"explain (busiest buyer, {len(mem['purchases'])} purchases)", t_db,
                     "identical", t_mem))

        on = f"{year}-06-30"
        mem, t_mem = timed(lambda: eligible_suppliers(network, on))
        db, t_db = timed(lambda: cy.suppliers_cypher(uri, on, rules=network.rules))
        pd.testing.assert_frame_equal(db, mem, check_exact=True)
        rows.append((f"suppliers on {on} ({len(mem):,} rows)", t_db, "identical", t_mem))

        mem, t_mem = timed(lambda: uplift_plan(network, org_id, year, top=5, max_share=0.25))
        db, t_db = timed(lambda: cy.uplift_cypher(uri, org_id, year, top=5, max_share=0.25,
                                                  rules=network.rules))
        for key in mem:
            pd.testing.assert_frame_equal(db[key], mem[key], check_exact=True)
        rows.append(("uplift (busiest buyer, top 5, --max-share 0.25)", t_db, "identical", t_mem))

        mem, t_mem = timed(lambda: exposure(network, year))
        db, t_db = timed(lambda: cy.exposure_cypher(uri, year, rules=network.rules))
        pd.testing.assert_frame_equal(db, mem, rtol=1e-9)
        rows.append((f"olievlek exposure ({len(mem):,} rows)", t_db, "equal (rtol 1e-9)", t_mem))

    print()
    print("| step | Neo4j (s) | in-memory (s) | note |")
    print("|---|---:|---:|---|")
    for step, t_db, note, t_mem in rows:
        mem = "" if t_mem is None else f"{t_mem:.2f}"
        print(f"| {step} | {t_db:.2f} | {mem} | {note} |")
    print(f"\ncommand: .venv/bin/python benchmarks/bench_neo4j.py --batch {args.batch} "
          f"--heap {args.heap} --pagecache {args.pagecache}")
    print(f"in-memory times exclude reading the folder ({t_net:.1f} s, once); Neo4j times include "
          "connecting and transferring the answer.")


if __name__ == "__main__":
    main()
