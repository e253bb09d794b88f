"""pso-chain: PSO scoring, social-purchasing credit and olievlek analysis.

>>> import pso_chain
>>> net = pso_chain.load_example()
>>> bool(pso_chain.credits(net)["trede"].notna().any())
True

The public names are the verbs of :mod:`pso_chain.api` (one function per verb) and the types they
take and return; the package layout behind them is described in docs/architecture.md.
"""

from __future__ import annotations

__version__ = "0.1.0"

from pso_chain.api.frames import from_frames, from_networkx  # noqa: E402
from pso_chain.api.olievlek import leontief  # noqa: E402
from pso_chain.api.olievlek_models import (  # noqa: E402
    budget_seeds,
    calibrate,
    history_baseline,
    simulate_runs,
)
from pso_chain.api.verbs import (  # noqa: E402
    Network,
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
    load_rules,
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
from pso_chain.core.network import PurchaseNetwork  # noqa: E402
from pso_chain.errors import PsoInputError  # noqa: E402
from pso_chain.neo4jdb.database import DatabaseNetwork  # noqa: E402

__all__ = [
    "budget_seeds", "calibrate", "history_baseline", "simulate_runs",
    "DatabaseNetwork", "Network", "PsoInputError", "PurchaseNetwork", "Rules", "__version__",
    "aspirants", "audit_file", "cascades", "compliance", "counting_spend", "credits", "discount_table",
    "embodied", "example_path", "explain", "exposure", "from_frames", "from_networkx", "history",
    "import_books", "leontief", "load_example",
    "load_rules", "municipality", "open", "quickscan", "report", "seeds", "simulate", "sroi", "stats",
    "substitutes", "suppliers", "tender", "tour", "uplift", "validate_dataset", "what_if",
]
