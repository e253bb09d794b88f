"""The olievlek's models fitted and run with their uncertainty: ``calibrate``, stochastic runs,
seeds under a budget and history's baseline (re-exported by :mod:`pso_chain`).

``threshold="fitted"`` (fee model: ``at_risk="fitted"``) in :func:`pso_chain.simulate`,
:func:`pso_chain.seeds`, :func:`simulate_runs` and :func:`budget_seeds` fits the parameter to
the certification history first (:func:`calibrate`) and the result's notes say so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from pso_chain import check
from pso_chain.api.base import Network, engine
from pso_chain.core.network import PurchaseNetwork
from pso_chain.olievlek.budget import BudgetSelection, read_costs, select_within_budget
from pso_chain.olievlek.calibrate import Calibration
from pso_chain.olievlek.calibrate import calibrate as fit_model
from pso_chain.olievlek.history import history_baseline as baseline
from pso_chain.olievlek.stochastic import PERCENTILES, StochasticSimulation
from pso_chain.olievlek.stochastic import simulate_runs as stochastic_runs

FITTED = "fitted"
Parameter = float | str | None


def fitted_parameters(network: PurchaseNetwork, model: str, threshold: Parameter, at_risk: Parameter
                      ) -> tuple[float | None, float | None, Calibration | None]:
    """``threshold`` and ``at_risk`` with ``"fitted"`` replaced by :func:`calibrate`'s estimate
    for ``model`` (the threshold, or the fee model's at-risk share), and the fit (None when
    nothing was fitted)."""
    for name, value in (("threshold", threshold), ("at_risk", at_risk)):
        if isinstance(value, str) and value != FITTED:
            check.fail(name, value, f"a number or '{FITTED}' (fitted to the certification history)")
    if FITTED not in (threshold, at_risk):
        return threshold, at_risk, None  # type: ignore[return-value]
    fit = fit_model(network, "fee" if model == "fee" else "threshold")
    if model == "fee":
        return (None if threshold == FITTED else threshold), fit.value, fit  # type: ignore[return-value]
    return fit.value, (None if at_risk == FITTED else at_risk), fit  # type: ignore[return-value]


def calibrate(network: Network, model: str = "threshold", *, first_year: int | None = None,
              last_year: int | None = None, lag: int = 0) -> Calibration:
    """Fit the olievlek threshold (or the fee model's at-risk share) to the certification
    history by maximum likelihood.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    model : str
        ``threshold`` (fit the pressure threshold) or ``fee`` (fit ``at_risk``).
    first_year, last_year : int, optional
        The years whose first certifications are used (default: every year with purchases
        ``lag`` years before it, up to the latest purchase year).
    lag : int
        0: the year's own sales to code-applying buyers (``simulate``'s pressure); 1: last year's.

    Returns
    -------
    Calibration
        ``value`` with its 95% profile-likelihood interval ``ci_low``-``ci_high`` (NaN: open),
        ``parameters`` (threshold or at_risk, slope, baseline and maximum hazard),
        ``log_likelihood`` and ``brier`` beside a constant-hazard null model, ``years``
        (predicted and observed adopters per year), ``by_pressure``, ``notes``,
        ``summary()``.

    Notes
    -----
    A discrete-time hazard over organisation-years: an organisation not yet certified, able to
    adopt and with a revenue certifies for the first time in year t with probability
    ``b + (c - b) * expit(slope * (log pressure - log threshold))``; years and organisations
    independent given the pressure. See docs/olievlek.md.

    Raises
    ------
    PsoInputError
        An unknown model, a lag other than 0 or 1, a range of years without purchases, a
        history without first certifications or without pressured organisations.

    Examples
    --------
    >>> import pso_chain
    >>> fit = pso_chain.calibrate(pso_chain.load_example())
    >>> fit.name, fit.adopters, list(fit.years["year"])
    ('threshold', 4, [2024, 2025])
    """
    return fit_model(engine(network), model, first_year=first_year, last_year=last_year, lag=lag)


def simulate_runs(network: Network, year: int | None = None, *, threshold: Parameter = None,
                  model: str = "threshold", at_risk: Parameter = None, spread: float = 0.25,
                  runs: int = 200, seed: int = 0, seed_orgs: Sequence[str] | None = None,
                  rounds: int | None = None, percentiles: Sequence[float] = PERCENTILES
                  ) -> StochasticSimulation:
    """Many runs of the cascade with lognormal per-organisation thresholds: percentile bands.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    year : int, optional
        Reference year; the latest year in purchases when None.
    threshold, model, at_risk, rounds, seed_orgs
        As for :func:`pso_chain.simulate`; ``"fitted"`` fits the parameter first.
    spread : float
        Standard deviation of the log threshold (0: every run is :func:`pso_chain.simulate`).
    runs : int
        Number of runs (all computed at once).
    seed : int
        Seed of the random draws (each run has its own stream).
    percentiles : sequence of float
        The band's percentiles (default 5, 50, 95).

    Returns
    -------
    StochasticSimulation
        ``rounds`` (cumulative adopters per round), ``municipalities``, ``gains`` (with
        ``seed_orgs``: beyond the same runs without them), ``organisations`` (share of runs in
        which each certifies), each with ``p5, p50, p95, mean``; ``notes``.

    Raises
    ------
    PsoInputError
        As :func:`pso_chain.simulate`, and a negative spread, fewer than one run, a percentile
        outside 0-100.

    Examples
    --------
    >>> import pso_chain
    >>> out = pso_chain.simulate_runs(pso_chain.load_example(), spread=0.0, runs=2)
    >>> out.rounds["p50"].tolist()
    [0.0, 3.0]
    """
    net = engine(network)
    threshold, at_risk, fit = fitted_parameters(net, model, threshold, at_risk)
    out = stochastic_runs(net, year, threshold, model, at_risk, spread=spread, runs=runs, seed=seed,
                          seed_orgs=seed_orgs, rounds=rounds, percentiles=percentiles)
    if fit is not None:
        out.notes.append(fit.summary())
    return out


def budget_seeds(network: Network, budget: float, year: int | None = None, *,
                 municipality: str | None = None, objective: str = "count",
                 costs: Mapping[str, float] | pd.Series | str | Path | None = None,
                 threshold: Parameter = None, model: str = "threshold", at_risk: Parameter = None
                 ) -> BudgetSelection:
    """Seeds whose subsidy costs sum to at most ``budget`` euros, chosen so that the cascade
    certifies the most others (CELF's cost-effective variant, Leskovec et al. 2007).

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    budget : float
        The subsidy budget in euros.
    year, municipality, objective, threshold, model, at_risk
        As for :func:`pso_chain.seeds`; ``"fitted"`` fits the parameter first.
    costs : mapping, Series, or path, optional
        org_id -> cost in euros (a table with ``org_id`` and ``cost_eur`` columns); where not
        given, an organisation's annual PSO fee for its size class (rules file).

    Returns
    -------
    BudgetSelection
        ``frame`` (``rank, org_id, ..., cost_eur, marginal_gain, cumulative_gain,
        cumulative_cost_eur, certified_gain, target_fte_at_certified_gain``), ``spent``,
        ``variant`` (``gain`` or ``gain per euro``), ``value`` and ``other_value``.

    Raises
    ------
    PsoInputError
        A negative budget or cost, an unknown organisation in ``costs``, and as
        :func:`pso_chain.seeds`.

    Examples
    --------
    >>> import pso_chain
    >>> out = pso_chain.budget_seeds(pso_chain.load_example(), 5_000)
    >>> bool(out.spent <= 5_000)
    True
    """
    net = engine(network)
    threshold, at_risk, fit = fitted_parameters(net, model, threshold, at_risk)
    if isinstance(costs, str | Path):
        costs = read_costs(costs)
    out = select_within_budget(net, budget, year, municipality, objective, costs, threshold, model,
                               at_risk)
    if fit is not None:
        out.notes.append(fit.summary())
    return out


def history_baseline(network: Network, *, first_year: int | None = None,
                     last_year: int | None = None, lag: int = 0) -> pd.DataFrame:
    """How often organisations selling to code-applying buyers certified for the first time,
    against organisations of the same size class that did not (an association, not a cause).

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    first_year, last_year, lag
        As for :func:`calibrate`.

    Returns
    -------
    pandas.DataFrame
        One row per size class (fee band) and ``all``: organisation-years and first
        certifications of the exposed and the other organisations, yearly rates with 95%
        Wilson intervals, and the difference with Newcombe's interval.

    Examples
    --------
    >>> import pso_chain
    >>> out = pso_chain.history_baseline(pso_chain.load_example())
    >>> out["size_class"].iat[-1]
    'all'
    """
    return baseline(engine(network), first_year, last_year, lag)
