"""Explain one organisation's score: every number traced to its records and purchases.

Reasons, methods and notes are the engine's codes (:func:`pso_chain.messages.coded`): stable
English in JSON, read in Dutch or English where people see them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pso_chain.core.certification import FAR_FUTURE, FAR_PAST
from pso_chain.core.network import PurchaseNetwork
from pso_chain.core.outlook import aspirant_status
from pso_chain.core.scoring import certified_levels, indirect_fte_of, score_arrays
from pso_chain.messages import coded
from pso_chain.parsing import NO_DAY, year_bounds

NOT_CERTIFIED = "not_certified"  # the supplier is not certified and not an SW-bedrijf


def _day_text(day: int) -> str:
    if day in (FAR_PAST, FAR_FUTURE, NO_DAY):
        return "open"
    return str(np.datetime64(int(day), "D"))


def _supplier_certificates(network: PurchaseNetwork, node: int) -> list[tuple[str, int, int, bool]]:
    certs = network.certificates
    out = []
    for j in range(certs.level.shape[0]):
        if certs.level[j, node] >= 0:
            out.append((certs.levels[certs.level[j, node]], int(certs.valid_from[j, node]),
                        int(certs.valid_until[j, node]), bool(certs.eligible[j, node])))
    return out


def why_not_counted(network: PurchaseNetwork, buyer: int, supplier: int, year: int, day: int) -> str:
    """The reason one purchase row does not count (for rows that do not)."""
    if buyer == supplier:
        return "self_purchase"
    certs = _supplier_certificates(network, supplier)
    if not certs:
        return NOT_CERTIFIED
    eligible = [c for c in certs if c[3]]
    if not eligible:
        levels = ", ".join(sorted({c[0] for c in certs}))
        return coded("level_not_eligible", levels=levels.replace(", ", " / "))
    if day != NO_DAY:
        when, lo, hi = {"on": _day_text(day)}, day, day
    else:
        lo, hi = (int(v[0]) for v in year_bounds(np.array([year])))
        when = {"year": str(year)}  # the purchase has no date: any day of the year
    suffix = "" if day != NO_DAY else "_undated"
    ended = [c for c in eligible if c[2] < lo]
    starts = [c for c in eligible if c[1] > hi]
    if ended:
        last = max(ended, key=lambda c: c[2])
        return coded("certificate_expired" + suffix, level=last[0], until=_day_text(last[2]), **when)
    if starts:
        first = min(starts, key=lambda c: c[1])
        return coded("certificate_starts" + suffix, level=first[0], start=_day_text(first[1]), **when)
    return coded("no_valid_certificate" + suffix, **when)


def _take(series: pd.Series, nodes: np.ndarray) -> np.ndarray:
    """Values of an organisation column at ``nodes`` (no conversion of the whole column)."""
    return series.iloc[nodes].to_numpy(dtype=object)


def _place(out: list, at: np.ndarray, entries) -> None:
    """Put ``entries`` at the positions ``at`` of ``out``."""
    for i, entry in zip(at.tolist(), entries, strict=True):
        out[i] = entry


def _purchase_entries(network: PurchaseNetwork, node: int, year: int, rows: np.ndarray) -> list[dict]:
    """One dict per purchase row of the buyer: supplier, amount, counted or why not, credit.

    Built column by column (numpy over the buyer's rows), then one dict literal per row for the
    rows that do not count and for those that do: the busiest buyer of a national network has
    tens of thousands of rows.
    """
    orgs = network.organisations
    supplier = network.supplier[rows]
    amount = network.amount[rows]
    counted = np.asarray(network.eligible[rows], dtype=bool)
    days = network.row_days(rows)
    dated = days != NO_DAY
    dates = np.full(len(rows), None, dtype=object)
    dates[dated] = np.datetime_as_string(days[dated].astype("datetime64[D]"))
    sw = network.sw[supplier]
    reason = np.where(sw, "sw_supplier", "valid_certificate").astype(object)
    plain = ~counted & (supplier != node) & (network.certificates.count[supplier] == 0) & ~sw
    reason[plain] = NOT_CERTIFIED
    memo: dict[tuple[int, int], str] = {}
    for at in np.flatnonzero(~counted & ~plain):  # the few rows whose reason needs the dates
        key = (int(supplier[at]), int(days[at]))
        if key not in memo:
            memo[key] = why_not_counted(network, node, key[0], year, key[1])
        reason[at] = memo[key]
    file_rows = network.purchases["_row"].to_numpy()[rows]
    ids, names = _take(orgs["org_id"], supplier), _take(orgs["name"], supplier)
    out: list = [None] * len(rows)
    no, ok = np.flatnonzero(~counted), np.flatnonzero(counted)
    _place(out, no, ({"row": row, "supplier_id": sid, "supplier_name": name, "date": date,
                      "amount_eur": value, "counted": False, "reason": why, "indirect_fte": 0.0}
                     for row, sid, name, date, value, why in zip(
                         file_rows[no].tolist(), ids[no], names[no], dates[no], amount[no].tolist(),
                         reason[no], strict=True)))
    at = supplier[ok]
    _place(out, ok, ({"row": row, "supplier_id": sid, "supplier_name": name, "date": date,
                      "amount_eur": value, "counted": True, "reason": why, "supplier_revenue_eur": rev,
                      "supplier_target_fte": tfte, "indirect_fte": fte}
                     for row, sid, name, date, value, why, rev, tfte, fte in zip(
                         file_rows[ok].tolist(), ids[ok], names[ok], dates[ok], amount[ok].tolist(),
                         reason[ok], network.revenue[at].tolist(), network.target_fte[at].tolist(),
                         (amount[ok] * network.yield_per_eur[at]).tolist(), strict=True)))
    for col, values in _provenance(network, rows).items():  # imported rows: file and invoice
        for entry, value in zip(out, values, strict=True):
            entry[col] = value
    return out


def _norm_rows(network: PurchaseNetwork, employees: int) -> dict:
    rules = network.rules
    sizes = rules.norm_sizes
    row = lambda i: {"size": int(sizes[i]), **{f"trede{t + 1}": float(rules.norm_trede[t][i])  # noqa: E731
                                               for t in range(3)}}
    if employees <= sizes[0]:
        return {"method": coded("norm_first_row", size=int(sizes[0])), "rows": [row(0)]}
    if employees >= sizes[-1]:
        return {"method": coded("norm_last_row", size=int(sizes[-1])), "rows": [row(len(sizes) - 1)]}
    hi = int(np.searchsorted(sizes, employees, side="left"))
    if sizes[hi] == employees:
        return {"method": "norm_exact_row", "rows": [row(hi)]}
    frac = (employees - sizes[hi - 1]) / (sizes[hi] - sizes[hi - 1])
    return {"method": coded("norm_interpolated", low=int(sizes[hi - 1]), high=int(sizes[hi]),
                            fraction=f"{frac:.4f}"), "rows": [row(hi - 1), row(hi)], "fraction": frac}


PROVENANCE_COLUMNS = ("source", "invoice_id")


def _provenance(network: PurchaseNetwork, rows: np.ndarray) -> dict[str, list[str]]:
    """The optional provenance columns of purchases (``source``, ``invoice_id``: the file and
    invoices an imported row came from) for the given purchase rows."""
    stored = getattr(network, "stored_provenance", None)  # a compiled network keeps them
    if stored is not None:
        return stored(rows)
    raw = network.data.report.raw.get("purchases") if hasattr(network, "data") else None
    if raw is None or not any(c in raw.columns for c in PROVENANCE_COLUMNS):
        return {}
    at = network.purchases["_row"].to_numpy()[rows] - raw.first_data_row
    return {c: [str(v) for v in raw.column(c).to_numpy()[at]] for c in PROVENANCE_COLUMNS
            if c in raw.columns}


def explain(network: PurchaseNetwork, org_id: str, year: int | None = None,
            shown: slice | None = None) -> dict:
    """Every number behind one organisation's score, as a nested dict (JSON-ready).

    ``shown`` (a slice of the buyer's purchase rows in file order) builds the ``purchases``
    entries of those rows only and adds ``purchase_rows``, the count of all of them: a page of
    a buyer with tens of thousands of rows. Every figure is still over all rows."""
    year = network.resolve_year(year)
    node = network.node(org_id)
    rules = network.rules
    orgs = network.organisations
    org = orgs.iloc[node]
    fte = float(network.fte[node])
    target = float(network.target_fte[node])
    direct: dict = {"target_fte": target, "fte": fte}
    rec = network.employees_records
    if rec is not None and network.has_records[node]:
        mine = rec.iloc[network.record_rows(node)]
        direct["source"] = "source_records"  # weight = start position x contract x hours x months
        direct["persons"] = mine[[
            "_row", "person_id", "start_position", "start_position_weight", "contract_type",
            "contract_weight", "hours_per_week", "fulltime_hours", "months", "weighted_fte",
        ]].rename(columns={"_row": "row"}).to_dict(orient="records")
    else:
        direct["source"] = "source_target_fte"  # the target_fte column of organisations
        direct["persons"] = []

    rows = network.buyer_rows(node, year)  # one buyer's rows, not a pass over the network
    purchases = _purchase_entries(network, node, year, rows if shown is None else rows[shown])
    ind = indirect_fte_of(network, node, year, rows)
    score = score_arrays(rules, [fte], [target], [ind], [int(network.employees[node])],
                         [bool(network.qualitative_ok[node])])
    unknown = not bool(org.get("figures_known", True))  # figures nobody gave: no score (issue 19)
    if unknown:
        score = {**score, **{k: np.array([np.nan]) for k in ("direct_pct", "indirect_pct",
                                                               "indirect_counted_pct", "total_pct")},
                 "norms": np.full((1, 3), np.nan), "trede": np.array([0]), "pso30plus": np.array([False])}
    trede = int(score["trede"][0])
    norms = score["norms"][0]
    total = float(score["total_pct"][0])
    if unknown:
        trede_reason = "figures_unknown"
    elif not network.qualitative_ok[node]:
        trede_reason = "qualitative_not_passed"
    elif trede == 0:
        trede_reason = coded("below_trede1", total_pct=f"{total:.4f}", norm_pct=f"{norms[0]:.4f}")
    else:
        trede_reason = coded("meets_norm", total_pct=f"{total:.4f}", trede=trede,
                             norm_pct=f"{norms[trede - 1]:.4f}")
    employees = int(network.employees[node])
    aspirant = aspirant_status(network, node, f"{year}-12-31", total, float(norms[0]))
    return {
        "org_id": org["org_id"], "name": org["name"], "year": year,
        "rules": {"version": rules.version, "file": rules.source_file},
        "organisation": {
            "employees": None if unknown else employees, "fte": None if unknown else fte,
            "sw": bool(org["sw"]),
            "pso_level": org["pso_level"], "qualitative_ok": bool(org["qualitative_ok"]),
            "municipality": org["municipality"], "sbi": org["sbi"],
        },
        "direct": {**direct, "direct_pct": float(score["direct_pct"][0]),
                   "formula": "100 * target_fte / fte"},
        "purchases": purchases,
        **({} if shown is None else {"purchase_rows": len(rows)}),
        "indirect": {
            "indirect_fte": ind, "counted_purchases": int(np.count_nonzero(network.eligible[rows])),
            "formula": "indirect_pct = 100 * indirect_fte / (fte + indirect_fte)",
            "indirect_pct": float(score["indirect_pct"][0]),
            "max_indirect_share": rules.max_indirect_share,
            "cap_pct": float(score["direct_pct"][0]) * rules.max_indirect_ratio,
            "indirect_counted_pct": float(score["indirect_counted_pct"][0]),
            "cap_applied": bool(score["cap_applied"][0]),
        },
        "total_pct": total,
        "norms": {**_norm_rows(network, employees), "employees": employees,
                  "norm_trede1": float(norms[0]), "norm_trede2": float(norms[1]),
                  "norm_trede3": float(norms[2])},
        "trede": trede or None, "trede_reason": trede_reason,
        "pso30plus": bool(score["pso30plus"][0]),
        "certified_level": _certified_level(network, node, year, trede, total, norms),
        "fee": {"band": rules.fee_band(employees), "eur_per_year": float(rules.fee([employees])[0])},
        **({"aspirant": aspirant} if aspirant else {}),
    }


def _certified_level(network: PurchaseNetwork, node: int, year: int, trede: int, total: float,
                     norms: np.ndarray) -> dict:
    """The certificate level held at the end of the year and whether the score is below it
    (at risk at the next audit; :func:`pso_chain.core.scoring.below_certified_level` for all)."""
    levels, promised, day = certified_levels(network, year, nodes=np.array([node]))
    level, want = str(levels[0]), int(promised[0])
    below = want > trede
    return {"level": level or None, "on": str(day.date()), "below": bool(below),
            "norm_pct": float(norms[want - 1]) if want else None,
            "note": (coded("audit_risk", level=want, on=str(day.date()), trede=trede) if trede else
                     coded("audit_risk_no_trede", level=want, on=str(day.date()))) if below else ""}


def purchases_frame(explained: dict) -> pd.DataFrame:
    """The purchases part of an explanation as a table."""
    cols = ["row", "supplier_id", "supplier_name", "date", "amount_eur", "counted",
            "indirect_fte", "reason"]
    purchases = explained["purchases"]
    cols += [c for c in PROVENANCE_COLUMNS if purchases and c in purchases[0]]
    return pd.DataFrame({c: [p.get(c) for p in purchases] for c in cols}, columns=cols)
