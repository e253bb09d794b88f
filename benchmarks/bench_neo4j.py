"""Neo4j benchmark: the bulk fresh load, the transactional load and re-load, and the verbs on a
URI beside the in-memory engine, in one run.

1. Fresh load through Neo4j's offline importer (``pso-chain neo4j local --load``:
   validate, write the import CSVs, ``neo4j-admin database import full``, start the server,
   constraints and indexes online, counts checked) into a throwaway server.
2. The verbs on that URI (``pso_chain.<verb>(pso_chain.open(uri))``: the part of the database
   each verb needs, then the engine's function) next to the same verbs on the folder
   (``pso_chain.open(folder)``, read once); every answer is checked equal.
3. Unless ``--no-transactional``: the transactional loader (UNWIND batches, CREATE path) into a
   second throwaway server, then the same load again (the idempotent MERGE path).

    .venv/bin/python benchmarks/bench_neo4j.py [--orgs 100000 --purchases 1000000]
        [--heap 2g] [--pagecache 1g] [--batch 100000] [--no-transactional] [--load-only]

Big datasets (1M organisations and up) run under ``flock /tmp/pso-bench.lock``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import pso_chain  # noqa: E402
from benchmarks.common import ensure_dataset  # noqa: E402
from pso_chain.neo4jdb.bulk import start_with_dataset  # noqa: E402
from pso_chain.neo4jdb.load import load_dataset  # noqa: E402
from pso_chain.neo4jdb.server import LocalNeo4j  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def dataset_name(orgs: int, purchases: int) -> str:
    known = {(100_000, 1_000_000): "n100k", (1_000_000, 10_000_000): "n1m"}
    return known.get((orgs, purchases), f"n{orgs}_{purchases}")


def verbs(uri: str, folder: Path, rows: list) -> None:
    """Each verb on the URI and on the folder, answers checked equal."""
    network, t_read = timed(lambda: pso_chain.open(folder))
    database = pso_chain.open(uri, network.rules)
    year = network.latest_year
    busiest = int(np.bincount(network.buyer, minlength=network.n).argmax())
    org_id = str(network.organisations["org_id"].iat[busiest])
    on = pd.Timestamp(f"{year}-06-30").date()

    def both(label, call, check, note=""):
        """The verb on the folder and on the URI; on the URI twice: the first call after the
        load (Neo4j plans the queries, fills its page cache) and again (a running server)."""
        mem, t_mem = timed(lambda: call(network))
        db, t_first = timed(lambda: call(database))
        check(db, mem)
        again, t_db = timed(lambda: call(database))
        check(again, mem)
        rows.append((label, t_db, t_mem, (note or "identical") + f"; first call after the load {t_first:.2f} s"))
        print(f"{label}: Neo4j {t_db:.2f} s (first call {t_first:.2f} s), in-memory {t_mem:.2f} s", flush=True)
        return mem

    def frames_equal(a, b):
        pd.testing.assert_frame_equal(a, b, check_exact=True)

    def plans_equal(a, b):
        assert a.keys() == b.keys()
        for key in a:
            pd.testing.assert_frame_equal(a[key], b[key], check_exact=True)

    def same(a, b):
        assert a == b

    both("credits (every organisation)", lambda n: pso_chain.credits(n, year), frames_equal)
    explained = both("explain (busiest buyer)", lambda n: pso_chain.explain(n, org_id, year), same)
    rows[-1] = (rows[-1][0].replace("buyer", f"buyer, {len(explained['purchases']):,} purchases"),
                *rows[-1][1:])
    both("uplift (busiest buyer, top 5, max_share 0.25)",
         lambda n: pso_chain.uplift(n, org_id, year, top=5, max_share=0.25), plans_equal)
    found = both(f"suppliers on {on} for the busiest buyer",
                 lambda n: pso_chain.suppliers(n, on, for_org=org_id, year=year), frames_equal)
    rows[-1] = (rows[-1][0] + f" ({len(found):,} rows)", *rows[-1][1:])
    out = both("exposure", lambda n: pso_chain.exposure(n, year), frames_equal)
    rows[-1] = (rows[-1][0] + f" ({len(out):,} rows)", *rows[-1][1:])
    rows.append(("read the folder once (pso_chain.open, validated)", None, t_read, ""))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--purchases", type=int, default=1_000_000)
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="1g")
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--no-transactional", action="store_true")
    parser.add_argument("--load-only", action="store_true", help="the fresh bulk load alone")
    args = parser.parse_args()
    folder = ensure_dataset(dataset_name(args.orgs, args.purchases), args.orgs, args.purchases)
    print(f"dataset {folder}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
          flush=True)
    rows: list = []

    (server, bulk), t_bulk = timed(lambda: start_with_dataset(
        folder, heap=args.heap, pagecache=args.pagecache, progress=lambda m: print(m, flush=True)))
    try:
        n = bulk["purchases"]
        rows.append(("fresh load: neo4j-admin import, indexes included", t_bulk, None,
                     f"**{n / t_bulk:,.0f} relationships/s** ({n:,} BUYS_FROM, "
                     f"{bulk['organisations']:,} organisations): validate {bulk['validate_s']:.1f} s, "
                     f"write CSV {bulk['write_csv_s']:.1f} s, import {bulk['import_s']:.1f} s, "
                     f"indexes + counts {bulk['indexes_s']:.1f} s, rest = server start"))
        print(rows[-1], flush=True)
        if not args.load_only:
            verbs(server.uri, folder, rows)
    finally:
        server.stop()

    if not (args.no_transactional or args.load_only):
        with LocalNeo4j(heap=args.heap, pagecache=args.pagecache) as fresh:
            first, t_first = timed(lambda: load_dataset(folder, fresh.uri, batch=args.batch))
            rows.append(("transactional load (UNWIND batches, CREATE path)", t_first, None,
                         f"{first['purchases_per_second']:,.0f} relationships/s "
                         f"({first['purchases_s']:.1f} s for the purchases)"))
            print(rows[-1], flush=True)
            again, t_again = timed(lambda: load_dataset(folder, fresh.uri, batch=args.batch))
            rows.append(("transactional re-load (MERGE path, no change)", t_again, None,
                         f"{again['purchases_per_second']:,.0f} relationships/s"))
            print(rows[-1], flush=True)

    print()
    print("| step | Neo4j (s) | in-memory (s) | note |")
    print("|---|---:|---:|---|")
    for step, t_db, t_mem, note in rows:
        db = "" if t_db is None else f"{t_db:.2f}"
        mem = "" if t_mem is None else f"{t_mem:.2f}"
        print(f"| {step} | {db} | {mem} | {note} |")
    flags = f"--orgs {args.orgs} --purchases {args.purchases} --heap {args.heap} " \
            f"--pagecache {args.pagecache} --batch {args.batch}" \
            + (" --no-transactional" if args.no_transactional else "") \
            + (" --load-only" if args.load_only else "")
    print(f"\ncommand: .venv/bin/python benchmarks/bench_neo4j.py {flags}")
    print("Neo4j times include connecting, the query and building the engine's network of the part "
          "read (a second call; the note gives the first after the load); in-memory times are the "
          "verb on the folder's network, read once.")


if __name__ == "__main__":
    main()
