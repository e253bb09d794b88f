"""pso-chain: PSO scoring, social-purchasing credit and olievlek analysis."""

__version__ = "0.1.0"
