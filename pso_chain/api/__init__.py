"""The public API: open a source, then one function per verb (re-exported by ``pso_chain``).

- :mod:`~pso_chain.api.verbs` — opening a source, scoring, explaining, the import and the tour;
- :mod:`~pso_chain.api.buyers` — a buyer's questions (uplift, suppliers, substitutes, tenders);
- :mod:`~pso_chain.api.olievlek` — how certification spreads, embodied FTE, the municipal report;
- :mod:`~pso_chain.api.olievlek_models` — the olievlek fitted (calibrate), its uncertainty
  (stochastic runs), seeds under a budget and history's baseline;
- :mod:`~pso_chain.api.views` — what a front-end shows beside a verb (municipality, what-if);
- :mod:`~pso_chain.api.outputs` — tables and files derived from a verb's result;
- :mod:`~pso_chain.api.frames` — a network from DataFrames or a networkx graph.
"""

from pso_chain.api.frames import from_frames, from_networkx
from pso_chain.api.olievlek import leontief
from pso_chain.api.olievlek_models import budget_seeds, calibrate, history_baseline, simulate_runs
from pso_chain.api.verbs import (
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
    supplier_spend,
    suppliers,
    tender,
    tour,
    uplift,
    validate_dataset,
    what_if,
)

__all__ = [
    "budget_seeds", "calibrate", "history_baseline", "simulate_runs",
    "Network", "aspirants", "audit_file", "cascades", "compliance", "counting_spend", "credits",
    "discount_table", "embodied", "example_path", "explain", "exposure", "from_frames", "from_networkx",
    "history", "import_books", "leontief",
    "load_example", "load_rules", "municipality", "open", "quickscan", "report", "seeds", "simulate",
    "sroi", "stats", "substitutes", "supplier_spend", "suppliers", "tender", "tour", "uplift",
    "validate_dataset", "what_if",
]
