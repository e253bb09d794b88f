"""The verbs on a Neo4j database without its compiled network (``pso_chain.open(uri,
cache=False)``, ``--no-cache``; the default is :mod:`pso_chain.neo4jdb.cached`): select the rows
a verb needs, then the engine's own function.

Nothing here computes a rule. Each verb asks Neo4j for the part of the network its answer
depends on (``source.read_part``: one buyer's purchases of the year and those suppliers, the
organisations where a purchase may count, the purchases of a year), builds a small
:class:`~pso_chain.core.network.PurchaseNetwork` through the same validation as a folder, and
returns what the in-memory function returns on it — the same function the folder uses, so a
contract change is made once. Why each part is enough:

- ``credits``: every organisation (one row each), and of the purchases only those of the year
  whose supplier may count (an SW-bedrijf or a holder of an eligible-level certificate); the
  others add nothing, and the kept rows are summed in the same file order.
- ``explain``: the organisation, its purchases of the year, those suppliers.
- ``uplift`` and ``suppliers``: that, plus every organisation where a new purchase may count
  on the day (or in the year) — the only ones a plan or a ranking can name.
- ``exposure``: every organisation and every purchase of the year (tiers run through all).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pso_chain import check
from pso_chain.buyers.suppliers import eligible_suppliers
from pso_chain.buyers.uplift import parse_shift, uplift_plan
from pso_chain.config import Settings
from pso_chain.core.explanation import explain as trace
from pso_chain.core.network import PurchaseNetwork
from pso_chain.core.scoring import credits as score
from pso_chain.core.spend import supplier_spend as spend_of
from pso_chain.loaders import RawTable
from pso_chain.neo4jdb.connect import Connection, connect
from pso_chain.neo4jdb.source import Meta, meta, purchase_years, read, read_part
from pso_chain.olievlek.exposure import exposure as prospects
from pso_chain.rules import Rules
from pso_chain.validate import validate_tables


def part_network(conn: Connection, rules: Rules, frames: dict[str, pd.DataFrame], known: Meta
                 ) -> PurchaseNetwork:
    """A :class:`~pso_chain.core.network.PurchaseNetwork` of a part of the database, validated as a
    folder is, each row keeping its file row number, and knowing the purchase years of the
    whole database (so a year is checked, and the default year chosen, as on the folder)."""
    where = conn.target.uri
    tables = {name: RawTable(name=name, file=f"{where} ({name})",
                             frame=frame.drop(columns=["row"]), first_data_row=0)
              for name, frame in frames.items()}
    data = validate_tables(tables, rules)
    data.report.raise_for_errors()
    for name, frame in frames.items():  # positions in the part -> rows in the files
        table = getattr(data, name)
        if table is not None and len(table):
            rows = frame["row"].to_numpy(dtype=np.int64)
            table["_row"] = rows[table["_row"].to_numpy(dtype=np.int64)]
    network = PurchaseNetwork(data, rules)
    network.__dict__["years"] = np.asarray(purchase_years(conn, known), dtype=np.int64)
    return network


def _year(conn: Connection, known: Meta, year: int | None) -> int:
    """``year`` or the latest purchase year, checked as on a folder (:func:`pso_chain.check.year`)
    against the years in the database."""
    return check.year_in(year, purchase_years(conn, known))


def resolve_year(uri: str, rules: Rules, year: int | None, settings: Settings | None = None) -> int:
    """``year``, or the latest purchase year in the database at ``uri``."""
    if year is not None:
        return int(year)
    with connect(uri, settings) as conn:
        known = meta(conn)
        return check.year_in(None, purchase_years(conn, known))


def _may_supply(conn: Connection, rules: Rules, lo: dt.date, hi: dt.date) -> list[str]:
    """org_ids where a purchase on some day in [lo, hi] may count (a selection)."""
    return list(read(conn, "may_supply", rules, lo=lo, hi=hi)[0]["org_ids"])


def _year_days(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def credits(uri: str, rules: Rules, year: int | None, settings: Settings | None = None
            ) -> pd.DataFrame:
    """:func:`pso_chain.core.scoring.credits` on the database at ``uri``."""
    with connect(uri, settings) as conn:
        known = meta(conn)
        year = _year(conn, known, year)
        frames = read_part(conn, rules, known, ("purchases_may_count", {"year": year}),
                           all_organisations=True)
        network = part_network(conn, rules, frames, known)
    return score(network, year)


def _buyer_part(uri: str, rules: Rules, org_id: str, year: int | None,
                settings: Settings | None) -> tuple[PurchaseNetwork, int]:
    """The part of the database one buyer's year needs (its purchases and their suppliers),
    as a network, and the year resolved."""
    with connect(uri, settings) as conn:
        known = meta(conn)
        year = _year(conn, known, year)
        frames = read_part(conn, rules, known,
                           ("purchases_of_buyer", {"buyer": str(org_id), "year": year}), [org_id])
        return part_network(conn, rules, frames, known), year


def explain(uri: str, rules: Rules, org_id: str, year: int | None,
            settings: Settings | None = None, shown: slice | None = None) -> dict:
    """:func:`pso_chain.core.explanation.explain` on the database at ``uri``."""
    network, year = _buyer_part(uri, rules, org_id, year, settings)
    return trace(network, str(org_id), year, shown)


def supplier_spend(uri: str, rules: Rules, org_id: str, year: int | None,
                   settings: Settings | None = None) -> pd.DataFrame:
    """:func:`pso_chain.core.explanation.supplier_spend` on the database at ``uri``."""
    network, year = _buyer_part(uri, rules, org_id, year, settings)
    return spend_of(network, str(org_id), year)


def uplift(uri: str, rules: Rules, org_id: str, year: int | None, *, top: int | None = None,
           suppliers: list[str] | None = None, max_share: float | None = None,
           shift: str | None = None, on=None, settings: Settings | None = None
           ) -> dict[str, pd.DataFrame]:
    """:func:`pso_chain.buyers.uplift.uplift_plan` on the database at ``uri``."""
    named = [str(s) for s in (suppliers or [])]
    if shift:
        source, target, _ = parse_shift(shift)
        named += [source, target]
    with connect(uri, settings) as conn:
        known = meta(conn)
        year = _year(conn, known, year)
        lo, hi = _year_days(year) if on is None else (check.date(on),) * 2
        ids = [str(org_id), *named, *_may_supply(conn, rules, lo, hi)]
        frames = read_part(conn, rules, known,
                           ("purchases_of_buyer", {"buyer": str(org_id), "year": year}), ids)
        network = part_network(conn, rules, frames, known)
    return uplift_plan(network, str(org_id), year, top=top, suppliers=suppliers,
                       max_share=max_share, shift=shift, on=on)


def suppliers(uri: str, rules: Rules, on, *, for_org: str | None = None, year: int | None = None,
              settings: Settings | None = None, **options) -> pd.DataFrame:
    """:func:`pso_chain.buyers.suppliers.eligible_suppliers` on the database at ``uri``
    (``options``: ``sbi``, ``municipality``, ``min_level``, ``gain_per_eur``)."""
    day = check.date(on)
    municipality = options.get("municipality")
    wanted = [municipality] if isinstance(municipality, str) else list(municipality or [])
    with connect(uri, settings) as conn:
        known = meta(conn)
        ids = _may_supply(conn, rules, day, day)
        if wanted:  # the engine's check needs every organisation of those municipalities
            names = read(conn, "municipalities_known")[0]["municipalities"]
            spelled = [check.municipality_in(name, names) for name in wanted]
            ids += read(conn, "in_municipalities", names=spelled)[0]["org_ids"]
        if for_org:
            year = _year(conn, known, year)
            selection = ("purchases_of_buyer", {"buyer": str(for_org), "year": year})
            ids.append(str(for_org))
        else:
            selection = None
        frames = read_part(conn, rules, known, selection, ids)
        network = part_network(conn, rules, frames, known)
    return eligible_suppliers(network, on, for_org=for_org, year=year, **options)


def exposure(uri: str, rules: Rules, year: int | None, *, municipality: str | None = None,
             threshold: float | None = None, settings: Settings | None = None) -> pd.DataFrame:
    """:func:`pso_chain.olievlek.exposure.exposure` on the database at ``uri``."""
    with connect(uri, settings) as conn:
        known = meta(conn)
        year = check.year_in(year, purchase_years(conn, known))
        frames = read_part(conn, rules, known, ("purchases_of_year", {"year": year}),
                           all_organisations=True, records=False)
        network = part_network(conn, rules, frames, known)
    return prospects(network, year, municipality, threshold)
