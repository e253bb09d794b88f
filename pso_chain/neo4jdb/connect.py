"""One way to reach Neo4j: credentials from the settings, errors as one line without secrets.

Credentials come from the settings (:class:`pso_chain.config.Settings`: ``neo4j_user`` /
``neo4j_password``, which the front-ends read from ``NEO4J_USER`` / ``NEO4J_PASSWORD``), else
from the URI's ``user:password@`` part, else — for a server on this machine (loopback) — from
the password file of ``pso-chain neo4j local`` (:mod:`pso_chain.neo4jdb.credentials`); user
``neo4j`` when only a password is known. ``neo4j_database`` (``NEO4J_DATABASE``) picks a
database (the server's default otherwise). Every failure — connection refused, wrong
credentials, unknown database — becomes a :class:`~pso_chain.errors.PsoInputError` naming the
URI without its password.
"""

from __future__ import annotations

import atexit
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

from pso_chain.config import Settings
from pso_chain.errors import Problem, PsoInputError
from pso_chain.neo4jdb.credentials import LOOPBACK_HOSTS, read_local_password

# Server notifications (e.g. "property key does not exist" for an optional column no row has)
# are not errors; without a handler Python would print each one on stderr.
logging.getLogger("neo4j.notifications").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class Target:
    """Where to connect: the URI without credentials, the auth pair and the database."""

    uri: str
    auth: tuple[str, str] | None
    database: str | None
    secret: str | None

    def fail(self, reason: str) -> PsoInputError:
        """A one-line error naming the URI (and database), never the password."""
        where = self.uri if self.database is None else f"{self.uri} (database {self.database})"
        return PsoInputError(Problem(where, None, None, None, redact(reason, self.secret)))


def redact(text: str, secret: str | None) -> str:
    """``text`` with the secret replaced by ``***`` and folded onto one line."""
    text = " ".join(str(text).split())
    if secret:
        text = text.replace(secret, "***")
    return text


def target_of(uri: str, settings: Settings | None = None) -> Target:
    """Split a URI into where to connect and how to authenticate (the settings win over the
    URI; a loopback URI without credentials uses the local server's password file)."""
    settings = settings or Settings()
    parts = urlsplit(str(uri))
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    clean = urlunsplit((parts.scheme, host, parts.path, parts.query, ""))
    user = settings.neo4j_user or user
    if settings.neo4j_password is not None:
        password = settings.neo4j_password
    if password is None and user is None and (parts.hostname or "") in LOOPBACK_HOSTS:
        password = read_local_password(settings)  # pso-chain neo4j local's, when there is one
    if password and not user:
        user = "neo4j"  # Neo4j's default user
    auth = (user, password or "") if user else None
    return Target(clean, auth, settings.neo4j_database or None, password or None)


def _reason(exc: Exception, target: Target) -> str:
    """What went wrong, in words a user can act on."""
    from neo4j import exceptions as ex

    code = getattr(exc, "code", None) or ""
    if isinstance(exc, ex.AuthError) or "Security.Unauthorized" in code:
        return "authentication failed: check NEO4J_USER and NEO4J_PASSWORD"
    if "DatabaseNotFound" in code or "database does not exist" in str(exc).lower():
        return f"database {target.database!r} does not exist on this server (check NEO4J_DATABASE)"
    if isinstance(exc, ex.ServiceUnavailable | ex.SessionExpired | OSError):
        return ("cannot connect to Neo4j (connection refused or server not running; "
                "start one with `pso-chain neo4j local`)")
    if isinstance(exc, ex.ConfigurationError | ValueError):
        return f"not a usable Neo4j URI: {exc}"
    if isinstance(exc, ex.ConstraintError):
        return ("the database holds a different dataset under the same keys "
                f"(use --replace to load this one instead): {getattr(exc, 'message', exc)}")
    return f"Neo4j error {code}: {getattr(exc, 'message', None) or exc}".strip()


@contextmanager
def translated(target: Target) -> Iterator[None]:
    """Turn any driver error raised inside the block into a one-line PsoInputError."""
    from neo4j import exceptions as ex

    try:
        yield
    except PsoInputError:
        raise
    except (ex.Neo4jError, ex.DriverError, OSError, ValueError) as exc:
        raise target.fail(_reason(exc, target)) from None


