"""Results assembled for front-ends (the web app, notebooks): a what-if on one buyer's
purchases and a municipality's report tables. Like every verb, they only call the engine."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pso_chain.api.base import Network, engine
from pso_chain.core.explanation import explain as trace
from pso_chain.core.loading import read_dataset
from pso_chain.errors import Problem, PsoInputError
from pso_chain.neo4jdb.source import read_dataset as read_database
from pso_chain.outputs.report import collect_report
from pso_chain.parsing import is_database_uri
from pso_chain.rules import Rules, load_rules


def what_if(network: Network, org_id: str, changes: dict[str, float] | None = None,
            year: int | None = None, *, mode: str = "add", replace: dict[str, float] | None = None
            ) -> dict[str, Any]:
    """The score before and after changing what one buyer spends at its suppliers in a year.

    By default each entry of ``changes`` is **extra** spend at a supplier in ``year``, on top
    of what the buyer buys there now (``mode="add"``); with ``mode="replace"`` (or in
    ``replace``) it is the supplier's new total (0 drops it). A supplier not bought from yet
    gets a new undated purchase, judged by the core's eligibility rule. The network's purchases
    are edited (existing rows scaled, new rows appended) and the edited copy is explained by
    the engine, so the figures are exactly what ``credits`` would give once the purchases are
    made.

    Parameters
    ----------
    network : PurchaseNetwork or DatabaseNetwork
    org_id : str
        The buyer.
    changes : dict of str to float
        ``supplier_id -> euros`` (finite, >= 0): extra spend, or the new total with
        ``mode="replace"``.
    year : int, optional
        Reference year; the latest year in purchases when None.
    mode : {"add", "replace"}
        How ``changes`` is read (default: add).
    replace : dict of str to float, optional
        ``supplier_id -> new total in euros``, whatever ``mode`` says (a form that edits the
        current amounts beside a field for extra spend). A supplier in both is bad input.

    Returns
    -------
    dict
        ``org_id, year, before, after`` (each: ``direct_pct, indirect_fte, indirect_pct,
        indirect_counted_pct, cap_applied, total_pct, trede, pso30plus``) and ``changes`` (one
        entry per supplier: ``supplier_id, supplier_name, amount_before_eur, amount_after_eur,
        extra_eur, counts``).

    Raises
    ------
    PsoInputError
        Unknown organisation or supplier, a negative or non-finite amount, the buyer itself,
        an unknown mode.

    Examples
    --------
    >>> import pso_chain
    >>> net = pso_chain.load_example()
    >>> out = pso_chain.what_if(net, "10000020", {"10000159": 70_000})
    >>> out["before"]["trede"], out["after"]["trede"], out["changes"][0]["counts"]
    (None, 1, True)
    """
    if mode not in ("add", "replace"):
        raise PsoInputError(Problem("mode", None, None, mode, "mode must be 'add' or 'replace'"))
    both = set(changes or {}) & set(replace or {})
    if both:
        raise PsoInputError(Problem("replace", None, "supplier_id", sorted(both)[0],
                                    "a supplier given both as extra spend and as a new total"))
    adding = {} if mode == "replace" else dict(changes or {})
    totals = {**(dict(changes or {}) if mode == "replace" else {}), **(replace or {})}
    changes = {**adding, **totals}
    net = engine(network)
    year = net.resolve_year(year)
    buyer = net.node(org_id)
    targets = net.nodes(list(changes))
    amounts = net.amount.copy()
    mine = (net.buyer == buyer) & net.in_year(year)
    added = []
    rows = []
    for (supplier_id, value), node in zip(changes.items(), targets, strict=True):
        try:
            amount = float(value)
        except (TypeError, ValueError):
            amount = math.nan
        if not math.isfinite(amount) or amount < 0:
            raise PsoInputError(Problem("changes", None, "amount_eur", value,
                                        f"the new spend at {supplier_id} must be a number >= 0"))
        if node == buyer:
            raise PsoInputError(Problem("changes", None, "supplier_id", supplier_id,
                                        "a buyer's purchases from itself never count"))
        at = mine & (net.supplier == node)
        before = float(net.amount[at].sum())
        if supplier_id in adding:
            amount = before + amount
        if at.any() and before > 0:
            amounts[at] = net.amount[at] * (amount / before)
        elif at.any():
            amounts[np.flatnonzero(at)[0]] = amount
        elif amount > 0:
            added.append({"buyer_id": str(org_id), "supplier_id": str(supplier_id),
                          "amount_eur": amount, "year": year})
        rows.append((str(supplier_id), int(node), before, amount))
    edited = net.with_purchases(amounts, pd.DataFrame(added) if added else None)
    keys = ("direct_pct", "indirect_fte", "indirect_pct", "indirect_counted_pct", "cap_applied")

    def summary(ex: dict[str, Any]) -> dict[str, Any]:
        out = {k: ex["direct"][k] if k == "direct_pct" else ex["indirect"][k] for k in keys}
        return {**out, "total_pct": ex["total_pct"], "trede": ex["trede"], "pso30plus": ex["pso30plus"]}

    counts = {p["supplier_id"]: p["counted"] for p in trace(edited, org_id, year)["purchases"]}
    names = net.organisations["name"]
    return {
        "org_id": str(org_id), "year": year,
        "before": summary(trace(net, org_id, year)), "after": summary(trace(edited, org_id, year)),
        "changes": [{"supplier_id": s, "supplier_name": str(names.iat[node]), "amount_before_eur": b,
                     "amount_after_eur": a, "extra_eur": a - b, "counts": counts.get(s)}
                    for s, node, b, a in rows],
    }


def municipality(network: Network, name: str | None = None, year: int | None = None, *,
                 top: int | None = None, k: int | None = None, threshold: float | None = None
                 ) -> dict[str, Any]:
    """The municipal report's tables (what :func:`report` renders), for a web page or an API.

    Returns
    -------
    dict
        ``municipality`` (as the data spells it; None for the whole dataset), ``year``,
        ``organisations`` (how many in scope) and frames: ``tredes``, ``closest``, ``spend``,
        ``spend_by_sector``, ``prospects`` (the first ``top``), ``prospect_tiers``, ``seeds``.

    Raises
    ------
    PsoInputError
        An unknown municipality (the known ones named), a year without purchases.

    Examples
    --------
    >>> import pso_chain
    >>> out = pso_chain.municipality(pso_chain.load_example(), "deventer")
    >>> out["municipality"], out["organisations"], list(out["tredes"].columns)
    ('Deventer', 63, ['trede', 'organisations', 'share_pct'])
    """
    data = collect_report(engine(network), year, name, top=top, k=k, threshold=threshold)
    return {
        "municipality": data.municipality, "year": data.year, "organisations": int(data.scope.sum()),
        "tredes": data.tredes_scope, "closest": data.closest, "spend": data.spend_scope,
        "spend_by_sector": data.spend_by_sector, "prospects": data.prospects.head(data.top),
        "prospect_tiers": data.prospect_tiers, "seeds": data.seeds,
    }


def validate_dataset(source: str | Path, rules: Rules | str | Path | None = None):
    """Read and check a dataset folder without failing on its errors: a
    :class:`~pso_chain.validate.ValidationReport` as ``report`` and one row per table (``table,
    file, rows, errors, warnings``) as ``files``.

    Examples
    --------
    >>> import pso_chain
    >>> checked = pso_chain.validate_dataset(pso_chain.example_path())
    >>> checked.report.ok, list(checked.files.columns)
    (True, ['table', 'file', 'rows', 'errors', 'warnings'])
    """
    from types import SimpleNamespace

    rule_set = rules if isinstance(rules, Rules) else load_rules(rules)
    data = (read_database(str(source), rule_set) if is_database_uri(source)
            else read_dataset(source, rule_set))
    report = data.report
    names = list(data.files.values())
    files = pd.DataFrame({
        "table": list(data.files), "file": names,
        "rows": [len(t.frame) for t in report.raw.values()],
        "errors": [int((report.errors["file"] == f).sum()) for f in names],
        "warnings": [int((report.warnings["file"] == f).sum()) for f in names],
    })
    return SimpleNamespace(report=report, files=files, rules_version=str(rule_set.version))
