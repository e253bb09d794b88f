"""The buyer verbs of the public API: uplift, suppliers, substitutes, compliance, tender.

Re-exported by :mod:`pso_chain` (``pso_chain.uplift(...)``); each checks its arguments
(:mod:`pso_chain.check`), reads the buyer defaults it is not given (``buyers-defaults.toml``)
and leaves the result to the engine (:mod:`pso_chain.buyers`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from pso_chain import check
from pso_chain.api.base import Network, engine
from pso_chain.buyers.common import default_purchase_date, yield_order
from pso_chain.buyers.compliance import compliance_report
from pso_chain.buyers.defaults import SW_KEY
from pso_chain.buyers.planning import plan_ahead
from pso_chain.buyers.substitutes import substitutes as find
from pso_chain.buyers.suppliers import eligible_suppliers
from pso_chain.buyers.tender import read_bids, tender_ranking
from pso_chain.buyers.uplift import uplift_plan
from pso_chain.core.compiled import CompiledNetwork
from pso_chain.errors import Problem, PsoInputError
from pso_chain.neo4jdb.database import DatabaseNetwork
from pso_chain.settings import load_buyer_defaults


def uplift(network: Network, org_id: str, year: int | None = None, *, top: int | None = None,
           suppliers: Sequence[str] | None = None, max_share: float | None = None,
           shift: str | None = None, on: dt.date | None = None,
           defaults: str | Path | None = None, plan_year: int | None = None
           ) -> dict[str, pd.DataFrame]:
    """What purchasing lifts an organisation to each higher trede, in euros per supplier.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    org_id : str
        The buyer.
    year : int, optional
        Reference year; the latest year in purchases when None.
    top : int, optional
        Price each trede at this many eligible suppliers with the highest yield (default
        ``uplift.top`` of the buyer defaults).
    suppliers : sequence of str, optional
        Price these suppliers instead.
    max_share : float, optional
        Also plan a mix with at most this share (0..1) of the extra spend at one supplier.
    shift : str, optional
        What-if ``FROM:TO[:EUR]``: move spend from one supplier to another.
    on : datetime.date, optional
        Date the new purchases on this day (in the year): only suppliers where a purchase on
        it counts are proposed. Default: the first day in the year on which they can still be
        made (today, or 31 December of a past year).
    defaults : str or Path, optional
        Another buyer defaults TOML.
    plan_year : int, optional
        Plan this coming year with ``year``'s purchases as the baseline (moved to the plan
        year; undated ones spread over its months), certificates counted only up to their end
        (:mod:`pso_chain.buyers.planning`).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``uplift`` (one row per target trede and supplier: ``extra_eur``, ``reachable``,
        ``reason``) and ``targets`` always; ``mix`` with ``max_share``; ``shift`` with ``shift``;
        ``baseline`` and ``expiring`` with ``plan_year``.

    Raises
    ------
    PsoInputError
        An unknown organisation, a year without purchases, ``top`` below 1, ``max_share``
        outside [0, 1], a malformed ``shift`` or a date outside the year.

    Examples
    --------
    >>> import pso_chain
    >>> plan = pso_chain.uplift(pso_chain.load_example(), "10000109")
    >>> sorted(plan)
    ['targets', 'uplift']
    >>> plan["targets"][["target_trede", "reachable"]].astype(object).values.tolist()
    [[2, True], [3, True]]
    """
    top = load_buyer_defaults(defaults).uplift_top if top is None else check.positive_int(top, "top")
    share = None if max_share is None else check.share(max_share, "max_share")
    picked = list(suppliers) if suppliers else None
    if on is None:
        target = plan_year if plan_year is not None else network.resolve_year(year)
        day = default_purchase_date(check.whole(target, "plan_year"), dt.date.today())
    else:
        day = check.date(on, "on")
    if isinstance(network, DatabaseNetwork) and plan_year is None:
        return network.uplift(org_id, year, top=top, suppliers=picked, max_share=share,
                              shift=shift, on=day)
    held = engine(network)  # planning ahead on a database reads the whole network
    if plan_year is not None:
        return plan_ahead(held, org_id, plan_year, year, top=top, suppliers=picked,
                          max_share=share, shift=shift, on=day)
    return uplift_plan(held, org_id, check.year(held, year), top=top, suppliers=picked,
                       max_share=share, shift=shift, on=day)


def suppliers(network: Network, on: dt.date | None = None, *, sbi: str | None = None,
              municipality: str | Sequence[str] | None = None, min_level: str | None = None,
              for_org: str | None = None, year: int | None = None,
              gain_per_eur: float | None = None, defaults: str | Path | None = None) -> pd.DataFrame:
    """Suppliers whose sales count on date ``on``, ranked by credit per euro.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    on : datetime.date, optional
        The date a purchase would be made (default today).
    sbi : str, optional
        Keep suppliers whose SBI code starts with this.
    municipality : str or sequence of str, optional
        Keep suppliers in this municipality, or in any of several (case ignored).
    min_level : str, optional
        Keep suppliers whose certificate level on the date is at least this one.
    for_org : str, optional
        A buyer: add what ``gain_per_eur`` more euros at each supplier does to its score.
    year : int, optional
        Reference year of the ``for_org`` buyer's score (default the latest).
    gain_per_eur : float, optional
        The extra spend of ``for_org`` (default ``suppliers.gain_per_eur``).
    defaults : str or Path, optional
        Another buyer defaults TOML.

    Returns
    -------
    pandas.DataFrame
        ``org_id, name, level, sw, valid_until, sbi, municipality, postcode, revenue_eur,
        target_fte, yield_fte_per_meur`` (plus the gain columns with ``for_org``), highest
        yield first.

    Raises
    ------
    PsoInputError
        An unknown municipality, level or buyer, or a bad date.

    Examples
    --------
    >>> import datetime as dt, pso_chain
    >>> found = pso_chain.suppliers(pso_chain.load_example(), dt.date(2025, 6, 1))
    >>> len(found), found["org_id"].iat[0]
    (15, '10000159')
    >>> bool(found["yield_fte_per_meur"].is_monotonic_decreasing)
    True
    """
    day = check.date(on if on is not None else dt.date.today(), "on")
    gain = load_buyer_defaults(defaults).gain_per_eur if gain_per_eur is None \
        else check.number(gain_per_eur, "gain_per_eur", minimum=0.0)
    if isinstance(network, DatabaseNetwork):
        return network.suppliers(day, sbi=sbi, municipality=municipality, min_level=min_level,
                                 for_org=for_org, year=year, gain_per_eur=gain)
    if min_level is not None:
        min_level = check.level(min_level, network.rules.all_levels, "min_level")
    if for_org is not None:
        year = check.year(network, year)
    return eligible_suppliers(network, day, sbi=sbi, municipality=municipality, min_level=min_level,
                              for_org=for_org, year=year, gain_per_eur=gain)


def substitutes(network: Network, org_id: str, year: int | None = None, *, top: int | None = None,
                sbi_digits: int | None = None, on: dt.date | None = None,
                defaults: str | Path | None = None) -> pd.DataFrame:
    """Certified alternatives, in the same sector, for the buyer's suppliers that do not count.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    org_id : str
        The buyer.
    year : int, optional
        Reference year; the latest year in purchases when None.
    top : int, optional
        Alternatives per supplier (default ``substitutes.top``).
    sbi_digits : int, optional
        Same sector = this many leading SBI digits (default ``substitutes.sbi_digits``).
    on : datetime.date, optional
        Judge alternatives on this date; eligible on some day of the year when None.
    defaults : str or Path, optional
        Another buyer defaults TOML.

    Returns
    -------
    pandas.DataFrame
        One row per non-counting supplier and alternative (``supplier_id``,
        ``not_counted_eur``, ``reason``, ``alternative_id``, ...); a supplier without
        alternatives gets one row with a ``note``.

    Raises
    ------
    PsoInputError
        An unknown organisation, a year without purchases, ``top`` or ``sbi_digits`` below 1.

    Examples
    --------
    >>> import pso_chain
    >>> out = pso_chain.substitutes(pso_chain.load_example(), "10000109")
    >>> out[["supplier_id", "alternative_id"]].fillna("").values.tolist()
    [['10000137', '10000133'], ['10000181', '']]
    """
    conf = load_buyer_defaults(defaults)
    top = conf.substitutes_top if top is None else check.positive_int(top, "top")
    digits = conf.sbi_digits if sbi_digits is None else check.positive_int(sbi_digits, "sbi_digits")
    net = engine(network)
    return find(net, org_id, check.year(net, year), top=top, sbi_digits=digits,
                on=None if on is None else check.date(on, "on"))


def compliance(network: Network, org_id: str, on: dt.date | None = None, year: int | None = None, *,
               expiring_days: int | None = None, defaults: str | Path | None = None
               ) -> dict[str, pd.DataFrame]:
    """Certificate status of the buyer's suppliers on a date: the periodic assessment.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    org_id : str
        The buyer.
    on : datetime.date, optional
        Assessment date (default today).
    year : int, optional
        Year of the spend; the latest year in purchases when None.
    expiring_days : int, optional
        A certificate ending within this many days is ``expiring`` (default
        ``compliance.expiring_days``).
    defaults : str or Path, optional
        Another buyer defaults TOML.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``suppliers`` (one row per supplier: ``status``, ``level``, ``valid_until``,
        ``assessment``) and ``summary`` (suppliers and spend per status).

    Raises
    ------
    PsoInputError
        An unknown organisation, a year without purchases, a negative ``expiring_days``.

    Examples
    --------
    >>> import datetime as dt, pso_chain
    >>> out = pso_chain.compliance(pso_chain.load_example(), "10000109", dt.date(2025, 12, 31))
    >>> out["suppliers"][["supplier_id", "status"]].values.tolist()
    [['10000137', 'none'], ['10000181', 'none'], ['10000159', 'sw']]
    """
    days = load_buyer_defaults(defaults).expiring_days if expiring_days is None \
        else check.whole(expiring_days, "expiring_days")
    net = engine(network)
    day = check.date(on if on is not None else dt.date.today(), "on")
    return compliance_report(net, org_id, day, check.year(net, year), days)


def tender(network: Network, bids: pd.DataFrame | str | Path, on: dt.date, *,
           discounts: Mapping[str, float] | Sequence[str] | None = None, method: str = "discount",
           defaults: str | Path | None = None) -> pd.DataFrame:
    """Bids ranked with the PSO level valid on the tender date: by fictitious price after a
    discount per level (``method="discount"``) or by award points for price, PSO level and
    quality (``method="points"``, the buyer's points table in the defaults file).

    Bidders in the dataset count with its certificates; others with the certificate copy in
    their bid (``certificate_level``, ``certificate_valid_from``, ``certificate_valid_until``),
    when valid on the tender date. ``copy_check`` and ``how`` say what was used and why.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    bids : pandas.DataFrame, str or Path
        The bids (``supplier_id``, ``price``, ...) or a file holding them.
    on : datetime.date
        The tender date.
    discounts : dict of str to float, or LEVEL=PCT texts, optional
        Percent per level (and ``sw``) replacing those of the defaults file (texts checked by
        :func:`discount_table`).
    method : str
        ``discount`` or ``points``.
    defaults : str or Path, optional
        Another buyer defaults TOML.

    Returns
    -------
    pandas.DataFrame
        One row per bid with its ``rank``.

    Raises
    ------
    PsoInputError
        Bad cells in the bids (file, row, column), an unknown method, a bad date.

    Examples
    --------
    >>> import datetime as dt, pso_chain
    >>> bids = pso_chain.example_path().parent / "tender-bids-example.csv"
    >>> out = pso_chain.tender(pso_chain.load_example(), bids, dt.date(2025, 10, 1))
    >>> out[["rank", "supplier_id"]].head(2).values.tolist()
    [[1, '99999999'], [2, '90000003']]
    """
    net = engine(network)
    conf = load_buyer_defaults(defaults)
    table = dict(conf.discount_pct)
    if discounts is not None and not isinstance(discounts, Mapping):  # LEVEL=PCT texts
        discounts = discount_table(discounts, net.rules.all_levels)
    table.update(discounts or {})
    frame = bids if isinstance(bids, pd.DataFrame) else read_bids(bids, net.rules.all_levels)
    return tender_ranking(net, frame, check.date(on, "on"), table, method=method, award=conf.award)


def discount_table(specs: Sequence[str], levels: Sequence[str]) -> dict[str, float]:
    """Tender discounts written ``LEVEL=PCT`` (a certificate level or ``sw``; a decimal comma
    is fine), checked: unknown levels and percentages outside [0, 100) raise
    :class:`PsoInputError` naming ``--discount``.

    Examples
    --------
    >>> discount_table(["aspirant=20", "sw=12,5"], ["aspirant", "1", "2", "3"])
    {'aspirant': 20.0, 'sw': 12.5}
    """
    known = (*levels, SW_KEY)
    out: dict[str, float] = {}
    for spec in specs:
        level, sep, pct = spec.partition("=")
        level = level.strip().lower()

        def bad(reason: str, spec: str = spec) -> PsoInputError:
            return PsoInputError(Problem("discount", None, None, spec, reason))

        if not sep or level not in known:
            raise bad(f"use LEVEL=PCT with LEVEL one of {', '.join(known)}")
        try:
            value = float(pct.strip().replace(",", "."))
        except ValueError:
            raise bad("PCT must be a number") from None
        if not 0 <= value < 100:
            raise bad("PCT must be in [0, 100)")
        out[level] = value
    return out


def prepare(network: Network) -> None:
    """Build once what the buyers' questions look up on every call — the certificate index, the
    suppliers in order of yield, the municipalities as codes — and map a compiled network's
    pages into this process, so that a server's first requests are as fast as the later ones
    (each web worker calls it after opening). A database source builds these on its first
    question instead."""
    if isinstance(network, DatabaseNetwork):
        return
    if isinstance(network, CompiledNetwork):
        network.touch_pages()
    network.certificates.count  # noqa: B018 - cached properties, built here
    yield_order(network)
    check.municipalities(network)
