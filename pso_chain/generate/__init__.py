"""Synthetic purchase networks in the canonical tables, at any scale.

Everything is drawn with one ``numpy.random.Generator(PCG64(seed))`` in a fixed order, so a
seed gives the same tables on every machine. All work is vectorised: one million
organisations and ten million purchases take seconds, not hours.

What the data looks like:

- organisation sizes are heavy-tailed (about 60% have 1-9 employees, a few have tens of
  thousands); FTE, revenue and sector follow from size;
- buyers and suppliers are drawn with preferential (Zipf-like) weights, so a few hubs buy and
  sell a lot; amounts are lognormal and scale with the buyer; no buyer buys more than part of
  its revenue and no supplier sells more than part of its revenue;
- PSO certification spreads along the network: every year from 2012, organisations certify
  with a small size-dependent hazard that rises with the share of their sales going to
  already certified buyers (the olievlek), then renew, move up or lapse;
- SW-bedrijven (about one per 2,000 organisations) are large, with most of their FTE from the
  target group;
- certified organisations and SW-bedrijven get one ``employees_records`` row per
  target-group person, and their ``target_fte`` is exactly the weighted sum of those rows
  (weights from the rules file).

>>> tables = generate_dataset(200, 1_000, seed=1)
>>> sorted(tables)
['certifications', 'employees_records', 'organisations', 'purchases']
>>> len(tables["organisations"]), len(tables["purchases"])
(200, 1000)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pso_chain import check
from pso_chain.generate.orgs import _organisations, _purchases
from pso_chain.generate.params import (
    FIRST_ORG_NUMBER,
    MUNICIPALITIES,
    SCHEMAS,
    SW_DELIVERS,
    TABLE_NAMES,
    Progress,
    municipality_names,
)
from pso_chain.generate.people import _certifications, _target_group
from pso_chain.generate.write import _assemble, write_dataset
from pso_chain.rules import Rules, load_rules


def generate_dataset(
    n_orgs: int,
    n_purchases: int,
    seed: int = 0,
    year: int = 2025,
    n_years: int = 1,
    municipalities: Sequence[str] | None = None,
    rules: Rules | None = None,
    progress: Progress = None,
) -> dict[str, pd.DataFrame]:
    """Return the canonical tables: organisations, purchases, employees_records, certifications.

    ``n_purchases`` rows are spread over the years ``year - n_years + 1 .. year`` (the same
    relations repeat every year, the reference year complete). ``municipalities`` restricts
    the organisations to those municipalities (names from :func:`municipality_names`).
    ``rules`` (default: the packaged rules) gives the norms and the person weights, so that
    ``target_fte`` equals the weighted sum of ``employees_records``. Deterministic per seed.

    >>> t = generate_dataset(50, 200, seed=3, municipalities=["Apeldoorn", "Epe"])
    >>> sorted(t["organisations"]["municipality"].unique().tolist())
    ['Apeldoorn', 'Epe']
    """
    n_orgs = check.positive_int(n_orgs, "orgs")
    n_purchases = check.whole(n_purchases, "purchases")
    n_years = check.positive_int(n_years, "years")
    if n_purchases > 0 and n_orgs < 2:
        check.fail("orgs", n_orgs, "purchases need at least 2 organisations")
    if n_orgs + FIRST_ORG_NUMBER > 100_000_000:
        check.fail("orgs", n_orgs, "at most 89,999,999 organisations (8-digit ids)")
    rules = rules if rules is not None else load_rules()
    say = progress or (lambda _msg: None)
    rng = np.random.Generator(np.random.PCG64(seed))

    say(f"organisations: {n_orgs:,}")
    orgs = _organisations(rng, n_orgs, municipalities)
    say(f"purchases: {n_purchases:,} over {n_years} year(s)")
    rel_buyer, rel_supplier, rel_amount, purchases = _purchases(
        rng, orgs, n_purchases, year, n_years)
    say("certification histories")
    certs, current = _certifications(rng, orgs, rel_buyer, rel_supplier, rel_amount, year)
    say("target-group FTE and employees_records")
    records = _target_group(rng, orgs, current, rules)
    say("assembling tables")
    return _assemble(orgs, current, certs, records, purchases)



__all__ = ["MUNICIPALITIES", "SCHEMAS", "SW_DELIVERS", "TABLE_NAMES", "generate_dataset",
           "municipality_names", "write_dataset"]
