"""pso-chain: PSO scoring, social-purchasing credit and olievlek analysis.

>>> import pso_chain
>>> net = pso_chain.load_example()
>>> bool(pso_chain.credits(net)["trede"].notna().any())
True
"""

__version__ = "0.1.0"  # before the imports: modules below read it

from pso_chain.api import (
    aspirants,
    audit_file,
    cascades,
    compliance,
    counting_spend,
    credits,
    discount_table,
    embodied,
    example_path,
    explain,
    exposure,
    history,
    import_books,
    load_example,
    municipality,
    open,
    quickscan,
    report,
    seeds,
    simulate,
    sroi,
    stats,
    substitutes,
    suppliers,
    tender,
    tour,
    uplift,
    validate_dataset,
    what_if,
)
from pso_chain.errors import PsoInputError
from pso_chain.network import PurchaseNetwork
from pso_chain.rules import Rules, load_rules
from pso_chain.sources import DatabaseNetwork

__all__ = [
    "DatabaseNetwork", "PsoInputError", "PurchaseNetwork", "Rules", "__version__", "aspirants",
    "audit_file", "cascades", "compliance", "counting_spend", "credits", "discount_table", "embodied",
    "example_path", "explain", "exposure", "history", "import_books", "load_example", "load_rules",
    "municipality",
    "open", "quickscan", "report", "seeds", "simulate", "sroi", "stats", "substitutes", "suppliers",
    "tender", "tour", "uplift", "validate_dataset", "what_if",
]
