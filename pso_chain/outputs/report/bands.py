"""The report's uncertainty: the simulation and the seeds' gain as bands over runs with
lognormal per-organisation thresholds (:func:`~pso_chain.olievlek.stochastic.simulate_runs`),
not one number.

``SPREAD`` and ``RUNS`` are the report's stated choices (the standard deviation of the log
threshold and the number of runs); the seed of the draws is fixed, so a report is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

from pso_chain.core.network import PurchaseNetwork
from pso_chain.olievlek.stochastic import StochasticSimulation, simulate_runs
from pso_chain.outputs.report.labels import Labels
from pso_chain.outputs.report.page import Column, esc, table_html

SPREAD = 0.25
RUNS = 100
SEED = 0


@dataclass(frozen=True)
class Bands:
    """The runs without seeds (``baseline``) and, when seeds were chosen, with them."""

    baseline: StochasticSimulation
    seeded: StochasticSimulation | None


def report_bands(network: PurchaseNetwork, year: int, threshold: float, seed_orgs: list[str]) -> Bands:
    """The report's runs: the same thresholds drawn for both (common random numbers)."""
    baseline = simulate_runs(network, year, threshold, spread=SPREAD, runs=RUNS, seed=SEED)
    seeded = simulate_runs(network, year, threshold, spread=SPREAD, runs=RUNS, seed=SEED,
                           seed_orgs=seed_orgs) if seed_orgs else None
    return Bands(baseline, seeded)


def simulation_band_html(bands: Bands, municipality: str | None, lab: Labels) -> str:
    """The band of certified organisations per round (and in the municipality) as a table and a
    sentence."""
    f = lab.fmt
    rounds = bands.baseline.rounds
    body = table_html(rounds, [Column("round", lab("round"), "int"), Column("p5", lab("band_p5"), "num1"),
                               Column("p50", lab("band_p50"), "num1"),
                               Column("p95", lab("band_p95"), "num1")], f)
    last = rounds.iloc[-1]
    text = lab("band_lead", runs=f.integer(RUNS), spread=f.number(SPREAD, 2), low=f.number(last["p5"], 0),
               high=f.number(last["p95"], 0), median=f.number(last["p50"], 1))
    if municipality:
        places = bands.baseline.municipalities.set_index("municipality")
        if municipality in places.index:
            row = places.loc[municipality]
            text += " " + lab("band_scope", m=municipality, low=f.number(row["p5"], 0),
                              high=f.number(row["p95"], 0))
    return f'<p>{esc(text)}</p>' + body


def seed_band_html(bands: Bands, lab: Labels) -> str:
    """The seeds' gain over the same runs, as a sentence (empty without seeds)."""
    if bands.seeded is None or bands.seeded.gains is None:
        return ""
    f = lab.fmt
    gain = bands.seeded.gains.set_index("gain").loc["certified_gain"]
    return "<p>" + esc(lab("band_gain", runs=f.integer(RUNS), spread=f.number(SPREAD, 2),
                           low=f.number(gain["p5"], 0), high=f.number(gain["p95"], 0),
                           median=f.number(gain["p50"], 1))) + "</p>"
