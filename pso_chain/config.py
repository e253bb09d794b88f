"""The tool's settings: one object, built once at the edge and passed down.

:class:`Settings` holds every setting of the tool itself (not the PSO rules, which are data:
``pso_chain.rules``): where compiled networks and tool builds are cached, how to reach Neo4j,
which Java and Maven to run, the web app's worker configuration. The front-ends build it —
the CLI from its options (``pso_chain.commands.options``), the web app from its configuration —
with :func:`from_environment`, **the only function of the package that reads the process
environment**; library functions take ``settings: Settings | None = None`` (``None`` means
``Settings()``, the defaults, never the environment) or the one value they need.

    settings = from_environment()                 # the environment, as a command sees it
    settings = from_environment(cache=False)      # ... with an option on top
    settings = Settings(cache_dir=Path("/tmp/x"))  # a notebook or a test: no environment at all

A child process (the Neo4j JVM, ``neo4j-admin``, web workers) gets a copy of the environment
from :func:`child_environment`, with the settings written back as variables, so it sees what
this process was told.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "pso-chain"

# The environment variables, one per setting (the CLI's options win over them).
ENV = {
    "cache": "PSO_CHAIN_NO_CACHE",  # 1/true/yes: read and validate the tables every time
    "cache_dir": "PSO_CHAIN_CACHE",  # a folder for every dataset's compiled network
    "tool_cache_dir": "PSO_CHAIN_CACHE_DIR",  # the Neo4j launcher's builds
    "neo4j_user": "NEO4J_USER",
    "neo4j_password": "NEO4J_PASSWORD",
    "neo4j_database": "NEO4J_DATABASE",
    "neo4j_password_file": "PSO_CHAIN_NEO4J_PASSWORD_FILE",  # the local server's password
    "neo4j_retry_seconds": "PSO_CHAIN_NEO4J_RETRY_SECONDS",
    "java_home": "JAVA_HOME",
    "java": "PSO_CHAIN_JAVA",
    "mvn": "PSO_CHAIN_MVN",
    "lang": "PSO_CHAIN_LANG",
    "serve_config": "PSO_CHAIN_SERVE_CONFIG",  # JSON: how `serve --workers N` configures a worker
}
TRUE = ("1", "true", "yes", "on")
MAX_RETRY_SECONDS = 30.0  # how long the Neo4j driver retries a managed transaction


def user_cache_dir() -> Path:
    """The user's cache folder for pso-chain (``~/.cache/pso-chain`` on Linux)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    """The user's configuration folder for pso-chain (``~/.config/pso-chain`` on Linux)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class Settings:
    """Every setting of the tool; the defaults are what a fresh user gets.

    Attributes
    ----------
    cache : bool
        Open dataset folders through their compiled network (``--no-cache``: False).
    cache_dir : Path or None
        Where compiled networks live; None: :attr:`compiled_root` (the user's cache folder).
    tool_cache_dir : Path or None
        Where the Neo4j launcher is built; None: the user's cache folder.
    neo4j_user, neo4j_password, neo4j_database : str or None
        Credentials and database for a Neo4j URI (the URI's ``user:password@`` otherwise;
        for ``pso-chain neo4j local`` the password in :attr:`neo4j_password_path`).
    neo4j_password_file : Path or None
        The local server's password file; None: :attr:`neo4j_password_path`'s default.
    neo4j_retry_seconds : float
        How long the driver retries a managed transaction on transient errors.
    java_home, java, mvn : Path, str or None
        The Java runtime and Maven to run (found on ``PATH`` otherwise).
    lang : str
        Language of what a person reads (``nl`` or ``en``).
    serve_config : str or None
        The web workers' configuration (JSON), set by ``pso-chain serve --workers N``.
    """

    cache: bool = True
    cache_dir: Path | None = None
    tool_cache_dir: Path | None = None
    neo4j_user: str | None = None
    neo4j_password: str | None = field(default=None, repr=False)
    neo4j_database: str | None = None
    neo4j_password_file: Path | None = None
    neo4j_retry_seconds: float = MAX_RETRY_SECONDS
    java_home: Path | None = None
    java: str | None = None
    mvn: str | None = None
    lang: str = "nl"
    serve_config: str | None = field(default=None, repr=False)

    @property
    def compiled_root(self) -> Path:
        """The folder holding every dataset's compiled network."""
        return Path(self.cache_dir).expanduser() if self.cache_dir else user_cache_dir() / "compiled"

    @property
    def launcher_root(self) -> Path:
        """The folder holding the Neo4j launcher's builds."""
        base = Path(self.tool_cache_dir).expanduser() if self.tool_cache_dir else user_cache_dir()
        return base / "neo4j-launcher"

    @property
    def neo4j_password_path(self) -> Path:
        """The local Neo4j server's password file (0600): ``neo4j_password_file`` or
        ``neo4j-password`` in the user's configuration folder."""
        if self.neo4j_password_file:
            return Path(self.neo4j_password_file).expanduser()
        return user_config_dir() / "neo4j-password"

    def replace(self, **changes: Any) -> Settings:
        """A copy with some settings changed (``None`` values are ignored)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


def _parse(name: str, text: str) -> Any:
    if name == "cache":  # the variable says *no* cache
        return text.strip().lower() not in TRUE
    if name == "neo4j_retry_seconds":
        try:
            return float(text)
        except ValueError:
            return MAX_RETRY_SECONDS
    if name in ("cache_dir", "tool_cache_dir", "neo4j_password_file", "java_home"):
        return Path(text).expanduser()
    return text


def from_environment(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """The settings from the environment (``os.environ`` unless given), then ``overrides``
    (a front-end's options; ``None`` values are ignored).

    Empty variables count as unset. This is the one place that reads the environment.
    """
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for name, variable in ENV.items():
        text = environ.get(variable)
        if text is not None and (text.strip() or name == "neo4j_password"):
            values[name] = _parse(name, text)
    unknown = set(overrides) - {f.name for f in dataclasses.fields(Settings)}
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)


def to_environment(settings: Settings) -> dict[str, str]:
    """The variables that give ``settings`` back through :func:`from_environment` (the ones
    that differ from the defaults)."""
    default = Settings()
    out: dict[str, str] = {}
    for name, variable in ENV.items():
        value = getattr(settings, name)
        if value == getattr(default, name):
            continue
        if name == "cache":
            out[variable] = "0" if value else "1"
        elif value is not None:
            out[variable] = str(value)
    return out


def child_environment(settings: Settings | None = None, extra: Mapping[str, str] | None = None,
                      *, without: tuple[str, ...] = ()) -> dict[str, str]:
    """A copy of this process's environment for a child process: ``settings`` written back as
    variables, then ``extra``; the variables named in ``without`` left out (e.g. a password
    the child gets another way)."""
    env = dict(os.environ)
    if settings is not None:
        env.update(to_environment(settings))
    env.update(extra or {})
    for name in without:
        env.pop(name, None)
    return env


def export_for_child_processes(values: Mapping[str, str]) -> None:
    """Put ``values`` into this process's environment, for child processes that a library
    starts without taking an environment (uvicorn's ``--workers``): the one place that writes
    the environment. Anything else gets :func:`child_environment` instead."""
    os.environ.update(values)


def environment_variable(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """One variable a user named (``serve --auth-token-env NAME``), read at the edge."""
    return (os.environ if environ is None else environ).get(name)


def terminal_width_set(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``COLUMNS`` is set (rich reads it itself for the terminal's width)."""
    return "COLUMNS" in (os.environ if environ is None else environ)
