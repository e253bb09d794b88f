"""From a buyer's books to a canonical dataset: invoice lines + register -> organisations,
purchases (with provenance) and certifications, plus the match report and the request list.

Nothing here computes a score: the dataset is opened with :func:`pso_chain.open` like any other.
Only accepted matches count (and review matches with ``accept_review``, said in every output);
overrides (the edited match report) decide review rows. Credit notes net against the same
supplier: first against the invoice they reference, else the latest invoice on or before their
date, then the others.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pso_chain.errors import Problem, PsoInputError, coded
from pso_chain.importing.matching import CANDIDATE_COLUMNS, match_suppliers
from pso_chain.importing.report_summary import summary_lines
from pso_chain.loaders.import_settings import ImportSettings
from pso_chain.messages import readable
from pso_chain.outputs.files import spreadsheet_safe, write_xlsx
from pso_chain.rules import Rules

ORG_COLUMNS = ["org_id", "name", "employees", "fte", "target_fte", "revenue_eur", "sw", "pso_level",
               "pso_valid_from", "pso_valid_until", "qualitative_ok", "sbi", "municipality",
               "postcode", "figures_known"]
PURCHASE_COLUMNS = ["buyer_id", "supplier_id", "amount_eur", "year", "date", "source", "invoice_id"]
REQUEST_COLUMNS = ["name", "kvk", "missing", "matched_level", "amount_eur", "ledger_name"]
MISSING_CODES = {"revenue (omzet)": "missing_revenue",  # the request list's words -> the error's code
                 "target-group FTE (doelgroep-fte)": "missing_target_fte",
                 "revenue (omzet) and target-group FTE (doelgroep-fte)": "missing_revenue_and_target_fte"}
ACCEPT_REVIEW_NOTE = ("--accept-review: matches in the review band count WITHOUT confirmation; "
                      "a first look, not a result")
MISSING_FIGURES_NOTE = ("--allow-missing-figures: eligible suppliers without revenue or target FTE "
                        "do not count (see the request list)")


@dataclass
class ImportResult:
    """The canonical tables, the match report, the request list and what was noted."""

    buyer_id: str
    organisations: pd.DataFrame
    purchases: pd.DataFrame
    certifications: pd.DataFrame
    employees_records: pd.DataFrame | None
    match_report: pd.DataFrame
    request_list: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def write(self, folder: str | Path) -> list[Path]:
        """The dataset folder, and beside it ``<folder>-match-report.csv/.xlsx`` and
        ``<folder>-request-list.csv/.xlsx``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        tables = {"organisations": self.organisations, "purchases": self.purchases,
                  "certifications": self.certifications}
        if self.employees_records is not None:
            tables["employees_records"] = self.employees_records
        for name, frame in tables.items():
            path = folder / f"{name}.csv"
            spreadsheet_safe(frame).to_csv(path, index=False, encoding="utf-8")  # read back unguarded
            paths.append(path)
        (folder / "notes.txt").write_text("\n".join(readable(n, "en") for n in self.notes) + "\n",
                                          encoding="utf-8")
        paths.append(folder / "notes.txt")
        notes = pd.DataFrame({"note": self.notes})
        for stem, frame in (("match-report", self.match_report), ("request-list", self.request_list)):
            base = folder.parent / f"{folder.name}-{stem}"
            spreadsheet_safe(frame).to_csv(base.with_suffix(".csv"), index=False, encoding="utf-8")
            write_xlsx({stem: frame, "notes": notes}, base.with_suffix(".xlsx"),
                       labels=False)  # read back as --overrides: the column names stay
            paths += [base.with_suffix(".csv"), base.with_suffix(".xlsx")]
        return paths


def candidates(register: pd.DataFrame, sw: pd.DataFrame | None) -> pd.DataFrame:
    """One candidate per KvK: the register's latest certificate row, then SW-only rows."""
    reg = register.sort_values(["kvk", "valid_until"], na_position="first")
    reg = reg.drop_duplicates("kvk", keep="last")
    reg = reg.assign(source="register")[CANDIDATE_COLUMNS]
    if sw is None or sw.empty:
        return reg.reset_index(drop=True)
    sw_rows = sw.assign(level="sw", source="sw")[CANDIDATE_COLUMNS]
    both = reg["kvk"].isin(sw_rows["kvk"])
    reg.loc[both, "source"] = "register+sw"
    return pd.concat([reg, sw_rows[~sw_rows["kvk"].isin(reg["kvk"])]], ignore_index=True)