class Connection:
    """An open driver plus the database to use; sessions and helpers for managed transactions."""

    def __init__(self, target: Target, driver, quiet: bool = False):
        self.target = target
        self.driver = driver
        # Servers speaking Bolt 5.2+ can be asked not to send notifications at all.
        self._extra = {"notifications_min_severity": "OFF"} if quiet else {}

    def session(self, **kwargs):
        return self.driver.session(database=self.target.database, **self._extra, **kwargs)

    def write(self, query: str, **params):
        """Run one write query in a managed transaction (retried on transient errors);
        returns its records as a list of dicts."""
        with self.session() as session:
            return session.execute_write(_records, query, params)

    def read(self, query: str, **params) -> list[dict]:
        """Run one read query in a managed transaction; its records as a list of dicts."""
        with self.session() as session:
            return session.execute_read(_records, query, params)

    def read_values(self, query: str, **params) -> list[dict]:
        """:meth:`read` for queries that return values only (numbers, text, lists and maps of
        them, no nodes or paths): the records as they arrive, without the driver's per-value
        conversion (``Record.data()``), which takes seconds on a million list items."""
        with self.session() as session:
            return session.execute_read(_raw_records, query, params)

    def read_marked(self, query: str, **params) -> tuple[list[dict], tuple[str, ...]]:
        """:meth:`read_values` and the bookmark the server returned for that read: it names the
        last transaction committed to the database, so it changes with every write (by
        anyone), and only then."""
        with self.session() as session:
            records = session.execute_read(_raw_records, query, params)
            return records, tuple(sorted(session.last_bookmarks().raw_values))

    def run_together(self, queries: list[str]) -> None:
        """Several parameterless statements in one transaction (schema commands created
        together are populated by one scan of the store instead of one scan each)."""
        def work(tx) -> None:
            for query in queries:
                tx.run(query).consume()

        with self.session() as session:
            session.execute_write(work)

    def run_auto(self, query: str, **params) -> list[dict]:
        """An auto-commit query (needed for schema commands and ``CALL {} IN TRANSACTIONS``)."""
        with self.session() as session:
            return [r.data() for r in session.run(query, params)]


def _ping() -> str:
    """``queries/source/ping.cypher``: one row, to check the connection and the database."""
    from importlib import resources

    return resources.files("pso_chain.queries").joinpath("source/ping.cypher").read_text(
        encoding="utf-8")


def _records(tx, query: str, params: dict) -> list[dict]:
    return [r.data() for r in tx.run(query, params)]


def _raw_records(tx, query: str, params: dict) -> list[dict]:
    result = tx.run(query, params)
    keys = result.keys()
    return [dict(zip(keys, r.values(), strict=True)) for r in result]


_KEPT: dict[tuple, tuple] = {}  # connect(keep=True): (pid, where, auth, ...) -> (driver, quiet)


def _close_kept() -> None:
    for driver, _ in _KEPT.values():
        driver.close()
    _KEPT.clear()


@contextmanager
def connect(uri: str, settings: Settings | None = None, *, keep: bool = False
            ) -> Iterator[Connection]:
    """An open, verified connection to ``uri`` (credentials and database from ``settings``, see
    :func:`target_of`); every error inside is one line without secrets. ``keep``: the driver
    (its pool of connections) stays open for this process's next ``keep`` call to the same
    place, which then skips connecting and the check (its first query reports any problem):
    for the one cheap query before every verb on a URI (:mod:`pso_chain.neo4jdb.cached`)."""
    try:
        from neo4j import GraphDatabase
    except ImportError:  # pragma: no cover - depends on the install
        raise PsoInputError(Problem(str(uri).split("@")[-1], None, None, None,
                                    "the neo4j driver is not installed: pip install 'pso-chain[neo4j]'")
                            ) from None
    settings = settings or Settings()
    target = target_of(uri, settings)
    key = (os.getpid(), target.uri, target.auth, target.database, settings.neo4j_retry_seconds)
    if keep and key in _KEPT:
        driver, quiet = _KEPT[key]
        with translated(target):
            yield Connection(target, driver, quiet)
        return
    with translated(target):
        driver = GraphDatabase.driver(target.uri, auth=target.auth,
                                      max_transaction_retry_time=settings.neo4j_retry_seconds,
                                      connection_acquisition_timeout=30.0)
    try:
        with translated(target):
            with driver.session(database=target.database) as session:
                session.run(_ping()).consume()
            quiet = tuple(driver.get_server_info().protocol_version) >= (5, 2)
    except BaseException:
        driver.close()
        raise
    if keep:
        if not _KEPT:
            atexit.register(_close_kept)
        _KEPT[key] = (driver, quiet)
        with translated(target):
            yield Connection(target, driver, quiet)
        return
    try:
        with translated(target):
            yield Connection(target, driver, quiet)
    finally:
        driver.close()
