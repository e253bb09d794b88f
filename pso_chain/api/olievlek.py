"""The chain verbs of the public API: exposure, history, simulate, seeds, stats, embodied and
the municipal report.

Re-exported by :mod:`pso_chain` (``pso_chain.exposure(...)``); each checks its arguments
(:mod:`pso_chain.check`), reads the defaults it is not given (``olievlek.toml``) and leaves
the result to the engine (:mod:`pso_chain.olievlek`, :mod:`pso_chain.olievlek.embodied`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from pso_chain import check
from pso_chain.api.base import Network, engine
from pso_chain.api.olievlek_models import Parameter, fitted_parameters
from pso_chain.core.spend import counting_spend as by_group
from pso_chain.neo4jdb.database import DatabaseNetwork
from pso_chain.olievlek.embodied import LeontiefSystem, embodied_comparison
from pso_chain.olievlek.embodied import leontief as leontief_system
from pso_chain.olievlek.exposure import exposure as prospects
from pso_chain.olievlek.history import history as trace
from pso_chain.olievlek.history import largest_cascades
from pso_chain.olievlek.seeds import select_seeds
from pso_chain.olievlek.simulate import simulate as cascade
from pso_chain.olievlek.stats import chain_stats, spend_by_buyer_group
from pso_chain.outputs.report import build_report
from pso_chain.outputs.report.labels import LANGUAGES

if TYPE_CHECKING:
    from pso_chain.olievlek.seeds import SeedSelection
    from pso_chain.olievlek.simulate import Simulation

Progress = Callable[[str], None] | None


def exposure(network: Network, year: int | None = None, *, municipality: str | None = None,
             threshold: float | None = None) -> pd.DataFrame:
    """Prospects: organisations without a certificate, their share of revenue from
    code-applying buyers and their distance in tiers from the nearest one.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    year : int, optional
        Reference year; the latest year in purchases when None.
    municipality : str, optional
        Only organisations in this municipality.
    threshold : float, optional
        The simulate threshold the share is compared with (default ``olievlek.toml``).

    Returns
    -------
    pandas.DataFrame
        ``org_id, name, municipality, sbi, employees, revenue_eur, code_buyers,
        sales_to_code_eur, code_share, distance, threshold, meets_threshold``, nearest and most
        exposed first.

    Raises
    ------
    PsoInputError
        A year without purchases, an unknown municipality (or one that is not text), a
        threshold that is not > 0.

    Examples
    --------
    >>> import pso_chain
    >>> out = pso_chain.exposure(pso_chain.load_example())
    >>> out["org_id"].head(2).tolist(), int(out["distance"].iat[0])
    (['10000232', '10000164'], 1)
    """
    limit = None if threshold is None else check.threshold(threshold)
    if municipality is not None and not isinstance(municipality, str):
        check.fail("municipality", municipality, "give a municipality name (text)")
    if isinstance(network, DatabaseNetwork):
        return network.exposure(year, municipality=municipality, threshold=limit)
    return prospects(network, year, municipality, limit)


def history(network: Network, year: int | None = None) -> pd.DataFrame:
    """The propagation that happened, from the certifications: who followed whom.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    year : int, optional
        Only certifications first started up to this year; all when None. Like every verb's
        year, one with purchases.

    Returns
    -------
    pandas.DataFrame
        ``org_id, certified_on, parent_id, generation, root_id``, sorted by org_id.

    Raises
    ------
    PsoInputError
        A year without purchases (naming the years present).

    Examples
    --------
    >>> import pso_chain
    >>> out = pso_chain.history(pso_chain.load_example())
    >>> list(out.columns)
    ['org_id', 'certified_on', 'parent_id', 'generation', 'root_id']
    >>> len(out), int(out["generation"].max())
    (16, 2)
    """
    net = engine(network)
    return trace(net, None if year is None else check.year(net, year))


def simulate(network: Network, year: int | None = None, *, threshold: Parameter = None,
             model: str = "threshold", at_risk: Parameter = None, rounds: int | None = None,
             seed_orgs: Sequence[str] | None = None, progress: Progress = None) -> Simulation:
    """The forward threshold cascade: who certifies in which round, triggered by whom.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    year : int, optional
        Reference year; the latest year in purchases when None.
    threshold : float, optional
        Share of revenue from code-applying buyers that makes an organisation certify, > 0
        (default ``olievlek.toml``; an organisation's own ``threshold`` column wins);
        ``"fitted"``: fitted to the certification history first (:func:`calibrate`, said in
        ``notes``).
    model : str
        ``threshold`` or ``fee`` (certify when the sales at risk cover the fee).
    at_risk : float, optional
        Fee model: share of sales to code-applying buyers lost without a certificate, in (0, 1];
        ``"fitted"`` as for ``threshold``.
    rounds : int, optional
        Stop after this many rounds; at the fixed point when None.
    seed_orgs : sequence of str, optional
        Organisations assumed certified from round 0 (a stimulation subsidy): a list of
        org_ids (one string is refused).
    progress : callable, optional
        Called with a line of text per round.

    Returns
    -------
    Simulation
        ``certified_frame()`` is the contract's ``org_id, round, trigger_id, pressure``;
        ``rounds_frame()`` the counts per round, with ``target_fte_at_new_certified``: the
        target-group FTE the newly certified organisations employ already (not new jobs).

    Notes
    -----
    Only organisations that can adopt certify (no certificate on 1 January, not an
    SW-bedrijf: purchases from those count already), as in :func:`seeds` and :func:`exposure`.
    The model is a deterministic threshold cascade over the year's purchases: one threshold
    for everyone without an own ``threshold``, no cost, no time, no chance.

    Raises
    ------
    PsoInputError
        A year without purchases, an unknown model or organisation, a threshold not > 0, an
        at-risk share outside (0, 1], a negative number of rounds, ``seed_orgs`` one string.

    Examples
    --------
    >>> import pso_chain
    >>> out = pso_chain.simulate(pso_chain.load_example()).certified_frame()
    >>> out[["org_id", "trigger_id"]].head(2).values.tolist()
    [['10000054', '10000133'], ['10000164', '10000133']]
    """
    net = engine(network)
    threshold, at_risk, fit = fitted_parameters(net, model, threshold, at_risk)
    sim = cascade(net, year, threshold, model, at_risk, rounds, seed_orgs, progress=progress)
    if fit is not None:
        sim.notes.append(fit.summary())
    return sim


def seeds(network: Network, k: int, year: int | None = None, *, municipality: str | None = None,
          objective: str = "count", threshold: Parameter = None, model: str = "threshold",
          at_risk: Parameter = None, progress: Progress = None) -> SeedSelection:
    """The ``k`` organisations whose certification makes the cascade certify the most others.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    k : int
        How many organisations to pick (>= 1).
    year : int, optional
        Reference year; the latest year in purchases when None.
    municipality : str, optional
        Pick only organisations in this municipality.
    objective : str
        ``count`` (organisations certified) or ``fte`` (their target-group FTE).
    threshold, model, at_risk
        As for :func:`simulate`.
    progress : callable, optional
        Called with a line of text per pick.

    Returns
    -------
    SeedSelection
        ``frame`` holds the picks in order (``rank, org_id, name, ..., marginal_gain,
        cumulative_gain, certified_gain, target_fte_at_certified_gain``). Seeding the picks in
        :func:`simulate` certifies exactly ``certified_gain.sum()`` organisations beyond its
        baseline run (the same cascade, the same definition of who can adopt).

    Raises
    ------
    PsoInputError
        ``k`` below 1, an unknown objective, model or municipality, a year without purchases.

    Examples
    --------
    >>> import pso_chain
    >>> picks = pso_chain.seeds(pso_chain.load_example(), 2).frame
    >>> [int(r) for r in picks["rank"]]
    [1, 2]
    """
    net = engine(network)
    threshold, at_risk, fit = fitted_parameters(net, model, threshold, at_risk)
    picks = select_seeds(net, check.positive_int(k, "k"), year, municipality, objective, threshold,
                         model, at_risk, progress=progress)
    if fit is not None:
        picks.notes.append(fit.summary())
    return picks


def stats(network: Network, year: int | None = None) -> dict[str, pd.DataFrame]:
    """Chain-stimulation indicators: do certified buyers buy more from counting suppliers?

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    year : int, optional
        Reference year; the latest year in purchases when None.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``spend`` (spend and counting share by buyer group) and ``indicators``
        (``indicator, value, meaning``).

    Raises
    ------
    PsoInputError
        A year without purchases.

    Examples
    --------
    >>> import pso_chain
    >>> out = pso_chain.stats(pso_chain.load_example())
    >>> sorted(out)
    ['indicators', 'spend']
    >>> out["spend"]["group"].tolist()
    ['certified buyers', 'other buyers', 'all buyers']
    """
    net = engine(network)
    return {"spend": spend_by_buyer_group(net, year), "indicators": chain_stats(net, year)}


def embodied(network: Network, year: int | None = None, *, drop_self: bool = False) -> pd.DataFrame:
    """Target-group FTE embodied in purchases through all tiers (a Leontief system), beside
    the one-tier ``indirect_fte`` of the score.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    year : int, optional
        Reference year; the latest year in purchases when None.
    drop_self : bool
        Leave self-purchases out of the system.

    Returns
    -------
    pandas.DataFrame
        ``org_id, name, indirect_fte, embodied_fte_certified, upstream_fte_certified,
        embodied_fte``, sorted by org_id.

    Notes
    -----
    Not additive over organisations: an FTE at a supplier is in its buyer's figure and again in
    the figure of every buyer further down the chain (on the example the column sums to 906
    against 1,251 target-group FTE). It covers the recorded purchases only: FTE serving sales
    outside the data (households, exports, organisations not in the tables) are in nobody's
    figure. :func:`leontief` gives the system itself (matrices, intensities, multipliers).

    Raises
    ------
    PsoInputError
        A year without purchases, or a system that does not converge (organisations buying for
        more than their revenue).

    Examples
    --------
    >>> import pso_chain
    >>> out = pso_chain.embodied(pso_chain.load_example())
    >>> bool((out["embodied_fte"] >= out["embodied_fte_certified"] - 1e-9).all())
    True
    """
    return embodied_comparison(engine(network), year, drop_self)


def leontief(network: Network, year: int | None = None, *, certified: bool = False,
             drop_self: bool = False) -> LeontiefSystem:
    """The Leontief system behind :func:`embodied`: matrices, intensities and multipliers.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    year : int, optional
        Reference year; the latest year in purchases when None.
    certified : bool
        Only eligible purchase rows (the system of ``embodied_fte_certified``).
    drop_self : bool
        Leave self-purchases out of the system.

    Returns
    -------
    LeontiefSystem
        ``amounts`` (A), ``coefficients`` (M = diag(1/revenue) A), ``direct`` (b),
        ``intensity`` (e = (I - M)^-1 b), ``employment_multiplier`` (e / b),
        ``output_multiplier`` (column sums of (I - M)^-1), ``embodied`` (A e), in the order of
        ``org_ids``; ``solve(v)`` applies (I - M)^-1.

    Raises
    ------
    PsoInputError
        As :func:`embodied`.

    Examples
    --------
    >>> import pso_chain
    >>> system = pso_chain.leontief(pso_chain.load_example())
    >>> system.coefficients.shape, round(float(system.embodied.sum()))
    ((300, 300), 906)
    """
    return leontief_system(engine(network), year, certified=certified, drop_self=drop_self)


def report(network: Network, year: int | None = None, municipality: str | None = None,
           lang: str = "nl", *, top: int | None = None, k: int | None = None,
           threshold: Parameter = None) -> str:
    """The municipal report as one self-contained HTML page (charts embedded).

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    year : int, optional
        Reference year; the latest year in purchases when None.
    municipality : str, optional
        Report on one municipality; every organisation when None.
    lang : str
        ``nl`` or ``en``.
    top, k : int, optional
        Rows in the prospect lists and seeds suggested (defaults ``olievlek.toml``).
    threshold : float, optional
        The simulate threshold (default ``olievlek.toml``); ``"fitted"``: fitted to the
        certification history first (:func:`calibrate`), and the report says so.

    Returns
    -------
    str
        The HTML document; the simulation and the seeds' gain are shown with their band over
        runs with spread thresholds (:mod:`pso_chain.outputs.report.bands`).

    Raises
    ------
    PsoInputError
        A year without purchases, an unknown municipality or language, ``top`` or ``k``
        below 1.

    Examples
    --------
    >>> import pso_chain
    >>> page = pso_chain.report(pso_chain.load_example(), municipality="Apeldoorn", lang="en")
    >>> page.startswith("<!DOCTYPE html>"), "Apeldoorn" in page
    (True, True)
    """
    check.choice(lang, LANGUAGES, "lang")
    net = engine(network)
    threshold, _, fit = fitted_parameters(net, "threshold", threshold, None)
    return build_report(net, year, municipality, lang, top=top, k=k, threshold=threshold,
                        notes=[fit.summary()] if fit is not None else [])


def counting_spend(network: Network, year: int | None = None, *, by: str | None = None,
          municipality: str | None = None) -> pd.DataFrame:
    """How much of the buyers' purchasing goes to counting suppliers (SW-bedrijven and PSO
    holders), in total or per buyer group.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    year : int, optional
        Reference year; the latest year in purchases when None.
    by : str, optional
        ``municipality`` or ``sector`` (SBI section letter) of the buyer; one ``all`` row when
        None.
    municipality : str, optional
        Only buyers in this municipality.

    Returns
    -------
    pandas.DataFrame
        ``group, buyers, spend_eur, counting_spend_eur, sw_spend_eur, counting_share``, one
        row per group (self-purchases left out).

    Raises
    ------
    PsoInputError
        A year without purchases, an unknown municipality or grouping.

    Examples
    --------
    >>> import pso_chain
    >>> out = pso_chain.counting_spend(pso_chain.load_example(), by="municipality")
    >>> out["group"].head(3).tolist(), bool(out["counting_share"].between(0, 1).all())
    (['Apeldoorn', 'Brummen', 'Deventer'], True)
    """
    if by is not None:
        check.choice(by, ("municipality", "sector"), "by")
    return by_group(engine(network), year, by=by, municipality=municipality)


def cascades(network: Network, year: int | None = None, *, top: int | None = None) -> pd.DataFrame:
    """The largest cascades of the propagation that happened (:func:`history`): one root and
    every organisation that followed it, generation by generation.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    year : int, optional
        Only certifications first started up to this year; all when None.
    top : int, optional
        How many cascades (default ``history.top`` of ``olievlek.toml``).

    Returns
    -------
    pandas.DataFrame
        ``root_id``, its name, ``size``, ``generations``, first and last certification; largest
        first.

    Raises
    ------
    PsoInputError
        ``top`` below 1.

    Examples
    --------
    >>> import pso_chain
    >>> out = pso_chain.cascades(pso_chain.load_example(), top=1)
    >>> out["root_id"].tolist(), int(out["size"].iat[0])
    (['90000008'], 3)
    """
    net = engine(network)
    return largest_cascades(net, history(net, year), None if top is None else check.positive_int(top, "top"))
