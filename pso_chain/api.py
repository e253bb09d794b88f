"""The public API: open a source, then one function per verb.

Every front-end (the CLI, the web app, notebooks, the report) calls these functions; none of
them computes. A source is a dataset folder (read, validated and indexed into a
:class:`~pso_chain.network.PurchaseNetwork`) or a Neo4j URI (a
:class:`~pso_chain.sources.DatabaseNetwork` that hands the engine only the rows a verb needs).
Whatever the source, each result is assembled once, by the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

# Modules named like a verb are imported here, before ``pso_chain`` binds the verb functions,
# so that a later import of the module cannot replace the function on the package.
from pso_chain import embodied as _embodied_module  # noqa: F401
from pso_chain import explain as _explain_module  # noqa: F401
from pso_chain import report as _report_module  # noqa: F401
from pso_chain.network import PurchaseNetwork, load_network
from pso_chain.rules import Rules, load_rules
from pso_chain.sources import DatabaseNetwork, is_database_uri

Network = PurchaseNetwork | DatabaseNetwork


def example_path() -> Path:
    """The folder of the bundled example dataset (300 organisations, one year of purchases)."""
    return Path(str(resources.files("pso_chain.data").joinpath("example")))


def open(source: str | Path, rules: Rules | str | Path | None = None) -> Network:  # noqa: A001
    """Open a dataset folder or a Neo4j database.

    Parameters
    ----------
    source : str or Path
        A dataset folder (``organisations``, ``purchases``, ... as CSV, Parquet or XLSX) or a
        ``bolt://``, ``neo4j://`` URI (``+s`` and ``+ssc`` variants accepted).
    rules : Rules, str, Path or None
        A rules file or loaded rules; the packaged rules when None.

    Returns
    -------
    PurchaseNetwork or DatabaseNetwork
        What every verb function takes.

    Raises
    ------
    PsoInputError
        When the data has errors that would make results wrong (file, row, column, reason).

    Examples
    --------
    >>> import pso_chain
    >>> net = pso_chain.open(pso_chain.example_path())
    >>> net.n
    300
    """
    rule_set = rules if isinstance(rules, Rules) else load_rules(rules)
    if is_database_uri(source):
        return DatabaseNetwork(str(source), rule_set)
    return load_network(source, rule_set)


def load_example(rules: Rules | str | Path | None = None) -> PurchaseNetwork:
    """The bundled example dataset, opened.

    Examples
    --------
    >>> import pso_chain
    >>> pso_chain.load_example().latest_year
    2025
    """
    network = open(example_path(), rules)
    assert isinstance(network, PurchaseNetwork)
    return network


def _engine(network: Network) -> PurchaseNetwork:
    """The in-memory network behind a source (a database is read whole: verbs without a
    database path of their own)."""
    return network.whole() if isinstance(network, DatabaseNetwork) else network


def credits(network: Network, year: int | None = None) -> pd.DataFrame:
    """PSO score of every organisation (the scoring contract's columns).

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    year : int, optional
        Reference year; the latest year in purchases when None.

    Returns
    -------
    pandas.DataFrame
        ``org_id, name, year, employees, fte, target_fte, direct_pct, indirect_fte,
        indirect_pct, indirect_counted_pct, total_pct, norm_trede1..3, trede, cap_applied,
        pso30plus``, one row per organisation, sorted by org_id.

    Raises
    ------
    PsoInputError
        A year without purchases.

    Examples
    --------
    >>> import pso_chain
    >>> scores = pso_chain.credits(pso_chain.load_example())
    >>> len(scores), int(scores["year"].iat[0])
    (300, 2025)
    """
    if isinstance(network, DatabaseNetwork):
        return network.credits(year)
    from pso_chain.scoring import credits as score

    return score(network, year)


def explain(network: Network, org_id: str, year: int | None = None) -> dict[str, Any]:
    """Every number behind one organisation's score, traced to its rows (JSON-ready dict).

    Examples
    --------
    >>> import pso_chain
    >>> ex = pso_chain.explain(pso_chain.load_example(), "10000001")
    >>> ex["org_id"], "direct" in ex and "indirect" in ex
    ('10000001', True)
    """
    if isinstance(network, DatabaseNetwork):
        return network.explain(org_id, year)
    from pso_chain.explain import explain as trace

    return trace(network, org_id, year)


def uplift(network: Network, org_id: str, year: int | None = None, *, top: int | None = None,
           suppliers: Sequence[str] | None = None, max_share: float | None = None,
           shift: str | None = None, on: dt.date | None = None,
           defaults: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """What purchasing lifts an organisation to each higher trede, in euros per supplier.

    Returns a dict of frames: ``uplift`` and ``targets`` always, ``mix`` with ``max_share``,
    ``shift`` with a ``FROM:TO[:EUR]`` spec.

    Examples
    --------
    >>> import pso_chain
    >>> plan = pso_chain.uplift(pso_chain.load_example(), "10000001")
    >>> sorted(plan)
    ['targets', 'uplift']
    """
    from pso_chain.buyers.defaults import load_buyer_defaults

    top = top or load_buyer_defaults(defaults).uplift_top
    picked = list(suppliers) if suppliers else None
    if isinstance(network, DatabaseNetwork):
        return network.uplift(org_id, year, top=top, suppliers=picked, max_share=max_share,
                              shift=shift, on=on)
    from pso_chain.buyers.uplift import uplift_plan

    return uplift_plan(network, org_id, network.resolve_year(year), top=top, suppliers=picked,
                       max_share=max_share, shift=shift, on=on)


def suppliers(network: Network, on: dt.date | None = None, *, sbi: str | None = None,
              municipality: str | None = None, min_level: str | None = None,
              for_org: str | None = None, year: int | None = None,
              gain_per_eur: float | None = None, defaults: str | Path | None = None) -> pd.DataFrame:
    """Suppliers whose sales count on date ``on`` (default today), ranked by credit per euro.

    Examples
    --------
    >>> import datetime as dt, pso_chain
    >>> found = pso_chain.suppliers(pso_chain.load_example(), dt.date(2025, 6, 1))
    >>> bool(found["yield_fte_per_meur"].is_monotonic_decreasing)
    True
    """
    from pso_chain.buyers.defaults import load_buyer_defaults

    day = on or dt.date.today()
    gain = gain_per_eur if gain_per_eur is not None else load_buyer_defaults(defaults).gain_per_eur
    if isinstance(network, DatabaseNetwork):
        return network.suppliers(day, sbi=sbi, municipality=municipality, min_level=min_level,
                                 for_org=for_org, year=year, gain_per_eur=gain)
    from pso_chain.buyers.suppliers import eligible_suppliers

    return eligible_suppliers(network, day, sbi=sbi, municipality=municipality, min_level=min_level,
                              for_org=for_org, year=year, gain_per_eur=gain)


def substitutes(network: Network, org_id: str, year: int | None = None, *, top: int | None = None,
                sbi_digits: int | None = None, on: dt.date | None = None,
                defaults: str | Path | None = None) -> pd.DataFrame:
    """Certified alternatives for the buyer's suppliers that do not count.

    Examples
    --------
    >>> import pso_chain
    >>> out = pso_chain.substitutes(pso_chain.load_example(), "10000001")
    >>> "alternative_id" in out.columns
    True
    """
    from pso_chain.buyers.defaults import load_buyer_defaults
    from pso_chain.buyers.substitutes import substitutes as find

    conf = load_buyer_defaults(defaults)
    net = _engine(network)
    return find(net, org_id, net.resolve_year(year), top=top or conf.substitutes_top,
                sbi_digits=sbi_digits or conf.sbi_digits, on=on)


def compliance(network: Network, org_id: str, on: dt.date | None = None, year: int | None = None, *,
               expiring_days: int | None = None, defaults: str | Path | None = None
               ) -> dict[str, pd.DataFrame]:
    """Certificate status of the buyer's suppliers on a date (``suppliers`` and ``summary``).

    Examples
    --------
    >>> import datetime as dt, pso_chain
    >>> out = pso_chain.compliance(pso_chain.load_example(), "10000001", dt.date(2025, 12, 31))
    >>> sorted(out)
    ['letters', 'summary', 'suppliers']
    """
    from pso_chain.buyers.compliance import compliance_report
    from pso_chain.buyers.defaults import load_buyer_defaults

    days = load_buyer_defaults(defaults).expiring_days if expiring_days is None else expiring_days
    net = _engine(network)
    return compliance_report(net, org_id, on or dt.date.today(), net.resolve_year(year), days)


def tender(network: Network, bids: pd.DataFrame | str | Path, on: dt.date, *,
           discounts: dict[str, float] | None = None, method: str = "discount",
           defaults: str | Path | None = None) -> pd.DataFrame:
    """Bids ranked with the PSO level valid on the tender date: by fictitious price after a
    discount per level (``method="discount"``) or by award points for price, PSO level and
    quality (``method="points"``, the buyer's points table in the defaults file).

    Bidders in the dataset count with its certificates; others with the certificate copy in
    their bid (``certificate_level``, ``certificate_valid_from``, ``certificate_valid_until``),
    when valid on the tender date. ``copy_check`` and ``how`` say what was used and why.

    Examples
    --------
    >>> import datetime as dt, pso_chain
    >>> bids = pso_chain.example_path().parent / "tender-bids-example.csv"
    >>> out = pso_chain.tender(pso_chain.load_example(), bids, dt.date(2025, 10, 1))
    >>> out[["rank", "supplier_id"]].head(2).values.tolist()
    [[1, '99999999'], [2, '90000003']]
    """
    from pso_chain.buyers.defaults import load_buyer_defaults
    from pso_chain.buyers.tender import read_bids, tender_ranking

    net = _engine(network)
    conf = load_buyer_defaults(defaults)
    table = dict(conf.discount_pct)
    table.update(discounts or {})
    frame = bids if isinstance(bids, pd.DataFrame) else read_bids(bids, net.rules.all_levels)
    return tender_ranking(net, frame, on, table, method=method, award=conf.award)


def exposure(network: Network, year: int | None = None, *, municipality: str | None = None,
             threshold: float | None = None) -> pd.DataFrame:
    """Prospects: organisations without a certificate, their share of revenue from
    code-applying buyers and their distance in tiers from the nearest one.

    Examples
    --------
    >>> import pso_chain
    >>> out = pso_chain.exposure(pso_chain.load_example())
    >>> {"code_share", "distance"} <= set(out.columns)
    True
    """
    if isinstance(network, DatabaseNetwork):
        return network.exposure(year, municipality=municipality, threshold=threshold)
    from pso_chain.olievlek.exposure import exposure as prospects

    return prospects(network, year, municipality, threshold)


def history(network: Network, year: int | None = None) -> pd.DataFrame:
    """The propagation that happened: ``org_id, certified_on, parent_id, generation, root_id``.

    Examples
    --------
    >>> import pso_chain
    >>> list(pso_chain.history(pso_chain.load_example()).columns)
    ['org_id', 'certified_on', 'parent_id', 'generation', 'root_id']
    """
    from pso_chain.olievlek.history import history as trace

    return trace(_engine(network), year)


def simulate(network: Network, year: int | None = None, *, threshold: float | None = None,
             model: str = "threshold", at_risk: float | None = None, rounds: int | None = None,
             seed_orgs: Sequence[str] | None = None, progress=None):
    """The forward threshold cascade (a :class:`~pso_chain.olievlek.simulate.Simulation`:
    ``certified_frame()`` is the contract's ``org_id, round, trigger_id, pressure``).

    Examples
    --------
    >>> import pso_chain
    >>> sim = pso_chain.simulate(pso_chain.load_example())
    >>> list(sim.certified_frame().columns)
    ['org_id', 'round', 'trigger_id', 'pressure']
    """
    from pso_chain.olievlek.simulate import run_simulation

    return run_simulation(_engine(network), year, threshold, model, at_risk, rounds, seed_orgs,
                          progress=progress)


def seeds(network: Network, k: int, year: int | None = None, *, municipality: str | None = None,
          objective: str = "count", threshold: float | None = None, model: str = "threshold",
          at_risk: float | None = None, progress=None):
    """The K organisations whose certification makes the cascade certify the most others
    (a :class:`~pso_chain.olievlek.seeds.SeedSelection`; ``frame`` holds the picks).

    Examples
    --------
    >>> import pso_chain
    >>> picks = pso_chain.seeds(pso_chain.load_example(), 2).frame
    >>> [int(r) for r in picks["rank"]]
    [1, 2]
    """
    from pso_chain.olievlek.seeds import run_seed_selection

    return run_seed_selection(_engine(network), k, year, municipality, objective, threshold, model,
                              at_risk, progress=progress)


def stats(network: Network, year: int | None = None) -> dict[str, pd.DataFrame]:
    """Chain-stimulation indicators: ``spend`` by buyer group and ``indicators``.

    Examples
    --------
    >>> import pso_chain
    >>> sorted(pso_chain.stats(pso_chain.load_example()))
    ['indicators', 'spend']
    """
    from pso_chain.olievlek.stats import chain_stats, spend_by_buyer_group

    net = _engine(network)
    return {"spend": spend_by_buyer_group(net, year), "indicators": chain_stats(net, year)}


def embodied(network: Network, year: int | None = None, *, drop_self: bool = False) -> pd.DataFrame:
    """Target-group FTE embodied in purchases through all tiers, beside the one-tier
    ``indirect_fte`` (the contract's columns are ``org_id, embodied_fte,
    embodied_fte_certified``).

    Examples
    --------
    >>> import pso_chain
    >>> out = pso_chain.embodied(pso_chain.load_example())
    >>> {"embodied_fte", "embodied_fte_certified"} <= set(out.columns)
    True
    """
    from pso_chain.embodied import embodied_comparison

    return embodied_comparison(_engine(network), year, drop_self)


def report(network: Network, year: int | None = None, municipality: str | None = None,
           lang: str = "nl", *, top: int | None = None, k: int | None = None,
           threshold: float | None = None) -> str:
    """The municipal report as one self-contained HTML page.

    Examples
    --------
    >>> import pso_chain
    >>> pso_chain.report(pso_chain.load_example()).startswith("<!DOCTYPE html>")
    True
    """
    from pso_chain.report import build_report

    return build_report(_engine(network), year, municipality, lang, top=top, k=k, threshold=threshold)


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
    from pso_chain.social_return import (
        load_sroi_settings,
        read_contracts,
        read_realisations,
        sroi_progress,
    )

    net = _engine(network)
    conf = load_sroi_settings(settings, net.rules.all_levels)
    deals = read_contracts(contracts if contracts is not None else example_path() / "contracts.csv",
                           net.org_ids)
    done = read_realisations(realisations if realisations is not None
                             else example_path() / "realisations.csv",
                             deals, net.org_ids, tuple(conf.hire_value_per_year))
    return sroi_progress(net, deals, done, conf, on or dt.date.today())


def audit_file(network: Network, org_id: str, path: str | Path, year: int | None = None, *,
               made_on: dt.date | None = None) -> Path:
    """Write one organisation's audit file (PDF): every number of :func:`explain` with the rows
    it came from, the rules version and sources, the date and the SHA-256 of every input file.

    Examples
    --------
    >>> import pso_chain, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "audit.pdf"
    >>> pso_chain.audit_file(pso_chain.load_example(), "90000006", out).read_bytes()[:5]
    b'%PDF-'
    """
    from pso_chain.audit_pdf import write_audit_file

    net = _engine(network)
    explained = explain(net, org_id, year)
    return write_audit_file(explained, path, net.data.files, made_on or dt.date.today())


def quickscan(*, ledger=None, ubl=None, register: str | Path, buyer: str | Path,
              sw: str | Path | None = None, figures: str | Path | None = None,
              buyer_records: str | Path | None = None, overrides: str | Path | None = None,
              accept_review: bool = False, allow_missing_figures: bool = False,
              year: int | None = None, profile: str | None = None,
              mapping: dict[str, str] | None = None, vat: float | None = None,
              rules: Rules | str | Path | None = None, dataset: str | Path | None = None):
    """A buyer's PSO score straight from its books (ledger exports or UBL e-invoices) and the
    PSO register: MijnPSO's rekentool (a :class:`~pso_chain.books.QuickscanResult` with
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
    from pso_chain.books import quickscan as scan

    return scan(ledger=ledger, ubl=ubl, register=register, buyer=buyer, sw=sw, figures=figures,
                buyer_records=buyer_records, overrides=overrides, accept_review=accept_review,
                allow_missing_figures=allow_missing_figures, year=year, profile=profile,
                mapping=mapping, vat=vat, rules=rules, dataset=dataset)


def aspirants(network: Network, year: int | None = None, on: dt.date | None = None) -> pd.DataFrame:
    """Organisations holding aspirant status on ``on`` (default 31 December of the reference
    year): since when, the deadline to reach trede 1 (``levels.aspirant_years`` in the rules),
    days left, and the gap between their computed score and the trede 1 norm.

    Examples
    --------
    >>> import pso_chain
    >>> out = pso_chain.aspirants(pso_chain.load_example())
    >>> out[["org_id", "deadline"]].astype(str).values.tolist()[0]
    ['90000009', '2026-03-18']
    """
    from pso_chain.outlook import aspirant_outlook

    net = _engine(network)
    reference = net.resolve_year(year)
    return aspirant_outlook(net, credits(net, reference), on or dt.date(reference, 12, 31))
