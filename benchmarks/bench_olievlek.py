"""Olievlek and embodied at national scale, and the cascade against NDlib and cynetdiff.

National scale (benchmarks/data/n1m: 1M organisations, 10M purchase rows), each measured in
its own process (peak RSS of that process):
- merely reading the tables with pandas (the reference for the ratio targets);
- `pso-chain olievlek simulate DIR --out x.parquet` as a whole command (target: <= 6x reading);
- simulate and embodied in-process after load (embodied target: <= 10 s), peak memory < 4 GB;
- exposure, history, stats and seeds (K=3) in-process after load.

Peers, on graphs all three can handle (default 20,000 organisations / 200,000 relations and
200,000 / 2,000,000), with equal
amounts and revenue equal to the sum of incoming purchases, so that pressure is the fraction of
certified buyers and the three models are the same cascade:
- NDlib's ThresholdModel (pure Python, synchronous rounds);
- cynetdiff's LinearThresholdModel (Cython; influence 1/in-degree, thresholds assigned).
Each is timed on the propagation only (models built beforehand), best of --repeat; the final
certified sets are compared.

Run:  .venv/bin/python benchmarks/bench_olievlek.py [--data benchmarks/data/n1m] [--repeat 2]
          [--peer-sizes 20000:200000,200000:2000000] [--skip-national]
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
from pathlib import Path
t = time.perf_counter()
o = pd.read_parquet(sys.argv[1] + '/organisations.parquet')
p = pd.read_parquet(sys.argv[1] + '/purchases.parquet')
figures['read_two_s'] = time.perf_counter() - t
for name in ('certifications', 'employees_records'):
    f = Path(sys.argv[1]) / (name + '.parquet')
    if f.exists():
        pd.read_parquet(f)
figures['read_all_s'] = time.perf_counter() - t
figures['rows'] = len(p)
figures['orgs'] = len(o)
"""

SIMULATE = """
from pso_chain.core.loading import load_network
from pso_chain.olievlek import simulate
t = time.perf_counter()
net = load_network(sys.argv[1])
figures['load_s'] = time.perf_counter() - t
t = time.perf_counter()
sim = simulate(net)
figures['simulate_first_s'] = time.perf_counter() - t
t = time.perf_counter()
frame = sim.certified_frame()
rounds = sim.rounds_frame()
figures['frames_s'] = time.perf_counter() - t
t = time.perf_counter()
simulate(net)
figures['simulate_warm_s'] = time.perf_counter() - t
figures['certified'] = len(frame)
figures['rounds'] = int(rounds['round'].max())
figures['start_applying'] = int(rounds['code_applying'].iat[0])
"""

EMBODIED = """
from pso_chain.core.loading import load_network
from pso_chain.olievlek.embodied import embodied
t = time.perf_counter()
net = load_network(sys.argv[1])
figures['load_s'] = time.perf_counter() - t
t = time.perf_counter()
out = embodied(net)
figures['embodied_first_s'] = time.perf_counter() - t
t = time.perf_counter()
out = embodied(net)
figures['embodied_warm_s'] = time.perf_counter() - t
figures['total_embodied_fte'] = float(out['embodied_fte'].sum())
"""

OTHERS = """
from pso_chain.core.loading import load_network
from pso_chain import olievlek as ov
t = time.perf_counter()
net = load_network(sys.argv[1])
figures['load_s'] = time.perf_counter() - t
for name, fn in (('exposure', lambda: ov.exposure(net)), ('history', lambda: ov.history(net)),
                 ('stats', lambda: ov.chain_stats(net)),
                 ('seeds', lambda: ov.select_seeds(net, int(sys.argv[2])))):
    t = time.perf_counter()
    out = fn()
    figures[name + '_s'] = time.perf_counter() - t
    if name == 'seeds':
        figures['seed_candidates'] = out.candidates
        figures['seed_live'] = out.live_candidates
        figures['seed_gains'] = out.frame['marginal_gain'].tolist()
    elif name == 'exposure':
        figures['prospects'] = len(out)
"""

