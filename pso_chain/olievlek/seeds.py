"""Which K organisations to certify (e.g. with a municipal subsidy) so that ``simulate``
certifies the most others: greedy selection with lazy evaluation (CELF, Leskovec et al. 2007).

The cascade is monotone, so its fixed point after adding a seed can be computed by resuming
from the fixed point without it. That makes a candidate's marginal gain cheap: only the
spend its own purchases (and those of the organisations it tips over) add. Gains of many
candidates are computed together, one round for all of them at once, with each candidate's
extra spend kept as (candidate, supplier) pairs.

Who can adopt is :func:`~pso_chain.olievlek.base.can_adopt`, as in ``simulate``: SW-bedrijven
without a certificate are neither candidates nor gain (purchases from them count already), and
the cascade starts from ``simulate``'s own state (:func:`~pso_chain.olievlek.simulate.start_cascade`),
so the certifications claimed for the picks are exactly what ``simulate`` certifies beyond its
baseline when they are seeded.

Candidates: organisations not certified at the fixed point of the current seeds, inside the
municipality when one is given, that buy from someone in year Y (a seed acts only through its
purchases). A candidate whose purchases tip no supplier over its threshold gains nothing; this
is checked for all candidates at once, so only the live ones are ever evaluated further.

Threshold cascades do not always have diminishing returns (two seeds together can tip a
supplier neither tips alone), so CELF's lazy bounds are a heuristic there (exact where the
gains do diminish); after each pick, candidates that tip a supplier only now that the pick
raised its pressure join the search. Every reported gain is exact: the number of
organisations (or their target-group FTE) the pick adds to the cascade.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pso_chain import check
from pso_chain.core.network import PurchaseNetwork
from pso_chain.olievlek.base import check_year, municipality_mask
from pso_chain.olievlek.simulate import Cascade, certify_rule, distinct, out_edges, start_cascade

OBJECTIVES = ("count", "fte")
SEEDS_COLUMNS = ["rank", "org_id", "name", "municipality", "employees", "fee_eur", "marginal_gain",
                 "cumulative_gain", "certified_gain", "target_fte_at_certified_gain"]
# Candidates evaluated together in one batch (bounds the memory of the pair arrays).
BATCH = 100_000

Progress = Callable[[str], None] | None


def cascade_gains(cascade: Cascade, candidates: np.ndarray, target_fte: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """For each candidate (not certified at the cascade's fixed point): how many organisations
    the cascade would certify in addition, and their target-group FTE, if it applied the code.

    The cascade's state is not changed.
    """
    n = cascade.n
    m = len(candidates)
    count = np.zeros(m, dtype=np.int64)
    fte = np.zeros(m)
    if m == 0:
        return count, fte
    width = np.int64(n)
    done = np.sort(np.arange(m, dtype=np.int64) * width + candidates)  # certified per scenario
    extra_keys = np.zeros(0, dtype=np.int64)  # (scenario, supplier) -> extra spend
    extra_vals: np.ndarray = np.zeros(0)  # float: np.bincount with weights
    new_scn, new_node = np.arange(m, dtype=np.int64), np.asarray(candidates, dtype=np.int64)
    while len(new_scn):
        owner, cols, vals = out_edges(cascade.matrix, new_node)
        scn = new_scn[owner]
        ok = ~cascade.certified[cols]
        keys = scn[ok] * width + cols[ok]
        vals = vals[ok]
        pos = np.minimum(np.searchsorted(done, keys), max(len(done) - 1, 0))
        ok = done[pos] != keys if len(done) else np.ones(len(keys), dtype=bool)
        keys, vals = keys[ok], vals[ok]
        if len(keys) == 0:
            break
        merged = np.concatenate([extra_keys, keys])
        extra_keys, inverse = np.unique(merged, return_inverse=True)
        extra_vals = np.bincount(inverse.ravel(), weights=np.concatenate([extra_vals, vals]))
        touched = np.unique(keys)
        node = touched % width
        spend = cascade.spend[node] + extra_vals[np.searchsorted(extra_keys, touched)]
        hit = touched[cascade.rule.meets(spend, node)]
        new_scn, new_node = hit // width, hit % width
        count += np.bincount(new_scn, minlength=m)
        fte += np.bincount(new_scn, weights=target_fte[new_node], minlength=m)
        done = np.union1d(done, hit)
        alive = np.zeros(m, dtype=bool)  # scenarios that moved on: the others are finished
        alive[new_scn] = True
        keep = alive[extra_keys // width]
        extra_keys, extra_vals = extra_keys[keep], extra_vals[keep]
        done = done[alive[done // width]]
    return count, fte


def tips_someone(cascade: Cascade, candidates: np.ndarray) -> np.ndarray:
    """For each candidate: would its own purchases tip some supplier over (the first round of
    its cascade)? Exactly the candidates with a positive gain; all checked at once."""
    owner, cols, vals = out_edges(cascade.matrix, candidates)
    open_ = ~cascade.certified[cols]
    owner, cols, vals = owner[open_], cols[open_], vals[open_]
    tips = np.zeros(len(candidates), dtype=bool)
    tips[owner[cascade.rule.meets(cascade.spend[cols] + vals, cols)]] = True
    return tips


@dataclass
class SeedSelection:
    """The picks (``frame``) and what the user should know about the search."""

    frame: pd.DataFrame
    candidates: int
    live_candidates: int
    evaluations: int
    notes: list[str] = field(default_factory=list)


def select_seeds(network: PurchaseNetwork, k: int, year: int | None = None,
                 municipality: str | None = None, objective: str = "count",
                 threshold: float | None = None, model: str = "threshold",
                 at_risk: float | None = None, progress: Progress = None) -> SeedSelection:
    """Greedy (CELF) choice of ``k`` seeds maximising the organisations (``count``) or the
    target-group FTE (``fte``) the cascade of ``year`` certifies beyond the seeds.

    ``frame`` of the result holds the picks in order: ``rank, org_id, name, municipality,
    employees, fee_eur, marginal_gain, cumulative_gain, certified_gain,
    target_fte_at_certified_gain`` (the existing target-group FTE at the organisations of
    ``certified_gain``: staff they employ already, not new jobs).

    >>> import pso_chain
    >>> out = select_seeds(pso_chain.load_example(), 2).frame
    >>> bool((out["marginal_gain"] > 0).all())
    True
    """
    check.choice(objective, OBJECTIVES, "objective")
    k = check.positive_int(k, "k")
    year = check_year(network, year)
    rule = certify_rule(network, model, threshold, at_risk)
    cascade = start_cascade(network, year, rule)  # who can adopt: as in simulate
    matrix = cascade.matrix
    cascade.run(np.flatnonzero(cascade.applies_from == 0))
    target = network.target_fte
    buys = np.diff(matrix.indptr) > 0
    allowed = municipality_mask(network, municipality) & buys
    candidates = np.flatnonzero(allowed & ~cascade.certified)

    def evaluate(nodes: np.ndarray) -> np.ndarray:
        gains = []
        for lo in range(0, len(nodes), BATCH):
            count, fte = cascade_gains(cascade, nodes[lo:lo + BATCH], target)
            gains.append(np.stack([count, fte], axis=1))
            if progress and len(nodes) > BATCH:
                progress(f"evaluated {min(lo + BATCH, len(nodes)):,} of {len(nodes):,} candidates")
        return np.concatenate(gains) if gains else np.zeros((0, 2))

    column = 0 if objective == "count" else 1
    live_nodes = candidates[tips_someone(cascade, candidates)]
    gains = evaluate(live_nodes)
    evaluations = len(live_nodes)
    stamp = np.full(network.n, -1, dtype=np.int64)
    heap: list[tuple[float, int, int]] = []

    def push(nodes: np.ndarray, values: np.ndarray, pick_no: int) -> None:
        for node, value in zip(nodes.tolist(), values.tolist(), strict=True):
            if value[column] > 0:
                stamp[node] = pick_no
                heapq.heappush(heap, (-value[column], node, pick_no))

    push(live_nodes, gains, 0)
    buyers_of = matrix.tocsc()
    rows = []
    total = 0.0
    notes = []
    for pick_no in range(k):
        chosen = None
        while heap:
            neg, node, when = heapq.heappop(heap)
            if when != stamp[node] or cascade.certified[node]:
                continue  # a superseded entry, or certified by an earlier pick's cascade
            if when == pick_no:
                chosen = (node, -neg)
                break
            fresh = evaluate(np.array([node]))
            evaluations += 1
            stamp[node] = -1
            push(np.array([node]), fresh, pick_no)
        if chosen is None:
            notes.append(f"stopped after {pick_no} pick(s): no remaining candidate makes the "
                         "cascade certify anyone else")
            break
        node = chosen[0]
        before = cascade.certified.copy()
        cascade.certified[node] = True
        cascade.applies_from[node] = 0
        cascade.run(np.array([node]), check_everyone=False)
        added = cascade.certified & ~before
        added[node] = False
        certified_gain = int(added.sum())
        fte_gain = float(target[added].sum())
        gain = certified_gain if column == 0 else fte_gain
        total += gain
        rows.append((pick_no + 1, node, gain, total, certified_gain, fte_gain))
        if progress:
            progress(f"pick {pick_no + 1}: {network.org_ids[node]} (+{gain:g})")
        if pick_no + 1 < k:  # candidates that tip a supplier only now the pick raised its pressure
            newly = np.r_[node, np.flatnonzero(added)]
            _, grown, _ = out_edges(matrix, newly)
            grown = distinct(grown, network.n)
            grown = grown[~cascade.certified[grown]]
            _, near, _ = out_edges(buyers_of, grown)
            near = distinct(near, network.n)
            near = near[allowed[near] & ~cascade.certified[near] & (stamp[near] < 0)]
            near = near[tips_someone(cascade, near)]
            if len(near):
                push(near, evaluate(near), pick_no + 1)
                evaluations += len(near)
    return SeedSelection(_frame(network, rows), len(candidates), len(live_nodes), evaluations, notes)


def _frame(network: PurchaseNetwork, rows: list[tuple]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame(columns=SEEDS_COLUMNS)
    rank, node, gain, total, count, fte = (np.array(col) for col in zip(*rows, strict=True))
    orgs = network.organisations
    return pd.DataFrame({
        "rank": rank.astype(np.int64),
        "org_id": orgs["org_id"].to_numpy()[node],
        "name": orgs["name"].to_numpy()[node],
        "municipality": orgs["municipality"].to_numpy()[node],
        "employees": network.employees[node],
        "fee_eur": network.rules.fee(network.employees[node]),
        "marginal_gain": gain,
        "cumulative_gain": total,
        "certified_gain": count.astype(np.int64),
        "target_fte_at_certified_gain": fte.astype(float),
    }, columns=SEEDS_COLUMNS)
