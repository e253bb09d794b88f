"""The olievlek (oil-slick): how PSO certification spreads through purchasing chains.

Plain functions over a :class:`~pso_chain.core.network.PurchaseNetwork` and an explicit year,
following docs/contract.md's olievlek contracts. Who can adopt (be under pressure, certify,
be a prospect, a candidate or a seed's gain) is defined once, :func:`can_adopt`.

- :func:`exposure` — the prospect list: revenue share from code-applying buyers, tier distance;
- :func:`history` — the propagation that happened: parent, generation and root of each
  certification (:func:`largest_cascades`, :func:`history_figures`);
- :func:`simulate` — the forward threshold (or fee) cascade;
- :func:`select_seeds` — K seeds by greedy CELF;
- :func:`chain_stats` — chain-stimulation indicators;
- :func:`calibrate` — the threshold (or at-risk share) fitted to the certification history;
- :func:`simulate_runs` — the cascade with uncertain thresholds, percentile bands;
- :func:`select_within_budget` — seeds under a subsidy budget (cost-effective CELF);
- :func:`history_baseline` — certification rates of exposed and other organisations.
"""

from pso_chain.olievlek.base import can_adopt
from pso_chain.olievlek.budget import BudgetSelection, select_within_budget
from pso_chain.olievlek.calibrate import Calibration, calibrate
from pso_chain.olievlek.exposure import exposure, exposure_summary, tier_distances
from pso_chain.olievlek.history import history, history_baseline, history_figures, largest_cascades
from pso_chain.olievlek.seeds import SeedSelection, select_seeds
from pso_chain.olievlek.simulate import Simulation, read_seed_orgs, simulate
from pso_chain.olievlek.stats import (
    certification_assortativity,
    chain_stats,
    spend_by_buyer_group,
    weighted_assortativity,
)
from pso_chain.olievlek.stochastic import StochasticSimulation, simulate_runs

__all__ = [
    "BudgetSelection", "Calibration", "StochasticSimulation", "calibrate", "history_baseline",
    "select_within_budget", "simulate_runs", "can_adopt",
    "exposure", "exposure_summary", "tier_distances", "history", "history_figures",
    "largest_cascades", "SeedSelection", "select_seeds", "Simulation", "read_seed_orgs",
    "simulate", "certification_assortativity", "chain_stats",
    "spend_by_buyer_group", "weighted_assortativity",
]
