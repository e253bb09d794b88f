"""Social return (SROI): contracts with an obligation, the ways a supplier fulfils it, and what
remains — valued by the building-blocks approach in ``data/sroi-bouwblokken.toml``."""

from pso_chain.social_return.compute import KINDS, SroiResult, sroi_progress
from pso_chain.social_return.settings import SroiSettings, load_sroi_settings
from pso_chain.social_return.tables import read_contracts, read_realisations

__all__ = ["KINDS", "SroiResult", "SroiSettings", "load_sroi_settings", "read_contracts",
           "read_realisations", "sroi_progress"]
