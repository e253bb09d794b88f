"""The buyer's side of the PSO: uplift through purchasing, certified-supplier search,
substitutes for suppliers that do not count, supplier compliance and tender scoring.

Plain functions over a :class:`pso_chain.core.network.PurchaseNetwork`, each taking its ``year``
and/or ``on`` date explicitly and returning a DataFrame in a deterministic order.
"""

from pso_chain.buyers.common import certificate_status
from pso_chain.buyers.compliance import compliance_report, compliance_summary, supplier_compliance
from pso_chain.buyers.defaults import BuyerDefaults, load_buyer_defaults
from pso_chain.buyers.substitutes import substitutes
from pso_chain.buyers.suppliers import eligible_suppliers
from pso_chain.buyers.tender import read_bids, tender_ranking
from pso_chain.buyers.uplift import (
    shift_effect,
    trede_targets,
    uplift_by_supplier,
    uplift_mix,
    uplift_plan,
)

__all__ = [
    "BuyerDefaults", "certificate_status", "compliance_report", "compliance_summary",
    "eligible_suppliers", "load_buyer_defaults", "read_bids", "shift_effect",
    "substitutes", "supplier_compliance", "tender_ranking", "trede_targets", "uplift_by_supplier",
    "uplift_mix", "uplift_plan",
]
