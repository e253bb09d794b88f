"""Fit the olievlek's threshold (or the fee model's at-risk share) to the certification history
by maximum likelihood (``olievlek calibrate``).

The data are the organisation-years of :func:`~pso_chain.olievlek.panel.adoption_panel`: every
organisation not yet certified in year t, able to adopt and with a revenue, its pressure x (the
``simulate`` pressure: sales to code-applying buyers over revenue) and whether it certified
for the first time in year t. The model is a discrete-time hazard with a smooth threshold link:

    P(adopts in t | not before) = b + (c - b) * expit(s * (log x - log theta))

- ``theta`` — the threshold: the pressure at which the hazard is halfway between ``b`` and
  ``c``; ``simulate``'s deterministic rule ``x >= theta`` is the limit of a steep slope
  (``s`` to infinity) with ``b = 0`` and ``c = 1``;
- ``s`` — the slope (steepness in log pressure); ``b`` — the baseline hazard (certifying
  without pressure: the roots of ``history``); ``c`` — the hazard well above the threshold
  (not every pressured organisation certifies within the year).

With ``model="fee"`` the same link is fitted on ``x = sales to code-applying buyers / fee``
(the rules' annual fee of the organisation's size): ``simulate``'s fee rule
``sales * at_risk >= fee`` is ``x >= 1 / at_risk``, so ``at_risk = 1 / theta``.

Organisation-years are assumed independent given the pressure (no unobserved differences
between organisations, the same hazard in every year). The 95% interval of the threshold is
the profile-likelihood interval (``2 * (logL_max - logL_profile) <= 3.84``); where the profile
does not reach that drop inside the range of the observed pressures the interval is left open
(NaN) and a note says so. The other parameters get Wald intervals from the observed
information, on the scale where they are unbounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import expit

from pso_chain import check
from pso_chain.core.network import PurchaseNetwork
from pso_chain.olievlek.panel import AdoptionPanel, adoption_panel

MODELS = ("threshold", "fee")
LEVEL = 0.95
PARAMETER_COLUMNS = ["parameter", "estimate", "ci_low", "ci_high", "method"]
YEAR_COLUMNS = ["year", "at_risk", "under_pressure", "observed", "predicted"]
BIN_COLUMNS = ["pressure_from", "pressure_to", "organisation_years", "observed", "predicted"]
# bounds of the unconstrained parameters: logit b, logit of (c - b) / (1 - b), log s
A0_BOUNDS, A1_BOUNDS, LOG_SLOPE_BOUNDS = (-25.0, 10.0), (-20.0, 20.0), (np.log(0.05), np.log(200.0))


@dataclass(frozen=True)
class _Data:
    """The panel as the likelihood needs it: positive-pressure rows one by one, the
    zero-pressure rows (hazard ``b`` only) as two counts."""

    log_x: np.ndarray
    y: np.ndarray
    n_zero: int
    k_zero: int



def hazard(x: np.ndarray, baseline: float, ceiling: float, threshold: float, slope: float
           ) -> np.ndarray:
    """The link: ``baseline + (ceiling - baseline) * expit(slope * (log x - log threshold))``
    (``baseline`` at zero pressure)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        z = slope * (np.log(x) - np.log(threshold))
    return baseline + (ceiling - baseline) * expit(z)


def _unpack(u: np.ndarray) -> tuple[float, float, float, float]:
    """(b, g, log theta, s) from the unconstrained vector; ``c = b + (1 - b) g``."""
    return float(expit(u[0])), float(expit(u[1])), float(u[2]), float(np.exp(u[3]))


def _nll(u: np.ndarray, data: _Data) -> tuple[float, np.ndarray]:
    """Negative log-likelihood and its gradient in ``u = (logit b, logit g, log theta, log s)``."""
    b, g, log_t, s = _unpack(u)
    z = s * (data.log_x - log_t)
    e = expit(z)
    ge = g * e
    p = np.clip(b + (1 - b) * ge, 1e-300, None)
    q = np.clip((1 - b) * (1 - ge), 1e-300, None)  # 1 - p without cancellation
    y = data.y
    ll = float(np.sum(np.where(y, np.log(p), np.log(q))))
    ll += data.k_zero * np.log(b) + (data.n_zero - data.k_zero) * np.log1p(-b)
    w = np.where(y, 1 / p, -1 / q)  # d ll / d p
    dz = (1 - b) * g * e * (1 - e)  # d p / d z
    grad = np.array([
        np.sum(w * b * (1 - b) * (1 - ge)) + data.k_zero * (1 - b) - (data.n_zero - data.k_zero) * b,
        np.sum(w * (1 - b) * e * g * (1 - g)),
        np.sum(w * dz * -s),
        np.sum(w * dz * z),
    ])
    return -ll, -grad


