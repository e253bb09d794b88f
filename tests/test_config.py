"""One settings object (pso_chain.config): built at the edge from the environment and options,
handed down; no other module of the package reads the environment."""

from __future__ import annotations

import ast
import os
import stat
from pathlib import Path

import pytest

from pso_chain import config
from pso_chain.config import (
    ENV,
    Settings,
    child_environment,
    from_environment,
    to_environment,
)
from pso_chain.neo4jdb.connect import target_of
from pso_chain.neo4jdb.credentials import local_password, read_local_password

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*sorted((ROOT / "pso_chain").rglob("*.py")), *sorted((ROOT / "loaders").rglob("*.py"))]


def _environment_reads(path: Path) -> list[str]:
    """Where a module touches the environment: ``os.environ``, ``os.getenv``, ``os.putenv``,
    or ``environ``/``getenv`` imported from ``os``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "environb", "getenv", "putenv",
                                                             "unsetenv"):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            names = {a.name for a in node.names} & {"environ", "environb", "getenv", "putenv"}
            found += [f"{path.relative_to(ROOT)}:{node.lineno} from os import {n}" for n in names]
    return found


def test_only_the_settings_builder_reads_the_environment() -> None:
    reads = [hit for path in SOURCES if path != ROOT / "pso_chain" / "config.py"
             for hit in _environment_reads(path)]
    assert reads == [], "read the environment through pso_chain.config:\n" + "\n".join(reads)
    assert _environment_reads(ROOT / "pso_chain" / "config.py")  # the scan does see them


def test_defaults_never_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ENV.values():
        monkeypatch.setenv(variable, "1")
    assert Settings().cache and Settings().neo4j_password is None and Settings().cache_dir is None


def test_from_environment_reads_every_setting_and_options_win(tmp_path: Path) -> None:
    environ = {"PSO_CHAIN_NO_CACHE": "yes", "PSO_CHAIN_CACHE": str(tmp_path / "c"),
               "PSO_CHAIN_CACHE_DIR": str(tmp_path / "t"), "NEO4J_USER": "ann",
               "NEO4J_PASSWORD": "s3cret-pass", "NEO4J_DATABASE": "pso",
               "PSO_CHAIN_NEO4J_PASSWORD_FILE": str(tmp_path / "pw"),
               "PSO_CHAIN_NEO4J_RETRY_SECONDS": "3", "JAVA_HOME": str(tmp_path / "jdk"),
               "PSO_CHAIN_JAVA": "/opt/java", "PSO_CHAIN_MVN": "/opt/mvn", "PSO_CHAIN_LANG": "en",
               "PSO_CHAIN_SERVE_CONFIG": "{}", "UNRELATED": "x"}
    s = from_environment(environ)
    assert (s.cache, s.cache_dir, s.tool_cache_dir) == (False, tmp_path / "c", tmp_path / "t")
    assert (s.neo4j_user, s.neo4j_password, s.neo4j_database) == ("ann", "s3cret-pass", "pso")
    assert (s.neo4j_password_path, s.neo4j_retry_seconds) == (tmp_path / "pw", 3.0)
    assert (s.java_home, s.java, s.mvn, s.lang, s.serve_config) == (
        tmp_path / "jdk", "/opt/java", "/opt/mvn", "en", "{}")
    assert s.compiled_root == tmp_path / "c" and s.launcher_root == tmp_path / "t" / "neo4j-launcher"
    assert "s3cret-pass" not in repr(s)  # a password is never printed with the settings
    assert from_environment(environ) == from_environment(to_environment(s))  # a child sees the same
    over = from_environment(environ, cache=True, cache_dir=tmp_path / "o", lang=None)
    assert over.cache and over.cache_dir == tmp_path / "o" and over.lang == "en"
    assert from_environment({"PSO_CHAIN_NO_CACHE": "0", "NEO4J_USER": " "}) == Settings()
    with pytest.raises(TypeError, match="colour"):
        from_environment({}, colour="red")


def test_user_folders_by_default() -> None:
    s = Settings()
    assert s.compiled_root == config.user_cache_dir() / "compiled"
    assert s.launcher_root == config.user_cache_dir() / "neo4j-launcher"
    assert s.neo4j_password_path == config.user_config_dir() / "neo4j-password"


def test_child_environment_carries_the_settings(tmp_path: Path) -> None:
    s = Settings(cache=False, cache_dir=tmp_path, neo4j_password="p4ssword!")
    env = child_environment(s, {"EXTRA": "1"}, without=("NEO4J_PASSWORD",))
    assert env["PSO_CHAIN_NO_CACHE"] == "1" and env["PSO_CHAIN_CACHE"] == str(tmp_path)
    assert env["EXTRA"] == "1" and "NEO4J_PASSWORD" not in env
    assert env.get("PATH") == os.environ.get("PATH")  # the rest of this process's environment


def test_the_local_password_file_is_private_and_made_once(tmp_path: Path) -> None:
    s = Settings(neo4j_password_file=tmp_path / "cfg" / "neo4j-password")
    assert read_local_password(s) is None
    first = local_password(s)
    assert len(first) >= 24 and local_password(s) == first == read_local_password(s)
    path = s.neo4j_password_path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    path.chmod(0o644)  # loosened by hand: tightened before use
    assert read_local_password(s) == first and stat.S_IMODE(path.stat().st_mode) == 0o600
    given = Settings(neo4j_password="given-password", neo4j_password_file=tmp_path / "other")
    assert local_password(given) == "given-password" and not (tmp_path / "other").exists()
    # a client of a loopback server without other credentials uses the file; others do not
    assert target_of("bolt://127.0.0.1:7687", s).auth == ("neo4j", first)
    assert target_of("bolt://localhost:7687", s).auth == ("neo4j", first)
    assert target_of("bolt://db.example.org:7687", s).auth is None
    assert target_of("bolt://ann:pw@127.0.0.1:1", s).auth == ("ann", "pw")
    assert target_of("bolt://127.0.0.1:1", given).auth == ("neo4j", "given-password")
