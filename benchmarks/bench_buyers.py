"""Buyer verbs at national scale (1M organisations, 10M purchases), against peers in the same run.

Engine: ``eligible_suppliers`` over every organisation (plain and with ``--for``), ``uplift``
(top 5 and the cheapest mix) and ``substitutes``/``compliance`` for the busiest buyer, a shift
what-if, and a tender of 10,000 bids. Peers, in the same process:
- suppliers the pandas way: merge certifications with organisations, filter on the date,
  group, sort (same result set, checked);
- uplift without the closed form: bisection on the euro amount, rescoring the whole network
  (``credits`` on an edited network) each step; a few steps are timed, and the ~37 steps cent
  precision needs on amounts up to 1e9 euros are extrapolated.

Run:  .venv/bin/python benchmarks/bench_buyers.py [--data n1m] [--orgs 1000000 --purchases 10000000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ensure_dataset, run_measured  # noqa: E402

CODE = """
import datetime as dt
import numpy as np, pandas as pd
from pso_chain.core.loading import load_network
from pso_chain.core.scoring import credits
from pso_chain.buyers import (compliance_report, eligible_suppliers, shift_effect, substitutes,
                              tender_ranking, uplift_by_supplier, uplift_mix)

def timed(name, fn):
    t = time.perf_counter(); out = fn(); figures[name + '_s'] = time.perf_counter() - t
    return out

folder = sys.argv[1]
net = timed('load', lambda: load_network(folder))
figures['orgs'], figures['purchases'] = net.n, len(net.purchases)
on = dt.date(2025, 12, 31)
year = 2025
frame = timed('suppliers', lambda: eligible_suppliers(net, on))
figures['eligible_suppliers'] = len(frame)
timed('suppliers_filtered', lambda: eligible_suppliers(net, on, sbi='81', min_level='2'))
rows = np.bincount(net.buyer[net.in_year(year)], minlength=net.n)
busiest = int(np.argmax(rows * (net.target_fte > 0) * ~np.isnan(net.revenue)))
buyer = net.organisations['org_id'].iat[busiest]
figures['buyer_rows'] = int(rows[busiest])
timed('suppliers_for', lambda: eligible_suppliers(net, on, for_org=buyer, year=year))
plan = timed('uplift_top5', lambda: uplift_by_supplier(net, buyer, year, top=5))
timed('uplift_mix', lambda: uplift_mix(net, buyer, year, 0.01))
spent = net.adjacency(year)[busiest].toarray().ravel()
source = net.organisations['org_id'].iat[int(np.argmax(spent))]
target = frame['org_id'].iat[0]
timed('shift', lambda: shift_effect(net, buyer, year, source, target))
subs = timed('substitutes', lambda: substitutes(net, buyer, year))
figures['substitute_rows'] = len(subs)
timed('compliance', lambda: compliance_report(net, buyer, on, year))
rng = np.random.default_rng(1)
bids = pd.DataFrame({'supplier_id': rng.choice(net.organisations['org_id'].to_numpy(), 10_000),
                     'price': rng.uniform(1e5, 2e5, 10_000), 'name': '', 'bid_row': np.arange(10_000) + 2})
timed('tender_10k_bids', lambda: tender_ranking(net, bids, on, {'aspirant': 1.0, '1': 2.0, '2': 4.0, '3': 6.0}))

# peer 1: suppliers the pandas way (reading timed apart; the engine's load is timed apart too)
t = time.perf_counter()
o = pd.read_parquet(folder + '/organisations.parquet')
c = pd.read_parquet(folder + '/certifications.parquet')
figures['peer_pandas_read_s'] = time.perf_counter() - t
t = time.perf_counter()
c['valid_from'] = pd.to_datetime(c['valid_from']); c['valid_until'] = pd.to_datetime(c['valid_until'])
stamp = pd.Timestamp(on)
ok = c[(c['valid_from'] <= stamp) & (c['valid_until'] >= stamp)]
rank = {lv: i for i, lv in enumerate(net.rules.all_levels)}
ok = ok.assign(rank=ok['level'].astype(str).map(rank)).groupby('org_id', as_index=False)['rank'].max()
m = o.merge(ok, on='org_id', how='left')
sw = m['sw'].astype(str).str.lower().isin(['true', '1', 'ja', 'yes'])
m = m[sw | m['rank'].notna()]
m = m.assign(yield_fte_per_meur=1e6 * m['target_fte'] / m['revenue_eur']).sort_values(
    ['yield_fte_per_meur', 'org_id'], ascending=[False, True])
figures['peer_pandas_suppliers_s'] = time.perf_counter() - t
figures['peer_pandas_same_set'] = set(m['org_id'].astype(str)) == set(frame['org_id'])

# peer 2: uplift by bisection with full rescoring
reach = plan.dropna(subset=['extra_eur'])
row = reach.iloc[0]
lo, hi, steps = 0.0, float(row['extra_eur']) * 2, 3
t = time.perf_counter()
for _ in range(steps):
    mid = (lo + hi) / 2
    added = pd.DataFrame({'buyer_id': [buyer], 'supplier_id': [row['supplier_id']], 'amount_eur': [mid],
                          'year': [year]})
    score = credits(net.with_purchases(added=added), year)
    got = score['trede'].iat[busiest]
    lo, hi = (lo, mid) if (not pd.isna(got) and got >= row['target_trede']) else (mid, hi)
figures['peer_bisection_step_s'] = (time.perf_counter() - t) / steps
figures['peer_bisection_37_steps_s'] = figures['peer_bisection_step_s'] * 37
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="n1m")
    parser.add_argument("--orgs", type=int, default=1_000_000)
    parser.add_argument("--purchases", type=int, default=10_000_000)
    args = parser.parse_args()
    folder = ensure_dataset(args.data, args.orgs, args.purchases)
    figures = run_measured(CODE, str(folder))
    print(f"dataset {folder}: {figures['orgs']:,} organisations, {figures['purchases']:,} purchases")
    for key, value in figures.items():
        print(f"  {key:32s} {value:.3f}" if isinstance(value, float) else f"  {key:32s} {value}")
    print(f"  ratio pandas peer / engine suppliers: "
          f"{figures['peer_pandas_suppliers_s'] / figures['suppliers_s']:.1f}x")
    print(f"  ratio bisection peer (37 steps) / engine uplift: "
          f"{figures['peer_bisection_37_steps_s'] / figures['uplift_top5_s']:.0f}x "
          f"(the engine prices 5 suppliers x every trede in that time)")


if __name__ == "__main__":
    main()