def _data(panel: AdoptionPanel, x: np.ndarray) -> _Data:
    positive = x > 0
    zero_y = panel.adopted[~positive]
    return _Data(np.log(x[positive]), panel.adopted[positive], int(len(zero_y)), int(zero_y.sum()))


def _fit(data: _Data, bounds: list[tuple[float, float]], starts: list[np.ndarray],
         fixed_log_t: float | None = None) -> tuple[np.ndarray, float]:
    """The best of bounded truncated-Newton (TNC) runs from ``starts``; with ``fixed_log_t``
    the threshold is held."""
    from scipy import optimize  # loaded on the first fit: scipy.optimize costs a command's start-up

    best: tuple[np.ndarray, float] | None = None
    for start in starts:
        if fixed_log_t is None:
            res = optimize.minimize(_nll, start, args=(data,), jac=True, method="TNC",
                                    bounds=bounds)
            u = res.x
        else:
            def inner(v: np.ndarray) -> tuple[float, np.ndarray]:
                value, grad = _nll(np.array([v[0], v[1], fixed_log_t, v[2]]), data)
                return value, grad[[0, 1, 3]]
            res = optimize.minimize(inner, start[[0, 1, 3]], jac=True, method="TNC",
                                    bounds=[bounds[0], bounds[1], bounds[3]])
            u = np.array([res.x[0], res.x[1], fixed_log_t, res.x[2]])
        if best is None or res.fun < best[1]:
            best = (u, float(res.fun))
    assert best is not None
    return best


def _profile_bound(data: _Data, bounds: list[tuple[float, float]], u_hat: np.ndarray,
                   nll_hat: float, side: int, step: float) -> float:
    """log theta where the profile log-likelihood has dropped by chi2(1)/2 on ``side`` (-1, +1);
    NaN when it does not within the bounds. ``step``: the first step out (the Wald half-width
    is a good guess), doubled until the drop is passed."""
    from scipy import optimize
    from scipy.stats import chi2  # loaded on the first fit, as scipy.optimize

    drop = chi2.ppf(LEVEL, 1) / 2
    limit = bounds[2][1] if side > 0 else bounds[2][0]
    warm = [u_hat]

    def excess(log_t: float) -> float:
        u, value = _fit(data, bounds, warm, fixed_log_t=log_t)
        warm[0] = u
        return value - nll_hat - drop

    inside = float(u_hat[2])
    while True:
        outside = inside + side * step
        if (outside - limit) * side >= 0:
            outside = limit
        if excess(outside) > 0:
            return float(optimize.brentq(excess, min(inside, outside), max(inside, outside),
                                         xtol=1e-3))
        if outside == limit:
            return float("nan")
        inside, step = outside, step * 2


def _wald(data: _Data, u_hat: np.ndarray) -> np.ndarray:
    """Standard errors of ``u`` from the observed information (numerical Hessian of the
    analytic gradient); NaN where it is singular."""
    k = len(u_hat)
    hess = np.zeros((k, k))
    for j in range(k):
        h = 1e-5 * max(1.0, abs(u_hat[j]))
        up, down = u_hat.copy(), u_hat.copy()
        up[j] += h
        down[j] -= h
        hess[:, j] = (_nll(up, data)[1] - _nll(down, data)[1]) / (2 * h)
    hess = (hess + hess.T) / 2
    try:
        cov = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        return np.full(k, np.nan)
    diag = np.diag(cov)
    return np.where(diag > 0, np.sqrt(np.abs(diag)), np.nan)


