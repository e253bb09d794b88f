"""The checks that need the scoring rules themselves, run on a network over the validated tables.

``target_fte`` against the employee records, and a revenue for every supplier whose sales count
(an error) or that sells at all (a warning). They run in :func:`pso_chain.core.loading.read_dataset`
after the table checks of :mod:`pso_chain.validate`, on the network that then keeps what they
computed (eligibility, certificates, direct FTE): nothing is computed twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pso_chain.core.certification import purchase_eligibility
from pso_chain.errors import Problem, coded
from pso_chain.validate.arrow import column, view
from pso_chain.validate.report import Collector

if TYPE_CHECKING:
    from pso_chain.core.network import PurchaseNetwork

# Tolerance (in FTE) under which target_fte and the sum of employees_records agree.
FTE_AGREEMENT_TOLERANCE = 1e-6


def rule_checks(network: PurchaseNetwork, out: Collector) -> None:
    """Checks that need the scoring rules: ``target_fte`` against the employee records, and a
    revenue for every supplier whose sales count (or that sells at all, as a warning).

    Eligibility is computed once: where every purchase row is usable it is the network's own
    (kept for the computations that follow); otherwise only on the usable rows, for the check.
    """
    data = network.data
    orgs = data.organisations
    org_table = data.report.raw["organisations"]
    org_rows = orgs["_row"].to_numpy() - org_table.first_data_row
    n_raw = len(view(org_table))

    def at_rows(mask_nodes: np.ndarray) -> np.ndarray:
        mask = np.zeros(n_raw, dtype=bool)
        mask[org_rows[mask_nodes]] = True
        return mask

    target, has_records = network.target_fte, network.has_records
    given = orgs["target_fte"].to_numpy(dtype=float)
    raw_target = column(view(org_table), "target_fte")
    # only where nothing gives it: records with a bad code are reported on their own rows
    known = orgs["figures_known"].to_numpy(dtype=bool) if "figures_known" in orgs \
        else np.ones(len(orgs), bool)
    out.add(org_table, at_rows(np.isnan(given) & ~has_records & known), "target_fte", raw_target,
            "target_fte_empty")
    disagree = has_records & ~np.isnan(given) & (np.abs(given - target) > FTE_AGREEMENT_TOLERANCE)
    if disagree.any():
        out.add(org_table, at_rows(disagree), "target_fte", raw_target,
                coded("target_fte_disagrees", records=f"{target[disagree][0]:.4g}"),
                severity="warning")
    p = data.purchases
    buyer, supplier = p["buyer"].to_numpy(), p["supplier"].to_numpy()
    year = p["year"].to_numpy()
    usable = (buyer >= 0) & (supplier >= 0) & (year > 0)
    if not usable.any():
        return
    if usable.all():  # the usual case: no copies of 10M-row columns
        eligible = network.eligible
        suppliers = supplier
    else:
        suppliers = supplier[usable]
        eligible = purchase_eligibility(buyer[usable], suppliers, year[usable],
                                        p["date"].to_numpy()[usable], network.sw,
                                        network.certificates)
    revenue_missing = np.isnan(network.revenue)
    sellers = np.zeros(len(orgs), dtype=bool)
    sellers[suppliers] = True
    eligible_sellers = np.zeros(len(orgs), dtype=bool)
    eligible_sellers[suppliers[eligible]] = True
    raw_rev = column(view(org_table), "revenue_eur")
    out.add(org_table, at_rows(revenue_missing & eligible_sellers), "revenue_eur", raw_rev,
            "revenue_empty_eligible")
    out.add(org_table, at_rows(revenue_missing & sellers & ~eligible_sellers & known), "revenue_eur",
            raw_rev, "revenue_empty_seller", severity="warning")
    if not known.all():  # one line, not one per organisation without figures
        out.add_one(Problem(org_table.file, None, "figures_known", None,
                            coded("without_figures", n=int((~known).sum())),
                            severity="warning"))
