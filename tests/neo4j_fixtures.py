"""The ``neo4j_server`` fixture: one throwaway local Neo4j per test session (per xdist worker).

Outside CI a server that cannot start (no Java or Maven, no network for the first build)
skips the ``neo4j`` tests with the reason; under ``CI=true`` it fails them instead, so a
broken setup cannot pass silently. Build ahead of time with ``scripts/prepare-neo4j``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import NoReturn

import pytest

from pso_chain.neo4jdb.server import LocalNeo4j


def in_ci() -> bool:
    """Whether the tests run under CI (``CI=true``), where an unavailable Neo4j is a failure."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def neo4j_unavailable(reason: str) -> NoReturn:
    """Fail under CI, skip elsewhere."""
    if in_ci():
        pytest.fail(f"Neo4j is required under CI=true: {reason}", pytrace=False)
    pytest.skip(f"no local Neo4j: {reason}")


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[LocalNeo4j]:
    """A started :class:`LocalNeo4j` (temporary data), stopped after the session. It runs with
    the user's local password (the 0600 password file, made on first start), which the
    project's clients read for a loopback URI: tests connect as a user's commands do."""
    try:
        import neo4j  # noqa: F401
    except ImportError:
        neo4j_unavailable("the neo4j driver is not installed (pip install 'pso-chain[neo4j]')")
    server = LocalNeo4j(heap="1g")
    try:
        server.start()
    except Exception as exc:  # noqa: BLE001 - any reason it cannot start is reported
        neo4j_unavailable(f"{type(exc).__name__}: {exc}")
    try:
        yield server
    finally:
        server.stop()