# The peers: one random graph, three models of the same cascade.
PEERS = """
import array, tempfile
import numpy as np, pandas as pd, networkx as nx
from pso_chain.core.loading import load_network
from pso_chain.olievlek import simulate
n, m, repeat = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(5)
w = rng.pareto(1.5, n) + 1
b = rng.choice(n, m, p=w / w.sum()); s = rng.choice(n, m, p=w / w.sum())
key = np.unique(b[b != s] * n + s[b != s]); b, s = key // n, key % n
indeg = np.bincount(s, minlength=n)
thr = rng.uniform(0.1, 0.9, n).astype(np.float32).astype(float)
infected = np.flatnonzero(rng.random(n) < 0.05)
ids = np.array([f'{i:08d}' for i in range(n)])
cert = np.isin(np.arange(n), infected)
orgs = pd.DataFrame({'org_id': ids, 'name': ids, 'employees': 10, 'fte': 10.0, 'target_fte': 0.0,
    'revenue_eur': np.maximum(indeg, 1).astype(float), 'sw': False,
    'pso_level': np.where(cert, '1', ''), 'pso_valid_from': np.where(cert, '2020-01-01', ''),
    'pso_valid_until': np.where(cert, '2030-12-31', ''), 'threshold': thr})
buys = pd.DataFrame({'buyer_id': ids[b], 'supplier_id': ids[s], 'amount_eur': 1.0, 'year': 2025})
folder = tempfile.mkdtemp()
orgs.to_csv(folder + '/organisations.csv', index=False); buys.to_csv(folder + '/purchases.csv', index=False)
net = load_network(folder)
figures['peer_nodes'] = n; figures['peer_edges'] = len(b); figures['peer_seeds'] = len(infected)
simulate(net)  # builds the CSR once
best = 1e9
for _ in range(repeat):
    t = time.perf_counter(); sim = simulate(net); best = min(best, time.perf_counter() - t)
figures['ours_s'] = best
from pso_chain.olievlek.base import applies_code, certified_at_start, supplier_matrix
from pso_chain.olievlek.simulate import Cascade, certify_rule
rule = certify_rule(net); start = certified_at_start(net, 2025); applying = start & applies_code(net)
matrix = supplier_matrix(net, 2025)
best = 1e9
for _ in range(max(repeat, 5)):
    t = time.perf_counter()
    cascade = Cascade(matrix, rule, start, applying); cascade.run(np.flatnonzero(applying))
    best = min(best, time.perf_counter() - t)
figures['kernel_s'] = best
ours = set(np.flatnonzero(sim.round_of >= 1).tolist()) | set(infected.tolist())
assert ours == set(np.flatnonzero(cascade.certified).tolist())
figures['ours_certified'] = len(ours)
g = nx.DiGraph(); g.add_nodes_from(range(n)); g.add_edges_from(zip(b.tolist(), s.tolist()))
# NDlib ThresholdModel
import ndlib.models.epidemics as ep, ndlib.models.ModelConfig as mc
best = 1e9
for _ in range(repeat):
    model = ep.ThresholdModel(g, seed=0)
    cfg = mc.Configuration()
    for i in range(n):
        cfg.add_node_configuration('threshold', i, float(thr[i]))
    cfg.add_model_initial_configuration('Infected', infected.tolist())
    model.set_initial_status(cfg)
    t = time.perf_counter()
    model.iteration()
    while True:
        step = model.iteration(node_status=True)
        if not any(v == 1 for v in step['status'].values()):
            break
    best = min(best, time.perf_counter() - t)
figures['ndlib_s'] = best
nd = {i for i, v in model.status.items() if v == 1}
figures['ndlib_certified'] = len(nd); figures['ndlib_same'] = nd == ours
# cynetdiff LinearThresholdModel
try:
    from cynetdiff.models import LinearThresholdModel
    order = np.argsort(b, kind='stable')
    starts = array.array('I', np.searchsorted(b[order], np.arange(n)).astype(np.uint32).tolist())
    edges = array.array('I', s[order].astype(np.uint32).tolist())
    influence = array.array('f', (1.0 / indeg[s[order]]).astype(np.float32).tolist())
    lt = LinearThresholdModel(starts, edges, influence=influence)
    best = 1e9
    for _ in range(max(repeat, 5)):
        lt.set_seeds(infected.tolist())
        lt._assign_thresholds(array.array('f', thr.astype(np.float32).tolist()))
        t = time.perf_counter(); lt.advance_until_completion(); best = min(best, time.perf_counter() - t)
    figures['cynetdiff_s'] = best
    cy = set(lt.get_activated_nodes())
    figures['cynetdiff_certified'] = len(cy); figures['cynetdiff_same'] = cy == ours
except ImportError as exc:
    figures['cynetdiff_error'] = str(exc)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="dataset folder (default: benchmarks/data/n1m, generated if absent)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--k", type=int, default=3, help="seeds to pick at national scale")
    parser.add_argument("--peer-sizes", default="20000:200000,200000:2000000",
                        help="organisations:relations of the peer graphs, comma-separated")
    parser.add_argument("--skip-national", action="store_true")
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "pso-chain")
    lines = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    if not args.skip_national:
        folder = args.data or str(ensure_dataset("n1m", 1_000_000, 10_000_000))
        read = best_of(args.repeat, lambda: run_measured(READ_ONLY, folder))
        with tempfile.TemporaryDirectory() as tmp:
            out = str(Path(tmp) / "x.parquet")
            sim_cmd = best_of(args.repeat, lambda: run_command(
                [exe, "olievlek", "simulate", folder, "--out", out]))
            emb_cmd = best_of(args.repeat, lambda: run_command([exe, "embodied", folder, "--out", out]))
        sim = best_of(args.repeat, lambda: run_measured(SIMULATE, folder))
        emb = best_of(args.repeat, lambda: run_measured(EMBODIED, folder))
        other = run_measured(OTHERS, folder, str(args.k))
        say(f"dataset: {folder} ({read['orgs']:,} organisations, {read['rows']:,} purchase rows); "
            f"best of {args.repeat}, each in its own process")
        say(f"{'read organisations + purchases with pandas':58s} {read['read_two_s']:7.2f} s")
        say(f"{'read every table of the dataset with pandas':58s} {read['read_all_s']:7.2f} s   (the reference)")
        say(f"{'load_network (read + validate + index)':58s} {sim['load_s']:7.2f} s")
        say(f"{'simulate after load, first call (builds the CSR)':58s} {sim['simulate_first_s']:7.2f} s"
            f"  ({sim['rounds']} rounds, {sim['start_applying']:,} code-applying at the start, "
            f"{sim['certified']:,} certified in the run)")
        say(f"{'simulate after load, warm (CSR cached)':58s} {sim['simulate_warm_s']:7.2f} s")
        say(f"{'  output frames (triggers, pressure, per-round summary)':58s} {sim['frames_s']:7.2f} s")
        say(f"{'  peak memory, load + simulate':58s} {sim['peak_rss_mb']:7.0f} MB  target < 4096 MB")
        say(f"{'whole command: pso-chain olievlek simulate DIR --out x.parquet':58s} {sim_cmd['wall_s']:7.2f} s"
            f"  peak {sim_cmd['peak_rss_mb']:.0f} MB")
        say(f"{'  ratio to reading every table':58s} {sim_cmd['wall_s'] / read['read_all_s']:7.2f} x   target <= 6x")
        say(f"{'  ratio to reading organisations + purchases':58s} {sim_cmd['wall_s'] / read['read_two_s']:7.2f} x")
        say(f"{'  simulate in-process (load + first simulate) / reading':58s} "
            f"{(sim['load_s'] + sim['simulate_first_s']) / read['read_all_s']:7.2f} x")
        say(f"{'embodied after load, first call (builds both CSRs)':58s} {emb['embodied_first_s']:7.2f} s   target <= 10 s")
        say(f"{'embodied after load, warm':58s} {emb['embodied_warm_s']:7.2f} s")
        say(f"{'  peak memory, load + embodied':58s} {emb['peak_rss_mb']:7.0f} MB  target < 4096 MB")
        say(f"{'whole command: pso-chain embodied DIR --out x.parquet':58s} {emb_cmd['wall_s']:7.2f} s"
            f"  peak {emb_cmd['peak_rss_mb']:.0f} MB")
        say(f"{'exposure after load':58s} {other['exposure_s']:7.2f} s  ({other['prospects']:,} prospects)")
        say(f"{'history after load':58s} {other['history_s']:7.2f} s")
        say(f"{'stats after load':58s} {other['stats_s']:7.2f} s")
        say(f"{f'seeds --k {args.k} after load':58s} {other['seeds_s']:7.2f} s  ({other['seed_candidates']:,} "
            f"candidates, {other['seed_live']:,} tip a supplier; gains {other['seed_gains']})")
        say(f"{'  peak memory, load + exposure + history + stats + seeds':58s} {other['peak_rss_mb']:7.0f} MB")
    for size in args.peer_sizes.split(","):
        orgs, relations = size.split(":")
        peers = run_measured(PEERS, orgs, relations, str(max(args.repeat, 1)))
        say()
        say(f"peers on {peers['peer_nodes']:,} organisations, {peers['peer_edges']:,} relations, "
            f"{peers['peer_seeds']:,} certified at the start; propagation only, models built beforehand:")
        say(f"{'  pso-chain simulate (start state from the tables + cascade)':66s} "
            f"{peers['ours_s'] * 1000:9.1f} ms  ({peers['ours_certified']:,} certified)")
        say(f"{'  pso-chain cascade kernel (Cascade.run)':66s} {peers['kernel_s'] * 1000:9.1f} ms")
        say(f"{'  NDlib ThresholdModel':66s} {peers['ndlib_s'] * 1000:9.1f} ms  "
            f"= {peers['ndlib_s'] / peers['ours_s']:.0f}x simulate; same final set: {peers['ndlib_same']}")
        if "cynetdiff_s" in peers:
            say(f"{'  cynetdiff LinearThresholdModel (advance_until_completion)':66s} "
                f"{peers['cynetdiff_s'] * 1000:9.1f} ms  = {peers['cynetdiff_s'] / peers['ours_s']:.2f}x "
                f"simulate, {peers['cynetdiff_s'] / peers['kernel_s']:.2f}x the kernel; "
                f"same final set: {peers['cynetdiff_same']}")
        else:
            say(f"  cynetdiff not available: {peers['cynetdiff_error']}")
    say()
    say(f"reproduce: .venv/bin/python benchmarks/bench_olievlek.py --repeat {args.repeat} --k {args.k} "
        f"--peer-sizes {args.peer_sizes}")


if __name__ == "__main__":
    main()
