"""Supplier compliance with the social purchasing code: the periodic supplier assessment.

The purchasing code asks every supplier for a valid PSO certificate and checks it in periodic
supplier assessments. For one buyer this lists its suppliers by spend with their certificate
status on the assessment date (valid, expiring within the warning period, expired, none, or
SW-bedrijf), the action the assessment calls for, and the share of spend that counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pso_chain import check
from pso_chain.buyers.common import (
    COUNTING_STATUSES,
    STATUS_EXPIRED,
    STATUS_EXPIRING,
    STATUS_NONE,
    STATUS_SW,
    STATUS_VALID,
    buyer_spend,
    certificate_status,
)
from pso_chain.core.network import PurchaseNetwork
from pso_chain.messages import coded
from pso_chain.settings import load_buyer_defaults

COMPLIANCE_COLUMNS = [
    "supplier_id", "name", "spend_eur", "spend_share_pct", "status", "level", "valid_until",
    "days_left", "counts_on_date", "counted_in_year_eur", "sbi", "municipality", "level_history",
    "assessment",
]
LETTER_COLUMNS = ["supplier_id", "name", "municipality", "postcode", "spend_eur", "letter", "reason"]
# the letter and its reason, per status (codes: pso_chain.messages reads them in a language)
LETTERS = {
    STATUS_NONE: ("send_code", "letter_no_certificate"),
    STATUS_EXPIRED: ("ask_certificate", "letter_expired"),
    STATUS_EXPIRING: ("ask_renewal", "letter_expiring"),
}
SUMMARY_COLUMNS = ["status", "suppliers", "spend_eur", "spend_share_pct"]
STATUS_ORDER = (STATUS_SW, STATUS_VALID, STATUS_EXPIRING, STATUS_EXPIRED, STATUS_NONE)


def assessments(status: np.ndarray, valid_until: pd.Series) -> np.ndarray:
    """The action the periodic assessment calls for, per supplier status."""
    until = valid_until.dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object)
    return np.select(
        [status == STATUS_SW, status == STATUS_VALID, status == STATUS_EXPIRING, status == STATUS_EXPIRED],
        ["ok_sw", "ok_valid", "ask_renewal_before: until=" + until, "expired_switch: until=" + until],
        default="no_certificate_switch").astype(object)


def supplier_compliance(network: PurchaseNetwork, org_id: str, on, year: int,
                        expiring_days: int | None = None) -> pd.DataFrame:
    """The buyer's suppliers in ``year`` (spend descending, ties by org_id) with their
    certificate status on date ``on``.

    ``status`` is ``sw``, ``valid``, ``expiring`` (valid on the date, unbroken validity ending at
    most ``expiring_days`` days later), ``expired`` or ``none`` (see
    :func:`pso_chain.buyers.common.certificate_status`); ``counts_on_date`` says a purchase on
    the date would count. ``counted_in_year_eur`` is the part of the year's spend that counted
    for the buyer's score (by each purchase's own date). Self-purchases are not supplier
    relations and are left out. ``expiring_days`` defaults to ``buyers-defaults.toml``.
    """
    expiring_days = load_buyer_defaults().expiring_days if expiring_days is None \
        else check.whole(expiring_days, "expiring_days")
    buyer = network.node(org_id)
    spend, counted = buyer_spend(network, buyer, year)
    nodes = np.flatnonzero(spend > 0)
    nodes = nodes[np.lexsort((nodes, -spend[nodes]))]
    status = certificate_status(network, on, expiring_days, nodes)
    picked = network.organisations.iloc[nodes]
    total = spend.sum()
    frame = pd.DataFrame({
        "supplier_id": picked["org_id"].to_numpy(), "name": picked["name"].to_numpy(),
        "spend_eur": spend[nodes], "spend_share_pct": 100 * spend[nodes] / total if total else 0.0,
        "status": status["status"], "level": status["level"],
        "valid_until": pd.to_datetime(status["valid_until"]), "days_left": status["days_left"],
        "counts_on_date": status["counts"].to_numpy(dtype=bool), "counted_in_year_eur": counted[nodes],
        "sbi": picked["sbi"].to_numpy(), "municipality": picked["municipality"].to_numpy(),
    })
    frame["level_history"] = [level_history(network, int(node)) for node in nodes]
    frame["assessment"] = assessments(frame["status"].to_numpy(), frame["valid_until"])
    return frame[COMPLIANCE_COLUMNS]


def level_history(network: PurchaseNetwork, node: int) -> str:
    """One organisation's certificates in date order: ``level (from-until) -> ...``."""
    index = network.certificates
    held = sorted((int(index.valid_from[j][node]), int(index.valid_until[j][node]), int(index.level[j][node]))
                  for j in range(index.valid_from.shape[0]) if index.level[j][node] >= 0)
    return " | ".join(coded("level_period", level=index.levels[lv], start=_day(a), until=_day(b))
                      for a, b, lv in held)


def _day(day: int) -> str:
    return "open" if abs(day) >= 10**8 else str(np.datetime64(day, "D"))


def letter_list(network: PurchaseNetwork, suppliers: pd.DataFrame) -> pd.DataFrame:
    """Suppliers to write to, by spend: send the code (no certificate), ask for a valid one
    (expired) or for the renewal (expiring within the warning period)."""
    wanted = suppliers[suppliers["status"].isin(list(LETTERS))]
    at = network.nodes(wanted["supplier_id"].tolist())
    postcode = network.organisations["postcode"].iloc[at].to_numpy() if "postcode" in network.organisations \
        else np.full(len(at), "")
    letter = [LETTERS[s] for s in wanted["status"]]
    return pd.DataFrame({
        "supplier_id": wanted["supplier_id"].to_numpy(), "name": wanted["name"].to_numpy(),
        "municipality": wanted["municipality"].to_numpy(), "postcode": postcode,
        "spend_eur": wanted["spend_eur"].to_numpy(), "letter": [k for k, _ in letter],
        "reason": [r for _, r in letter],
    }, columns=LETTER_COLUMNS)


def compliance_summary(suppliers: pd.DataFrame) -> pd.DataFrame:
    """Spend by certificate status, then the share with counting suppliers (``counting``: SW,
    valid or expiring on the date) and the total."""
    total = float(suppliers["spend_eur"].sum())
    share = (lambda eur: 100 * eur / total if total else 0.0)  # noqa: E731
    rows = []
    for status in STATUS_ORDER:
        part = suppliers[suppliers["status"] == status]
        rows.append({"status": status, "suppliers": len(part), "spend_eur": float(part["spend_eur"].sum())})
    counting = suppliers[suppliers["status"].isin(COUNTING_STATUSES)]
    rows.append({"status": "counting", "suppliers": len(counting),
                 "spend_eur": float(counting["spend_eur"].sum())})
    rows.append({"status": "total", "suppliers": len(suppliers), "spend_eur": total})
    frame = pd.DataFrame(rows, columns=SUMMARY_COLUMNS[:3])
    frame["spend_share_pct"] = [share(v) for v in frame["spend_eur"]]
    return frame


def compliance_report(network: PurchaseNetwork, org_id: str, on, year: int,
                      expiring_days: int | None = None) -> dict[str, pd.DataFrame]:
    """The periodic supplier assessment: ``suppliers`` (:func:`supplier_compliance`),
    ``summary`` (:func:`compliance_summary`) and ``letters`` (:func:`letter_list`)."""
    suppliers = supplier_compliance(network, org_id, on, year, expiring_days)
    return {"suppliers": suppliers, "summary": compliance_summary(suppliers),
            "letters": letter_list(network, suppliers)}
