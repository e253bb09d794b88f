"""The public API: open a source, then one function per verb.

Every front-end (the CLI, the web app, notebooks, the report) calls these functions; none of
them computes. A source is a dataset folder (read, validated and indexed into a
:class:`~pso_chain.core.network.PurchaseNetwork`) or a Neo4j URI (a
:class:`~pso_chain.neo4jdb.database.DatabaseNetwork` that hands the engine only the rows a verb needs).
Whatever the source, each result is assembled once, by the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from pso_chain import check
from pso_chain.api.base import Network, engine
from pso_chain.api.buyers import compliance, discount_table, substitutes, suppliers, tender, uplift
from pso_chain.api.olievlek import (
    cascades,
    counting_spend,
    embodied,
    exposure,
    history,
    report,
    seeds,
    simulate,
    stats,
)
from pso_chain.api.story import build_tour
from pso_chain.api.views import municipality, validate_dataset, what_if
from pso_chain.config import Settings
from pso_chain.core.compiled import open_compiled
from pso_chain.core.explanation import explain as trace
from pso_chain.core.loading import load_network
from pso_chain.core.network import PurchaseNetwork
from pso_chain.core.outlook import aspirant_outlook
from pso_chain.core.scoring import below_certified_level
from pso_chain.core.scoring import credits as score
from pso_chain.core.spend import supplier_spend as spend_of
from pso_chain.importing.books import import_books as read_books
from pso_chain.importing.books import quickscan as scan
from pso_chain.neo4jdb.database import DatabaseNetwork, is_database_uri
from pso_chain.outputs.audit import write_audit_file
from pso_chain.rules import Rules, load_rules
from pso_chain.social_return import load_sroi_settings, read_contracts, read_realisations, sroi_progress

__all__ = [
    "Network", "aspirants", "audit_file", "cascades", "compliance", "counting_spend", "credits",
    "discount_table", "embodied", "example_path", "explain", "exposure", "history", "import_books",
    "load_example", "load_rules", "municipality", "open", "quickscan", "report", "seeds", "simulate",
    "sroi", "stats", "substitutes", "supplier_spend", "suppliers", "tender", "tour", "uplift",
    "validate_dataset", "what_if",
]


def example_path() -> Path:
    """The folder of the bundled example dataset (300 organisations in nine municipalities of
    Gelderland and Overijssel, purchases of 2024 and 2025, certificates and their history).

    Returns
    -------
    pathlib.Path
        A dataset folder to pass to :func:`open` (or to ``pso-chain``).

    Examples
    --------
    >>> import pso_chain
    >>> (pso_chain.example_path() / "organisations.csv").is_file()
    True
    """
    return Path(str(resources.files("pso_chain.data").joinpath("example")))


def open(source: str | Path, rules: Rules | str | Path | None = None, *,  # noqa: A001
         cache: bool | None = None, cache_dir: str | Path | None = None,
         settings: Settings | None = None) -> Network:
    """Open a dataset folder or a Neo4j database.

    A folder is read and validated once into its compiled network (memory-mapped files, see
    :mod:`pso_chain.core.compiled`); later opens map those files in milliseconds, and any change
    of a table file or of the rules builds it anew (a line on stderr says so). A database gets
    its compiled network too, keyed by its state (the load's stamp, counts, last transaction:
    :mod:`pso_chain.neo4jdb.cached`), checked on every verb call.

    Parameters
    ----------
    source : str or Path
        A dataset folder (``organisations``, ``purchases``, ... as CSV, Parquet or XLSX) or a
        ``bolt://``, ``neo4j://`` URI (``+s`` and ``+ssc`` variants accepted).
    rules : Rules, str, Path or None
        A rules file or loaded rules; the packaged rules when None.
    cache : bool or None
        Use (and build) the compiled network; None: ``settings.cache`` (yes by default). A
        database without it reads the rows each verb needs on every call.
    cache_dir : str, Path or None
        Where compiled networks live; None: ``settings.compiled_root`` (the user's cache folder).
    settings : Settings or None
        The tool's settings (:class:`pso_chain.config.Settings`: cache, Neo4j credentials); None:
        the defaults. The environment is read by the front-ends only
        (:func:`pso_chain.config.from_environment`).

    Returns
    -------
    PurchaseNetwork or DatabaseNetwork
        What every verb function takes.

    Raises
    ------
    PsoInputError
        When the data has errors that would make results wrong (file, row, column, reason),
        or the folder or rules file does not exist.

    Examples
    --------
    >>> import pso_chain
    >>> net = pso_chain.open(pso_chain.example_path())
    >>> net.n, net.rules.version
    (300, '2024.1')
    """
    rule_set = rules if isinstance(rules, Rules) else load_rules(rules)
    if is_database_uri(source):
        return DatabaseNetwork(str(source), rule_set, settings or Settings(), cache, cache_dir)
    if cache is None:
        cache = (settings or Settings()).cache and Path(source).resolve() != example_path().resolve()
    if cache:
        return open_compiled(source, rule_set, cache_dir=cache_dir, settings=settings)
    return load_network(source, rule_set)


def load_example(rules: Rules | str | Path | None = None) -> PurchaseNetwork:
    """The bundled example dataset (:func:`example_path`), opened.

    Parameters
    ----------
    rules : Rules, str, Path or None
        A rules file or loaded rules; the packaged rules when None.

    Returns
    -------
    PurchaseNetwork

    Raises
    ------
    PsoInputError
        A malformed rules file.

    Examples
    --------
    >>> import pso_chain
    >>> net = pso_chain.load_example()
    >>> net.latest_year, [int(y) for y in net.years]
    (2025, [2024, 2025])
    """
    network = open(example_path(), rules)
    assert isinstance(network, PurchaseNetwork)
    return network


def credits(network: Network, year: int | None = None, *, below_level: bool = False) -> pd.DataFrame:
    """PSO score of every organisation (the scoring contract's columns).

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    year : int, optional
        Reference year; the latest year in purchases when None.
    below_level : bool
        Only the certificate holders whose score is below their certified level on 31 December
        (at risk at the next audit), as :func:`pso_chain.core.scoring.below_certified_level` lists them.

    Returns
    -------
    pandas.DataFrame
        ``org_id, name, year, employees, fte, target_fte, direct_pct, indirect_fte,
        indirect_pct, indirect_counted_pct, total_pct, norm_trede1..3, trede, cap_applied,
        pso30plus``, one row per organisation, sorted by org_id.

    Raises
    ------
    PsoInputError
        A year without purchases (the message names the years present).

    Examples
    --------
    >>> import pso_chain
    >>> scores = pso_chain.credits(pso_chain.load_example())
    >>> len(scores), int(scores["year"].iat[0])
    (300, 2025)
    >>> row = scores.set_index("org_id").loc["10000109"]
    >>> round(float(row["total_pct"]), 2), int(row["trede"])
    (12.85, 1)
    """
    if below_level:
        return below_certified_level(engine(network), year)
    if isinstance(network, DatabaseNetwork):
        return network.credits(year)
    return score(network, check.year(network, year))


def explain(network: Network, org_id: str, year: int | None = None, *,
            shown: slice | None = None) -> dict[str, Any]:
    """Every number behind one organisation's score, traced to its rows.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    org_id : str
        The organisation.
    year : int, optional
        Reference year; the latest year in purchases when None.
    shown : slice, optional
        Only these of the buyer's purchase rows (in file order) as ``purchases`` entries, such
        as ``slice(100, 200)`` for the second page of 100; ``purchase_rows`` then gives the
        count of all rows. Every figure is still over all rows.

    Returns
    -------
    dict
        JSON-ready: ``organisation``, ``direct``, ``purchases`` (each with why it counts or
        not), ``indirect`` (with the cap), ``total_pct``, ``norms``, ``trede`` and
        ``trede_reason``, ``pso30plus``, ``fee`` and the ``rules`` version.

    Raises
    ------
    PsoInputError
        An unknown organisation or a year without purchases.

    Examples
    --------
    >>> import pso_chain
    >>> ex = pso_chain.explain(pso_chain.load_example(), "10000109")
    >>> ex["trede"], ex["indirect"]["counted_purchases"], round(ex["total_pct"], 2)
    (1, 1, 12.85)
    """
    if isinstance(network, DatabaseNetwork):
        return network.explain(org_id, year, shown)
    return trace(network, org_id, check.year(network, year), shown)


def supplier_spend(network: Network, org_id: str, year: int | None = None) -> pd.DataFrame:
    """One buyer's spend per supplier in a year, largest first.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    org_id : str
        The buyer.
    year : int, optional
        Reference year; the latest year in purchases when None.

    Returns
    -------
    pandas.DataFrame
        ``supplier_id, supplier_name, rows, amount_eur, counted_eur`` (the part of the amount
        in rows that count), one row per supplier, by ``amount_eur`` descending (ties by
        ``supplier_id``); self-purchases included.

    Raises
    ------
    PsoInputError
        An unknown organisation or a year without purchases.

    Examples
    --------
    >>> import pso_chain
    >>> spend = pso_chain.supplier_spend(pso_chain.load_example(), "10000109")
    >>> list(spend.columns)
    ['supplier_id', 'supplier_name', 'rows', 'amount_eur', 'counted_eur']
    """
    if isinstance(network, DatabaseNetwork):
        return network.supplier_spend(org_id, year)
    return spend_of(network, org_id, check.year(network, year))


def sroi(network: Network, contracts: pd.DataFrame | str | Path | None = None,
         realisations: pd.DataFrame | str | Path | None = None, on: dt.date | None = None, *,
         settings: str | Path | None = None):
    """Social return per contract: obligation, what fulfilled it by way, what remains, status.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
        Organisations and certificates (who is an SW-bedrijf, who holds which certificate).
    contracts, realisations : str, Path or None
        The ``contracts`` and ``realisations`` tables (CSV, XLSX or Parquet); None reads them
        from the example folder (``contracts.csv``, ``realisations.csv``).
    on : datetime.date, optional
        Assessment date (default today): realisations dated later do not count yet.
    settings : str or Path, optional
        An SROI settings TOML (default: the packaged ``sroi-bouwblokken.toml``).

    Returns
    -------
    SroiResult
        ``contracts``, ``realisations`` (what each row counted for and why), ``suppliers`` and
        ``buyers`` totals.

    Raises
    ------
    PsoInputError
        Unusable cells in either table (file, row, column, reason) or a bad settings file.

    Examples
    --------
    >>> import datetime as dt, pso_chain
    >>> out = pso_chain.sroi(pso_chain.load_example(), on=dt.date(2025, 12, 31))
    >>> out.contracts[["contract_id", "status"]].head(2).values.tolist()
    [['APD-2024-001', 'on_track'], ['APD-2025-002', 'at_risk']]
    """
    net = engine(network)
    conf = load_sroi_settings(settings, net.rules.all_levels)
    deals = read_contracts(contracts if contracts is not None else example_path() / "contracts.csv",
                           net.org_ids)
    done = read_realisations(realisations if realisations is not None
                             else example_path() / "realisations.csv",
                             deals, net.org_ids, tuple(conf.hire_value_per_year))
    return sroi_progress(net, deals, done, conf, on or dt.date.today())


def audit_file(network: Network, org_id: str, path: str | Path, year: int | None = None, *,
               made_on: dt.date | None = None, lang: str = "nl") -> Path:
    """Write one organisation's audit file (PDF): every number of :func:`explain` with the rows
    it came from, the rules version and sources, the date and the SHA-256 of every input file.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    org_id : str
        The organisation.
    path : str or Path
        The PDF to write.
    year : int, optional
        Reference year; the latest year in purchases when None.
    made_on : datetime.date, optional
        The date printed on the file (default today).
    lang : str
        ``nl`` (default) or ``en``: the language of the headings, sentences and number formats.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    PsoInputError
        An unknown organisation or a year without purchases.

    Examples
    --------
    >>> import pso_chain, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "audit.pdf"
    >>> pso_chain.audit_file(pso_chain.load_example(), "90000006", out).read_bytes()[:5]
    b'%PDF-'
    """
    net = engine(network)
    explained = explain(net, org_id, year)
    return write_audit_file(explained, path, net.data.files, made_on or dt.date.today(), lang)


def quickscan(*, ledger=None, ubl=None, register: str | Path, buyer: str | Path,
              sw: str | Path | None = None, figures: str | Path | None = None,
              buyer_records: str | Path | None = None, overrides: str | Path | None = None,
              accept_review: bool = False, allow_missing_figures: bool = False,
              year: int | None = None, profile: str | None = None,
              mapping: dict[str, str] | Sequence[str] | None = None, vat: float | None = None,
              rules: Rules | str | Path | None = None, dataset: str | Path | None = None):
    """A buyer's PSO score straight from its books (ledger exports or UBL e-invoices) and the
    PSO register: MijnPSO's rekentool (a :class:`~pso_chain.importing.books.QuickscanResult` with
    ``credits`` (the contract's columns), ``explain``, ``uplift``, ``match_report``,
    ``request_list``, ``purchases`` and ``notes``).

    Only accepted matches count; review matches count after confirmation in ``overrides`` (the
    edited match report) or, for a first look, with ``accept_review`` (said in ``notes``).

    Examples
    --------
    >>> import pso_chain
    >>> callable(pso_chain.quickscan)
    True
    """
    return scan(ledger=ledger, ubl=ubl, register=register, buyer=buyer, sw=sw, figures=figures,
                buyer_records=buyer_records, overrides=overrides, accept_review=accept_review,
                allow_missing_figures=allow_missing_figures, year=year, profile=profile,
                mapping=mapping, vat=vat, rules=rules, dataset=dataset)


def aspirants(network: Network, year: int | None = None, on: dt.date | None = None) -> pd.DataFrame:
    """Organisations holding aspirant status on ``on`` (default 31 December of the reference
    year): since when, the deadline to reach trede 1 (``levels.aspirant_years`` in the rules),
    days left, and the gap between their computed score and the trede 1 norm.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    year : int, optional
        Reference year; the latest year in purchases when None.
    on : datetime.date, optional
        The day the status is looked at (default 31 December of the year).

    Returns
    -------
    pandas.DataFrame
        One row per aspirant, with ``org_id``, its ``deadline`` and the gap to the trede 1 norm.

    Raises
    ------
    PsoInputError
        A year without purchases.

    Examples
    --------
    >>> import pso_chain
    >>> out = pso_chain.aspirants(pso_chain.load_example())
    >>> out[["org_id", "deadline"]].astype(str).values.tolist()[0]
    ['90000009', '2026-03-18']
    """
    net = engine(network)
    reference = check.year(net, year)
    day = check.date(on, "on") if on is not None else dt.date(reference, 12, 31)
    return aspirant_outlook(net, credits(net, reference), day)


def tour(network: Network | None = None):
    """The whole story the demo tells (validation, credits, distribution, the organisation
    closest to its next trede explained and lifted, suppliers, prospects, a simulation), as a
    :class:`~pso_chain.api.story.Tour`; on the bundled example when ``network`` is None.

    Examples
    --------
    >>> import pso_chain
    >>> story = pso_chain.tour()
    >>> story.year, story.pick is not None, sorted(story.uplift)
    (2025, True, ['targets', 'uplift'])
    """
    return build_tour(load_example() if network is None else network)


def import_books(*, ledger=None, ubl=None, register: str | Path, buyer: str | Path,
                 sw: str | Path | None = None, figures: str | Path | None = None,
                 buyer_records: str | Path | None = None, overrides: str | Path | None = None,
                 accept_review: bool = False, allow_missing_figures: bool = False,
                 profile: str | None = None, mapping: dict[str, str] | Sequence[str] | None = None,
                 vat: float | None = None, year: int | None = None,
                 rules: Rules | str | Path | None = None):
    """A buyer's books and the PSO register as a canonical dataset (an
    :class:`~pso_chain.importing.importer.ImportResult`: ``organisations``, ``purchases`` with provenance,
    ``certifications``, ``match_report``, ``request_list``, ``notes``; ``write(folder)``).

    Raises :class:`PsoInputError` for bad input (file, row or element, reason), and naming every
    eligible supplier without figures unless ``allow_missing_figures`` (the error then carries
    ``request_list`` and ``match_report``).

    Examples
    --------
    >>> import pso_chain
    >>> callable(pso_chain.import_books)
    True
    """
    return read_books(ledger=ledger, ubl=ubl, register=register, buyer=buyer, sw=sw, figures=figures,
                      buyer_records=buyer_records, overrides=overrides, accept_review=accept_review,
                      allow_missing_figures=allow_missing_figures, profile=profile, mapping=mapping,
                      vat=vat, year=year, rules=rules)
