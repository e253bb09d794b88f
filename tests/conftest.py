"""Shared pytest fixtures."""

from tests.neo4j_fixtures import neo4j_server  # noqa: F401 - the session Neo4j fixture
