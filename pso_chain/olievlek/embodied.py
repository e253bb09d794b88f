"""Target-group FTE embodied in purchases through all tiers (docs/contract.md, ``embodied``).

The intensity of each seller k (target-group FTE per euro of its revenue, upstream included)
solves the Leontief system

    e_k = target_fte_k / revenue_k + sum_j (amount(k -> j) / revenue_k) * e_j,

i.e. ``(I - M) e = b`` with ``M = diag(1/revenue) A`` (A buyer x supplier, the year's summed
amounts) and ``b = target_fte / revenue``. Then ``embodied_fte_i = sum_k amount(i -> k) e_k``;
``embodied_fte_certified`` is the same with only eligible purchase rows kept in both formulas
(its first tier is exactly the PSO's one-tier ``indirect_fte``).

``M`` is nonnegative, so the system is solved by its power series ``b + M b + M^2 b + ...``
(one sparse product per step, all intensities growing monotonically). The series converges
exactly when the spectral radius of ``M`` is below 1, which holds when every organisation buys
for less than its revenue; where it does not converge the run fails naming the organisations
that buy for at least their revenue. Self-purchases are part of ``amount(k -> j)`` as the
contract writes it (``drop_self=True`` leaves them out).

What the figures are not: ``embodied_fte`` is not additive over organisations — an FTE at a
supplier is in its buyer's figure and again in the figure of every buyer further down the chain
(summed over the example's organisations: 906 against 1,251 target-group FTE in the data), and it
covers the recorded purchases only: FTE serving sales outside the data (households, exports,
organisations not in the tables) are in nobody's figure. :func:`leontief` gives the system
itself — ``A``, ``M``, ``b``, the intensities and the multipliers — for analysis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from pso_chain import check
from pso_chain.core.network import PurchaseNetwork
from pso_chain.core.scoring import indirect_fte
from pso_chain.errors import Problem, PsoInputError
from pso_chain.olievlek.settings import load_settings

EMBODIED_COLUMNS = ["org_id", "embodied_fte", "embodied_fte_certified"]
COMPARISON_COLUMNS = ["org_id", "name", "indirect_fte", "embodied_fte_certified", "upstream_fte_certified",
                      "embodied_fte"]
# Steps over which the growth rate of the series is measured (to detect divergence).
RATE_WINDOW = 8

Progress = Callable[[str], None] | None


@dataclass(frozen=True)
class SeriesResult:
    """Solution of ``(I - M) x = b`` and how it was reached."""

    x: np.ndarray
    iterations: int
    converged: bool
    rate: float  # estimated spectral radius of M (growth of the last steps)
    method: str


def solve_leontief(matrix: sp.csr_matrix, b: np.ndarray, tolerance: float, max_iterations: int
                   ) -> SeriesResult:
    """``x = sum_m M^m b`` for a nonnegative sparse ``M``, stopping when no entry grows by more
    than ``tolerance`` relative to itself in one step.

    When the series converges too slowly to finish within ``max_iterations`` (rate close to
    but below 1), BiCGSTAB finishes from the partial sum and the residual is checked.

    >>> m = sp.csr_matrix(np.array([[0.0, 0.5], [0.25, 0.0]]))
    >>> r = solve_leontief(m, np.array([1.0, 1.0]), 1e-14, 1000)
    >>> np.round(r.x, 6).tolist(), r.converged
    ([1.714286, 1.428571], True)
    """
    x = np.array(b, dtype=float)
    term = x.copy()
    norms = [float(np.abs(term).max(initial=0.0))]
    rate = 0.0
    for step in range(1, max_iterations + 1):
        term = matrix @ term
        x += term
        norm = float(term.max(initial=0.0))
        norms.append(norm)
        if norm == 0.0:
            return SeriesResult(x, step, True, 0.0, "power series")
        window = min(RATE_WINDOW, step)
        if norms[-1 - window] > 0:
            rate = (norm / norms[-1 - window]) ** (1.0 / window)
        with np.errstate(divide="ignore", invalid="ignore"):
            growth = np.where(x > 0, term / x, 0.0).max(initial=0.0)
        if not np.isfinite(norm) or (step >= 2 * RATE_WINDOW and rate >= 1.0):
            return SeriesResult(x, step, False, rate, "power series")
        tail = rate / (1.0 - rate) if rate < 1.0 else np.inf
        if growth * max(tail, 1.0) <= tolerance:
            return SeriesResult(x, step, True, rate, "power series")
    if rate < 1.0:
        system = sp.identity(matrix.shape[0], format="csr") - matrix
        solved, info = spla.bicgstab(system, b, x0=x, rtol=tolerance, maxiter=10 * max_iterations)
        residual = np.abs(system @ solved - b).max(initial=0.0)
        ok = info == 0 and residual <= 1e-9 * max(np.abs(b).max(initial=0.0), 1e-300) \
            and (solved >= -1e-12 * np.abs(solved).max(initial=0.0)).all()
        return SeriesResult(solved if ok else x, max_iterations, bool(ok), rate, "bicgstab")
    return SeriesResult(x, max_iterations, False, rate, "power series")


def _buys_beyond_revenue(network: PurchaseNetwork, matrix: sp.csr_matrix, year: int) -> PsoInputError:
    spent = np.asarray(matrix.sum(axis=1)).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = spent / network.revenue
    nodes = np.flatnonzero(ratio >= 1.0)
    orgs = network.organisations
    file = network.data.files.get("organisations", "organisations")
    problems = [Problem(file, int(orgs["_row"].iat[i]), "revenue_eur", float(network.revenue[i]),
                        f"{orgs['org_id'].iat[i]} buys for EUR {spent[i]:,.2f} in {year}, "
                        f"{ratio[i]:.2f} times its revenue: the embodied-employment system "
                        "does not converge")
                for i in nodes[np.argsort(-ratio[nodes], kind="stable")]]
    if not problems:
        problems = [Problem(file, None, "revenue_eur", None,
                            "the embodied-employment system does not converge")]
    return PsoInputError(problems)


def _sellers_without_revenue(network: PurchaseNetwork, matrix: sp.csr_matrix, year: int) -> None:
    sells = np.zeros(network.n, dtype=bool)
    sells[matrix.indices] = True
    missing = np.flatnonzero(sells & ~(np.isfinite(network.revenue) & (network.revenue > 0)))
    if len(missing):
        orgs = network.organisations
        file = network.data.files.get("organisations", "organisations")
        raise PsoInputError([Problem(file, int(orgs["_row"].iat[i]), "revenue_eur", "",
                                     f"{orgs['org_id'].iat[i]} sells to others in {year} but has no "
                                     "revenue_eur: its embodied intensity is undefined")
                             for i in missing])


def intensities(network: PurchaseNetwork, matrix: sp.csr_matrix, year: int,
                tolerance: float | None = None, max_iterations: int | None = None) -> np.ndarray:
    """Embodied intensity ``e`` (target-group FTE per euro of revenue, upstream included) of
    every organisation for the purchase matrix ``matrix`` (0 for organisations without revenue,
    which sell to nobody here)."""
    settings = load_settings()
    tolerance = settings.embodied_tolerance if tolerance is None else tolerance
    max_iterations = settings.embodied_max_iterations if max_iterations is None else max_iterations
    _sellers_without_revenue(network, matrix, year)
    revenue = network.revenue
    usable = np.isfinite(revenue) & (revenue > 0)
    inverse = np.where(usable, 1.0 / np.where(usable, revenue, 1.0), 0.0)
    rows = np.repeat(inverse, np.diff(matrix.indptr))  # each entry divided by its buyer's revenue
    scaled = sp.csr_matrix((matrix.data * rows, matrix.indices, matrix.indptr), shape=matrix.shape)
    b = network.target_fte * inverse
    result = solve_leontief(scaled, b, tolerance, max_iterations)
    if not result.converged:
        raise _buys_beyond_revenue(network, matrix, year)
    return result.x


def embodied(network: PurchaseNetwork, year: int | None = None, drop_self: bool = False,
             tolerance: float | None = None, max_iterations: int | None = None) -> pd.DataFrame:
    """``org_id, embodied_fte, embodied_fte_certified`` for every organisation (sorted by org_id).

    >>> import pso_chain
    >>> out = embodied(pso_chain.load_example())
    >>> bool((out["embodied_fte"] >= out["embodied_fte_certified"] - 1e-9).all())
    True
    """
    year = check.year(network, year)
    columns = {}
    for name, eligible_only in (("embodied_fte", False), ("embodied_fte_certified", True)):
        matrix = network.adjacency(year, eligible_only=eligible_only, drop_self=drop_self)
        e = intensities(network, matrix, year, tolerance, max_iterations)
        columns[name] = matrix @ e
    return pd.DataFrame({"org_id": network.organisations["org_id"].to_numpy(), **columns},
                        columns=EMBODIED_COLUMNS)


def embodied_comparison(network: PurchaseNetwork, year: int | None = None,
                        drop_self: bool = False) -> pd.DataFrame:
    """Embodied FTE beside the PSO's one-tier ``indirect_fte``: what the official rule leaves
    out (``upstream_fte_certified`` = tiers two and beyond through counting suppliers)."""
    year = network.resolve_year(year)
    frame = embodied(network, year, drop_self)
    one_tier = indirect_fte(network, year)
    return pd.DataFrame({
        "org_id": frame["org_id"], "name": network.organisations["name"].to_numpy(),
        "indirect_fte": one_tier, "embodied_fte_certified": frame["embodied_fte_certified"],
        "upstream_fte_certified": frame["embodied_fte_certified"].to_numpy() - one_tier,
        "embodied_fte": frame["embodied_fte"],
    }, columns=COMPARISON_COLUMNS)


@dataclass(frozen=True)
class LeontiefSystem:
    """The embodied-employment system of one year, as matrices (node order: ``org_ids``).

    - ``amounts``: ``A``, buyer x supplier summed amounts (CSR);
    - ``coefficients``: ``M = diag(1/revenue) A`` (CSR; rows of organisations without revenue 0);
    - ``direct``: ``b = target_fte / revenue``, direct target-group FTE per euro of revenue;
    - ``intensity``: ``e = (I - M)^-1 b``, upstream included;
    - ``employment_multiplier``: ``e / b`` (NaN where ``b`` is 0): total over direct intensity;
    - ``output_multiplier``: column sums of the Leontief inverse ``(I - M)^-1``: the revenue
      raised through all tiers, per euro of final purchase from each organisation;
    - ``embodied``: ``A e``, the ``embodied_fte`` column.

    :meth:`solve` applies the Leontief inverse to any vector.
    """

    org_ids: np.ndarray
    amounts: sp.csr_matrix
    coefficients: sp.csr_matrix
    direct: np.ndarray
    intensity: np.ndarray
    employment_multiplier: np.ndarray
    output_multiplier: np.ndarray
    embodied: np.ndarray
    tolerance: float
    max_iterations: int

    def solve(self, vector: np.ndarray) -> np.ndarray:
        """``(I - M)^-1 vector`` by the same series as the intensities."""
        result = solve_leontief(self.coefficients, np.asarray(vector, dtype=float), self.tolerance,
                                self.max_iterations)
        if not result.converged:
            raise ValueError("the Leontief series does not converge for this vector")
        return result.x


def leontief(network: PurchaseNetwork, year: int | None = None, certified: bool = False,
             drop_self: bool = False, tolerance: float | None = None,
             max_iterations: int | None = None) -> LeontiefSystem:
    """The system behind ``embodied`` (``embodied_fte_certified`` with ``certified=True``: only
    eligible purchase rows), with its matrices and multipliers (:class:`LeontiefSystem`).

    >>> import pso_chain
    >>> net = pso_chain.load_example()
    >>> system = leontief(net)
    >>> bool(np.allclose(system.embodied, embodied(net)["embodied_fte"]))
    True
    """
    settings = load_settings()
    tolerance = settings.embodied_tolerance if tolerance is None else tolerance
    max_iterations = settings.embodied_max_iterations if max_iterations is None else max_iterations
    year = check.year(network, year)
    matrix = network.adjacency(year, eligible_only=certified, drop_self=drop_self)
    e = intensities(network, matrix, year, tolerance, max_iterations)
    revenue = network.revenue
    usable = np.isfinite(revenue) & (revenue > 0)
    inverse = np.where(usable, 1.0 / np.where(usable, revenue, 1.0), 0.0)
    rows = np.repeat(inverse, np.diff(matrix.indptr))
    scaled = sp.csr_matrix((matrix.data * rows, matrix.indices, matrix.indptr), shape=matrix.shape)
    b = network.target_fte * inverse
    output = solve_leontief(scaled.T.tocsr(), np.ones(network.n), tolerance, max_iterations)
    with np.errstate(divide="ignore", invalid="ignore"):
        multiplier = np.where(b > 0, e / np.where(b > 0, b, 1.0), np.nan)
    return LeontiefSystem(network.organisations["org_id"].to_numpy(), matrix, scaled, b, e, multiplier,
                          output.x, matrix @ e, tolerance, max_iterations)
