"""pytest at the repository root: doctests of every ``pso_chain`` module are collected
(``--doctest-modules`` in pyproject.toml); modules that need an optional package that is not
installed are left out instead of failing to import."""

from __future__ import annotations

import importlib.util

OPTIONAL = {  # module path pattern -> the optional package (extra) it imports at the top
    "pso_chain/neo4jdb/*.py": "neo4j",
    "pso_chain/web/*.py": "fastapi",
}

collect_ignore_glob = [pattern for pattern, package in OPTIONAL.items()
                       if importlib.util.find_spec(package) is None]