def ledger_suppliers(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per supplier as the ledger writes it (name and place), amounts netted."""
    key = lines["supplier_name"].where(lines["supplier_name"] != "", lines["supplier_kvk"])
    frame = lines.assign(ledger_name=key, ledger_place=lines["place"])
    first = lambda s: next((v for v in s if v), "")  # noqa: E731
    grouped = frame.groupby(["ledger_name", "ledger_place"], sort=True, dropna=False)
    return grouped.agg(ledger_kvk=("supplier_kvk", first), ledger_postcode=("postcode", first),
                       amount_eur=("amount_eur", "sum"), invoices=("amount_eur", "size")).reset_index()


def apply_overrides(report: pd.DataFrame, overrides: pd.DataFrame | None, cands: pd.DataFrame,
                    notes: list[str]) -> pd.DataFrame:
    """Honour every accepted or rejected row of an edited match report."""
    if overrides is None or overrides.empty:
        return report
    by_kvk = cands.set_index("kvk")
    problems = []
    keyed = {(r.ledger_name, r.ledger_place): r for r in overrides.itertuples(index=False)}
    report = report.copy()
    used = set()
    for i, row in report.iterrows():
        over = keyed.get((row["ledger_name"], row["ledger_place"]))
        if over is None:
            continue
        used.add((row["ledger_name"], row["ledger_place"]))
        if over.status == "rejected":
            report.loc[i, ["status", "method", "matched_kvk", "matched_name", "matched_level",
                           "matched_place", "matched_source", "note"]] = [
                "unmatched", "override", "", "", "", "", "", "rejected in the overrides file"]
        elif over.status == "accepted":
            if over.matched_kvk not in by_kvk.index:
                problems.append(Problem(over.file, over.row, "matched_kvk", over.matched_kvk_raw,
                                        "override names a KvK that is not in the register or the SW list"))
                continue
            cand = by_kvk.loc[over.matched_kvk]
            report.loc[i, ["status", "method", "matched_kvk", "matched_name", "matched_level",
                           "matched_place", "matched_source", "note"]] = [
                "accepted", "override", over.matched_kvk, cand["name"], cand["level"], cand["place"],
                cand["source"], "confirmed in the overrides file"]
    if problems:
        raise PsoInputError(problems)
    unused = [k for k in keyed if k not in used]
    if unused:
        notes.append(f"{len(unused)} override row(s) name a supplier not in these books, e.g. "
                     f"{unused[0][0]!r} ({unused[0][1]})")
    return report


def _ledger_id(name: str, place: str, kvk: str) -> str:
    if kvk:
        return kvk
    digest = hashlib.sha1(f"{name}|{place}".encode()).hexdigest()[:8]
    return f"L-{digest}"


def net_credit_notes(lines: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Invoice rows with credit notes netted against the same supplier (``supplier_id``).

    A credit note takes from the invoice it references, then from the latest invoices on or
    before its date, then from the others (latest first); an excess is left out, with a note.
    """
    frame = lines.sort_values(["supplier_id", "date", "invoice_id"], na_position="first")
    records = frame.to_dict(orient="records")
    by_supplier: dict[str, list[dict]] = {}
    for r in records:
        r["credited"] = ""
        by_supplier.setdefault(r["supplier_id"], []).append(r)
    kept = []
    for supplier, rows in by_supplier.items():
        invoices = [r for r in rows if r["amount_eur"] > 0]
        for credit in (r for r in rows if r["amount_eur"] < 0):
            left = -credit["amount_eur"]
            ref = [r for r in invoices if credit["credit_ref"] and r["invoice_id"] == credit["credit_ref"]]
            before = [r for r in reversed(invoices) if pd.notna(credit["date"]) and pd.notna(r["date"])
                      and r["date"] <= credit["date"]]
            order = list({id(r): r for r in [*ref, *before, *reversed(invoices)]}.values())
            where = credit["source"] + (f" row {int(credit['row'])}" if _has_row(credit["row"]) else "")
            for r in order:
                if left <= 0:
                    break
                take = min(left, r["amount_eur"])
                if take <= 0:
                    continue
                r["amount_eur"] -= take
                r["credited"] += f"; credit {where} ({credit['invoice_id']})"
                left -= take
            if left > 1e-9:
                notes.append(f"credit note {credit['invoice_id']} ({where}) of supplier {supplier} exceeds "
                             f"its invoices in these books by EUR {left:,.2f}: the excess is left out")
        kept += [r for r in invoices if r["amount_eur"] > 1e-9]
    columns = [*lines.columns, "credited"]
    return pd.DataFrame(kept, columns=columns) if kept else pd.DataFrame(columns=columns)


def _has_row(row) -> bool:
    return row is not None and row != "" and not (isinstance(row, float) and np.isnan(row))


def _figures(cands_by_kvk: pd.DataFrame, register: pd.DataFrame, sw: pd.DataFrame | None,
             figures: pd.DataFrame | None, kvks: list[str]) -> pd.DataFrame:
    """Revenue, target FTE, employees and FTE per KvK: figures file, then register, then SW list."""
    out = pd.DataFrame(index=pd.Index(kvks, name="kvk"),
                       columns=["revenue_eur", "target_fte", "employees", "fte"], dtype=float)
    sources = []
    if figures is not None:
        sources.append(figures.set_index("kvk"))
    reg = register.sort_values("valid_until", na_position="first")
    sources.append(reg.dropna(subset=["revenue_eur"]).drop_duplicates("kvk", keep="last").set_index("kvk"))
    sources.append(reg.dropna(subset=["target_fte"]).drop_duplicates("kvk", keep="last").set_index("kvk"))
    if sw is not None:
        sources.append(sw.drop_duplicates("kvk").set_index("kvk"))
    for src in sources:
        for col in out.columns:
            if col in src.columns:
                fill = src[col].reindex(out.index)
                out[col] = out[col].where(out[col].notna(), fill)
    return out


def _eligible(kvk: str, cand: pd.Series, register: pd.DataFrame, rules: Rules,
              lo: pd.Timestamp, hi: pd.Timestamp) -> bool:
    if "sw" in cand["source"]:
        return True
    certs = register[(register["kvk"] == kvk) & register["level"].isin(rules.eligible_levels)]
    start = certs["valid_from"].fillna(pd.Timestamp.min)
    end = certs["valid_until"].fillna(pd.Timestamp.max)
    return bool(((start <= hi) & (end >= lo)).any())


def build_dataset(lines: pd.DataFrame, register: pd.DataFrame, sw: pd.DataFrame | None,
                  figures: pd.DataFrame | None, buyer: pd.DataFrame, buyer_records: pd.DataFrame | None,
                  overrides: pd.DataFrame | None, rules: Rules, settings: ImportSettings, *,
                  accept_review: bool = False, allow_missing_figures: bool = False,
                  notes: list[str] | None = None) -> ImportResult:
    """Match, net and assemble the canonical tables (see the module docstring).

    Raises :class:`PsoInputError` for a bad override, and naming every eligible supplier without
    revenue or target FTE unless ``allow_missing_figures`` (``request_list`` on the error).
    """
    notes = list(notes or [])
    buyer_id = str(buyer["org_id"].iat[0])
    cands = candidates(register, sw)
    suppliers = ledger_suppliers(lines)
    report = match_suppliers(suppliers, cands, settings)
    report = apply_overrides(report, overrides, cands, notes)
    notes += summary_lines(report, settings.spend_share)
    report["counts"] = report["status"].eq("accepted") | (accept_review & report["status"].eq("review"))
    if accept_review:
        notes.insert(0, ACCEPT_REVIEW_NOTE)
        report.loc[report["status"].eq("review"), "note"] += " | counted unconfirmed (--accept-review)"
    by_kvk = cands.set_index("kvk")
    counted = report[report["counts"]]
    span = lines.assign(ledger_name=lines["supplier_name"].where(lines["supplier_name"] != "",
                                                                  lines["supplier_kvk"]))
    firsts = span.groupby(["ledger_name", "place"])["date"].agg(["min", "max"])
    years = span.groupby(["ledger_name", "place"])["year"].agg(["min", "max"])
    kvks = sorted(set(counted["matched_kvk"]))
    figs = _figures(by_kvk, register, sw, figures, kvks)
    requests = []
    for row in counted.itertuples(index=False):
        key = (row.ledger_name, row.ledger_place)
        lo, hi = firsts.at[key, "min"], firsts.at[key, "max"]
        lo = lo if pd.notna(lo) else pd.Timestamp(int(years.at[key, "min"]), 1, 1)
        hi = hi if pd.notna(hi) else pd.Timestamp(int(years.at[key, "max"]), 12, 31)
        if not _eligible(row.matched_kvk, by_kvk.loc[row.matched_kvk], register, rules, lo, hi):
            continue
        missing = [label for col, label in (("revenue_eur", "revenue (omzet)"),
                                             ("target_fte", "target-group FTE (doelgroep-fte)"))
                   if pd.isna(figs.at[row.matched_kvk, col])]
        if missing:
            requests.append({"name": row.matched_name, "kvk": row.matched_kvk,
                             "missing": " and ".join(missing),
                             "matched_level": row.matched_level, "amount_eur": row.amount_eur,
                             "ledger_name": row.ledger_name})
    request_list = pd.DataFrame(requests, columns=REQUEST_COLUMNS).drop_duplicates("kvk")
    no_figures = set(request_list["kvk"])
    if no_figures:
        if not allow_missing_figures:
            error = PsoInputError([
                Problem("figures", None, "kvk", r.kvk,
                        coded("figures_missing", name=r.name, missing=MISSING_CODES[r.missing]))
                for r in request_list.itertuples(index=False)])
            error.request_list = request_list  # type: ignore[attr-defined]
            error.match_report = report  # type: ignore[attr-defined]
            raise error
        notes.insert(0, MISSING_FIGURES_NOTE)
        gone = report["matched_kvk"].isin(no_figures) & report["counts"]
        report.loc[gone, "note"] += " | figures missing: not counted (--allow-missing-figures)"
        report.loc[gone, "counts"] = False
    figs_all = _figures(by_kvk, register, sw, figures, sorted(set(cands["kvk"]) - {buyer_id}))
    return _assemble(lines, report, cands, register, figs, buyer, buyer_records, request_list,
                     notes, buyer_id, figs_all)


def _register_organisations(cands: pd.DataFrame, register: pd.DataFrame, figs: pd.DataFrame
                            ) -> pd.DataFrame:
    """Every register and SW-list organisation not in the books, so that ``suppliers --for``
    and ``substitutes`` find certified suppliers the buyer does not buy from yet. Their own
    figures are unknown unless the lists give them (no score, no trede)."""
    last = register.sort_values(["kvk", "valid_until"], na_position="first")
    last = last.drop_duplicates("kvk", keep="last")
    cands = cands.drop_duplicates("kvk")
    last = last.set_index("kvk").reindex(cands["kvk"])
    f = figs.reindex(cands["kvk"])
    return pd.DataFrame({
        "org_id": cands["kvk"].to_numpy(), "name": cands["name"].to_numpy(),
        "employees": f["employees"].to_numpy(), "fte": f["fte"].to_numpy(),
        "target_fte": f["target_fte"].to_numpy(), "revenue_eur": f["revenue_eur"].to_numpy(),
        "sw": cands["source"].str.contains("sw").to_numpy(),
        "pso_level": last["level"].fillna("").to_numpy(),
        "pso_valid_from": last["valid_from"].map(_day).fillna("").to_numpy(),
        "pso_valid_until": last["valid_until"].map(_day).fillna("").to_numpy(),
        "qualitative_ok": True, "sbi": "", "municipality": cands["place"].to_numpy(),
        "postcode": cands["postcode"].to_numpy(), "figures_known": f["fte"].notna().to_numpy(),
    }, columns=ORG_COLUMNS)


def _assemble(lines, report, cands, register, figs, buyer, buyer_records, request_list, notes,
              buyer_id, figs_all) -> ImportResult:
    by_kvk = cands.set_index("kvk")
    counted = report["counts"]
    report = report.assign(supplier_id=[
        kvk if c else _ledger_id(n, p, lk) for kvk, c, n, p, lk in zip(
            report["matched_kvk"], counted, report["ledger_name"], report["ledger_place"],
            report["ledger_kvk"], strict=True)])
    # a ledger KvK of a supplier that does not count must not collide with a counted one
    clash = ~counted & report["supplier_id"].isin(set(report.loc[counted, "supplier_id"]) | set(cands["kvk"]))
    report.loc[clash, "supplier_id"] = [_ledger_id(n, p, "") for n, p in zip(
        report.loc[clash, "ledger_name"], report.loc[clash, "ledger_place"], strict=True)]
    keyed = lines.assign(ledger_name=lines["supplier_name"].where(lines["supplier_name"] != "",
                                                                   lines["supplier_kvk"]))
    keyed = keyed.merge(report[["ledger_name", "ledger_place", "supplier_id", "status", "counts"]],
                        left_on=["ledger_name", "place"], right_on=["ledger_name", "ledger_place"],
                        how="left")
    netted = net_credit_notes(keyed, notes)
    if netted.empty:  # credit notes only, or credits that cancel every invoice
        sources = sorted(set(lines["source"].astype(str)))
        files = ", ".join(sources[:3]) + (f" and {len(sources) - 3} more" if len(sources) > 3 else "")
        raise PsoInputError(Problem(files, None, None, None,
                                    f"after netting {int((lines['amount_eur'] < 0).sum())} credit note(s) "
                                    "against the invoices nothing was bought: the books hold no purchase "
                                    "to score (add the invoices the credit notes belong to)"))
    unconfirmed = netted["status"].eq("review") & netted["counts"]
    row_text = netted["row"].map(lambda r: f" row {int(r)}" if _has_row(r) else "")
    purchases = pd.DataFrame({
        "buyer_id": buyer_id, "supplier_id": netted["supplier_id"],
        "amount_eur": netted["amount_eur"].astype(float), "year": netted["year"].astype(int),
        "date": netted["date"].dt.strftime("%Y-%m-%d").fillna(""),
        "source": (netted["source"] + row_text + netted["credited"]
                   + np.where(unconfirmed, " (unconfirmed match, --accept-review)", "")),
        "invoice_id": netted["invoice_id"],
    }, columns=PURCHASE_COLUMNS).sort_values(["supplier_id", "date", "invoice_id"]).reset_index(drop=True)
    orgs = [_buyer_row(buyer)]
    for sid, group in report.groupby("supplier_id", sort=True):
        first = group.iloc[0]
        if sid == buyer_id:
            continue
        if first["counts"]:
            cand = by_kvk.loc[sid]
            f = figs.loc[sid]
            certs = register[register["kvk"] == sid].sort_values("valid_until", na_position="first")
            last = certs.iloc[-1] if len(certs) else None
            orgs.append({
                "org_id": sid, "name": cand["name"],
                "employees": int(f["employees"]) if pd.notna(f["employees"]) else "",
                "fte": float(f["fte"]) if pd.notna(f["fte"]) else "",
                "target_fte": f["target_fte"], "revenue_eur": f["revenue_eur"],
                "sw": "sw" in cand["source"],
                "pso_level": last["level"] if last is not None else "",
                "pso_valid_from": _day(last["valid_from"]) if last is not None else "",
                "pso_valid_until": _day(last["valid_until"]) if last is not None else "",
                "qualitative_ok": True, "sbi": "", "municipality": cand["place"],
                "postcode": cand["postcode"], "figures_known": pd.notna(f["fte"]),
            })
        else:
            orgs.append({"org_id": sid, "name": first["ledger_name"], "employees": "", "fte": "",
                         "target_fte": np.nan, "revenue_eur": np.nan, "sw": False, "pso_level": "",
                         "pso_valid_from": "", "pso_valid_until": "", "qualitative_ok": True,
                         "sbi": "", "municipality": first["ledger_place"],
                         "postcode": first["ledger_postcode"], "figures_known": False})
    taken = {o["org_id"] for o in orgs}
    rest = _register_organisations(cands[~cands["kvk"].isin(taken)], register, figs_all)
    organisations = pd.concat([pd.DataFrame(orgs, columns=ORG_COLUMNS), rest], ignore_index=True)
    organisations = organisations.sort_values("org_id").reset_index(drop=True)
    certs = register[register["kvk"] != buyer_id]  # every certificate: the register searchable
    certifications = pd.DataFrame({
        "org_id": certs["kvk"], "level": certs["level"],
        "valid_from": certs["valid_from"].map(_day), "valid_until": certs["valid_until"].map(_day),
    }).sort_values(["org_id", "valid_from"]).reset_index(drop=True)
    report = report.rename(columns={"supplier_id": "dataset_org_id"})
    return ImportResult(buyer_id, organisations, purchases, certifications, buyer_records, report,
                        request_list, notes)


def _day(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _buyer_row(buyer: pd.DataFrame) -> dict:
    row = {c: (buyer[c].iat[0] if c in buyer.columns else "") for c in ORG_COLUMNS}
    row["figures_known"] = True
    return row
