"""The forward threshold cascade of ``olievlek simulate`` contract (docs/contract.md), over the CSR.

Round 0: the code-applying buyers (eligible certificate valid on 1 January of year Y and
``applies_code``), plus any seed organisations. After round r every organisation not yet
certified is under pressure ``spend from code-applying buyers in year Y / revenue_eur``; it
certifies in round r+1 when the pressure reaches its threshold (its ``threshold`` column, else
the default), or, in the fee model, when ``pressure * revenue * at_risk >= fee(employees)``.
Organisations certified in round r apply the code from round r+1 on.

The kernel keeps each organisation's spend from code-applying buyers and adds only the rows
of the organisations that started applying in the last round: one sparse row gather per round,
so a whole run touches every purchase edge once. Only organisations that can adopt
(:func:`~pso_chain.olievlek.base.can_adopt`: not certified on 1 January, not an SW-bedrijf) are
ever under pressure; those without revenue cannot be either (their pressure is undefined) and
never certify in a run. :func:`start_cascade` sets up that state once for ``simulate`` and
``seeds``, so the two agree on every run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from pso_chain import check
from pso_chain.core.network import PurchaseNetwork
from pso_chain.errors import Problem, PsoInputError
from pso_chain.loaders import READERS, read_table
from pso_chain.olievlek.base import (
    applies_code,
    can_adopt,
    certified_at_start,
    check_year,
    has_revenue,
    node_ids,
    supplier_matrix,
)
from pso_chain.olievlek.settings import load_settings

MODELS = ("threshold", "fee")
SIMULATE_COLUMNS = ["org_id", "round", "trigger_id", "pressure"]
ROUND_COLUMNS = ["round", "newly_certified", "cumulative_certified", "certified_total",
                 "code_applying", "target_fte_at_new_certified", "counting_spend_share"]

Progress = Callable[[str], None] | None


@dataclass(frozen=True)
class CertifyRule:
    """When an organisation certifies, given the spend it receives from code-applying buyers."""

    model: str
    revenue: np.ndarray
    threshold: np.ndarray
    fee: np.ndarray
    at_risk: float

    def meets(self, spend: np.ndarray, nodes: np.ndarray) -> np.ndarray:
        """For organisations ``nodes`` receiving ``spend``: certifies (False without revenue)."""
        revenue = self.revenue[nodes]
        with np.errstate(divide="ignore", invalid="ignore"):
            pressure = spend / revenue
            if self.model == "threshold":
                ok = pressure >= self.threshold[nodes]
            else:
                ok = pressure * revenue * self.at_risk >= self.fee[nodes]
        return ok & (revenue > 0)


def certify_rule(network: PurchaseNetwork, model: str = "threshold", threshold: float | None = None,
                 at_risk: float | None = None) -> CertifyRule:
    """The certification rule of every organisation (defaults from ``olievlek.toml``)."""
    check.choice(model, MODELS, "model")
    settings = load_settings()
    default = settings.threshold if threshold is None else check.threshold(threshold)
    share = settings.at_risk if at_risk is None else check.fraction(at_risk, "at_risk")
    own = network.organisations["threshold"].to_numpy(dtype=float) \
        if "threshold" in network.organisations.columns else np.full(network.n, np.nan)
    revenue = np.where(has_revenue(network), network.revenue, np.nan)
    return CertifyRule(model, revenue, np.where(np.isnan(own), default, own),
                       network.rules.fee(network.employees).astype(float), share)


def out_edges(matrix: sp.csr_matrix, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All CSR entries of rows ``nodes``: (position in ``nodes``, column, value)."""
    indptr = matrix.indptr
    starts = indptr[nodes]
    lens = indptr[nodes + 1] - starts
    total = int(lens.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    before = np.cumsum(lens) - lens
    idx = np.repeat(starts - before, lens) + np.arange(total)
    owner = np.repeat(np.arange(len(nodes)), lens)
    return owner, matrix.indices[idx].astype(np.int64), matrix.data[idx]


def add_to(target: np.ndarray, index: np.ndarray, values: np.ndarray) -> None:
    """``target[index] += values`` with repeated indices summed (bincount when that is cheaper)."""
    if len(index) > len(target) // 16:
        target += np.bincount(index, weights=values, minlength=len(target))
    elif len(index):
        np.add.at(target, index, values)


def distinct(index: np.ndarray, n: int) -> np.ndarray:
    """Sorted distinct values of ``index`` (all in ``range(n)``), by a flag array when large."""
    if len(index) > n // 16:
        flag = np.zeros(n, dtype=bool)
        flag[index] = True
        return np.flatnonzero(flag)
    return np.unique(index)


class Cascade:
    """Mutable state of one cascade: who is certified, who applies the code, spend received.

    ``certified[i]`` is true once ``i`` is out of the cascade: certified, or unable to adopt
    (``~adopt``: certified on 1 January, or an SW-bedrijf without a certificate).
    ``applies_from[b]`` is the round after which ``b``'s purchases put pressure on its suppliers
    (0 for the start, r for organisations certified in round r; -1 never);
    ``round_of[i]`` the round ``i`` certified in (-1: not in this run).
    """

    def __init__(self, matrix: sp.csr_matrix, rule: CertifyRule, adopt: np.ndarray,
                 applying: np.ndarray):
        self.matrix = matrix
        self.rule = rule
        self.n = matrix.shape[0]
        self.certified = ~np.asarray(adopt, dtype=bool) | np.asarray(applying, dtype=bool)
        self.spend = np.zeros(self.n)
        self.applies_from = np.where(applying, 0, -1).astype(np.int64)
        self.round_of = np.full(self.n, -1, dtype=np.int64)

    def run(self, start: np.ndarray, max_rounds: int | None = None, first_round: int = 1,
            check_everyone: bool = True, progress: Progress = None) -> int:
        """Spread the purchases of ``start`` (newly code-applying) and run rounds until one adds
        nobody or ``max_rounds`` rounds have run; returns the last round number run.

        ``check_everyone`` checks every organisation in the first round (needed only when a
        threshold of 0 certifies organisations nobody buys from); later rounds check only the
        suppliers whose spend grew.
        """
        new = np.asarray(start, dtype=np.int64)
        r = first_round - 1
        while max_rounds is None or r - first_round + 1 < max_rounds:
            _, cols, vals = out_edges(self.matrix, new)
            add_to(self.spend, cols, vals)
            if check_everyone:
                touched = np.flatnonzero(~self.certified)
                check_everyone = False
            else:
                touched = distinct(cols, self.n)
                touched = touched[~self.certified[touched]]
            hit = touched[self.rule.meets(self.spend[touched], touched)]
            if len(hit) == 0:
                break
            r += 1
            self.certified[hit] = True
            self.round_of[hit] = r
            self.applies_from[hit] = r
            new = hit
            if progress:
                progress(f"round {r}: {len(hit):,} newly certified")
        return r


@dataclass
class Simulation:
    """A finished run: per-organisation rounds and what the contract's output needs."""

    network: PurchaseNetwork
    year: int
    rule: CertifyRule
    certified_start: np.ndarray  # eligible certificate valid on 1 January
    seeds: np.ndarray  # node indices certified at round 0 by assumption
    round_of: np.ndarray
    applies_from: np.ndarray
    rounds_run: int
    notes: list[str] = field(default_factory=list)

    def certified_frame(self) -> pd.DataFrame:
        """The contract's output: ``org_id, round, trigger_id, pressure`` (sorted by org_id)."""
        nodes, trigger, spend = triggers(supplier_matrix(self.network, self.year), self.round_of,
                                         self.applies_from)
        with np.errstate(divide="ignore", invalid="ignore"):
            pressure = spend / self.rule.revenue[nodes]
        return pd.DataFrame({
            "org_id": node_ids(self.network, nodes),
            "round": self.round_of[nodes].astype(np.int64),
            "trigger_id": node_ids(self.network, trigger),
            "pressure": pressure,
        }, columns=SIMULATE_COLUMNS)

    def rounds_frame(self) -> pd.DataFrame:
        """One row per round (0 = the start): newly and cumulatively certified, code-applying
        buyers, target-group FTE in the newly certified, share of spend with counting suppliers.
        """
        net = self.network
        n_rounds = max(int(self.round_of.max(initial=0)), 0)
        seeded = np.zeros(net.n, dtype=bool)
        seeded[self.seeds] = True
        new_seed = seeded & ~self.certified_start
        when = np.where(new_seed, 0, self.round_of)  # round each organisation got certified
        start_applying = self.applies_from == 0
        matrix = supplier_matrix(net, self.year)
        received = np.asarray(matrix.sum(axis=0)).ravel()
        total = received.sum()
        counting = net.sw | self.certified_start
        counted = received[counting].sum()
        target = net.target_fte
        rows = []
        cumulative = 0
        certified_total = int((self.certified_start | seeded).sum())
        applying = int(start_applying.sum())
        for r in range(n_rounds + 1):
            newly = when == r
            count = int(newly.sum())
            if r > 0:
                certified_total += count
                applying += count
            cumulative += count
            counted += received[newly & ~counting].sum()
            counting = counting | newly
            rows.append((r, count, cumulative, certified_total, applying,
                         float(target[newly].sum()), float(counted / total) if total > 0 else np.nan))
        return pd.DataFrame(rows, columns=ROUND_COLUMNS)


def triggers(matrix: sp.csr_matrix, round_of: np.ndarray, applies_from: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every organisation certified in a run (sorted by node): its trigger (the code-applying
    buyer contributing most to its pressure when it certified; ties: smallest node, i.e. smallest
    org_id; -1 when none) and the spend it then received from code-applying buyers."""
    when = round_of[matrix.indices]
    position = np.flatnonzero(when >= 1)  # entries into organisations certified in the run
    buyer = np.searchsorted(matrix.indptr, position, side="right") - 1
    supplier = matrix.indices[position].astype(np.int64)
    amount = matrix.data[position]
    since = applies_from[buyer]
    keep = (since >= 0) & (since < when[position])
    buyer, supplier, amount = buyer[keep], supplier[keep], amount[keep]
    nodes = np.flatnonzero(round_of >= 1)
    spend = np.bincount(supplier, weights=amount, minlength=len(round_of))[nodes]
    trigger = np.full(len(round_of), -1, dtype=np.int64)
    if len(supplier):
        order = np.lexsort((buyer, -amount, supplier))
        s_sorted = supplier[order]
        first = np.r_[True, s_sorted[1:] != s_sorted[:-1]]
        trigger[s_sorted[first]] = buyer[order][first]
    return nodes, trigger[nodes], spend


def start_cascade(network: PurchaseNetwork, year: int, rule: CertifyRule,
                  seeds: np.ndarray | None = None) -> Cascade:
    """The cascade of ``year`` before its first round: the code-applying buyers (and ``seeds``,
    node indices assumed certified and code-applying) apply the code; only organisations that
    can adopt (:func:`~pso_chain.olievlek.base.can_adopt`) may certify. ``simulate`` and
    ``seeds`` both start here."""
    applying = certified_at_start(network, year) & applies_code(network)
    if seeds is not None:
        applying[np.asarray(seeds, dtype=np.int64)] = True
    return Cascade(supplier_matrix(network, year), rule, can_adopt(network, year), applying)


def simulate(network: PurchaseNetwork, year: int | None = None, threshold: float | None = None,
             model: str = "threshold", at_risk: float | None = None, rounds: int | None = None,
             seed_orgs: Sequence[str] | None = None, progress: Progress = None) -> Simulation:
    """Run the cascade of ``year`` (default: latest) to its fixed point or ``rounds`` rounds.

    ``seed_orgs``: org_ids assumed certified (and code-applying) from round 0, e.g. through a
    municipal stimulation subsidy. ``certified_frame()`` of the result is the contract's table
    (``org_id, round, trigger_id, pressure``), ``rounds_frame()`` the counts per round.

    >>> import pso_chain
    >>> out = simulate(pso_chain.load_example()).certified_frame()
    >>> list(out.columns), bool((out["round"] >= 1).all())
    (['org_id', 'round', 'trigger_id', 'pressure'], True)
    """
    year = check_year(network, year)
    rounds = None if rounds is None else check.whole(rounds, "rounds")
    rule = certify_rule(network, model, threshold, at_risk)
    seeds = np.unique(network.nodes(check.org_ids(seed_orgs, "seed_orgs"))) \
        if seed_orgs is not None else np.zeros(0, np.int64)
    cascade = start_cascade(network, year, rule, seeds)
    start = certified_at_start(network, year)
    last = cascade.run(np.flatnonzero(cascade.applies_from == 0), max_rounds=rounds, progress=progress)
    notes = _notes(network, year, cascade, rule)
    return Simulation(network, year, rule, start, seeds, cascade.round_of, cascade.applies_from,
                      max(last, 0), notes)


def _notes(network: PurchaseNetwork, year: int, cascade: Cascade, rule: CertifyRule) -> list[str]:
    """What the user should know about the run (organisations that could not be pressured)."""
    notes = []
    pressured = cascade.spend > 0
    missing = pressured & ~cascade.certified & ~(rule.revenue > 0)
    if missing.any():
        ids = ", ".join(node_ids(network, np.flatnonzero(missing)[:5]))
        notes.append(f"{int(missing.sum()):,} organisation(s) buying from code-applying buyers have no "
                     f"revenue_eur and cannot be under pressure ({ids}{' ...' if missing.sum() > 5 else ''})")
    return notes


def read_seed_orgs(path: str | Path) -> list[str]:
    """org_ids from a file: a table (.csv/.parquet/.xlsx) with an ``org_id`` column, or plain
    text with one org_id per line."""
    path = Path(path)
    if not path.is_file():
        raise PsoInputError(Problem(str(path), None, None, None, "file not found"))
    if path.suffix.lower() in READERS:
        table = read_table(path, id_columns=("org_id",))
        if "org_id" not in table.frame.columns:
            raise PsoInputError(Problem(str(path), 1, "org_id", None, "required column missing"))
        ids = table.frame["org_id"].astype(str).str.strip()
    else:
        ids = pd.Series(path.read_text(encoding="utf-8-sig").splitlines()).str.strip()
    return [i for i in ids.tolist() if i]
