"""Server-side state that every worker process shares: the server's secret, browser sessions
and failed logins, kept in the data folder so that ``--workers N`` behave as one server.

- The **secret** is 32 random bytes in a 0600 file (``serve-secret``), made on first start;
  nothing about it follows from the users file or the token. It keys the session ids' hashes
  and the download ids' signatures.
- A **session** is a random id (256 bits) in the cookie; the store (SQLite, ``sessions.sqlite``,
  0600) keeps only an HMAC of it, with the user, a fingerprint of the user's credential (a new
  password or token ends old sessions) and an expiry. Logout deletes the row.
- **Failed logins** are counted per client address and per user name; after
  :data:`MAX_FAILURES` in :data:`FAILURE_WINDOW` seconds further attempts get 429 until the
  window has passed, whatever the password.

Every call opens its own short SQLite connection: handlers run in a thread pool, and several
worker processes write the same file (SQLite's locking serialises them).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import stat
import time
from pathlib import Path

from pso_chain.errors import Problem, PsoInputError

SECRET_FILE = "serve-secret"
STORE_FILE = "sessions.sqlite"
SESSION_SECONDS = 8 * 3600  # a session ends 8 hours after login
MAX_FAILURES = 5  # failed logins per client and per user name ...
FAILURE_WINDOW = 60.0  # ... in this many seconds, then 429
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)


def private_dir(path: str | Path) -> Path:
    """``path`` made if missing, readable by its owner only."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def load_secret(folder: str | Path) -> bytes:
    """The server's secret from ``folder/serve-secret``, made (0600) on first use. A file that
    others may read is refused: a secret anyone can read signs nothing."""
    path = Path(folder) / SECRET_FILE
    try:
        private_dir(folder)
        if not path.exists():  # written whole, then linked: workers starting together read one secret
            tmp = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(secrets.token_bytes(32))
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise PsoInputError(Problem(str(path), None, None, None,
                                        "others may read the server's secret: chmod 600 it"))
        secret = path.read_bytes()
    except OSError as exc:
        raise PsoInputError(Problem(str(path), None, None, None,
                                    f"cannot keep the server's secret here: {exc.strerror}")) from None
    if len(secret) < 32:
        raise PsoInputError(Problem(str(path), None, None, None,
                                    "holds no secret (remove it; the server makes a new one)"))
    return secret


class SessionStore:
    """Sessions and failed logins in one SQLite file (see the module's docstring)."""

    def __init__(self, folder: str | Path, secret: bytes, session_seconds: float = SESSION_SECONDS):
        self.path = private_dir(folder) / STORE_FILE
        self.secret = secret
        self.session_seconds = session_seconds
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS sessions (key TEXT PRIMARY KEY, name TEXT NOT NULL, "
                       "admin INTEGER NOT NULL, credential TEXT NOT NULL, expires REAL NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS failures (who TEXT NOT NULL, at REAL NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS failures_who ON failures (who, at)")

    def _db(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 10000")
        return db

    def _key(self, session_id: str) -> str:
        return hmac.new(self.secret, session_id.encode("ascii"), hashlib.sha256).hexdigest()

    def fingerprint(self, credential: str) -> str:
        """What a session remembers of the credential it was opened with (not the credential)."""
        return hmac.new(self.secret, b"credential\0" + credential.encode(), hashlib.sha256).hexdigest()

    def open(self, name: str, admin: bool, credential: str) -> str:
        """A new session for ``name``; returns the id for the cookie."""
        session_id = secrets.token_urlsafe(32)
        now = time.time()
        db = self._db()
        try:
            db.execute("DELETE FROM sessions WHERE expires < ?", (now,))
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                       (self._key(session_id), name, int(admin), self.fingerprint(credential),
                        now + self.session_seconds))
        finally:
            db.close()
        return session_id

    def lookup(self, session_id: str) -> tuple[str, bool, str] | None:
        """``(name, admin, credential fingerprint)`` of a live session, else None (also for a
        cookie value that is no session id at all)."""
        if not SESSION_ID.match(session_id):
            return None
        db = self._db()
        try:
            row = db.execute("SELECT name, admin, credential FROM sessions WHERE key = ? AND expires > ?",
                             (self._key(session_id), time.time())).fetchone()
        finally:
            db.close()
        return None if row is None else (str(row[0]), bool(row[1]), str(row[2]))

    def close(self, session_id: str) -> None:
        """End a session (logout): its id is refused from now on."""
        if not SESSION_ID.match(session_id):
            return
        db = self._db()
        try:
            db.execute("DELETE FROM sessions WHERE key = ?", (self._key(session_id),))
        finally:
            db.close()

    # --- failed logins ---------------------------------------------------------------------
    def _who(self, kind: str, value: str) -> str:
        return hmac.new(self.secret, f"{kind}\0{value}".encode(), hashlib.sha256).hexdigest()

    def blocked_for(self, client: str, name: str | None) -> float:
        """Seconds until ``client`` (and ``name``) may try again; 0 when they may now."""
        now = time.time()
        keys = [self._who("client", client)] + ([self._who("user", name)] if name else [])
        db = self._db()
        try:
            wait = 0.0
            for key in keys:
                rows = db.execute("SELECT at FROM failures WHERE who = ? AND at > ? ORDER BY at",
                                  (key, now - FAILURE_WINDOW)).fetchall()
                if len(rows) >= MAX_FAILURES:
                    wait = max(wait, rows[-MAX_FAILURES][0] + FAILURE_WINDOW - now)
        finally:
            db.close()
        return wait

    def failed(self, client: str, name: str | None) -> None:
        """Count a failed login of ``client`` (and of the user ``name``)."""
        now = time.time()
        db = self._db()
        try:
            db.execute("DELETE FROM failures WHERE at < ?", (now - FAILURE_WINDOW,))
            db.execute("INSERT INTO failures VALUES (?, ?)", (self._who("client", client), now))
            if name:
                db.execute("INSERT INTO failures VALUES (?, ?)", (self._who("user", name), now))
        finally:
            db.close()
