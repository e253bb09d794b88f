"""Neo4j benchmark: the bulk fresh load, the transactional load and re-load, and the verbs on a
URI beside the folder, in one run.

1. Fresh load through Neo4j's offline importer (``pso-chain neo4j local --load``:
   validate, write the import CSVs, ``neo4j-admin database import full``, start the server,
   constraints and indexes online, counts checked) into a throwaway server.
2. The verbs on that URI next to the same verbs on the folder (its compiled network): the
   database's compiled network built once (every row read, the first call), then each verb on
   it (one state query per call), on a fresh ``pso_chain.open(uri)`` (the compiled files
   mapped), and unless ``--no-plain`` without the cache (``cache=False``: the rows each verb
   needs selected in Neo4j); every answer is checked equal, and the ratios URI / folder printed.
   Compiled networks go to a temporary cache folder, removed at the end.
3. Unless ``--no-transactional``: the transactional loader (UNWIND batches, CREATE path) into a
   second throwaway server, then the same load again (the idempotent MERGE path).

    .venv/bin/python benchmarks/bench_neo4j.py [--orgs 100000 --purchases 1000000 | --data DIR]
        [--heap 2g] [--pagecache 1g] [--batch 100000] [--no-transactional] [--no-plain]
        [--load-only]

The load average is printed at the start and the end: figures taken under load are only
meaningful as ratios within one run. Big datasets (1M organisations and up) run under
``flock /tmp/pso-bench.lock``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
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

REPEATS = 3  # each verb's time: the best of this many calls


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def dataset_name(orgs: int, purchases: int) -> str:
    known = {(100_000, 1_000_000): "n100k", (1_000_000, 10_000_000): "n1m"}
    return known.get((orgs, purchases), f"n{orgs}_{purchases}")


IMPORTER_VARIANTS = (
    ("defaults (all cores)", ()),
    ("--high-parallel-io=on", ("--high-parallel-io=on",)),
    ("--threads=1", ("--threads=1",)),
)


def importer_floor(folder: Path, heap: str) -> list[tuple[str, float, float]]:
    """``neo4j-admin database import full`` alone on the import files of ``folder`` (written
    once, beforehand), into a new empty home per run: the importer's own time, nothing of ours
    around it, with some of its options. Returns (variant, seconds, relationships/s)."""
    from pso_chain.core.loading import read_dataset
    from pso_chain.neo4jdb.bulk import run_importer, write_import_files
    from pso_chain.neo4jdb.load import score_columns
    from pso_chain.rules import load_rules

    rules = load_rules()
    data = read_dataset(folder, rules)
    work = Path(tempfile.mkdtemp(prefix="pso-bench-csv-"))
    out = []
    try:
        files = write_import_files(data, work, score_columns(data, rules))
        for label, options in IMPORTER_VARIANTS:
            home = Path(tempfile.mkdtemp(prefix="pso-bench-home-"))
            try:
                seconds = run_importer(home, files, heap=heap, options=options)
            finally:
                shutil.rmtree(home, ignore_errors=True)
            out.append((label, seconds, len(data.purchases) / seconds))
            print(f"importer alone, {label}: {seconds:.1f} s", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def verbs(uri: str, folder: Path, rows: list, verb_rows: list, cache_dir: Path,
          plain: bool = True) -> None:
    """Each verb on the URI and on the folder, answers checked equal. On the URI: on the
    database's compiled network (the default) after its first build, on a fresh
    ``pso_chain.open(uri)`` that maps it, and (``plain``) without the cache (each verb's rows
    selected in Neo4j); on the folder: its compiled network. Ratios URI / folder."""
    network, t_read = timed(lambda: pso_chain.open(folder, cache_dir=cache_dir))  # builds
    network, t_map = timed(lambda: pso_chain.open(folder, cache_dir=cache_dir))  # maps
    database = pso_chain.open(uri, network.rules, cache_dir=cache_dir)
    _, t_build = timed(database.network)  # every row read, validated, written
    _, t_state = timed(database.network)  # one state query, the network held
    selected = pso_chain.open(uri, network.rules, cache=False)
    year = network.latest_year
    busiest = int(np.bincount(network.buyer, minlength=network.n).argmax())
    org_id = str(network.organisations["org_id"].iat[busiest])
    on = pd.Timestamp(f"{year}-06-30").date()
    rows.append(("read and compile the folder (first pso_chain.open)", None, t_read, ""))
    rows.append(("open the folder's compiled network again", None, t_map, ""))
    rows.append(("build the database's compiled network (first call on the URI: every row "
                 "streamed, validated, written)", t_build, None,
                 f"{t_build / t_read:.2f}x the folder's first open"))
    rows.append(("a later call's state check on the URI (stamp, counts, bookmark)", t_state,
                 None, ""))

    def best(fn, check=None, expected=None, times: int = REPEATS):
        """The answer and the best of ``times`` wall times (each answer checked)."""
        seconds = []
        for _ in range(times):
            out, t = timed(fn)
            if check is not None:
                check(out, expected)
            seconds.append(t)
        return out, min(seconds)

    def both(label, call, check):
        """The verb on the folder and on the URI, each on the network held (one state query per
        call on the URI) and on a fresh open (the compiled files mapped; the folder's open also
        hashes its table files), best of REPEATS; with ``plain``, once on the rows it selects."""
        mem, t_mem = best(lambda: call(network))
        _, t_mem_open = best(lambda: call(pso_chain.open(folder, cache_dir=cache_dir)), check, mem)
        _, t_db = best(lambda: call(database), check, mem)
        _, t_open = best(lambda: call(pso_chain.open(uri, network.rules, cache_dir=cache_dir)),
                         check, mem)
        t_plain = None
        if plain:
            _, t_plain = best(lambda: call(selected), check, mem, times=1)
        verb_rows.append((label, t_db, t_mem, t_open, t_mem_open, t_plain))
        print(f"{label}: URI {t_db:.3f} s, folder {t_mem:.3f} s; fresh open: URI {t_open:.3f} s, "
              f"folder {t_mem_open:.3f} s"
              + ("" if t_plain is None else f"; rows selected per verb {t_plain:.2f} s"), flush=True)
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
    verb_rows[-1] = (verb_rows[-1][0].replace(
        "buyer", f"buyer, {len(explained['purchases']):,} purchases"), *verb_rows[-1][1:])
    both("uplift (busiest buyer, top 5, max_share 0.25)",
         lambda n: pso_chain.uplift(n, org_id, year, top=5, max_share=0.25), plans_equal)
    found = both(f"suppliers on {on} for the busiest buyer",
                 lambda n: pso_chain.suppliers(n, on, for_org=org_id, year=year), frames_equal)
    verb_rows[-1] = (verb_rows[-1][0] + f" ({len(found):,} rows)", *verb_rows[-1][1:])
    out = both("exposure", lambda n: pso_chain.exposure(n, year), frames_equal)
    verb_rows[-1] = (verb_rows[-1][0] + f" ({len(out):,} rows)", *verb_rows[-1][1:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--purchases", type=int, default=1_000_000)
    parser.add_argument("--data", help="a dataset folder (default: generated into benchmarks/data)")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="1g")
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--no-transactional", action="store_true")
    parser.add_argument("--load-only", action="store_true", help="the fresh bulk load alone")
    parser.add_argument("--importer-floor", action="store_true",
                        help="also neo4j-admin import alone on the same files, with some of its options")
    parser.add_argument("--no-plain", action="store_true",
                        help="skip the verbs without the cache (rows selected per verb)")
    args = parser.parse_args()
    folder = (Path(args.data) if args.data else
              ensure_dataset(dataset_name(args.orgs, args.purchases), args.orgs, args.purchases))
    before = os.getloadavg()
    print(f"dataset {folder}; load average {before[0]:.1f} on {os.cpu_count()} cores",
          flush=True)
    rows: list = []
    verb_rows: list = []
    cache_dir = Path(tempfile.mkdtemp(prefix="pso-bench-cache-"))  # compiled networks, dropped after

    try:
        (server, bulk), t_bulk = timed(lambda: start_with_dataset(
            folder, heap=args.heap, pagecache=args.pagecache,
            progress=lambda m: print(m, flush=True)))
        try:
            n = bulk["purchases"]
            rows.append(("fresh load: neo4j-admin import, indexes included", t_bulk, None,
                         f"**{n / t_bulk:,.0f} relationships/s** ({n:,} BUYS_FROM, "
                         f"{bulk['organisations']:,} organisations): validate "
                         f"{bulk['validate_s']:.1f} s, score {bulk['score_s']:.1f} s, write CSV "
                         f"{bulk['write_csv_s']:.1f} s, **neo4j-admin import {bulk['import_s']:.1f} s**, "
                         f"server start {bulk['server_s']:.1f} s, constraints and indexes "
                         f"{bulk['schema_s']:.1f} s, counts and stamp {bulk['counts_stamp_s']:.1f} s; "
                         f"ours (all but the importer) {t_bulk - bulk['import_s']:.1f} s"))
            print(rows[-1], flush=True)
            if not args.load_only:
                verbs(server.uri, folder, rows, verb_rows, cache_dir, plain=not args.no_plain)
        finally:
            server.stop()
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)

    if args.importer_floor:
        for label, seconds, rate in importer_floor(folder, args.heap):
            rows.append((f"neo4j-admin database import full alone, {label}", seconds, None,
                         f"{rate:,.0f} relationships/s"))

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

    after = os.getloadavg()
    print()
    print("| step | Neo4j (s) | folder (s) | note |")
    print("|---|---:|---:|---|")
    for step, t_db, t_mem, note in rows:
        db = "" if t_db is None else f"{t_db:.2f}"
        mem = "" if t_mem is None else f"{t_mem:.2f}"
        print(f"| {step} | {db} | {mem} | {note} |")
    if verb_rows:
        print()
        print("| verb | URI, network held (s) | folder, network held (s) | URI / folder | "
              "URI, fresh open (s) | folder, fresh open (s) | URI / folder | "
              "rows selected per verb, `cache=False` (s) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for label, t_db, t_mem, t_open, t_mem_open, t_plain in verb_rows:
            plain = "" if t_plain is None else f"{t_plain:.2f}"
            print(f"| {label} | {t_db:.3f} | {t_mem:.3f} | {t_db / t_mem:.2f}x "
                  f"({t_db - t_mem:+.3f} s) | {t_open:.3f} | {t_mem_open:.3f} | "
                  f"{t_open / t_mem_open:.2f}x ({t_open - t_mem_open:+.3f} s) | {plain} |")
    flags = (f"--data {args.data} " if args.data else
             f"--orgs {args.orgs} --purchases {args.purchases} ") + f"--heap {args.heap} " \
            f"--pagecache {args.pagecache} --batch {args.batch}" \
            + (" --no-transactional" if args.no_transactional else "") \
            + (" --no-plain" if args.no_plain else "") \
            + (" --load-only" if args.load_only else "") \
            + (" --importer-floor" if args.importer_floor else "")
    print(f"\ncommand: .venv/bin/python benchmarks/bench_neo4j.py {flags}")
    print(f"load average (1, 5, 15 min): {before[0]:.1f} {before[1]:.1f} {before[2]:.1f} at the "
          f"start, {after[0]:.1f} {after[1]:.1f} {after[2]:.1f} at the end, on "
          f"{os.cpu_count()} cores")
    print(f"Verb times are the best of {REPEATS} calls (rows selected per verb: one call). "
          "URI, network held: a verb on one pso_chain.open(uri) after the first call built the "
          "compiled network, including the state query (stamp, counts, bookmark) of every call; "
          "fresh open: pso_chain.open(...) then the verb (the URI maps the compiled files, the "
          "folder hashes its table files and maps them). Every answer was checked identical to "
          "the folder's.")


if __name__ == "__main__":
    main()
