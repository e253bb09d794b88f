"""The password of ``pso-chain neo4j local``: random, made on first start, kept in a 0600 file.

The file is ``Settings.neo4j_password_path`` (``~/.config/pso-chain/neo4j-password`` on Linux,
or ``PSO_CHAIN_NEO4J_PASSWORD_FILE``), in a folder only its owner can enter. The project's own
commands read it when they connect to a server on this machine without other credentials
(:func:`pso_chain.neo4jdb.connect.target_of`); Neo4j Browser or Bloom take it as the password
of user ``neo4j``. A password given in the settings (``NEO4J_PASSWORD``) is used instead and
never written. The password is never printed or logged.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from pso_chain.config import Settings

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
MIN_LENGTH = 8  # Neo4j's dbms.security.auth_minimum_password_length


class CredentialsError(Exception):
    """The password file cannot be made or read safely (the message names the file only)."""


def _private(path: Path) -> None:
    """``path`` readable by its owner only: a looser file is tightened before use."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        path.chmod(0o600)


def read_local_password(settings: Settings | None = None) -> str | None:
    """The local server's password from its file, or None when there is no file yet."""
    path = (settings or Settings()).neo4j_password_path
    try:
        _private(path)
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CredentialsError(f"cannot read the Neo4j password file {path}: "
                               f"{exc.strerror or type(exc).__name__}") from None
    return text or None


def local_password(settings: Settings | None = None) -> str:
    """The password ``pso-chain neo4j local`` starts with: the settings' ``neo4j_password``,
    else the password file's, else a new random one written to that file (0600, in a 0700
    folder; created exclusively, so two first starts agree on one password)."""
    settings = settings or Settings()
    if settings.neo4j_password:
        if len(settings.neo4j_password) < MIN_LENGTH:
            raise CredentialsError(f"NEO4J_PASSWORD must have at least {MIN_LENGTH} characters "
                                   "for a local server")
        return settings.neo4j_password
    known = read_local_password(settings)
    if known:
        return known
    path = settings.neo4j_password_path
    password = secrets.token_urlsafe(24)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another first start won: use its password
        known = read_local_password(settings)
        if known:
            return known
        raise CredentialsError(f"the Neo4j password file {path} is empty") from None
    except OSError as exc:
        raise CredentialsError(f"cannot write the Neo4j password file {path}: "
                               f"{exc.strerror or type(exc).__name__}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    return password
