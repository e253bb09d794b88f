"""Supplier matching: precision and recall on labelled generated books, and matching time.

Labelled set: generated worlds (tests/import_fixtures.py) whose ledgers carry the noise real
books have (legal forms dropped or added, case, typos, "Schoonmaakbedr.", "v.d.", branch
suffixes, missing or 12-digit KvK numbers, one-letter look-alikes such as Jansen/Janssen in the
same place, one chain in two places). Each ledger supplier's true KvK is known.

- precision of accepted = accepted with the right KvK / accepted (target >= 99.5%)
- recall into accepted-or-review = listed suppliers accepted rightly or in review / listed
  suppliers (target >= 99%)
- time to match a 300-supplier ledger against a 50,000-row register (target < 2 s), beside
  the unblocked peer: rapidfuzz's cdist of every supplier against every register name.

    .venv/bin/python benchmarks/bench_import.py --seeds 10 --suppliers 300 --register 5000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from pso_chain.loaders.import_settings import load_import_settings  # noqa: E402
from pso_chain.loaders.ledger import read_ledger  # noqa: E402
from pso_chain.loaders.register import read_register, read_sw_list  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from pso_chain.importing.importer import candidates, ledger_suppliers  # noqa: E402
from pso_chain.importing.matching import build_index, match_suppliers  # noqa: E402
from tests.import_fixtures import make_world, write_afas  # noqa: E402


def labelled(seed: int, n_suppliers: int, n_register: int, tmp: Path):
    """The match report of one generated world beside its labels."""
    world = make_world(seed=seed, n_register=n_register, n_suppliers=n_suppliers)
    lists = world.write_lists(tmp / f"w{seed}")
    lines, _ = read_ledger(write_afas(world.invoices, tmp / f"w{seed}" / "afas.csv"))
    settings = load_import_settings()
    cands = candidates(read_register(lists["register"], settings), read_sw_list(lists["sw"]))
    report = match_suppliers(ledger_suppliers(lines), cands, settings)
    return report.merge(world.labels, on=["ledger_name", "ledger_place"], how="left")


def quality(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        reports = [labelled(s, args.suppliers, args.register, Path(tmp)) for s in range(1, args.seeds + 1)]
    import pandas as pd

    rep = pd.concat(reports, ignore_index=True)
    accepted = rep[rep["status"] == "accepted"]
    right = accepted["matched_kvk"] == accepted["true_kvk"]
    listed = rep[rep["true_kvk"] != ""]
    found = (listed["status"] == "review") | ((listed["status"] == "accepted")
                                              & (listed["matched_kvk"] == listed["true_kvk"]))
    unlisted = rep[rep["true_kvk"] == ""]
    print(f"labelled set: {args.seeds} worlds x {args.suppliers} suppliers, register {args.register:,} rows "
          f"({len(rep):,} ledger suppliers, {len(listed):,} in the register or SW list)")
    print(f"  accepted {len(accepted):,}, of which wrong {int((~right).sum())}: "
          f"precision {right.mean():.4%} (target >= 99.5%)")
    print(f"  listed suppliers accepted rightly or in review: {int(found.sum()):,} of {len(listed):,}: "
          f"recall {found.mean():.4%} (target >= 99%)")
    print(f"  listed accepted rightly without review: {((listed['status'] == 'accepted') & (listed['matched_kvk'] == listed['true_kvk'])).mean():.2%}; "
          f"review band {(rep['status'] == 'review').mean():.2%} of all suppliers; "
          f"unlisted suppliers in review {(unlisted['status'] == 'review').mean():.2%}")
    missed = listed[~found]
    if len(missed):
        print("  listed suppliers missed (first 10):")
        print(missed[["ledger_name", "ledger_place", "status", "matched_name", "note"]].head(10).to_string())
    if (~right).any():
        print(accepted[~right][["ledger_name", "ledger_place", "matched_name", "matched_kvk", "true_kvk"]]
              .to_string())


def speed(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        world = make_world(seed=99, n_register=args.big_register, n_suppliers=args.suppliers)
        lists = world.write_lists(Path(tmp))
        lines, _ = read_ledger(write_afas(world.invoices, Path(tmp) / "afas.csv"))
        settings = load_import_settings()
        cands = candidates(read_register(lists["register"], settings), read_sw_list(lists["sw"]))
    suppliers = ledger_suppliers(lines)
    idx_t, match_t, peer_t = [], [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        index = build_index(cands, settings)
        t1 = time.perf_counter()
        match_suppliers(suppliers, cands, settings, index)
        t2 = time.perf_counter()
        process.cdist(suppliers["ledger_name"].str.lower().tolist(), cands["name"].str.lower().tolist(),
                      scorer=fuzz.token_sort_ratio, dtype=np.uint8, workers=1)
        t3 = time.perf_counter()
        idx_t.append(t1 - t0)
        match_t.append(t2 - t1)
        peer_t.append(t3 - t2)
    print(f"matching {len(suppliers)} ledger suppliers against {len(cands):,} register + SW rows "
          f"(best of {args.repeat}):")
    print(f"  prepare the register (normalise, words, blocks)  {min(idx_t):6.2f} s")
    print(f"  match the suppliers (blocked, scored, decided)    {min(match_t):6.2f} s")
    print(f"  total                                              {min(i + m for i, m in zip(idx_t, match_t, strict=True)):6.2f} s (target < 2 s)")
    print(f"  peer: unblocked rapidfuzz cdist, every supplier x every name (scores only)  {min(peer_t):6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--suppliers", type=int, default=300)
    parser.add_argument("--register", type=int, default=5000)
    parser.add_argument("--big-register", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    if not args.skip_quality:
        quality(args)
    speed(args)
    print("command: .venv/bin/python benchmarks/bench_import.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
