"""The olievlek with uncertain thresholds: many runs of the ``simulate`` cascade at once, each
with its own per-organisation thresholds, summarised as percentile bands.

Model: in run r organisation j certifies when its pressure reaches ``threshold_j * m_rj``
(fee model: when ``sales * at_risk >= fee_j * m_rj``), with ``m_rj = exp(spread * z_rj)`` and
``z_rj`` standard normal, independent across organisations and runs: lognormal thresholds
whose median is the given (or fitted) one, ``spread`` the standard deviation of the log
threshold. Everything else is ``simulate``'s cascade (who can adopt, code-applying buyers,
rounds). With ``spread = 0`` every multiplier is exactly 1 and each run is the deterministic
``simulate`` result.

The runs are vectorised: an organisations x runs matrix of multipliers, spend and certification
state, and one sparse product ``A.T @ newly_applying`` per round for all runs at once (runs
are processed in batches so the matrices stay within ``BATCH_CELLS`` cells). Run r draws its
multipliers from its own stream, spawned from ``seed`` (numpy ``SeedSequence``), so a run's
result does not depend on the batch size. With ``seed_orgs`` every run is also run without
them on the same draws (common random numbers), so the seed gain of a run is the difference
of two cascades with the same thresholds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pso_chain import check
from pso_chain.core.network import PurchaseNetwork
from pso_chain.olievlek.base import check_year, node_ids
from pso_chain.olievlek.simulate import CertifyRule, certify_rule, start_cascade

PERCENTILES = (5.0, 50.0, 95.0)
BATCH_CELLS = 4_000_000  # organisations x runs per batch (about 50 bytes each: 0.2 GB of state)
KEEP_CELLS = 50_000_000  # the per-run rounds are kept (``round_of``) up to this many cells


@dataclass(frozen=True)
class Runs:
    """The raw result of a batch of runs: ``round_of[j, r]`` the round organisation j certified
    in during run r (-1: not in the run; seeds, round 0, are not adopters)."""

    round_of: np.ndarray


def _meets(rule: CertifyRule, spend: np.ndarray, multiplier: np.ndarray) -> np.ndarray:
    """``CertifyRule.meets`` for all organisations and runs, thresholds scaled per run (the same
    expressions, so a multiplier of 1 gives exactly the deterministic decision)."""
    revenue = rule.revenue[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        pressure = spend / revenue
        if rule.model == "threshold":
            ok = pressure >= rule.threshold[:, None] * multiplier
        else:
            ok = pressure * revenue * rule.at_risk >= rule.fee[:, None] * multiplier
    return ok & (revenue > 0)


def run_cascades(network: PurchaseNetwork, year: int, rule: CertifyRule, multiplier: np.ndarray,
                 seeds: np.ndarray, rounds: int | None = None) -> Runs:
    """The cascade of ``year`` for every column of ``multiplier`` (organisations x runs) at once."""
    cascade = start_cascade(network, year, rule, seeds)
    matrix_t = cascade.matrix.T.tocsr()
    n, runs = multiplier.shape
    done = np.repeat(cascade.certified[:, None], runs, axis=1)
    new = np.repeat((cascade.applies_from == 0)[:, None], runs, axis=1)
    spend = np.zeros((n, runs))
    round_of = np.full((n, runs), -1, dtype=np.int32)
    r = 0
    while rounds is None or r < rounds:
        spend += matrix_t @ new.astype(float)
        hit = ~done & _meets(rule, spend, multiplier)
        if not hit.any():
            break
        r += 1
        done |= hit
        round_of[hit] = r
        new = hit
    return Runs(round_of)


def _multipliers(n: int, streams: list[np.random.SeedSequence], spread: float) -> np.ndarray:
    """organisations x runs: ``exp(spread * z)``, run r from its own stream."""
    out = np.empty((n, len(streams)))
    for r, stream in enumerate(streams):
        out[:, r] = np.exp(spread * np.random.default_rng(stream).standard_normal(n))
    return out


def _band(values: np.ndarray, percentiles: Sequence[float], axis: int = -1) -> dict[str, np.ndarray]:
    """Percentiles (and the mean) of ``values`` along ``axis`` (the runs)."""
    qs = np.percentile(values, list(percentiles), axis=axis)
    out = {f"p{q:g}": qs[i] for i, q in enumerate(percentiles)}
    out["mean"] = values.mean(axis=axis)
    return out


@dataclass
class StochasticSimulation:
    """Bands over the runs of a stochastic cascade.

    ``rounds``: cumulative adopters after each round; ``municipalities``: adopters per
    municipality; ``gains`` (with seed organisations): organisations and target-group FTE
    certified beyond the runs without the seeds; ``organisations``: per organisation the share
    of runs in which it certifies. Each band has the columns ``p5, p50, p95, mean`` (the
    percentiles asked for). ``adopters`` holds the total of each run; ``notes`` what the user
    should know (e.g. that the threshold was fitted).
    """

    year: int
    model: str
    spread: float
    runs: int
    seed: int
    adopters: np.ndarray
    rounds: pd.DataFrame
    municipalities: pd.DataFrame
    organisations: pd.DataFrame
    gains: pd.DataFrame | None
    round_of: np.ndarray | None  # organisations x runs (the seeded cascade); None when too large
    notes: list[str] = field(default_factory=list)


def simulate_runs(network: PurchaseNetwork, year: int | None = None, threshold: float | None = None,
                  model: str = "threshold", at_risk: float | None = None, *, spread: float = 0.25,
                  runs: int = 200, seed: int = 0, seed_orgs: Sequence[str] | None = None,
                  rounds: int | None = None, percentiles: Sequence[float] = PERCENTILES
                  ) -> StochasticSimulation:
    """``runs`` cascades of ``year`` with lognormal thresholds around ``threshold`` (or the fee
    model's rule) of log-standard-deviation ``spread``; bands at ``percentiles``.

    >>> import pso_chain
    >>> out = simulate_runs(pso_chain.load_example(), spread=0.0, runs=3)
    >>> out.rounds.columns.tolist()
    ['round', 'p5', 'p50', 'p95', 'mean']
    """
    year = check_year(network, year)
    spread = check.number(spread, "spread", 0.0)
    runs = check.positive_int(runs, "runs")
    seed = check.whole(seed, "seed")
    rounds = None if rounds is None else check.whole(rounds, "rounds")
    percentiles = [check.number(q, "percentiles", 0.0, 100.0) for q in percentiles]
    rule = certify_rule(network, model, threshold, at_risk)
    seeds = np.unique(network.nodes(check.org_ids(seed_orgs, "seed_orgs"))) \
        if seed_orgs is not None else np.zeros(0, np.int64)
    n = network.n
    streams = np.random.SeedSequence(seed).spawn(runs)
    batch = max(1, BATCH_CELLS // max(n, 1))
    places = network.organisations["municipality"].fillna("").astype(str).to_numpy() \
        if "municipality" in network.organisations.columns else np.full(n, "")
    names, where = np.unique(places, return_inverse=True)
    target = network.target_fte
    per_round: list[np.ndarray] = []  # per batch: rounds x runs, certified after each round
    by_place, counts, ftes, kept = [], [], [], []
    times = np.zeros(n)  # in how many runs each organisation certifies
    for lo in range(0, runs, batch):
        multiplier = _multipliers(n, streams[lo:lo + batch], spread)
        round_of = run_cascades(network, year, rule, multiplier, seeds, rounds).round_of
        adopted = round_of >= 1
        last = int(round_of.max(initial=0))
        per_round.append(np.stack([(adopted & (round_of <= r)).sum(axis=0) for r in range(last + 1)]))
        by_place.append(np.stack([np.bincount(where, weights=adopted[:, r], minlength=len(names))
                                  for r in range(adopted.shape[1])], axis=1))
        times += adopted.sum(axis=1)
        if len(seeds):
            base = run_cascades(network, year, rule, multiplier, np.zeros(0, np.int64),
                                rounds).round_of >= 1
            base[seeds] = False
            counts.append(adopted.sum(axis=0) - base.sum(axis=0))
            ftes.append(target @ adopted - target @ base)
        if n * runs <= KEEP_CELLS:
            kept.append(round_of)
    depth = max(len(p) for p in per_round)
    cumulative = np.concatenate([np.vstack([p, np.repeat(p[-1:], depth - len(p), axis=0)])
                                 for p in per_round], axis=1)  # a finished run stays where it is
    rounds_frame = pd.DataFrame({"round": np.arange(depth), **_band(cumulative, percentiles, 1)})
    municipalities = pd.DataFrame({"municipality": names,
                                   **_band(np.concatenate(by_place, axis=1), percentiles, 1)})
    gains = None
    if len(seeds):
        bands = [_band(np.concatenate(counts).astype(float), percentiles),
                 _band(np.concatenate(ftes), percentiles)]
        gains = pd.DataFrame([{"gain": name, **{k: float(v) for k, v in band.items()}}
                              for name, band in zip(("certified_gain", "target_fte_gain"), bands,
                                                    strict=True)])
    organisations = pd.DataFrame({"org_id": node_ids(network, np.arange(n)), "probability": times / runs})
    organisations = organisations[organisations["probability"] > 0].reset_index(drop=True)
    notes = [] if kept else [f"{n:,} organisations x {runs:,} runs: the per-run rounds are not kept "
                             "(round_of is None); the bands are computed batch by batch"]
    return StochasticSimulation(year, model, spread, runs, seed, cumulative[-1], rounds_frame,
                                municipalities, organisations, gains,
                                np.concatenate(kept, axis=1) if kept else None, notes)