@dataclass
class Calibration:
    """A fitted olievlek model: the estimate, its interval and the goodness of fit.

    ``value`` is what ``simulate`` and ``seeds`` take (``threshold`` for the threshold model,
    ``at_risk`` for the fee model); ``parameters``, ``years`` and ``by_pressure`` are tables.
    """

    model: str
    value: float
    ci_low: float
    ci_high: float
    baseline: float
    ceiling: float
    slope: float
    log_likelihood: float
    log_likelihood_null: float
    brier: float
    brier_null: float
    organisation_years: int
    adopters: int
    years_used: tuple[int, ...]
    lag: int
    parameters: pd.DataFrame
    years: pd.DataFrame
    by_pressure: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """``threshold`` or ``at_risk``: the argument of ``simulate`` the value is for."""
        return "threshold" if self.model == "threshold" else "at_risk"

    def table(self) -> pd.DataFrame:
        """The parameters and the goodness of fit in one table (``parameter, estimate, ci_low,
        ci_high, method``): what ``calibrate --out`` writes."""
        fit = pd.DataFrame([
            ("log_likelihood", self.log_likelihood, np.nan, np.nan, "fitted model"),
            ("log_likelihood_null", self.log_likelihood_null, np.nan, np.nan, "constant hazard"),
            ("brier", self.brier, np.nan, np.nan, "fitted model"),
            ("brier_null", self.brier_null, np.nan, np.nan, "constant hazard"),
            ("organisation_years", float(self.organisation_years), np.nan, np.nan, "at risk"),
            ("adopters", float(self.adopters), np.nan, np.nan, "first certifications"),
        ], columns=PARAMETER_COLUMNS)
        return pd.concat([self.parameters, fit], ignore_index=True)

    def summary(self) -> str:
        """One line saying what was fitted, e.g. for the output of ``simulate``."""
        span = f"{self.years_used[0]}-{self.years_used[-1]}" if len(self.years_used) > 1 \
            else str(self.years_used[0])
        loose = "" if np.isfinite(self.ci_low) and np.isfinite(self.ci_high) else \
            "; the history does not pin it down"
        return (f"{self.name} {self.value:.4g} fitted by calibrate (95% CI "
                f"{_fmt(self.ci_low)}-{_fmt(self.ci_high)}; {self.adopters:,} adopters in "
                f"{self.organisation_years:,} organisation-years, {span}{loose})")


def _fmt(value: float) -> str:
    return "open" if not np.isfinite(value) else f"{value:.4g}"


def calibrate(network: PurchaseNetwork, model: str = "threshold", *, first_year: int | None = None,
              last_year: int | None = None, lag: int = 0) -> Calibration:
    """Fit the threshold (``model="threshold"``) or the fee model's at-risk share (``"fee"``)
    to the certification history by maximum likelihood (see the module's docstring).

    >>> import pso_chain
    >>> fit = calibrate(pso_chain.load_example())
    >>> fit.name, fit.years_used, fit.value > 0
    ('threshold', (2024, 2025), True)
    """
    check.choice(model, MODELS, "model")
    panel = adoption_panel(network, first_year, last_year, lag)
    if model == "threshold":
        x = panel.pressure
    else:
        x = panel.sales / network.rules.fee(network.employees[panel.node]).astype(float)
    data = _data(panel, x)
    if len(data.y) == 0:
        check.fail("model", model, "no organisation at risk sold to code-applying buyers in "
                   f"{_span(panel.years)}: the threshold cannot be fitted")
    if not panel.adopted.any():
        check.fail("model", model, f"nobody certified for the first time in {_span(panel.years)}: "
                   "the threshold cannot be fitted")
    lo, hi = float(data.log_x.min()), float(data.log_x.max())
    bounds = [A0_BOUNDS, A1_BOUNDS, (lo - 3.0, hi + 3.0), LOG_SLOPE_BOUNDS]
    rate = max(panel.adopted.mean(), 1e-6)
    a0 = float(np.log(rate / (1 - rate)))
    starts = [np.array([a0, 0.0, q, np.log(2.0)]) for q in np.quantile(data.log_x, [0.25, 0.5, 0.75, 0.9])]
    u_hat, nll_hat = _fit(data, bounds, starts)
    se = _wald(data, u_hat)
    step = float(np.clip(1.5 * se[2], 0.02, 1.0)) if np.isfinite(se[2]) else 0.05
    ci = [_profile_bound(data, bounds, u_hat, nll_hat, side, step) for side in (-1, 1)]
    b, g, log_t, s = _unpack(u_hat)
    c = b + (1 - b) * g
    p = hazard(x, b, c, float(np.exp(log_t)), s)
    y = panel.adopted
    rate = y.mean()
    ll_null = float(np.sum(np.where(y, np.log(rate), np.log1p(-rate))))
    notes = _notes(panel, network, ci, u_hat, bounds, model)
    theta, theta_lo, theta_hi = float(np.exp(log_t)), float(np.exp(ci[0])), float(np.exp(ci[1]))
    if model == "threshold":
        value, ci_low, ci_high = theta, theta_lo, theta_hi
    else:
        value, ci_low, ci_high = 1 / theta, 1 / theta_hi, 1 / theta_lo
    z = 1.959963984540054
    wald = {j: (u_hat[j] - z * se[j], u_hat[j] + z * se[j]) for j in range(4)}
    with np.errstate(over="ignore"):
        slope_ci = np.exp(wald[3])
    if np.isclose(u_hat[3], bounds[3][1]) or np.isclose(u_hat[3], bounds[3][0]):
        slope_ci = np.array([np.nan, np.nan])  # at a bound: the information says nothing
    parameters = pd.DataFrame([
        ("threshold" if model == "threshold" else "at_risk", value, ci_low, ci_high,
         "profile likelihood"),
        ("slope", s, *slope_ci, "Wald, log scale"),
        ("baseline_hazard", b, *expit(wald[0]), "Wald, logit scale"),
        ("max_hazard", c, *(b + (1 - b) * expit(np.array(wald[1]))), "Wald, logit scale (baseline fixed)"),
    ], columns=PARAMETER_COLUMNS)
    return Calibration(
        model=model, value=value, ci_low=ci_low, ci_high=ci_high, baseline=b, ceiling=c, slope=s,
        log_likelihood=-nll_hat, log_likelihood_null=ll_null,
        brier=float(np.mean((p - y) ** 2)), brier_null=float(np.mean((rate - y) ** 2)),
        organisation_years=len(panel), adopters=int(y.sum()), years_used=panel.years, lag=lag,
        parameters=parameters, years=_by_year(panel, x, p), by_pressure=_by_bin(x, y, p), notes=notes)


