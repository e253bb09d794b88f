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

from pso_chain.api import *  # noqa: E402,F403  (every verb; the list is api.__all__)
from pso_chain.api import __all__ as _verbs  # noqa: E402
from pso_chain.config import Settings  # noqa: E402
from pso_chain.core.network import PurchaseNetwork  # noqa: E402
from pso_chain.errors import PsoInputError  # noqa: E402
from pso_chain.neo4jdb.database import DatabaseNetwork  # noqa: E402
from pso_chain.rules import Rules  # noqa: E402

__all__ = [*_verbs, "DatabaseNetwork", "PsoInputError", "PurchaseNetwork", "Rules", "Settings",
           "__version__"]
