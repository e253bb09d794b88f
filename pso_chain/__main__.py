"""``pso-chain`` (the console script) and ``python -m pso_chain``: the command goes to a warm
worker when one runs (:mod:`pso_chain.warm`), and otherwise runs in this process."""

from __future__ import annotations

import sys


def main() -> None:
    from pso_chain.warm.client import forward

    status = forward(sys.argv[1:])
    if status is not None:
        sys.exit(status)
    from pso_chain.cli import main as run_here

    run_here()


if __name__ == "__main__":
    main()
