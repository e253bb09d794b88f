"""Who applies the social purchasing code at the start of a year, and the year's supplier view.

Shared by exposure, simulate, seeds and stats so that they agree on one definition
(docs/contract.md, olievlek contracts):

- *certified at the start of year Y*: holds a certificate of an eligible level (rules file)
  valid on 1 January of Y. SW-bedrijven without such a certificate are not certified: purchases
  from them count for the PSO score, but the contract asks for a certificate here.
- *code-applying*: certified at the start of Y and ``applies_code`` true (default true).
- *can adopt* (:func:`can_adopt`): not certified at the start of Y and not an SW-bedrijf. Only
  they are put under pressure, certify in the cascade (``simulate``), are prospects
  (``exposure``), candidates or gain of a seed (``seeds``), and counted by ``stats`` and the
  report. SW-bedrijven without a certificate never adopt: purchases from them count already,
  so buyers put no pressure on them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from pso_chain import check
from pso_chain.core.network import PurchaseNetwork


def year_start(year: int) -> pd.Timestamp:
    """1 January of ``year``: the day certificates are looked at."""
    return pd.Timestamp(year=int(year), month=1, day=1)


def certified_at_start(network: PurchaseNetwork, year: int) -> np.ndarray:
    """Per organisation: holds an eligible certificate valid on 1 January of ``year``."""
    return network.certified_at_start(year)


def applies_code(network: PurchaseNetwork) -> np.ndarray:
    """The ``applies_code`` column (true where not given)."""
    if "applies_code" not in network.organisations.columns:
        return np.ones(network.n, dtype=bool)
    return network.organisations["applies_code"].to_numpy(dtype=bool)


def code_applying(network: PurchaseNetwork, year: int) -> np.ndarray:
    """Per organisation: a code-applying buyer in round 0 of ``year``."""
    return certified_at_start(network, year) & applies_code(network)


def can_adopt(network: PurchaseNetwork, year: int) -> np.ndarray:
    """Per organisation: can adopt the certificate in the olievlek of ``year`` — not certified
    on 1 January and not an SW-bedrijf (docs/contract.md, "who can adopt").

    The one definition used by exposure, simulate, seeds, stats and the report. Whether an
    adopter *can* be under pressure is a separate matter: that needs a revenue
    (:func:`has_revenue`).
    """
    return ~certified_at_start(network, year) & ~network.sw


def supplier_matrix(network: PurchaseNetwork, year: int) -> sp.csr_matrix:
    """CSR buyer x supplier of the year's summed amounts, self-purchases left out."""
    return network.adjacency(year, drop_self=True)


def has_revenue(network: PurchaseNetwork) -> np.ndarray:
    """Organisations with a usable revenue (only they can be under pressure)."""
    revenue = network.revenue
    return np.isfinite(revenue) & (revenue > 0)


def node_ids(network: PurchaseNetwork, nodes: np.ndarray) -> np.ndarray:
    """org_id of each node index; ``None`` where the index is negative."""
    ids = network.organisations["org_id"].to_numpy(dtype=object)
    nodes = np.asarray(nodes, dtype=np.int64)
    out = np.full(len(nodes), None, dtype=object)
    ok = nodes >= 0
    out[ok] = ids[nodes[ok]]
    return out


def municipality_mask(network: PurchaseNetwork, municipality: str | None) -> np.ndarray:
    """Organisations in ``municipality`` (case and surrounding spaces ignored); all when None.

    An unknown municipality is bad input, named with the nearest ones that do occur
    (:func:`pso_chain.check.municipality_mask`).
    """
    return check.municipality_mask(network, municipality)


def check_year(network: PurchaseNetwork, year: int | None) -> int:
    """The given year (or the latest); bad input naming the years present when no purchases
    fall in it (:func:`pso_chain.check.year`)."""
    return check.year(network, year)
