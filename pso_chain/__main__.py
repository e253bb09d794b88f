"""``pso-chain`` (the console script) and ``python -m pso_chain``."""

from __future__ import annotations

from pso_chain.cli import main

if __name__ == "__main__":
    main()
