"""pso-chain: PSO scoring, social-purchasing credit and olievlek analysis.

>>> import pso_chain
>>> net = pso_chain.load_example()
>>> bool(pso_chain.credits(net)["trede"].notna().any())
True

The names below are imported on first use (PEP 562), so ``import pso_chain`` and the command
line's start (which may hand the command to a warm worker, :mod:`pso_chain.warm`) do not load
pandas and the engine before they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_API = ("aspirants", "audit_file", "cascades", "compliance", "counting_spend", "credits", "discount_table",
        "embodied", "example_path", "explain", "exposure", "history", "import_books", "load_example",
        "municipality", "open", "quickscan", "report", "seeds", "simulate", "sroi", "stats", "substitutes",
        "suppliers", "tender", "tour", "uplift", "validate_dataset", "what_if")
_WHERE: dict[str, str] = {
    **{name: "pso_chain.api" for name in _API},
    "DatabaseNetwork": "pso_chain.sources", "PsoInputError": "pso_chain.errors",
    "PurchaseNetwork": "pso_chain.network", "Rules": "pso_chain.rules", "load_rules": "pso_chain.rules",
}

__all__ = sorted([*_WHERE, "__version__"])


def __getattr__(name: str) -> Any:
    """The public names from their modules; a subpackage (``pso_chain.olievlek``) as itself."""
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value  # once: later lookups do not come here
        return value
    if not name.startswith("__"):
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


if TYPE_CHECKING:  # what the names are, for mypy and editors
    from pso_chain.api import (  # noqa: F401
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
    from pso_chain.errors import PsoInputError  # noqa: F401
    from pso_chain.network import PurchaseNetwork  # noqa: F401
    from pso_chain.rules import Rules, load_rules  # noqa: F401
    from pso_chain.sources import DatabaseNetwork  # noqa: F401
