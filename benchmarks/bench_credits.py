"""Scoring at national scale: load, compute, whole command and peak memory, against peers.

Peers measured in the same run (ratios, since these machines are noisy):
- merely reading the two Parquet tables with pandas (in-process time, and as a whole process);
- a straightforward networkx implementation (DiGraph, loop per organisation) on a subset.

Run:  .venv/bin/python benchmarks/bench_credits.py [--orgs 1000000 --purchases 10000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import best_of, ensure_dataset, run_command, run_measured  # noqa: E402

READ_ONLY = """
import pandas as pd
t = time.perf_counter()
o = pd.read_parquet(sys.argv[1] + '/organisations.parquet')
p = pd.read_parquet(sys.argv[1] + '/purchases.parquet')
figures['read_s'] = time.perf_counter() - t
figures['rows'] = len(p)
"""

ENGINE = """
from pso_chain.core.loading import load_network
from pso_chain.core.scoring import credits
t = time.perf_counter()
net = load_network(sys.argv[1])
figures['load_s'] = time.perf_counter() - t
t = time.perf_counter()
scores = credits(net)
figures['compute_first_s'] = time.perf_counter() - t
t = time.perf_counter()
scores = credits(net)
figures['compute_s'] = time.perf_counter() - t
figures['orgs'] = net.n
"""

# The peer: networkx DiGraph and a per-organisation loop, on the first N purchase rows.
NETWORKX_PEER = """
import networkx as nx, numpy as np, pandas as pd
from pso_chain.core.loading import load_network
from pso_chain.core.scoring import credits
net = load_network(sys.argv[1])
limit = int(sys.argv[2])
sub_rows = np.arange(min(limit, len(net.purchases)))
orgs = net.organisations
eligible = net.eligible
t = time.perf_counter()
g = nx.MultiDiGraph()
for b, s, a, e in zip(net.buyer[sub_rows], net.supplier[sub_rows], net.amount[sub_rows], eligible[sub_rows]):
    g.add_edge(int(b), int(s), amount=float(a), eligible=bool(e))
rules = net.rules
out = {}
for node in g.nodes:
    ind = 0.0
    for _, s, d in g.out_edges(node, data=True):
        if d['eligible']:
            ind += d['amount'] / net.revenue[s] * net.target_fte[s]
    fte = net.fte[node]
    direct = 100 * net.target_fte[node] / fte
    ind_pct = 100 * ind / (fte + ind)
    out[node] = direct + min(ind_pct, direct * rules.max_indirect_share / (1 - rules.max_indirect_share))
figures['networkx_s'] = time.perf_counter() - t
figures['networkx_nodes'] = g.number_of_nodes()
# the engine on the same subset: same purchases, vectorised
mask = np.zeros(len(net.purchases), bool); mask[sub_rows] = True
t = time.perf_counter()
sel = mask & eligible
ind = np.bincount(net.buyer[sel], weights=net.amount[sel] * net.yield_per_eur[net.supplier[sel]], minlength=net.n)
from pso_chain.core.scoring import score_arrays
nodes = np.unique(np.concatenate([net.buyer[sub_rows], net.supplier[sub_rows]]))
res = score_arrays(rules, net.fte[nodes], net.target_fte[nodes], ind[nodes], net.employees[nodes],
                   net.qualitative_ok[nodes])
figures['engine_subset_s'] = time.perf_counter() - t
expected = np.array([out[int(k)] for k in nodes])
figures['max_abs_diff'] = float(np.max(np.abs(expected - res['total_pct'])))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=1_000_000)
    parser.add_argument("--purchases", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", help="use this dataset folder instead of generating one")
    parser.add_argument("--subset", type=int, default=1_000_000,
                        help="purchase rows for the networkx peer")
    args = parser.parse_args()
    name = "n1m" if (args.orgs, args.purchases) == (1_000_000, 10_000_000) else f"n{args.orgs}_{args.purchases}"
    folder = args.data or str(ensure_dataset(name, args.orgs, args.purchases))
    exe = str(Path(sys.executable).parent / "pso-chain")

    read = best_of(args.repeat, lambda: run_measured(READ_ONLY, folder))
    engine = best_of(args.repeat, lambda: run_measured(ENGINE, folder))
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "credits.parquet")
        command = best_of(args.repeat, lambda: run_command([exe, "credits", folder, "--out", out]))
    peer = run_measured(NETWORKX_PEER, folder, str(args.subset))

    print(f"\ndataset: {folder} ({engine['orgs']:,} organisations, {read['rows']:,} purchase rows); "
          f"best of {args.repeat}")
    print(f"{'read both Parquet tables with pandas (in-process)':58s} {read['read_s']:7.2f} s")
    print(f"{'  the same as a whole process (python -c ...)':58s} {read['wall_s']:7.2f} s")
    print(f"{'load: read + validate + index (load_network)':58s} {engine['load_s']:7.2f} s")
    print(f"{'compute: credits() after load (first / warm)':58s} {engine['compute_first_s']:7.2f} s"
          f" / {engine['compute_s']:.2f} s   target <= 1 s")
    print(f"{'peak memory, load + compute':58s} {engine['peak_rss_mb']:7.0f} MB  target < 4096 MB")
    print(f"{'whole command: pso-chain credits DIR --out x.parquet':58s} {command['wall_s']:7.2f} s"
          f"  peak {command['peak_rss_mb']:.0f} MB")
    print(f"{'  ratio to the in-process pandas read':58s} {command['wall_s'] / read['read_s']:7.2f} x   target <= 4x")
    print(f"{'  ratio to the pandas read as a whole process':58s} {command['wall_s'] / read['wall_s']:7.2f} x")
    print(f"networkx peer (DiGraph + per-organisation loop) on {args.subset:,} purchase rows, "
          f"{peer['networkx_nodes']:,} nodes: {peer['networkx_s']:.2f} s vs engine {peer['engine_subset_s']:.3f} s "
          f"= {peer['networkx_s'] / peer['engine_subset_s']:.0f}x; max |diff| {peer['max_abs_diff']:.2e}")
    print(f"\nreproduce: .venv/bin/python benchmarks/bench_credits.py --orgs {args.orgs} "
          f"--purchases {args.purchases} --repeat {args.repeat}")


if __name__ == "__main__":
    main()
