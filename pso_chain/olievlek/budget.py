"""Seeds under a subsidy budget: which organisations to certify, each at its own cost, so that
``simulate`` certifies the most others without spending more than the budget.

The cost of seeding an organisation is, by default, its annual PSO fee from the rules file
(its size class: ``fee(employees)``, docs/pso-rules.md), the subsidy that pays for the
certificate; ``costs`` (org_id -> euros, e.g. a table with an ``org_id`` and a ``cost_eur``
column) replaces it where given.

The selection is CELF's cost-effective variant (Leskovec et al. 2007, "Cost-effective outbreak
detection in networks"): a lazy greedy run that picks, among the candidates that still fit the
remaining budget, the largest marginal gain; a second one that picks the largest gain per
euro; the better of the two is returned (for a submodular objective it is within
``(1 - 1/e) / 2`` of the best selection). The gains are those of ``seeds``
(:func:`~pso_chain.olievlek.seeds.cascade_gains`, exact, from ``simulate``'s own cascade state)
and the candidates the same: organisations that can adopt, not certified at the cascade's fixed
point, inside the municipality when given, that buy from someone in the year. As in ``seeds``,
threshold cascades need not have diminishing returns, so the lazy bounds are a heuristic there;
every reported gain is exact.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pso_chain import check
from pso_chain.core.network import PurchaseNetwork
from pso_chain.errors import Problem, PsoInputError
from pso_chain.loaders import read_table
from pso_chain.olievlek.base import check_year, municipality_mask
from pso_chain.olievlek.seeds import OBJECTIVES, cascade_gains, tips_someone
from pso_chain.olievlek.simulate import Cascade, CertifyRule, certify_rule, distinct, out_edges, start_cascade

BUDGET_COLUMNS = ["rank", "org_id", "name", "municipality", "employees", "cost_eur", "marginal_gain",
                  "cumulative_gain", "cumulative_cost_eur", "certified_gain",
                  "target_fte_at_certified_gain"]
VARIANTS = ("gain", "gain per euro")


def seed_costs(network: PurchaseNetwork, costs: Mapping[str, float] | pd.Series | None = None
               ) -> np.ndarray:
    """Per organisation: the cost of seeding it, EUR — ``costs`` where given, else its annual fee."""
    out = network.rules.fee(network.employees).astype(float)
    if costs is None:
        return out
    series = pd.Series(costs, dtype=object) if not isinstance(costs, pd.Series) else costs
    nodes = network.nodes([str(k) for k in series.index])
    values = np.array([check.number(v, "costs", 0.0) for v in series.to_numpy()], dtype=float)
    out[nodes] = values
    return out


def read_costs(path: str | Path) -> pd.Series:
    """org_id -> cost from a table (.csv/.parquet/.xlsx) with ``org_id`` and ``cost_eur`` columns."""
    path = Path(path)
    if not path.is_file():
        raise PsoInputError(Problem(str(path), None, None, None, "file not found"))
    frame = read_table(path, id_columns=("org_id",)).frame
    for col in ("org_id", "cost_eur"):
        if col not in frame.columns:
            raise PsoInputError(Problem(str(path), 1, col, None, "required column missing"))
    values = pd.to_numeric(frame["cost_eur"], errors="coerce")
    bad = np.flatnonzero(~np.isfinite(values.to_numpy(dtype=float)) | (values.to_numpy(dtype=float) < 0))
    if len(bad):
        row = int(bad[0])
        raise PsoInputError(Problem(str(path), row + 2, "cost_eur", str(frame["cost_eur"].iat[row]),
                                    "not a number >= 0"))
    return pd.Series(values.to_numpy(dtype=float), index=frame["org_id"].astype(str).str.strip())


@dataclass
class BudgetSelection:
    """The picks of the better variant (``frame``), what was spent and what the other variant
    would have reached."""

    frame: pd.DataFrame
    budget: float
    spent: float
    variant: str
    value: float
    other_value: float
    candidates: int
    evaluations: int
    notes: list[str] = field(default_factory=list)


@dataclass
class _Run:
    picks: list[tuple[int, float, float, int, float]]  # node, gain, cost, count, fte
    value: float
    evaluations: int


def _lazy_greedy(network: PurchaseNetwork, year: int, rule: CertifyRule, allowed: np.ndarray,
                 cost: np.ndarray, budget: float, column: int, per_euro: bool) -> _Run:
    """One CELF run under the budget: the key is the marginal gain, or the gain per euro."""
    cascade = start_cascade(network, year, rule)
    cascade.run(np.flatnonzero(cascade.applies_from == 0))
    matrix, target = cascade.matrix, network.target_fte
    buyers_of = matrix.tocsc()
    stamp = np.full(network.n, -1, dtype=np.int64)
    heap: list[tuple[float, int, int]] = []
    evaluations = 0

    def push(nodes: np.ndarray, pick_no: int) -> None:
        nonlocal evaluations
        nodes = nodes[cost[nodes] <= remaining]
        if not len(nodes):
            return
        count, fte = cascade_gains(cascade, nodes, target)
        evaluations += len(nodes)
        gains = count if column == 0 else fte
        for node, gain in zip(nodes.tolist(), gains.tolist(), strict=True):
            if gain > 0:
                stamp[node] = pick_no
                key = gain / cost[node] if per_euro else gain
                heapq.heappush(heap, (-key if np.isfinite(key) else -np.inf, node, pick_no))

    remaining = budget
    live = np.flatnonzero(allowed & ~cascade.certified)
    push(live[tips_someone(cascade, live)], 0)
    picks: list[tuple[int, float, float, int, float]] = []
    total = 0.0
    while heap:
        _, node, when = heapq.heappop(heap)
        if when != stamp[node] or cascade.certified[node] or cost[node] > remaining:
            continue  # superseded, certified by an earlier pick, or no longer affordable
        pick_no = len(picks)
        if when != pick_no:
            stamp[node] = -1
            push(np.array([node]), pick_no)
            continue
        added = _certify(cascade, node)
        count, fte = int(added.sum()), float(target[added].sum())
        gain = float(count) if column == 0 else fte
        total += gain
        remaining -= cost[node]
        picks.append((node, gain, float(cost[node]), count, fte))
        near = _near(cascade, matrix, buyers_of, node, added, allowed, stamp)
        push(near[tips_someone(cascade, near)], pick_no + 1)
    return _Run(picks, total, evaluations)


def _certify(cascade: Cascade, node: int) -> np.ndarray:
    """Seed ``node`` into the cascade; the organisations it adds (itself excluded)."""
    before = cascade.certified.copy()
    cascade.certified[node] = True
    cascade.applies_from[node] = 0
    cascade.run(np.array([node]), check_everyone=False)
    added = cascade.certified & ~before
    added[node] = False
    return added


def _near(cascade: Cascade, matrix, buyers_of, node: int, added: np.ndarray, allowed: np.ndarray,
          stamp: np.ndarray) -> np.ndarray:
    """Candidates not yet in the heap that may tip a supplier now a pick raised its pressure."""
    n = cascade.n
    _, grown, _ = out_edges(matrix, np.r_[node, np.flatnonzero(added)].astype(np.int64))
    grown = distinct(grown, n)
    grown = grown[~cascade.certified[grown]]
    _, near, _ = out_edges(buyers_of, grown)
    near = distinct(near, n)
    return near[allowed[near] & ~cascade.certified[near] & (stamp[near] < 0)]


def select_within_budget(network: PurchaseNetwork, budget: float, year: int | None = None,
                         municipality: str | None = None, objective: str = "count",
                         costs: Mapping[str, float] | pd.Series | None = None,
                         threshold: float | None = None, model: str = "threshold",
                         at_risk: float | None = None) -> BudgetSelection:
    """Seeds whose costs sum to at most ``budget`` euros, chosen by CELF's cost-effective variant
    (the better of a greedy run by gain and one by gain per euro).

    >>> import pso_chain
    >>> out = select_within_budget(pso_chain.load_example(), 5_000)
    >>> bool(out.frame["cost_eur"].sum() <= 5_000), out.variant in VARIANTS
    (True, True)
    """
    check.choice(objective, OBJECTIVES, "objective")
    budget = check.number(budget, "budget", 0.0)
    year = check_year(network, year)
    rule = certify_rule(network, model, threshold, at_risk)
    cost = seed_costs(network, costs)
    buys = np.diff(network.adjacency(year, drop_self=True).indptr) > 0
    allowed = municipality_mask(network, municipality) & buys
    column = 0 if objective == "count" else 1
    runs = [_lazy_greedy(network, year, rule, allowed, cost, budget, column, per_euro)
            for per_euro in (False, True)]
    best = 0 if runs[0].value >= runs[1].value else 1
    chosen = runs[best]
    notes = []
    if not chosen.picks:
        notes.append("no affordable candidate makes the cascade certify anyone else")
    start = start_cascade(network, year, rule)
    candidates = int((allowed & ~start.certified).sum())
    return BudgetSelection(_frame(network, chosen.picks), budget,
                           float(sum(p[2] for p in chosen.picks)), VARIANTS[best], chosen.value,
                           runs[1 - best].value, candidates,
                           runs[0].evaluations + runs[1].evaluations, notes)


def _frame(network: PurchaseNetwork, picks: list[tuple[int, float, float, int, float]]) -> pd.DataFrame:
    if not picks:
        return pd.DataFrame(columns=BUDGET_COLUMNS)
    node, gain, cost, count, fte = (np.array(col) for col in zip(*picks, strict=True))
    node = node.astype(np.int64)
    orgs = network.organisations
    return pd.DataFrame({
        "rank": np.arange(1, len(node) + 1, dtype=np.int64),
        "org_id": orgs["org_id"].to_numpy()[node],
        "name": orgs["name"].to_numpy()[node],
        "municipality": orgs["municipality"].to_numpy()[node],
        "employees": network.employees[node],
        "cost_eur": cost.astype(float),
        "marginal_gain": gain.astype(float),
        "cumulative_gain": np.cumsum(gain).astype(float),
        "cumulative_cost_eur": np.cumsum(cost).astype(float),
        "certified_gain": count.astype(np.int64),
        "target_fte_at_certified_gain": fte.astype(float),
    }, columns=BUDGET_COLUMNS)