def _span(years: tuple[int, ...]) -> str:
    return f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])


def _by_year(panel: AdoptionPanel, x: np.ndarray, p: np.ndarray) -> pd.DataFrame:
    """Predicted against observed adopters per year."""
    rows = []
    for t in panel.years:
        m = panel.year == t
        rows.append((t, int(m.sum()), int((x[m] > 0).sum()), int(panel.adopted[m].sum()),
                     float(p[m].sum())))
    return pd.DataFrame(rows, columns=YEAR_COLUMNS)


def _by_bin(x: np.ndarray, y: np.ndarray, p: np.ndarray, bins: int = 5) -> pd.DataFrame:
    """Predicted against observed adopters at zero pressure and in quantile bins of the rest."""
    rows = [(0.0, 0.0, int((x == 0).sum()), int(y[x == 0].sum()), float(p[x == 0].sum()))]
    positive = x > 0
    if positive.any():
        edges = np.unique(np.quantile(x[positive], np.linspace(0, 1, bins + 1)))
        which = np.clip(np.searchsorted(edges, x[positive], side="right") - 1, 0, max(len(edges) - 2, 0))
        ys, ps = y[positive], p[positive]
        for j in range(max(len(edges) - 1, 1)):
            m = which == j
            rows.append((float(edges[j]), float(edges[min(j + 1, len(edges) - 1)]), int(m.sum()),
                         int(ys[m].sum()), float(ps[m].sum())))
    return pd.DataFrame(rows, columns=BIN_COLUMNS)


def _notes(panel: AdoptionPanel, network: PurchaseNetwork, ci: list[float], u_hat: np.ndarray,
           bounds: list[tuple[float, float]], model: str) -> list[str]:
    notes = [f"{len(panel):,} organisation-years at risk in {_span(panel.years)} "
             f"(pressure from purchases {panel.lag} year(s) before), "
             f"{int(panel.adopted.sum()):,} first certifications"]
    if np.isnan(ci[0]) or np.isnan(ci[1]):
        notes.append("the data do not bound the estimate on both sides within the observed "
                     "pressures: the 95% interval is open on that side (NaN in files)")
    if np.isclose(u_hat[3], bounds[3][1]):
        notes.append("the slope reached its upper bound: the adoptions look like a sharp threshold")
    if getattr(network, "certifications", None) is None:
        notes.append("no certifications table: only current certificates are known")
    if "threshold" in network.organisations.columns and model == "threshold":
        notes.append("the organisations' own threshold column is not used by the fit")
    return notes
